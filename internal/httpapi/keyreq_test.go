package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"govchat/internal/demo"
	"govchat/internal/wstest"
	"govchat/protocol"
)

// keyFrame waits on c for a frame of typ about blob and decodes its data into v.
func keyFrame(t *testing.T, c *wstest.Conn, typ, blob string, v any) {
	t.Helper()
	f := c.Until(typ+" of "+blob, func(f protocol.Frame) bool {
		var d struct {
			BlobID string `json:"blob_id"`
		}
		return f.Type == typ && json.Unmarshal(f.Data, &d) == nil && d.BlobID == blob
	})
	if err := json.Unmarshal(f.Data, v); err != nil {
		t.Fatal(err)
	}
}

// Key requests, end to end on the server: a member who had no key when a file was sent
// asks; the request reaches the other members' sockets; one of them wraps the key to the
// requester and posts it; the channel hears that it was shared, and the requester now
// holds a key that opens. Refused: a non-member, one without a key pair, one who holds
// the key already, files not of that channel, and too many requests.
func TestKeyRequests(t *testing.T) {
	forEachWorld(t, func(t *testing.T, w *world) {
		staff := w.login("zhangjing", demo.Password)
		peer := w.login("wuqiang", demo.Password)
		outsider := w.login("heping", demo.Password)
		w.putKey(staff)
		w.putKey(outsider)
		zj, wq := w.userID("zhangjing"), w.userID("wuqiang")
		mine := w.myChannels(staff)
		section, dept := mine["预算编制组"], mine["预算股"] // both hold zhangjing and wuqiang
		ctxSection := channelContext(section.ID)

		sender, _, err := w.dialWS(staff, "", false)
		if err != nil {
			t.Fatal(err)
		}
		defer sender.Close()
		sender.Hello()

		// Sent while wuqiang has no key pair: only zhangjing's own wrap is posted.
		_, att := w.sendOne(sender, staff, "zhangjing", section.ID, "kr-1", zj)
		file := att.BlobID
		request := func(token, blob, context string) response {
			return w.do("POST", "/api/v1/files/"+blob+"/key-requests", token, protocol.FileKeyRequest{Context: context})
		}

		w.expect(request(peer, file, ctxSection), http.StatusConflict, protocol.CodeKeyMissing)
		w.putKey(peer)

		t.Run("refusals", func(t *testing.T) {
			w := w.as(t)
			// A picture sent in 预算股: its thumbnail is no file of its own to ask for, and
			// the picture is not a file of 预算编制组.
			pic, thumb := w.blob("zhangjing", 3000, true), w.blob("zhangjing", 600, true)
			w.expect(w.postKeys(staff, pic, channelContext(dept.ID), w.wrapFor(zj)), http.StatusNoContent, "")
			ref := protocol.AttachmentRef{BlobID: pic, Commitment: commitment(), ThumbID: thumb}
			if f := sendFile(t, sender, protocol.SendData{ChannelID: dept.ID, ClientID: "kr-pic", Attachment: &ref}); f.Type != protocol.TypeAck {
				t.Fatalf("send: %s", f.Data)
			}
			cases := []struct {
				name   string
				token  string
				blob   string
				body   any
				status int
				code   protocol.Code
				field  string
			}{
				{"a non-member", outsider, file, protocol.FileKeyRequest{Context: ctxSection}, 403, protocol.CodeNotMember, "context"},
				{"the notice context", peer, file, protocol.FileKeyRequest{Context: protocol.FileKeyContextNote}, 400, protocol.CodeBadRequest, "context"},
				{"a context with a leading zero", peer, file, protocol.FileKeyRequest{Context: "channel:0" + ctxSection[len("channel:"):]}, 400, protocol.CodeBadRequest, "context"},
				{"no context", peer, file, protocol.FileKeyRequest{}, 400, protocol.CodeBadRequest, "context"},
				{"an unknown field", peer, file, `{"context":"` + ctxSection + `","user_id":1}`, 400, protocol.CodeBadRequest, ""},
				{"a thumbnail", peer, thumb, protocol.FileKeyRequest{Context: channelContext(dept.ID)}, 404, protocol.CodeNotFound, ""},
				{"a file of another channel", peer, pic, protocol.FileKeyRequest{Context: ctxSection}, 404, protocol.CodeNotFound, ""},
				{"a blob never sent", peer, w.blob("zhangjing", 100, true), protocol.FileKeyRequest{Context: ctxSection}, 404, protocol.CodeNotFound, ""},
				{"a path that is not a blob id", peer, "..%2Fetc", protocol.FileKeyRequest{Context: ctxSection}, 404, protocol.CodeNotFound, ""},
				{"the uploader, who holds it", staff, file, protocol.FileKeyRequest{Context: ctxSection}, 409, protocol.CodeConflict, ""},
			}
			for _, tc := range cases {
				r := w.do("POST", "/api/v1/files/"+tc.blob+"/key-requests", tc.token, tc.body)
				if r.status != tc.status || r.err().Code != tc.code || r.err().Field != tc.field {
					t.Errorf("%s: %d %s, want %d %s field %q", tc.name, r.status, r.body, tc.status, tc.code, tc.field)
				}
			}
			if n := len(w.audits("file.key_request")); n != 0 {
				t.Errorf("%d requests recorded for refusals", n)
			}
		})

		requester, _, err := w.dialWS(peer, "", false)
		if err != nil {
			t.Fatal(err)
		}
		defer requester.Close()
		requester.Hello()

		// The request reaches the other member's socket, naming the requester's key.
		r := request(peer, file, ctxSection)
		w.expect(r, http.StatusAccepted, "")
		var res protocol.FileKeyRequestResult
		if r.decode(t, &res); !res.PassedOn {
			t.Fatalf("answer %s", r.body)
		}
		var ev protocol.KeyRequestEvent
		keyFrame(t, sender, protocol.TypeKeyRequest, file, &ev)
		peerKey := w.wrapFor(wq)[0].KeyID
		if ev != (protocol.KeyRequestEvent{BlobID: file, Context: ctxSection, UserID: wq, KeyID: peerKey}) {
			t.Fatalf("key_request %+v", ev)
		}
		// Asked again at once: accepted, not passed on a second time.
		r = request(peer, file, ctxSection)
		w.expect(r, http.StatusAccepted, "")
		if r.decode(t, &res); res.PassedOn {
			t.Fatalf("a repeat: %s", r.body)
		}
		reqs := w.audits("file.key_request")
		if len(reqs) != 2 || reqs[0].ActorID != wq || reqs[0].TargetID != file ||
			detailOf(t, reqs[1])["broadcast"] != true || detailOf(t, reqs[0])["broadcast"] != false ||
			detailOf(t, reqs[0])["context"] != ctxSection || detailOf(t, reqs[0])["stale_key"] != false {
			t.Fatalf("audit %+v", reqs)
		}

		// zhangjing answers: the key reaches wuqiang, and the channel hears it was shared —
		// the next frame of either type is key_shared: the repeat was not passed on.
		w.expect(w.postKeys(staff, file, ctxSection, w.wrapFor(wq)), http.StatusNoContent, "")
		next := sender.Until("key_request or key_shared", func(f protocol.Frame) bool {
			return f.Type == protocol.TypeKeyRequest || f.Type == protocol.TypeKeyShared
		})
		if next.Type != protocol.TypeKeyShared {
			t.Fatalf("after the answer: %s %s", next.Type, next.Data)
		}
		var shared protocol.KeySharedEvent
		keyFrame(t, requester, protocol.TypeKeyShared, file, &shared)
		if shared.Context != ctxSection || len(shared.UserIDs) != 1 || shared.UserIDs[0] != wq {
			t.Fatalf("key_shared %+v", shared)
		}
		r = w.do("GET", "/api/v1/file-keys?blobs="+file, peer, nil)
		w.expect(r, http.StatusOK, "")
		var ks protocol.FileKeys
		r.decode(t, &ks)
		if len(ks.Keys) != 1 || ks.Keys[0].WrappedBy != zj {
			t.Fatalf("the requester's keys %+v", ks)
		}
		w.opens(ks.Keys[0], file)

		// Holding it now: a conflict. A second answer gives nothing new and is not announced.
		w.expect(request(peer, file, ctxSection), http.StatusConflict, protocol.CodeConflict)

		// A lost key: wuqiang's wrap is to a key no longer theirs, so they may ask again.
		w.clock.advance(time.Minute)
		w.putKey(peer)
		w.expect(request(peer, file, ctxSection), http.StatusAccepted, "")
		keyFrame(t, sender, protocol.TypeKeyRequest, file, &ev)
		if ev.UserID != wq || ev.KeyID == peerKey {
			t.Fatalf("key_request after a new key %+v", ev)
		}
		if d := detailOf(t, w.audits("file.key_request")[0]); d["stale_key"] != true || d["broadcast"] != true {
			t.Fatalf("detail %+v", d)
		}

		t.Run("rate limited per requester", func(t *testing.T) {
			w := w.as(t)
			w.clock.advance(time.Minute) // a full bucket
			for i := 0; i < 30; i++ {
				w.expect(request(peer, file, ctxSection), http.StatusAccepted, "")
			}
			// Of the 30 at once, the first was passed on; 20 s later the same is again.
			if d := detailOf(t, w.audits("file.key_request")[29]); d["broadcast"] != true {
				t.Errorf("the first of the burst: %+v", d)
			}
			if d := detailOf(t, w.audits("file.key_request")[0]); d["broadcast"] != false {
				t.Errorf("the last of the burst: %+v", d)
			}
			r := request(peer, file, ctxSection)
			w.expect(r, http.StatusTooManyRequests, protocol.CodeRateLimited)
			if r.header.Get("Retry-After") == "" {
				t.Error("no Retry-After")
			}
			w.clock.advance(20 * time.Second)
			w.expect(request(peer, file, ctxSection), http.StatusAccepted, "")
			if d := detailOf(t, w.audits("file.key_request")[0]); d["broadcast"] != true {
				t.Errorf("20 s later: %+v", d)
			}
		})
	})
}
