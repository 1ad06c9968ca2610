package main

import (
	"fmt"
	"testing"

	"govchat/internal/demo"
	"govchat/internal/e2e"
	"govchat/protocol"
)

// TestKeysAreWired checks the keys service is in the server as it runs: a key pair
// stored and read back, the escrow key the security officer's alone, and a channel's
// keys and files for its members. The rules are tested in internal/httpapi.
func TestKeysAreWired(t *testing.T) {
	base, _ := startServer(t, "--data", t.TempDir())
	staff := loginToken(t, base, "zhangjing", demo.Password)
	admin := loginToken(t, base, "zhoutao", demo.Password)
	officer := loginToken(t, base, "zhaomin", demo.Password)

	if code, err := call(t, "GET", base+"/api/v1/me/key", staff, nil, nil); code != 404 || err != protocol.CodeNotFound {
		t.Fatalf("before the first key: %d %s", code, err)
	}
	_, pub, err := e2e.GenerateKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	id, _ := e2e.KeyID(pub)
	put := protocol.PutMyKeyRequest{PublicKey: e2e.Encode(pub), Wrapped: e2e.Encode(make([]byte, 60)), Salt: e2e.Encode(make([]byte, 16)), Iterations: e2e.MinIterations}
	var mine protocol.MyKey
	if code, err := call(t, "PUT", base+"/api/v1/me/key", staff, put, &mine); code != 200 || mine.KeyID != id {
		t.Fatalf("put: %d %s %+v", code, err, mine)
	}

	escrow := protocol.SetEscrowKeyRequest{PublicKey: e2e.Encode(pub)}
	if code, err := call(t, "PUT", base+"/api/v1/admin/escrow-key", admin, escrow, nil); code != 403 || err != protocol.CodeForbidden {
		t.Fatalf("the administrator set the escrow key: %d %s", code, err)
	}
	if code, err := call(t, "PUT", base+"/api/v1/admin/escrow-key", officer, escrow, nil); code != 200 {
		t.Fatalf("the security officer: %d %s", code, err)
	}

	section := channelNamed(t, base, staff, "预算编制组")
	var ks protocol.UserKeys
	if code, _ := call(t, "GET", fmt.Sprintf("%s/api/v1/channels/%d/keys", base, section.ID), staff, nil, &ks); code != 200 || len(ks.Keys) != 1 {
		t.Fatalf("channel keys: %d %+v", code, ks)
	}
	var fs protocol.ChannelFiles
	if code, _ := call(t, "GET", fmt.Sprintf("%s/api/v1/channels/%d/files", base, section.ID), staff, nil, &fs); code != 200 || len(fs.Files) != 0 {
		t.Fatalf("群文件: %d %+v", code, fs)
	}
}
