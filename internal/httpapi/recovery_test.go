package httpapi_test

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"govchat/internal/authclient"
	"govchat/internal/demo"
	"govchat/internal/e2e"
	"govchat/internal/wstest"
	"govchat/protocol"
)

// Key recovery (PROTOCOL.md §4.23): a reset, then the key back from another device or
// through the security officer, with every refusal the issue lists.

// recoveryPerson is a person with a real key pair, wrapped under their password and to
// the account-recovery key as a browser would.
type recoveryPerson struct {
	name   string
	id     int64
	priv   []byte
	pub    string
	keyID  string
	recKey string // the recovery key id the wrap is to
}

// putRealKey stores p's key pair wrapped under password (the account salt) and, when
// recPub is given, to the account-recovery key.
func (w *world) putRealKey(tok string, p *recoveryPerson, password string, recPub []byte) response {
	w.t.Helper()
	pre := w.prelogin(p.name)
	salt, _ := e2e.Decode(pre.Salt)
	wrapped, err := e2e.WrapPrivateKey(p.priv, password, p.id, p.keyID, salt, pre.Iterations)
	if err != nil {
		w.t.Fatal(err)
	}
	req := protocol.PutMyKeyRequest{PublicKey: p.pub, Wrapped: wrapped.Wrapped, Salt: pre.Salt, Iterations: pre.Iterations}
	if recPub != nil {
		rw, err := e2e.WrapForRecovery(recPub, p.priv, p.id, p.keyID)
		if err != nil {
			w.t.Fatal(err)
		}
		req.RecoveryWrap, req.RecoveryKeyID = rw, p.recKey
	}
	return w.do("PUT", "/api/v1/me/key", tok, req)
}

func (w *world) resetPassword(admin, username string) string {
	w.t.Helper()
	r := w.do("POST", "/api/v1/admin/users/"+strconv.FormatInt(w.userID(username), 10)+"/reset-password", admin, nil)
	w.expect(r, http.StatusOK, "")
	var out protocol.UserWithPassword
	r.decode(w.t, &out)
	return out.OneTimePassword
}

func (w *world) askRecovery(tok, method string) (protocol.KeyRecovery, []byte) {
	w.t.Helper()
	ePriv, ePub, err := e2e.GenerateKeyPair()
	if err != nil {
		w.t.Fatal(err)
	}
	r := w.do("POST", "/api/v1/me/key-recoveries", tok, protocol.CreateKeyRecoveryRequest{Method: method, EphemeralPublic: e2e.Encode(ePub)})
	w.expect(r, http.StatusCreated, "")
	var kr protocol.KeyRecovery
	r.decode(w.t, &kr)
	return kr, ePriv
}

func (w *world) recovery(tok string, id int64) protocol.KeyRecovery {
	w.t.Helper()
	r := w.do("GET", "/api/v1/me/key-recoveries/"+strconv.FormatInt(id, 10), tok, nil)
	w.expect(r, http.StatusOK, "")
	var kr protocol.KeyRecovery
	r.decode(w.t, &kr)
	return kr
}

