package audit

import (
	"bytes"
	"encoding/hex"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"govchat/internal/store"
)

// vectorTrail is docs/audit.md's worked example: three entries, their chain and leaf
// hashes, the tree's root and the checkpoint signed with the seed 32×0x01.
func vectorTrail() []store.AuditEvent {
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	es := []store.AuditEvent{
		{ID: 1, At: at, ActorID: 4, ActorName: "zhaomin", Action: "auth.login", TargetType: "session", TargetID: "1", Outcome: "ok", IP: "10.0.0.4", RequestID: "r1"},
		{ID: 2, At: at.Add(time.Second), ActorID: 4, ActorName: "zhaomin", Action: "audit.read", TargetType: "audit", Outcome: "ok", IP: "10.0.0.4", RequestID: "r2", Detail: `{"read":"status"}`},
		{ID: 3, At: at.Add(2 * time.Second), ActorID: 3, ActorName: "zhangjing", Action: "file.download", TargetType: "file", TargetID: "42", Outcome: "ok", IP: "10.0.0.3", RequestID: "r3"},
	}
	var prev []byte
	for i := range es {
		es[i].PrevHash = prev
		es[i].Hash = Hash(es[i], prev)
		prev = es[i].Hash
	}
	return es
}

const (
	vectorOrigin = "chat.example.gov.cn/govchat-audit"
	vectorVKey   = "chat.example.gov.cn/govchat-audit+e0655746+AYqI4910CfGV/VLbLTy6XXLKZwm/HZQSG/N0iAG0D29c"
)

var vectorChain = []string{
	"1d8d6e8953a7a6af0bac96c21ab121017ef1e1c922229533c907d7ba3de008d3",
	"35733e7e362130c9168878612eb348d2f561f54a02b9aba4f486dc48838083c6",
	"7d4120652a7838de15f06081c9353d6f4c6f7d541e53c5e3d7e890b5605ad305",
}

var vectorLeaves = []string{
	"32a38dc5370b80db47e7f7ae0336b492985eaaaa7762e2cc4e5fe06aedb437af",
	"c18f0157395a9be338d8eaea36991bff78b676038d9c245dc9b5e6df47672b20",
	"ecc0b5932849ee515d396adf6547205e0e4b486449875fb8467da33389f59253",
}

const vectorRoot = "5eee6ba73204ded1c35d3532f5d3baa8e477fe8d1ace9407b561622a94ff2c09"

const vectorNote = `chat.example.gov.cn/govchat-audit
3
Xu5rpzIE3tHDXTUy9dO6qOR3/o0azpQHtWFiKpT/LAk=

— chat.example.gov.cn/govchat-audit 4GVXRp7ssmknnm9IGsNJbD4fWK0GCP93YQ19kEfY2S/sMjl5ViTEjAqNFjar6Fzw9K01x4jAkMZNpH+zznH3iGtjTgA=
`

func TestVectors(t *testing.T) {
	es := vectorTrail()
	var leaves []tlog.Hash
	for i, e := range es {
		if got := hex.EncodeToString(e.Hash); got != vectorChain[i] {
			t.Errorf("chain hash %d = %s, want %s", i, got, vectorChain[i])
		}
		h := LeafHash(e)
		leaves = append(leaves, h)
		if got := hex.EncodeToString(h[:]); got != vectorLeaves[i] {
			t.Errorf("leaf %d = %s, want %s", i, got, vectorLeaves[i])
		}
	}
	root, err := rangeRoot(3, 0, leaves, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(root[:]); got != vectorRoot {
		t.Errorf("root = %s, want %s", got, vectorRoot)
	}
	// tlog's own tree agrees with rangeRoot.
	stored, r := memTree()
	for i, e := range es {
		hs, err := tlog.StoredHashes(int64(i), LeafData(e), r)
		if err != nil {
			t.Fatal(err)
		}
		*stored = append(*stored, hs...)
	}
	if th, err := tlog.TreeHash(3, r); err != nil || th != root {
		t.Fatalf("tlog.TreeHash = %x, %v; want %x", th, err, root)
	}
	key, err := NewKey(vectorOrigin, bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	if key.VerifierKey() != vectorVKey {
		t.Errorf("vkey = %s, want %s", key.VerifierKey(), vectorVKey)
	}
	note, err := key.Sign(3, root)
	if err != nil {
		t.Fatal(err)
	}
	if note != vectorNote {
		t.Errorf("checkpoint =\n%s\nwant\n%s", note, vectorNote)
	}
	if cp, err := OpenCheckpoint([]byte(note), key.VerifierKey()); err != nil || cp.Size != 3 || cp.Root != root {
		t.Fatalf("OpenCheckpoint = %+v, %v", cp, err)
	}
}

// memTree is a tree's stored hashes in memory, and their reader.
func memTree() (*[]tlog.Hash, tlog.HashReader) {
	stored := &[]tlog.Hash{}
	return stored, tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = (*stored)[x]
		}
		return out, nil
	})
}

// TestRangeRootMatchesTlog: for every tree size up to 40 and every range in it, the
// root from the range's leaves and ComplementBlocks is tlog's root.
func TestRangeRootMatchesTlog(t *testing.T) {
	storedP, r := memTree()
	var leaves []tlog.Hash
	for n := int64(1); n <= 40; n++ {
		data := []byte{byte(n)}
		hs, err := tlog.StoredHashes(n-1, data, r)
		if err != nil {
			t.Fatal(err)
		}
		*storedP = append(*storedP, hs...)
		stored := *storedP
		leaves = append(leaves, tlog.RecordHash(data))
		want, err := tlog.TreeHash(n, r)
		if err != nil {
			t.Fatal(err)
		}
		for lo := int64(0); lo <= n; lo++ {
			for hi := lo; hi <= n; hi++ {
				blocks := map[int64]tlog.Hash{}
				for _, b := range ComplementBlocks(lo, hi, n) {
					blocks[b.StorageIndex()] = stored[b.StorageIndex()]
				}
				got, err := rangeRoot(n, lo, leaves[lo:hi], blocks)
				if err != nil || got != want {
					t.Fatalf("n=%d [%d,%d): %x %v, want %x", n, lo, hi, got, err, want)
				}
			}
		}
	}
}
