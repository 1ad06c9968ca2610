package httpapi_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"govchat/internal/demo"
	"govchat/internal/files"
	"govchat/internal/store"
	"govchat/protocol"
)

// The security officer downloads a file's ciphertext after opening it for a case, and
// only then: for that file, for EscrowReadWindow, as themselves; a failed open (no
// escrow wrap) grants nothing; each such download is in the trail marked escrow.
func TestEscrowOfficerDownload(t *testing.T) {
	forEachBackendSQL(t, func(t *testing.T, s store.Store, exec execFunc) {
		e := newFilesEnv(t, s, exec, filesOpt{})
		w := newWorld(e.harness, nil, "")
		officer := e.login("zhaomin", demo.Password)
		admin := e.login("zhoutao", demo.Password)
		staff := e.login("zhangjing", demo.Password)
		w.putKey(staff)
		zj := e.userID("zhangjing")
		section := e.myChannels(staff)["预算编制组"]
		ctx := channelContext(section.ID)
		ws, _, err := e.dialWS(staff, "", false)
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		ws.Hello()
		send := func(id, clientID string, keys []protocol.FileKey) {
			t.Helper()
			e.expect(w.postKeys(staff, id, ctx, keys), http.StatusNoContent, "")
			ref := protocol.AttachmentRef{BlobID: id, Commitment: commitment()}
			if f := sendFile(t, ws, protocol.SendData{ChannelID: section.ID, ClientID: clientID, Attachment: &ref}); f.Type != protocol.TypeAck {
				t.Fatalf("send %s: %s", clientID, f.Data)
			}
		}
		// One file sent before the escrow key was set, two after.
		early := e.upload(staff, ciphertext(t, 3000)).ID
		send(early, "early", w.wrapFor(zj))
		pub, escrowID := w.newKeyPair()
		e.expect(e.do("PUT", "/api/v1/admin/escrow-key", officer, protocol.SetEscrowKeyRequest{PublicKey: pub}), http.StatusOK, "")
		data := ciphertext(t, 5000)
		opened := e.upload(staff, data).ID
		other := e.upload(staff, ciphertext(t, 4000)).ID
		for i, id := range []string{opened, other} {
			send(id, []string{"opened", "other"}[i], append(w.wrapFor(zj), protocol.FileKey{UserID: 0, KeyID: escrowID}))
		}

		get := func(token, id string) response { return e.do("GET", "/api/v1/files/"+id, token, nil) }
		open := func(id string) response {
			return e.do("POST", "/api/v1/files/"+id+"/escrow-open", officer,
				protocol.EscrowOpenRequest{CaseNumber: "（2026）保密字第7号", Reason: "依据保密检查通知核查文件流转"})
		}
		// Not a member of the section: nothing before an open.
		e.expect(get(officer, opened), http.StatusNotFound, protocol.CodeNotFound)
		e.expect(open(opened), http.StatusOK, "")
		r := get(officer, opened)
		if r.status != http.StatusOK || !bytes.Equal(r.body, data) {
			t.Fatalf("after the open: %d %s", r.status, r.body[:min(len(r.body), 200)])
		}
		// The metadata's range read works the same way.
		r = e.do("GET", "/api/v1/files/"+opened, officer, nil, "Range", "bytes=0-99")
		if r.status != http.StatusPartialContent || !bytes.Equal(r.body, data[:100]) {
			t.Fatalf("a range after the open: %d", r.status)
		}
		evs := e.auditOf("file.download")
		if len(evs) != 1 || evs[0].ActorName != "zhaomin" || evs[0].TargetID != opened || detailOf(t, evs[0])["escrow"] != true {
			t.Fatalf("download events %+v", evs)
		}
		// The grant is the officer's, for that file only.
		e.expect(get(admin, opened), http.StatusNotFound, protocol.CodeNotFound)
		e.expect(get(officer, other), http.StatusNotFound, protocol.CodeNotFound)
		// A failed open (sent before the escrow key) grants nothing.
		e.expect(open(early), http.StatusConflict, protocol.CodeKeyMissing)
		e.expect(get(officer, early), http.StatusNotFound, protocol.CodeNotFound)
		// Past the window it takes another open, itself in the trail.
		e.clock.advance(files.EscrowReadWindow + time.Second)
		e.expect(get(officer, opened), http.StatusNotFound, protocol.CodeNotFound)
		e.expect(open(opened), http.StatusOK, "")
		e.expect(get(officer, opened), http.StatusOK, "")
		if n := len(e.auditOf("file.escrow_open")); n != 3 {
			t.Fatalf("%d escrow opens in the trail, want 3", n)
		}
		// Staff reading their own channel's file are not marked escrow.
		e.expect(get(staff, opened), http.StatusOK, "")
		for _, ev := range e.auditOf("file.download") {
			if _, marked := detailOf(t, ev)["escrow"]; marked != (ev.ActorName == "zhaomin") {
				t.Fatalf("download by %s marked escrow=%v", ev.ActorName, marked)
			}
		}
	})
}