func TestKeyRecovery(t *testing.T) {
	forEachWorld(t, func(t *testing.T, w *world) {
		admin := w.login("zhoutao", demo.Password)
		officer := w.login("zhaomin", demo.Password)
		auditor := w.login("sunli", demo.Password)

		// The security officer sets the account-recovery key; the administrator and the
		// auditor cannot, and their attempts are in the trail.
		recPriv, recPubRaw, _ := e2e.GenerateKeyPair()
		recPub := e2e.Encode(recPubRaw)
		recID, _ := e2e.KeyID(recPubRaw)
		for _, tok := range []string{admin, auditor} {
			w.expect(w.do("PUT", "/api/v1/admin/account-recovery-key", tok, protocol.SetAccountRecoveryKeyRequest{PublicKey: recPub}),
				http.StatusForbidden, protocol.CodeForbidden)
		}
		w.expect(w.do("GET", "/api/v1/keys/account-recovery", admin, nil), http.StatusNotFound, protocol.CodeNotFound)
		w.expect(w.do("PUT", "/api/v1/admin/account-recovery-key", officer, protocol.SetAccountRecoveryKeyRequest{PublicKey: recPub}), http.StatusOK, "")
		var rk protocol.AccountRecoveryKey
		r := w.do("GET", "/api/v1/keys/account-recovery", admin, nil)
		w.expect(r, http.StatusOK, "")
		r.decode(t, &rk)
		if rk.KeyID != recID || rk.PublicKey != recPub {
			t.Fatalf("recovery key %+v", rk)
		}
		if n := len(w.audits("recovery.key_set")); n != 1 {
			t.Fatalf("%d recovery.key_set", n)
		}

		// 高燕 has a key pair, wrapped under her password and to the recovery key.
		gy := &recoveryPerson{name: "gaoyan", id: w.userID("gaoyan"), recKey: recID}
		gy.priv, gy.pub = genKeyPair(t)
		gy.keyID, _ = e2e.KeyID(mustDecode(t, gy.pub))
		old := w.login("gaoyan", demo.Password)
		wrong := *gy
		wrong.recKey = "0123456789abcdef"
		r = w.putRealKey(old, &wrong, demo.Password, recPubRaw)
		w.expect(r, http.StatusBadRequest, protocol.CodeBadRequest)
		if r.err().Field != "recovery_key_id" {
			t.Fatalf("field %q", r.err().Field)
		}
		w.expect(w.putRealKey(old, gy, demo.Password, recPubRaw), http.StatusOK, "")
		var mk protocol.MyKey
		r = w.do("GET", "/api/v1/me/key", old, nil)
		r.decode(t, &mk)
		if mk.RecoveryKeyID != recID || mk.RecoveryWrap == "" {
			t.Fatalf("my key %+v", mk)
		}

		t.Run("nothing to recover while the key is not locked", func(t *testing.T) {
			w := w.as(t)
			_, ePub, _ := e2e.GenerateKeyPair()
			r := w.do("POST", "/api/v1/me/key-recoveries", old, protocol.CreateKeyRecoveryRequest{Method: "device", EphemeralPublic: e2e.Encode(ePub)})
			w.expect(r, http.StatusConflict, protocol.CodeConflict)
			if r.err().Reason != "not_locked" {
				t.Fatalf("%+v", r.err())
			}
		})

		t.Run("device-assisted recovery after a reset", func(t *testing.T) {
			w := w.as(t)
			otp := w.resetPassword(admin, "gaoyan")
			w.expect(w.do("GET", "/api/v1/me", old, nil), http.StatusUnauthorized, protocol.CodeUnauthenticated)
			newBrowser := w.login("gaoyan", otp)
			if me := w.me(newBrowser); me.KeyState != protocol.KeyStateLocked {
				t.Fatalf("key_state %q", me.KeyState)
			}
			// The office PC still holds the key under its device key; she signs in there again.
			officePC := w.login("gaoyan", otp)
			pc, _, err := w.dialWS(officePC, "", false)
			if err != nil {
				t.Fatal(err)
			}
			defer pc.Close()
			pc.Hello()

			kr, ePriv := w.askRecovery(newBrowser, "device")
			// The office PC is asked (批准在新设备上恢复密钥?) with where the request came from.
			var ev protocol.KeyRecoveryEvent
			recoveryFrame(t, pc, kr.ID, "pending", &ev)
			if ev.Method != "device" || ev.EphemeralPublic != kr.EphemeralPublic || ev.KeyID != gy.keyID || ev.IP == "" {
				t.Fatalf("frame %+v", ev)
			}
			if kr.State != "pending" || kr.KeyID != gy.keyID || !kr.ExpiresAt.Equal(kr.CreatedAt.Add(15*time.Minute)) {
				t.Fatalf("request %+v", kr)
			}
			sealed, err := e2e.SealTransfer(mustDecode(t, kr.EphemeralPublic), gy.priv, kr.ID, gy.id, kr.KeyID)
			if err != nil {
				t.Fatal(err)
			}
			path := "/api/v1/me/key-recoveries/" + strconv.FormatInt(kr.ID, 10)
			// The asking session cannot answer itself; nobody else can see it.
			r := w.do("POST", path+"/answer", newBrowser, protocol.AnswerKeyRecoveryRequest{Sealed: sealed})
			w.expect(r, http.StatusForbidden, protocol.CodeForbidden)
			if r.err().Reason != "not_this_session" {
				t.Fatalf("%+v", r.err())
			}
			stranger := w.login("wuqiang", demo.Password)
			w.expect(w.do("POST", path+"/answer", stranger, protocol.AnswerKeyRecoveryRequest{Sealed: sealed}), http.StatusNotFound, protocol.CodeNotFound)
			w.expect(w.do("GET", path, stranger, nil), http.StatusNotFound, protocol.CodeNotFound)
			w.expect(w.do("POST", path+"/answer", officePC, protocol.AnswerKeyRecoveryRequest{Sealed: sealed[:50]}), http.StatusBadRequest, protocol.CodeBadRequest)
			// Nor can the officer approve a device request.
			w.expect(w.do("POST", "/api/v1/key-recoveries/"+strconv.FormatInt(kr.ID, 10)+"/approve", officer,
				protocol.ApproveKeyRecoveryRequest{Sealed: sealed, RecoveryKeyID: recID}), http.StatusNotFound, protocol.CodeNotFound)

			w.expect(w.do("POST", path+"/answer", officePC, protocol.AnswerKeyRecoveryRequest{Sealed: sealed}), http.StatusOK, "")
			recoveryFrame(t, pc, kr.ID, "answered", &ev)
			// Answered once: a replay is refused.
			r = w.do("POST", path+"/answer", officePC, protocol.AnswerKeyRecoveryRequest{Sealed: sealed})
			w.expect(r, http.StatusConflict, protocol.CodeConflict)
			if r.err().Reason != "answered" {
				t.Fatalf("%+v", r.err())
			}

			got := w.recovery(newBrowser, kr.ID)
			if got.State != "answered" || got.Sealed != sealed {
				t.Fatalf("answered %+v", got)
			}
			priv, err := e2e.OpenTransfer(ePriv, got.Sealed, kr.ID, gy.id, kr.KeyID)
			if err != nil || !bytes.Equal(priv, gy.priv) {
				t.Fatalf("open: %v", err)
			}
			// The new browser wraps it under the new password: done, unlocked, told.
			newPW := "Gaoyan-Xin-2026"
			r = w.do("POST", "/api/v1/me/password", newBrowser, w.changeBody("gaoyan", otp, newPW))
			w.expect(r, http.StatusOK, "")
			var lr protocol.LoginResponse
			r.decode(t, &lr)
			w.expect(w.putRealKey(lr.Token, gy, newPW, nil), http.StatusOK, "")
			if me := w.me(lr.Token); me.KeyState != protocol.KeyStateOK {
				t.Fatalf("key_state after recovery %q", me.KeyState)
			}
			done := w.recovery(lr.Token, kr.ID)
			if done.State != "done" || done.Sealed != "" {
				t.Fatalf("done %+v", done)
			}
			if n := len(w.audits("recovery.completed")); n != 1 {
				t.Fatalf("%d recovery.completed", n)
			}
			// The recovery wrap of the same public key was kept.
			r = w.do("GET", "/api/v1/me/key", lr.Token, nil)
			r.decode(t, &mk)
			if mk.RecoveryWrap == "" || mk.KeyID != gy.keyID {
				t.Fatalf("my key after recovery %+v", mk)
			}
			for _, a := range []string{"recovery.requested", "recovery.answered"} {
				if len(w.audits(a)) == 0 {
					t.Errorf("no %s in the trail", a)
				}
			}
			old = w.login("gaoyan", newPW)
		})

		t.Run("officer-approved recovery after a reset", func(t *testing.T) {
			w := w.as(t)
			otp := w.resetPassword(admin, "gaoyan")
			tok := w.login("gaoyan", otp)
			kr, ePriv := w.askRecovery(tok, "officer")
			if !kr.ExpiresAt.Equal(kr.CreatedAt.Add(7 * 24 * time.Hour)) {
				t.Fatalf("expires %v", kr.ExpiresAt)
			}
			// The officer's list shows who asks and the wrap to open.
			var list protocol.KeyRecoveries
			r := w.do("GET", "/api/v1/key-recoveries", officer, nil)
			w.expect(r, http.StatusOK, "")
			r.decode(t, &list)
			if len(list.Recoveries) != 1 {
				t.Fatalf("list %+v", list)
			}
			item := list.Recoveries[0]
			if item.ID != kr.ID || item.Person == nil || item.Person.DisplayName != "高燕" || len(item.Person.Departments) == 0 ||
				item.RecoveryKeyID != recID || item.RecoveryWrap == "" || item.Sealed != "" {
				t.Fatalf("item %+v person %+v", item, item.Person)
			}
			// The administrator and the auditor may neither list nor approve: refused and audited.
			denied := len(w.audits("auth.denied"))
			for _, tok := range []string{admin, auditor} {
				w.expect(w.do("GET", "/api/v1/key-recoveries", tok, nil), http.StatusForbidden, protocol.CodeForbidden)
				w.expect(w.do("POST", "/api/v1/key-recoveries/"+strconv.FormatInt(kr.ID, 10)+"/approve", tok,
					protocol.ApproveKeyRecoveryRequest{Sealed: strings.Repeat("A", 107), RecoveryKeyID: recID}), http.StatusForbidden, protocol.CodeForbidden)
			}
			if n := len(w.audits("auth.denied")) - denied; n != 4 {
				t.Fatalf("%d auth.denied, want 4", n)
			}

			// The officer opens the wrap with the key file and seals to the request.
			priv, err := e2e.OpenRecoveryWrap(recPriv, item.RecoveryWrap, gy.id, item.KeyID)
			if err != nil || !bytes.Equal(priv, gy.priv) {
				t.Fatalf("open recovery wrap: %v", err)
			}
			sealed, _ := e2e.SealTransfer(mustDecode(t, item.EphemeralPublic), priv, kr.ID, gy.id, item.KeyID)
			approve := "/api/v1/key-recoveries/" + strconv.FormatInt(kr.ID, 10) + "/approve"
			// A recovery key that is not the wrap's: refused, nothing written.
			r = w.do("POST", approve, officer, protocol.ApproveKeyRecoveryRequest{Sealed: sealed, RecoveryKeyID: "0123456789abcdef"})
			w.expect(r, http.StatusBadRequest, protocol.CodeBadRequest)
			if r.err().Field != "recovery_key_id" || w.recovery(tok, kr.ID).State != "pending" || len(w.audits("recovery.approved")) != 0 {
				t.Fatalf("a wrong recovery key wrote something: %+v", r.err())
			}
			w.expect(w.do("POST", approve, officer, protocol.ApproveKeyRecoveryRequest{Sealed: sealed, RecoveryKeyID: recID, Note: "已核对工作证"}), http.StatusOK, "")
			w.expect(w.do("POST", approve, officer, protocol.ApproveKeyRecoveryRequest{Sealed: sealed, RecoveryKeyID: recID}), http.StatusConflict, protocol.CodeConflict)

			got := w.recovery(tok, kr.ID)
			back, err := e2e.OpenTransfer(ePriv, got.Sealed, kr.ID, gy.id, kr.KeyID)
			if err != nil || !bytes.Equal(back, gy.priv) || got.Note != "已核对工作证" {
				t.Fatalf("requester's open: %v %+v", err, got)
			}
			w.expect(w.putRealKey(tok, gy, otp, nil), http.StatusOK, "")
			if w.recovery(tok, kr.ID).State != "done" || w.me(tok).KeyState != protocol.KeyStateOK {
				t.Fatal("not done after storing the key")
			}
		})

		t.Run("approving one's own recovery is refused and audited", func(t *testing.T) {
			w := w.as(t)
			zm := &recoveryPerson{name: "zhaomin", id: w.userID("zhaomin"), recKey: recID}
			zm.priv, zm.pub = genKeyPair(t)
			zm.keyID, _ = e2e.KeyID(mustDecode(t, zm.pub))
			w.expect(w.putRealKey(officer, zm, demo.Password, recPubRaw), http.StatusOK, "")
			// Watcher accounts are reset at the console; the lock is the same.
			if err := w.store.SetKeyLocked(t.Context(), zm.id, true); err != nil {
				t.Fatal(err)
			}
			kr, _ := w.askRecovery(officer, "officer")
			sealed, _ := e2e.SealTransfer(mustDecode(t, kr.EphemeralPublic), zm.priv, kr.ID, zm.id, kr.KeyID)
			r := w.do("POST", "/api/v1/key-recoveries/"+strconv.FormatInt(kr.ID, 10)+"/approve", officer,
				protocol.ApproveKeyRecoveryRequest{Sealed: sealed, RecoveryKeyID: recID})
			w.expect(r, http.StatusForbidden, protocol.CodeForbidden)
			if r.err().Reason != "own_recovery" {
				t.Fatalf("%+v", r.err())
			}
			r = w.do("POST", "/api/v1/key-recoveries/"+strconv.FormatInt(kr.ID, 10)+"/reject", officer, protocol.RejectKeyRecoveryRequest{})
			w.expect(r, http.StatusForbidden, protocol.CodeForbidden)
			var denied int
			for _, e := range w.audits("recovery.") {
				if e.Outcome == "denied" && (e.Action == "recovery.approved" || e.Action == "recovery.rejected") {
					denied++
				}
			}
			if denied != 2 {
				t.Fatalf("%d denied recovery events, want 2", denied)
			}
			if w.recovery(officer, kr.ID).State != "pending" {
				t.Fatal("own approval changed the request")
			}
		})

		t.Run("rejection, expiry, and a new request cancelling the old", func(t *testing.T) {
			w := w.as(t)
			otp := w.resetPassword(admin, "gaoyan")
			tok := w.login("gaoyan", otp)
			a, _ := w.askRecovery(tok, "device")
			b, _ := w.askRecovery(tok, "device")
			if w.recovery(tok, a.ID).State != "cancelled" || w.recovery(tok, b.ID).State != "pending" {
				t.Fatal("the newer request did not cancel the older")
			}
			// A device request not answered in 15 minutes expires; its answer comes too late.
			w.clock.advance(16 * time.Minute)
			other := w.login("gaoyan", otp)
			sealed, _ := e2e.SealTransfer(mustDecode(t, b.EphemeralPublic), gy.priv, b.ID, gy.id, b.KeyID)
			r := w.do("POST", "/api/v1/me/key-recoveries/"+strconv.FormatInt(b.ID, 10)+"/answer", other, protocol.AnswerKeyRecoveryRequest{Sealed: sealed})
			w.expect(r, http.StatusConflict, protocol.CodeConflict)
			if r.err().Reason != "expired" || len(w.audits("recovery.expired")) == 0 {
				t.Fatalf("%+v", r.err())
			}
			c, _ := w.askRecovery(tok, "officer")
			w.expect(w.do("POST", "/api/v1/key-recoveries/"+strconv.FormatInt(c.ID, 10)+"/reject", officer, protocol.RejectKeyRecoveryRequest{Note: "身份未核实"}), http.StatusOK, "")
			if got := w.recovery(tok, c.ID); got.State != "rejected" || got.Sealed != "" {
				t.Fatalf("rejected %+v", got)
			}
			// Five requests an hour at most: this is her sixth.
			_, ePub, _ := e2e.GenerateKeyPair()
			r = w.do("POST", "/api/v1/me/key-recoveries", tok, protocol.CreateKeyRecoveryRequest{Method: "device", EphemeralPublic: e2e.Encode(ePub)})
			w.expect(r, http.StatusTooManyRequests, protocol.CodeRateLimited)
			// Bad bodies.
			for _, body := range []protocol.CreateKeyRecoveryRequest{{Method: "email", EphemeralPublic: e2e.Encode(ePub)}, {Method: "device", EphemeralPublic: "abc"}} {
				w.expect(w.do("POST", "/api/v1/me/key-recoveries", tok, body), http.StatusBadRequest, protocol.CodeBadRequest)
			}
		})

		t.Run("the database holds no password, auth hash or unwrapped private key", func(t *testing.T) {
			w := w.as(t)
			pre := w.prelogin("gaoyan")
			salt, _ := e2e.Decode(pre.Salt)
			auth, _ := authclient.AuthHash("Gaoyan-Xin-2026", salt, pre.Iterations)
			secrets := []string{demo.Password, "Gaoyan-Xin-2026", e2e.Encode(gy.priv), e2e.Encode(recPriv), e2e.Encode(auth)}
			w.scanDatabase(secrets)
		})
	})
}

// recoveryFrame waits on c for a key_recovery frame of request id in state.
func recoveryFrame(t *testing.T, c *wstest.Conn, id int64, state string, v *protocol.KeyRecoveryEvent) {
	t.Helper()
	f := c.Until("key_recovery "+state, func(f protocol.Frame) bool {
		var d protocol.KeyRecoveryEvent
		return f.Type == protocol.TypeKeyRecovery && json.Unmarshal(f.Data, &d) == nil && d.ID == id && d.State == state
	})
	if err := json.Unmarshal(f.Data, v); err != nil {
		t.Fatal(err)
	}
}

func mustDecode(t *testing.T, s string) []byte {
	t.Helper()
	b, err := e2e.Decode(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// scanDatabase reads every value of every table and fails if one holds a secret (as
// text, base64url or hex).
func (w *world) scanDatabase(secrets []string) {
	w.t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if w.backend == "postgres" {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows, err := w.raw.Query(q)
	if err != nil {
		w.t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			w.t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	values := 0
	for _, table := range tables {
		rs, err := w.raw.Query(`SELECT * FROM ` + table)
		if err != nil {
			w.t.Fatal(err)
		}
		cols, _ := rs.Columns()
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				w.t.Fatal(err)
			}
			for i, v := range vals {
				var text string
				switch v := v.(type) {
				case []byte:
					text = string(v) + fmt.Sprintf("%x", v)
				case nil:
					continue
				default:
					text = fmt.Sprint(v)
				}
				values++
				for _, s := range secrets {
					if strings.Contains(text, s) {
						w.t.Errorf("%s.%s holds a secret", table, cols[i])
					}
				}
			}
		}
		rs.Close()
	}
	if values < 100 {
		w.t.Fatalf("scanned only %d values", values)
	}
	_ = sql.ErrNoRows
}
