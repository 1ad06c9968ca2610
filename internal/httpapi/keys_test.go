package httpapi_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"govchat/internal/bus"
	"govchat/internal/demo"
	"govchat/internal/e2e"
	"govchat/internal/httpapi"
	"govchat/internal/notice"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/internal/wstest"
	"govchat/protocol"
)

// world is a harness over a store with a second connection to the same database, for
// the one thing no endpoint of this package writes: finished uploads (blobs rows,
// written by the upload endpoints of the files service). Everything else goes through
// the API and the socket.
type world struct {
	*harness
	raw     *sql.DB
	backend string
	// The test's own key material, as the clients would hold it: key pairs by key id,
	// and each file's key K by blob id. Wraps are real HPKE (internal/e2e), so what the
	// server hands back is checked to open.
	public, private map[string][]byte
	fileKeys        map[string][]byte
}

func newWorld(h *harness, raw *sql.DB, backend string) *world {
	return &world{harness: h, raw: raw, backend: backend, public: map[string][]byte{}, private: map[string][]byte{}, fileKeys: map[string][]byte{}}
}

// forEachWorld runs fn on both backends, notices wired with the keys service.
func forEachWorld(t *testing.T, fn func(t *testing.T, w *world), extra ...func(*httpapi.Deps)) {
	t.Helper()
	deps := func(d *httpapi.Deps) {
		b := bus.NewMemory()
		t.Cleanup(func() { b.Close() })
		st := d.Store.(store.Store)
		d.Notices = notice.New(store.Narrow(st, func(tx store.Store) notice.Tx { return tx }), b, d.Log, d.Now,
			notice.Options{ChannelAdminsMayPublish: true, Audit: d.Audit, Files: d.Keys})
		for _, f := range extra {
			f(d)
		}
	}
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "govchat.db")
		s := openMigrated(t, func(ctx context.Context) (*store.DB, error) { return store.OpenSQLite(ctx, path) })
		raw, err := sql.Open("sqlite", path+"?_busy_timeout=10000&_foreign_keys=1&_txlock=immediate")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		fn(t, newWorld(newHarnessWith(t, s, deps), raw, "sqlite"))
	})
	t.Run("postgres", func(t *testing.T) {
		url := storetest.PostgresSchemaURL(t)
		s := openMigrated(t, func(ctx context.Context) (*store.DB, error) { return store.OpenPostgres(ctx, url) })
		raw, err := sql.Open("pgx", url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		fn(t, newWorld(newHarnessWith(t, s, deps), raw, "postgres"))
	})
}

func openMigrated(t *testing.T, open func(context.Context) (*store.DB, error)) *store.DB {
	t.Helper()
	s, err := open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	s.SetMasterKey(storetest.MasterKey(t))
	return s
}

func (w *world) as(t *testing.T) *world {
	c := *w
	c.harness = w.harness.as(t)
	return &c
}

// exec runs a statement beneath the store, ? placeholders rebound for PostgreSQL.
func (w *world) exec(query string, args ...any) {
	w.t.Helper()
	if w.backend == "postgres" {
		var b strings.Builder
		n := 0
		for _, c := range query {
			if c == '?' {
				n++
				b.WriteString("$" + strconv.Itoa(n))
				continue
			}
			b.WriteRune(c)
		}
		query = b.String()
	}
	if _, err := w.raw.ExecContext(w.t.Context(), query, args...); err != nil {
		w.t.Fatalf("%s: %v", query, err)
	}
}

// blob stands for an upload of size ciphertext bytes by username, finished or not.
func (w *world) blob(username string, size int64, complete bool) string {
	w.t.Helper()
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	now := w.clock.now().UnixMilli()
	completed := int64(0)
	if complete {
		completed = now
	}
	w.exec(`INSERT INTO blobs (id, uploader_id, size, parts, sha256, created_at, completed_at, expires_at) VALUES (?, ?, ?, 1, '', ?, ?, ?)`,
		id, w.userID(username), size, now, completed, now+24*3600*1000)
	return id
}

// attachedAt reads a blob's attached_at (0: never sent).
func (w *world) attachedAt(id string) int64 {
	w.t.Helper()
	q := `SELECT attached_at FROM blobs WHERE id = ?`
	if w.backend == "postgres" {
		q = `SELECT attached_at FROM blobs WHERE id = $1`
	}
	var at int64
	if err := w.raw.QueryRowContext(w.t.Context(), q, id).Scan(&at); err != nil {
		w.t.Fatal(err)
	}
	return at
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func random(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// newKeyPair makes an X25519 key pair, keeps it, and returns its public key and id.
func (w *world) newKeyPair() (string, string) {
	w.t.Helper()
	priv, pub, err := e2e.GenerateKeyPair()
	if err != nil {
		w.t.Fatal(err)
	}
	sum := sha256.Sum256(pub)
	id := hex.EncodeToString(sum[:])[:16]
	w.public[id], w.private[id] = pub, priv
	return b64(pub), id
}

func keyRequest(pub string) protocol.PutMyKeyRequest {
	return protocol.PutMyKeyRequest{PublicKey: pub, Wrapped: b64(random(60)), Salt: b64(random(16)), Iterations: 600000}
}

// putKey gives token's user a new key pair and returns it.
func (w *world) putKey(token string) protocol.MyKey {
	w.t.Helper()
	pub, _ := w.newKeyPair()
	r := w.do("PUT", "/api/v1/me/key", token, keyRequest(pub))
	w.expect(r, http.StatusOK, "")
	var k protocol.MyKey
	r.decode(w.t, &k)
	return k
}

// wrapFor names each of userIDs' current keys; postKeys wraps the file's key to them.
func (w *world) wrapFor(userIDs ...int64) []protocol.FileKey {
	w.t.Helper()
	var ids []string
	for _, id := range userIDs {
		ids = append(ids, strconv.FormatInt(id, 10))
	}
	var ks protocol.UserKeys
	r := w.do("GET", "/api/v1/keys?users="+strings.Join(ids, ","), w.anyToken(), nil)
	w.expect(r, http.StatusOK, "")
	r.decode(w.t, &ks)
	var out []protocol.FileKey
	for _, k := range ks.Keys {
		out = append(out, protocol.FileKey{UserID: k.UserID, KeyID: k.KeyID})
	}
	return out
}

func (w *world) anyToken() string { return w.login("sunli", demo.Password) }

// postKeys posts keys of blob for context, wrapping the blob's key K to each key that
// has no wrap yet: real HPKE where the key and the binding are real, random bytes of a
// wrap's size where a test names a key or a context that is not.
func (w *world) postKeys(token, blob, context string, keys []protocol.FileKey) response {
	w.t.Helper()
	keys = append([]protocol.FileKey{}, keys...)
	for i, k := range keys {
		if k.Wrapped != "" {
			continue
		}
		if w.fileKeys[blob] == nil {
			w.fileKeys[blob] = random(32)
		}
		wrapped, err := e2e.WrapFileKeys(w.public[k.KeyID], e2e.FileKeys{File: w.fileKeys[blob]},
			e2e.Binding{BlobID: blob, Context: context, UserID: k.UserID, KeyID: k.KeyID})
		if err != nil {
			wrapped = b64(random(80))
		}
		keys[i].Wrapped = wrapped
	}
	return w.do("POST", "/api/v1/files/"+blob+"/keys", token, protocol.PostFileKeysRequest{Context: context, Keys: keys})
}

func channelContext(id int64) string { return "channel:" + strconv.FormatInt(id, 10) }

// audits lists the trail's entries of an action, newest first.
func (w *world) audits(action string) []store.AuditEvent {
	w.t.Helper()
	es, err := w.store.ListAudit(w.t.Context(), store.AuditFilter{Action: action})
	if err != nil {
		w.t.Fatal(err)
	}
	return es
}

func detailOf(t *testing.T, e store.AuditEvent) map[string]any {
	t.Helper()
	var d map[string]any
	if err := json.Unmarshal([]byte(e.Detail), &d); err != nil {
		t.Fatalf("detail %q: %v", e.Detail, err)
	}
	return d
}

// A person's key pair: made, re-wrapped, replaced; each an audit event; a new public
// key told to the channels they are in; refused when malformed, naming the field.
func TestMyKey(t *testing.T) {
	forEachWorld(t, func(t *testing.T, w *world) {
		staff := w.login("zhangjing", demo.Password)
		colleague := w.login("wuqiang", demo.Password) // shares 预算编制组 with zhangjing
		w.expect(w.do("GET", "/api/v1/me/key", staff, nil), http.StatusNotFound, protocol.CodeNotFound)

		pub, keyID := w.newKeyPair()
		t.Run("malformed keys are refused, naming the field", func(t *testing.T) {
			w := w.as(t)
			zero := b64(make([]byte, 32))
			cases := []struct {
				name  string
				req   protocol.PutMyKeyRequest
				field string
			}{
				{"public key not base64url", protocol.PutMyKeyRequest{PublicKey: "a+b/", Wrapped: b64(random(60)), Salt: b64(random(16)), Iterations: 600000}, "public_key"},
				{"public key padded", protocol.PutMyKeyRequest{PublicKey: base64.URLEncoding.EncodeToString(random(32)), Wrapped: b64(random(60)), Salt: b64(random(16)), Iterations: 600000}, "public_key"},
				{"public key of 31 bytes", protocol.PutMyKeyRequest{PublicKey: b64(random(31)), Wrapped: b64(random(60)), Salt: b64(random(16)), Iterations: 600000}, "public_key"},
				{"the all-zero key", protocol.PutMyKeyRequest{PublicKey: zero, Wrapped: b64(random(60)), Salt: b64(random(16)), Iterations: 600000}, "public_key"},
				{"wrapped private key short", protocol.PutMyKeyRequest{PublicKey: pub, Wrapped: b64(random(59)), Salt: b64(random(16)), Iterations: 600000}, "wrapped_private"},
				{"salt of 8 bytes", protocol.PutMyKeyRequest{PublicKey: pub, Wrapped: b64(random(60)), Salt: b64(random(8)), Iterations: 600000}, "kdf_salt"},
				{"too few iterations", protocol.PutMyKeyRequest{PublicKey: pub, Wrapped: b64(random(60)), Salt: b64(random(16)), Iterations: 599999}, "kdf_iterations"},
				{"too many iterations", protocol.PutMyKeyRequest{PublicKey: pub, Wrapped: b64(random(60)), Salt: b64(random(16)), Iterations: 10_000_001}, "kdf_iterations"},
			}
			for _, tc := range cases {
				r := w.do("PUT", "/api/v1/me/key", staff, tc.req)
				w.expect(r, http.StatusBadRequest, protocol.CodeBadRequest)
				if f := r.err().Field; f != tc.field {
					t.Errorf("%s: field %q, want %q", tc.name, f, tc.field)
				}
			}
			r := w.do("PUT", "/api/v1/me/key", staff, map[string]any{"public_key": pub, "key_id": keyID})
			w.expect(r, http.StatusBadRequest, protocol.CodeBadRequest) // key_id is the server's to compute
			w.expect(w.do("GET", "/api/v1/me/key", staff, nil), http.StatusNotFound, protocol.CodeNotFound)
		})

		ws, _, err := w.dialWS(colleague, "", false)
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		ws.Hello()
		// The channels both are in: one key frame each.
		shared := 0
		theirs := w.myChannels(colleague)
		for name, c := range w.myChannels(staff) {
			if theirs[name].ID == c.ID {
				shared++
			}
		}
		if shared < 2 {
			t.Fatalf("zhangjing and wuqiang share %d channels", shared)
		}

		first := keyRequest(pub)
		r := w.do("PUT", "/api/v1/me/key", staff, first)
		w.expect(r, http.StatusOK, "")
		var mine protocol.MyKey
		r.decode(t, &mine)
		if mine.KeyID != keyID || mine.PublicKey != pub || mine.Wrapped != first.Wrapped || mine.Salt != first.Salt ||
			mine.Iterations != 600000 || mine.UserID != w.userID("zhangjing") || mine.CreatedAt.IsZero() {
			t.Fatalf("stored %+v, want key id %s", mine, keyID)
		}

		// A password change: the same public key wrapped anew. Not announced.
		w.clock.advance(time.Hour)
		rewrap := keyRequest(pub)
		rewrap.Iterations = 700000
		r = w.do("PUT", "/api/v1/me/key", staff, rewrap)
		w.expect(r, http.StatusOK, "")
		var again protocol.MyKey
		r.decode(t, &again)
		if again.Wrapped != rewrap.Wrapped || again.Iterations != 700000 || !again.CreatedAt.Equal(mine.CreatedAt) {
			t.Fatalf("re-wrapped %+v, first %+v", again, mine)
		}

		// A new key pair: announced to the colleague, who fetches it.
		pub2, keyID2 := w.newKeyPair()
		w.expect(w.do("PUT", "/api/v1/me/key", staff, keyRequest(pub2)), http.StatusOK, "")
		// Every channel hears of the first key and of the new one, none of the re-wrap.
		announced := map[string]int{}
		for announced[keyID2] < shared {
			f := ws.Until("a key frame", wstest.OfType(protocol.TypeKey))
			var ev protocol.KeyEvent
			if err := json.Unmarshal(f.Data, &ev); err != nil || ev.UserID != mine.UserID {
				t.Fatalf("key frame %s", f.Data)
			}
			announced[ev.KeyID]++
		}
		ping := ws.Send(protocol.TypePing, nil)
		for f := ws.Next(); f.Ref != ping; f = ws.Next() {
			var ev protocol.KeyEvent
			if f.Type == protocol.TypeKey && json.Unmarshal(f.Data, &ev) == nil {
				announced[ev.KeyID]++
			}
		}
		if announced[keyID] != shared || announced[keyID2] != shared {
			t.Fatalf("announced %v in %d shared channels", announced, shared)
		}
		var ks protocol.UserKeys
		r = w.do("GET", fmt.Sprintf("/api/v1/keys?users=%d", mine.UserID), colleague, nil)
		w.expect(r, http.StatusOK, "")
		r.decode(t, &ks)
		if len(ks.Keys) != 1 || ks.Keys[0].KeyID != keyID2 || ks.Keys[0].PublicKey != pub2 || !ks.Keys[0].CreatedAt.After(mine.CreatedAt) {
			t.Fatalf("published %+v", ks)
		}

		t.Run("each is in the trail, with key ids only", func(t *testing.T) {
			w := w.as(t)
			events := w.audits("key.")
			if len(events) != 3 {
				t.Fatalf("%d key events", len(events))
			}
			want := []string{"key.changed", "key.rewrapped", "key.created"} // newest first
			for i, e := range events {
				if e.Action != want[i] || e.ActorID != mine.UserID || e.TargetType != "user" || e.TargetID != strconv.FormatInt(mine.UserID, 10) {
					t.Errorf("event %d: %+v, want %s", i, e, want[i])
				}
				if strings.Contains(e.Detail, pub) || strings.Contains(e.Detail, first.Wrapped) || strings.Contains(e.Detail, rewrap.Wrapped) {
					t.Errorf("event %s carries key material: %s", e.Action, e.Detail)
				}
			}
			if d := detailOf(t, events[0]); d["key_id"] != keyID2 || d["previous_key_id"] != keyID {
				t.Errorf("changed: %v", d)
			}
		})
	})
}

// Public keys: anyone's by id (those without one absent), a channel's for its members
// only — and a removed member neither reads them nor is listed.
func TestKeyLookups(t *testing.T) {
	forEachWorld(t, func(t *testing.T, w *world) {
		staff := w.login("zhangjing", demo.Password)
		peer := w.login("wuqiang", demo.Password)
		outsider := w.login("heping", demo.Password)
		w.putKey(staff)
		w.putKey(peer)
		out := w.putKey(outsider)
		zj, wq, hp, nobody := w.userID("zhangjing"), w.userID("wuqiang"), w.userID("heping"), w.userID("lihua")

		var ks protocol.UserKeys
		r := w.do("GET", fmt.Sprintf("/api/v1/keys?users=%d,%d,%d", zj, nobody, hp), outsider, nil)
		w.expect(r, http.StatusOK, "")
		r.decode(t, &ks)
		if len(ks.Keys) != 2 || ks.Keys[0].UserID != zj || ks.Keys[1].UserID != hp || ks.Keys[1].KeyID != out.KeyID {
			t.Fatalf("keys %+v", ks)
		}
		for _, q := range []string{"", "?users=", "?users=1,x", "?users=0", "?users=-3", "?users=" + strings.TrimSuffix(strings.Repeat("1,", 1001), ",")} {
			r := w.do("GET", "/api/v1/keys"+q, staff, nil)
			w.expect(r, http.StatusBadRequest, protocol.CodeBadRequest)
			if r.err().Field != "users" {
				t.Errorf("%s: field %q", q, r.err().Field)
			}
		}
		w.expect(w.do("GET", "/api/v1/keys?users=1", "", nil), http.StatusUnauthorized, protocol.CodeUnauthenticated)

		// A group of three; heping leaves it by being removed.
		r = w.do("POST", "/api/v1/channels", staff, protocol.CreateGroupRequest{Name: "预算材料", Members: []int64{wq, hp}})
		w.expect(r, http.StatusCreated, "")
		var group protocol.Channel
		r.decode(t, &group)
		path := fmt.Sprintf("/api/v1/channels/%d/keys", group.ID)
		members := func(token string) []int64 {
			r := w.do("GET", path, token, nil)
			w.expect(r, http.StatusOK, "")
			var ks protocol.UserKeys
			r.decode(t, &ks)
			var ids []int64
			for _, k := range ks.Keys {
				ids = append(ids, k.UserID)
			}
			return ids
		}
		if got := members(outsider); fmt.Sprint(got) != fmt.Sprint(sortedIDs(zj, wq, hp)) {
			t.Fatalf("members' keys %v", got)
		}
		w.expect(w.do("DELETE", fmt.Sprintf("/api/v1/channels/%d/members/%d", group.ID, hp), staff, nil), http.StatusNoContent, "")
		w.expect(w.do("GET", path, outsider, nil), http.StatusForbidden, protocol.CodeNotMember)
		if got := members(staff); fmt.Sprint(got) != fmt.Sprint(sortedIDs(zj, wq)) {
			t.Fatalf("after the removal: %v", got)
		}
		w.expect(w.do("GET", "/api/v1/channels/999999/keys", staff, nil), http.StatusForbidden, protocol.CodeNotMember)
	})
}

func sortedIDs(ids ...int64) []int64 {
	out := append([]int64{}, ids...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// The escrow key is the security officer's alone: the administrator, who changes the
// system, must never hold a key to every file (三员分立).
func TestEscrowKeyIsTheSecurityOfficers(t *testing.T) {
	forEachWorld(t, func(t *testing.T, w *world) {
		officer := w.login("zhaomin", demo.Password)
		admin := w.login("zhoutao", demo.Password)
		staff := w.login("zhangjing", demo.Password)
		w.expect(w.do("GET", "/api/v1/keys/escrow", staff, nil), http.StatusNotFound, protocol.CodeNotFound)
		pub, keyID := w.newKeyPair()
		for _, tok := range []string{admin, staff, w.login("sunli", demo.Password)} {
			w.expect(w.do("PUT", "/api/v1/admin/escrow-key", tok, protocol.SetEscrowKeyRequest{PublicKey: pub}), http.StatusForbidden, protocol.CodeForbidden)
		}
		if denied := w.audits("auth.denied"); len(denied) != 3 || !strings.Contains(denied[0].Detail, "escrow.manage") {
			t.Fatalf("refusals in the trail: %+v", denied)
		}
		r := w.do("PUT", "/api/v1/admin/escrow-key", officer, protocol.SetEscrowKeyRequest{PublicKey: "short"})
		w.expect(r, http.StatusBadRequest, protocol.CodeBadRequest)
		r = w.do("PUT", "/api/v1/admin/escrow-key", officer, protocol.SetEscrowKeyRequest{PublicKey: pub})
		w.expect(r, http.StatusOK, "")
		var set protocol.EscrowKey
		r.decode(t, &set)
		if set.KeyID != keyID || set.PublicKey != pub || set.SetBy != w.userID("zhaomin") {
			t.Fatalf("set %+v", set)
		}
		var got protocol.EscrowKey
		r = w.do("GET", "/api/v1/keys/escrow", staff, nil)
		w.expect(r, http.StatusOK, "")
		r.decode(t, &got)
		if got.KeyID != keyID {
			t.Fatalf("escrow key %+v", got)
		}
		// A second key replaces it.
		pub2, keyID2 := w.newKeyPair()
		w.expect(w.do("PUT", "/api/v1/admin/escrow-key", officer, protocol.SetEscrowKeyRequest{PublicKey: pub2}), http.StatusOK, "")
		r = w.do("GET", "/api/v1/keys/escrow", staff, nil)
		r.decode(t, &got)
		if got.KeyID != keyID2 {
			t.Fatalf("escrow key after the change %+v", got)
		}
		events := w.audits("escrow.key_set")
		if len(events) != 2 || detailOf(t, events[0])["previous_key_id"] != keyID || events[0].ActorID != w.userID("zhaomin") {
			t.Fatalf("escrow events %+v", events)
		}
	})
}

// sendFile sends a message with a file over the socket and returns the answer.
func sendFile(t *testing.T, c *wstest.Conn, d protocol.SendData) protocol.Frame {
	t.Helper()
	ref := c.Send(protocol.TypeSend, d)
	return c.Until("the answer to "+ref, wstest.WithRef(ref))
}

// pushedMessage waits for the message frame of seq in channelID on c.
func pushedMessage(t *testing.T, c *wstest.Conn, channelID, seq int64) protocol.Message {
	t.Helper()
	f := c.Until("the message", func(f protocol.Frame) bool {
		var m protocol.Message
		return f.Type == protocol.TypeMessage && json.Unmarshal(f.Data, &m) == nil && m.ChannelID == channelID && m.Seq == seq
	})
	var m protocol.Message
	_ = json.Unmarshal(f.Data, &m)
	return m
}

func frameError(t *testing.T, f protocol.Frame) protocol.Error {
	t.Helper()
	if f.Type != protocol.TypeError {
		t.Fatalf("got %s %s, want an error", f.Type, f.Data)
	}
	var e protocol.Error
	if err := json.Unmarshal(f.Data, &e); err != nil {
		t.Fatal(err)
	}
	return e
}

func commitment() string { return b64(random(32)) }

// A file on a message, end to end on the server: posting its keys (only to members,
// each to their current key), attaching it over the socket (only one's own finished
// upload, with the keys posted, the escrow's too once there is an escrow key), what
// members then read (the message, history, 群文件, their wrapped keys) and a recall that
// takes it all back.
func TestFilesOnMessages(t *testing.T) {
	forEachWorld(t, func(t *testing.T, w *world) {
		staff := w.login("zhangjing", demo.Password)
		peer := w.login("wuqiang", demo.Password)
		outsider := w.login("heping", demo.Password)
		officer := w.login("zhaomin", demo.Password)
		w.putKey(staff)
		w.putKey(peer)
		w.putKey(outsider)
		zj, wq, hp := w.userID("zhangjing"), w.userID("wuqiang"), w.userID("heping")
		section := w.myChannels(staff)["预算编制组"] // zhangjing and wuqiang
		ctxSection := channelContext(section.ID)

		file, thumb := w.blob("zhangjing", 5000, true), w.blob("zhangjing", 900, true)
		others := w.blob("wuqiang", 700, true)
		unfinished := w.blob("zhangjing", 800, false)

		t.Run("posting keys: who, for whom, and bad input", func(t *testing.T) {
			w := w.as(t)
			good := w.wrapFor(zj, wq)
			cases := []struct {
				name   string
				token  string
				blob   string
				req    protocol.PostFileKeysRequest
				status int
				code   protocol.Code
				field  string
			}{
				{"a wrapped key for a non-member", staff, file, protocol.PostFileKeysRequest{Context: ctxSection, Keys: append(w.wrapFor(zj), w.wrapFor(hp)...)}, 400, protocol.CodeBadRequest, "keys[1]"},
				{"a key wrapped to a stale key", staff, file, protocol.PostFileKeysRequest{Context: ctxSection, Keys: []protocol.FileKey{{UserID: wq, KeyID: "0123456789abcdef", Wrapped: b64(random(80))}}}, 400, protocol.CodeBadRequest, "keys[0]"},
				{"a member without a key", staff, file, protocol.PostFileKeysRequest{Context: channelContext(w.myChannels(staff)["预算股"].ID), Keys: w.wrapForUnkeyed("lihua")}, 400, protocol.CodeBadRequest, "keys[0]"},
				{"an escrow wrap with no escrow key", staff, file, protocol.PostFileKeysRequest{Context: ctxSection, Keys: []protocol.FileKey{{UserID: 0, KeyID: "0123456789abcdef", Wrapped: b64(random(80))}}}, 400, protocol.CodeBadRequest, "keys[0]"},
				{"an unknown context", staff, file, protocol.PostFileKeysRequest{Context: "channel:007", Keys: good}, 400, protocol.CodeBadRequest, "context"},
				{"a wrapped key of the wrong size", staff, file, protocol.PostFileKeysRequest{Context: ctxSection, Keys: []protocol.FileKey{{UserID: zj, KeyID: good[0].KeyID, Wrapped: b64(random(81))}}}, 400, protocol.CodeBadRequest, "keys[0]"},
				{"two keys for one person", staff, file, protocol.PostFileKeysRequest{Context: ctxSection, Keys: append(good, good[0])}, 400, protocol.CodeBadRequest, "keys[2]"},
				{"another blob's id inside", staff, file, protocol.PostFileKeysRequest{Context: ctxSection, Keys: []protocol.FileKey{{BlobID: others, UserID: zj, KeyID: good[0].KeyID, Wrapped: b64(random(80))}}}, 400, protocol.CodeBadRequest, "keys[0]"},
				{"no keys", staff, file, protocol.PostFileKeysRequest{Context: ctxSection}, 400, protocol.CodeBadRequest, "keys"},
				{"too many keys", staff, file, protocol.PostFileKeysRequest{Context: ctxSection, Keys: make([]protocol.FileKey, protocol.MaxFileKeysPerPost+1)}, 400, protocol.CodeBadRequest, "keys"},
				{"for a channel one is not in", outsider, w.blob("heping", 100, true), protocol.PostFileKeysRequest{Context: ctxSection, Keys: good}, 403, protocol.CodeNotMember, "context"},
				{"someone else's unsent blob", staff, others, protocol.PostFileKeysRequest{Context: ctxSection, Keys: good}, 404, protocol.CodeNotFound, ""},
				{"a blob that does not exist", staff, strings.Repeat("ab", 16), protocol.PostFileKeysRequest{Context: ctxSection, Keys: good}, 404, protocol.CodeNotFound, ""},
				{"a path that is not a blob id", staff, "..%2Fetc", protocol.PostFileKeysRequest{Context: ctxSection, Keys: good}, 404, protocol.CodeNotFound, ""},
			}
			for _, tc := range cases {
				r := w.postKeys(tc.token, tc.blob, tc.req.Context, tc.req.Keys)
				if r.status != tc.status || r.err().Code != tc.code || r.err().Field != tc.field {
					t.Errorf("%s: %d %s, want %d %s field %q", tc.name, r.status, r.body, tc.status, tc.code, tc.field)
				}
			}
			if n := len(w.audits("file.keys_posted")); n != 0 {
				t.Errorf("%d postings recorded for refusals", n)
			}
		})

		ws, _, err := w.dialWS(staff, "", false)
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		ws.Hello()
		// A member's connection, to see the message pushed (the sender's may get it
		// before or after its ack).
		watcher, _, err := w.dialWS(peer, "", false)
		if err != nil {
			t.Fatal(err)
		}
		defer watcher.Close()
		watcher.Hello()
		send := protocol.SendData{ChannelID: section.ID, ClientID: "f-1",
			Attachment: &protocol.AttachmentRef{BlobID: file, Commitment: commitment(), ThumbID: thumb}}

		t.Run("attaching is refused, naming why", func(t *testing.T) {
			cases := []struct {
				name  string
				ref   protocol.AttachmentRef
				code  protocol.Code
				field string
			}{
				{"someone else's upload", protocol.AttachmentRef{BlobID: others, Commitment: commitment()}, protocol.CodeBlobNotYours, "attachment.blob_id"},
				{"someone else's thumbnail", protocol.AttachmentRef{BlobID: file, Commitment: commitment(), ThumbID: others}, protocol.CodeBlobNotYours, "attachment.thumb_blob_id"},
				{"an unfinished upload", protocol.AttachmentRef{BlobID: unfinished, Commitment: commitment()}, protocol.CodeUploadIncomplete, "attachment.blob_id"},
				{"no such blob", protocol.AttachmentRef{BlobID: strings.Repeat("0f", 16), Commitment: commitment()}, protocol.CodeNotFound, "attachment.blob_id"},
				{"an id with path characters", protocol.AttachmentRef{BlobID: "../../etc/passwd", Commitment: commitment()}, protocol.CodeBadRequest, "attachment.blob_id"},
				{"a commitment of 31 bytes", protocol.AttachmentRef{BlobID: file, Commitment: b64(random(31))}, protocol.CodeBadRequest, "attachment.commitment"},
				{"no keys posted", protocol.AttachmentRef{BlobID: file, Commitment: commitment(), ThumbID: thumb}, protocol.CodeKeyMissing, "attachment"},
			}
			for i, tc := range cases {
				d := send
				d.ClientID = fmt.Sprintf("bad-%d", i)
				d.Attachment = &tc.ref
				e := frameError(t, sendFile(t, ws, d))
				if e.Code != tc.code || e.Field != tc.field {
					t.Errorf("%s: %s %q field %q, want %s field %q", tc.name, e.Code, e.Message, e.Field, tc.code, tc.field)
				}
			}
			d := send
			d.ClientID, d.Attachment = "no-file", nil
			if e := frameError(t, sendFile(t, ws, d)); e.Code != protocol.CodeBadRequest || e.Field != "text" {
				t.Errorf("an empty message without a file: %+v", e)
			}
		})

		// The sender posts the keys for the section's members; then an escrow key is set,
		// and the send needs the escrow wrap too.
		w.expect(w.postKeys(staff, file, ctxSection, w.wrapFor(zj, wq)), http.StatusNoContent, "")
		escrowPub, escrowID := w.newKeyPair()
		w.expect(w.do("PUT", "/api/v1/admin/escrow-key", officer, protocol.SetEscrowKeyRequest{PublicKey: escrowPub}), http.StatusOK, "")
		if e := frameError(t, sendFile(t, ws, send)); e.Code != protocol.CodeKeyMissing || !strings.Contains(e.Message, "escrow") {
			t.Fatalf("without the escrow wrap: %+v", e)
		}
		escrowWrap := protocol.FileKey{UserID: 0, KeyID: escrowID}
		w.expect(w.postKeys(staff, file, ctxSection, []protocol.FileKey{escrowWrap}), http.StatusNoContent, "")
		if w.attachedAt(file) != 0 {
			t.Fatal("attached before any message carried it")
		}

		ack := sendFile(t, ws, send)
		if ack.Type != protocol.TypeAck {
			t.Fatalf("send: %s %s", ack.Type, ack.Data)
		}
		var a protocol.AckData
		_ = json.Unmarshal(ack.Data, &a)
		if w.attachedAt(file) == 0 || w.attachedAt(thumb) == 0 {
			t.Fatal("the blobs were not marked attached with the message")
		}
		want := protocol.Attachment{BlobID: file, Size: 5000, Commitment: send.Attachment.Commitment, ThumbID: thumb, ThumbSize: 900}
		m := pushedMessage(t, watcher, section.ID, a.Seq)
		if m.Attachment == nil || *m.Attachment != want || m.Text != "" {
			t.Fatalf("pushed %+v", m)
		}

		history := func(token string) []protocol.Message {
			r := w.do("GET", fmt.Sprintf("/api/v1/channels/%d/messages?limit=10", section.ID), token, nil)
			w.expect(r, http.StatusOK, "")
			var ms protocol.Messages
			r.decode(t, &ms)
			return ms.Messages
		}
		if ms := history(peer); len(ms) == 0 || ms[len(ms)-1].Attachment == nil || *ms[len(ms)-1].Attachment != want {
			t.Fatalf("history %+v", ms)
		}
		files := func(token string) protocol.ChannelFiles {
			r := w.do("GET", fmt.Sprintf("/api/v1/channels/%d/files", section.ID), token, nil)
			w.expect(r, http.StatusOK, "")
			var fs protocol.ChannelFiles
			r.decode(t, &fs)
			return fs
		}
		if fs := files(peer); len(fs.Files) != 1 || fs.Files[0].Attachment != want || fs.Files[0].Seq != a.Seq || fs.Files[0].SenderID != zj || fs.HasMore {
			t.Fatalf("群文件 %+v", fs)
		}
		w.expect(w.do("GET", fmt.Sprintf("/api/v1/channels/%d/files", section.ID), outsider, nil), http.StatusForbidden, protocol.CodeNotMember)
		w.expect(w.do("GET", fmt.Sprintf("/api/v1/channels/%d/files?limit=0", section.ID), peer, nil), http.StatusBadRequest, protocol.CodeBadRequest)

		myKeys := func(token string, blobs ...string) []protocol.FileKey {
			r := w.do("GET", "/api/v1/file-keys?blobs="+strings.Join(blobs, ","), token, nil)
			w.expect(r, http.StatusOK, "")
			var ks protocol.FileKeys
			r.decode(t, &ks)
			return ks.Keys
		}
		if ks := myKeys(peer, file, others); len(ks) != 1 || ks[0].UserID != wq || ks[0].Context != ctxSection || ks[0].WrappedBy != zj || ks[0].BlobID != file {
			t.Fatalf("the member's keys %+v", ks)
		} else {
			w.opens(ks[0], file)
		}
		if ks := myKeys(outsider, file); len(ks) != 0 {
			t.Fatalf("an outsider's keys %+v", ks)
		}
		for _, q := range []string{"", "?blobs=", "?blobs=" + file + ",xyz", "?blobs=" + strings.TrimSuffix(strings.Repeat(file+",", 101), ",")} {
			r := w.do("GET", "/api/v1/file-keys"+q, peer, nil)
			w.expect(r, http.StatusBadRequest, protocol.CodeBadRequest)
		}

		t.Run("a reader re-shares, but cannot spoil the uploader's keys", func(t *testing.T) {
			w := w.as(t)
			// wuqiang may read the file (a member of the section) and wraps it again for
			// zhangjing: her key, wrapped by the uploader, stays as it was.
			before := myKeys(staff, file)
			w.expect(w.postKeys(peer, file, ctxSection, w.wrapFor(zj)), http.StatusNoContent, "")
			if after := myKeys(staff, file); len(after) != 1 || after[0].Wrapped != before[0].Wrapped {
				t.Fatalf("a reader replaced the uploader's key: %+v → %+v", before, after)
			}
			// …nor share it with a notice's recipients, which is the uploader's to do.
			r := w.postKeys(peer, file, protocol.FileKeyContextNote, w.wrapFor(wq))
			w.expect(r, http.StatusForbidden, protocol.CodeBlobNotYours)
			posted := w.audits("file.keys_posted")
			if len(posted) != 3 || detailOf(t, posted[0])["uploader"] != false || posted[0].TargetID != file || posted[0].ActorID != wq {
				t.Fatalf("postings %+v", posted)
			}
		})

		// A retry of the same send writes nothing twice.
		if dup := sendFile(t, ws, send); dup.Type != protocol.TypeAck || !strings.Contains(string(dup.Data), `"duplicate":true`) {
			t.Fatalf("retry: %s", dup.Data)
		}

		// A recall takes the file back: no message carries it, no member may read it.
		ref := ws.Send(protocol.TypeRecall, protocol.RecallData{ChannelID: section.ID, Seq: a.Seq})
		if f := ws.Until("the recall's answer", wstest.WithRef(ref)); f.Type != protocol.TypeAck {
			t.Fatalf("recall: %s", f.Data)
		}
		if ms := history(peer); ms[len(ms)-1].Attachment != nil {
			t.Fatalf("a recalled message keeps its file: %+v", ms[len(ms)-1])
		}
		if fs := files(peer); len(fs.Files) != 0 {
			t.Fatalf("群文件 after the recall %+v", fs)
		}
		if ks := myKeys(peer, file); len(ks) != 0 {
			t.Fatalf("the member still reads the recalled file's keys: %+v", ks)
		}
		if ks := myKeys(staff, file); len(ks) != 1 {
			t.Fatalf("the uploader lost their own keys: %+v", ks)
		}
	})
}

// opens checks that k, as the server answered it, opens with its recipient's private
// key under the binding it names, to the key of blob: nothing was moved or altered.
func (w *world) opens(k protocol.FileKey, blob string) {
	w.t.Helper()
	got, err := e2e.UnwrapFileKeys(w.private[k.KeyID], k.Wrapped, e2e.Binding{BlobID: k.BlobID, Context: k.Context, UserID: k.UserID, KeyID: k.KeyID})
	if err != nil || string(got.File) != string(w.fileKeys[blob]) {
		w.t.Fatalf("%+v does not open to the key of %s: %v", k, blob, err)
	}
}

// wrapForUnkeyed is a key for a person who has none published.
func (w *world) wrapForUnkeyed(username string) []protocol.FileKey {
	return []protocol.FileKey{{UserID: w.userID(username), KeyID: "0123456789abcdef", Wrapped: b64(random(80))}}
}

// sendOne sends a message with a file (its keys posted for the channel first) and
// returns its seq.
func (w *world) sendOne(c *wstest.Conn, token, username string, channelID int64, clientID string, members ...int64) (int64, protocol.Attachment) {
	w.t.Helper()
	blob := w.blob(username, 4000, true)
	w.expect(w.postKeys(token, blob, channelContext(channelID), w.wrapFor(members...)), http.StatusNoContent, "")
	ref := protocol.AttachmentRef{BlobID: blob, Commitment: commitment()}
	f := sendFile(w.t, c, protocol.SendData{ChannelID: channelID, ClientID: clientID, Text: "附件：" + clientID, Attachment: &ref})
	if f.Type != protocol.TypeAck {
		w.t.Fatalf("send %s: %s", clientID, f.Data)
	}
	var a protocol.AckData
	_ = json.Unmarshal(f.Data, &a)
	return a.Seq, protocol.Attachment{BlobID: blob, Size: 4000, Commitment: ref.Commitment}
}

// Forwarding files: the forwarder re-wraps each file's key for the target's members
// first (key_missing naming the target otherwise); the file then travels in the
// forwarded message, and a merged record carries each of its files, readable there.
func TestForwardingFiles(t *testing.T) {
	forEachWorld(t, func(t *testing.T, w *world) {
		staff := w.login("zhangjing", demo.Password)
		peer := w.login("wuqiang", demo.Password)
		lead := w.login("lihua", demo.Password)
		w.putKey(staff)
		w.putKey(peer)
		w.putKey(lead)
		zj, wq, lh := w.userID("zhangjing"), w.userID("wuqiang"), w.userID("lihua")
		mine := w.myChannels(staff)
		section := mine["预算编制组"]
		// A group of wuqiang and lihua, where wuqiang forwards to.
		r := w.do("POST", "/api/v1/channels", peer, protocol.CreateGroupRequest{Name: "转发", Members: []int64{lh}})
		w.expect(r, http.StatusCreated, "")
		var target protocol.Channel
		r.decode(t, &target)

		ws, _, err := w.dialWS(staff, "", false)
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		ws.Hello()
		seq1, att1 := w.sendOne(ws, staff, "zhangjing", section.ID, "fw-1", zj, wq)
		seq2, att2 := w.sendOne(ws, staff, "zhangjing", section.ID, "fw-2", zj, wq)

		forward := protocol.ForwardRequest{ClientID: "fwd-1", ChannelID: section.ID, Seqs: []int64{seq1}, Targets: []protocol.ForwardTarget{{ChannelID: target.ID}}}
		r = w.do("POST", "/api/v1/forward", peer, forward)
		w.expect(r, http.StatusConflict, protocol.CodeKeyMissing)
		if r.err().Field != "targets[0]" {
			t.Fatalf("field %q", r.err().Field)
		}
		// To a person without a direct channel yet: open it first.
		r = w.do("POST", "/api/v1/forward", peer, protocol.ForwardRequest{ClientID: "fwd-0", ChannelID: section.ID, Seqs: []int64{seq1},
			Targets: []protocol.ForwardTarget{{UserID: lh}}})
		w.expect(r, http.StatusConflict, protocol.CodeKeyMissing)

		// The forwarder re-wraps (a reader of the file may) and forwards.
		w.expect(w.postKeys(peer, att1.BlobID, channelContext(target.ID), w.wrapFor(wq, lh)), http.StatusNoContent, "")
		r = w.do("POST", "/api/v1/forward", peer, forward)
		w.expect(r, http.StatusOK, "")
		var res protocol.ForwardResult
		r.decode(t, &res)
		hist := func(token string, channelID int64) []protocol.Message {
			r := w.do("GET", fmt.Sprintf("/api/v1/channels/%d/messages?limit=10", channelID), token, nil)
			w.expect(r, http.StatusOK, "")
			var ms protocol.Messages
			r.decode(t, &ms)
			return ms.Messages
		}
		got := hist(lead, target.ID)
		last := got[len(got)-1]
		if last.Seq != res.Results[0].Seqs[0] || last.Attachment == nil || *last.Attachment != att1 || last.Forward == nil ||
			last.Forward.Items[0].Attachment == nil || *last.Forward.Items[0].Attachment != att1 {
			t.Fatalf("forwarded %+v", last)
		}
		keysOf := func(token string, blobs ...string) []protocol.FileKey {
			r := w.do("GET", "/api/v1/file-keys?blobs="+strings.Join(blobs, ","), token, nil)
			w.expect(r, http.StatusOK, "")
			var ks protocol.FileKeys
			r.decode(t, &ks)
			return ks.Keys
		}
		if ks := keysOf(lead, att1.BlobID); len(ks) != 1 || ks[0].WrappedBy != wq {
			t.Fatalf("lihua reads %+v of the forwarded file", ks)
		} else {
			w.opens(ks[0], att1.BlobID) // the forwarder's re-wrap opens to the sender's key
		}

		// A merged record of both files: re-wrap the second, forward, both readable there.
		merged := protocol.ForwardRequest{ClientID: "fwd-2", ChannelID: section.ID, Seqs: []int64{seq1, seq2}, Merged: true,
			Targets: []protocol.ForwardTarget{{ChannelID: target.ID}}}
		w.expect(w.do("POST", "/api/v1/forward", peer, merged), http.StatusConflict, protocol.CodeKeyMissing)
		w.expect(w.postKeys(peer, att2.BlobID, channelContext(target.ID), w.wrapFor(wq, lh)), http.StatusNoContent, "")
		r = w.do("POST", "/api/v1/forward", peer, merged)
		w.expect(r, http.StatusOK, "")
		r.decode(t, &res)
		got = hist(lead, target.ID)
		record := got[len(got)-1]
		if record.Attachment != nil || record.Forward == nil || len(record.Forward.Items) != 2 ||
			*record.Forward.Items[0].Attachment != att1 || *record.Forward.Items[1].Attachment != att2 {
			t.Fatalf("merged record %+v", record)
		}
		r = w.do("GET", fmt.Sprintf("/api/v1/channels/%d/files", target.ID), lead, nil)
		w.expect(r, http.StatusOK, "")
		var fs protocol.ChannelFiles
		r.decode(t, &fs)
		if len(fs.Files) != 3 || fs.Files[0].Seq != record.Seq || fs.Files[2].Attachment != att1 {
			t.Fatalf("群文件 of the target %+v", fs)
		}
		// Paging: one message a page, a merged record's files together.
		r = w.do("GET", fmt.Sprintf("/api/v1/channels/%d/files?limit=1", target.ID), lead, nil)
		r.decode(t, &fs)
		if len(fs.Files) != 2 || !fs.HasMore {
			t.Fatalf("first page %+v", fs)
		}
		r = w.do("GET", fmt.Sprintf("/api/v1/channels/%d/files?limit=1&before=%d", target.ID, record.Seq), lead, nil)
		r.decode(t, &fs)
		if len(fs.Files) != 1 || fs.HasMore || fs.Files[0].Attachment != att1 {
			t.Fatalf("second page %+v", fs)
		}
		fwd := w.audits("chat.forward")
		if len(fwd) != 2 || detailOf(t, fwd[0])["files"] != float64(2) {
			t.Fatalf("forward events %+v", fwd)
		}
	})
}

// A notice carries files to every recipient: the author's uploads, with a key posted for
// every recipient who has one (refused, saying how many lack one, otherwise); the
// notice names them in every answer, and a revision keeps them.
func TestNoticeAttachments(t *testing.T) {
	forEachWorld(t, func(t *testing.T, w *world) {
		leader := w.login("lihua", demo.Password)
		staff := w.login("zhangjing", demo.Password)
		peer := w.login("wuqiang", demo.Password)
		outsider := w.login("heping", demo.Password)
		w.putKey(leader)
		w.putKey(staff)
		w.putKey(peer)
		zj, wq := w.userID("zhangjing"), w.userID("wuqiang")
		file := w.blob("lihua", 9000, true)
		req := protocol.PublishNoticeRequest{Title: "预算编制说明", Body: "见附件。", Audience: protocol.Audience{Users: []int64{zj, wq, w.userID("fengyu")}},
			Attachments: []protocol.AttachmentRef{{BlobID: file, Commitment: commitment()}}}

		// The author's browser asks whom to wrap for: the audience's keys (fengyu has none).
		r := w.do("POST", "/api/v1/notices/audience/keys", leader, protocol.NoticeAudienceRequest{Audience: req.Audience})
		w.expect(r, http.StatusOK, "")
		var aks protocol.UserKeys
		r.decode(t, &aks)
		if len(aks.Keys) != 2 || aks.Keys[0].UserID != min(zj, wq) || aks.Keys[1].UserID != max(zj, wq) {
			t.Fatalf("audience keys %+v", aks)
		}
		// Someone who may not publish to that audience learns nothing of it.
		r = w.do("POST", "/api/v1/notices/audience/keys", peer, protocol.NoticeAudienceRequest{Audience: req.Audience})
		if r.status == http.StatusOK {
			t.Fatalf("a staff member got an audience's keys: %s", r.body)
		}

		r = w.do("POST", "/api/v1/notices", leader, req)
		w.expect(r, http.StatusConflict, protocol.CodeKeyMissing)
		if r.err().Field != "attachments[0]" || !strings.Contains(r.err().Message, "2 recipients") {
			t.Fatalf("%s", r.body)
		}
		// Keys for zhangjing only: one still lacks one (fengyu has no key and is not waited for).
		w.expect(w.postKeys(leader, file, protocol.FileKeyContextNote, w.wrapFor(zj)), http.StatusNoContent, "")
		r = w.do("POST", "/api/v1/notices", leader, req)
		w.expect(r, http.StatusConflict, protocol.CodeKeyMissing)
		if !strings.Contains(r.err().Message, "1 recipients") {
			t.Fatalf("%s", r.body)
		}
		w.expect(w.postKeys(leader, file, protocol.FileKeyContextNote, w.wrapFor(wq)), http.StatusNoContent, "")

		bad := req
		bad.Attachments = []protocol.AttachmentRef{{BlobID: w.blob("zhangjing", 100, true), Commitment: commitment()}}
		r = w.do("POST", "/api/v1/notices", leader, bad)
		w.expect(r, http.StatusForbidden, protocol.CodeBlobNotYours)
		if r.err().Field != "attachments[0].blob_id" {
			t.Fatalf("field %q", r.err().Field)
		}
		bad.Attachments = make([]protocol.AttachmentRef, protocol.MaxAttachmentsPer+1)
		w.expect(w.do("POST", "/api/v1/notices", leader, bad), http.StatusBadRequest, protocol.CodeBadRequest)
		bad.Attachments = []protocol.AttachmentRef{req.Attachments[0], req.Attachments[0]}
		w.expect(w.do("POST", "/api/v1/notices", leader, bad), http.StatusBadRequest, protocol.CodeBadRequest)

		r = w.do("POST", "/api/v1/notices", leader, req)
		w.expect(r, http.StatusCreated, "")
		var n protocol.Notice
		r.decode(t, &n)
		want := protocol.Attachment{BlobID: file, Size: 9000, Commitment: req.Attachments[0].Commitment}
		if len(n.Attachments) != 1 || n.Attachments[0] != want || w.attachedAt(file) == 0 {
			t.Fatalf("published %+v", n.Attachments)
		}
		r = w.do("GET", fmt.Sprintf("/api/v1/notices/%d", n.ID), peer, nil)
		w.expect(r, http.StatusOK, "")
		var got protocol.Notice
		r.decode(t, &got)
		if len(got.Attachments) != 1 || got.Attachments[0] != want {
			t.Fatalf("read %+v", got.Attachments)
		}
		r = w.do("GET", "/api/v1/file-keys?blobs="+file, peer, nil)
		var ks protocol.FileKeys
		r.decode(t, &ks)
		if len(ks.Keys) != 1 || ks.Keys[0].Context != protocol.FileKeyContextNote {
			t.Fatalf("a recipient's keys %+v", ks)
		}
		w.opens(ks.Keys[0], file)
		r = w.do("GET", "/api/v1/file-keys?blobs="+file, outsider, nil)
		r.decode(t, &ks)
		if len(ks.Keys) != 0 {
			t.Fatalf("an outsider's keys %+v", ks)
		}
		r = w.do("POST", fmt.Sprintf("/api/v1/notices/%d/revisions", n.ID), leader, protocol.ReviseNoticeRequest{Title: "预算编制说明（修订）", Body: "见附件，第二版。", ChangeNote: "补充说明"})
		w.expect(r, http.StatusOK, "")
		r.decode(t, &got)
		if got.Revision != 2 || len(got.Attachments) != 1 || got.Attachments[0] != want {
			t.Fatalf("revised %+v", got)
		}
		if pub := w.audits("notice.publish"); len(pub) != 1 || detailOf(t, pub[0])["attachments"] != float64(1) {
			t.Fatalf("publish events %+v", pub)
		}
		// Withdrawn, the notice gives its recipients the file no more.
		w.expect(w.do("POST", fmt.Sprintf("/api/v1/notices/%d/withdraw", n.ID), leader, protocol.WithdrawNoticeRequest{Reason: "作废"}), http.StatusOK, "")
		r = w.do("GET", "/api/v1/file-keys?blobs="+file, peer, nil)
		r.decode(t, &ks)
		if len(ks.Keys) != 0 {
			t.Fatalf("keys of a withdrawn notice's file %+v", ks)
		}
	})
}

// Opening a file with the escrow key: the security officer's, with a case number and a
// reason, each open in the trail; it answers the escrow wrap and where the file went.
func TestEscrowOpen(t *testing.T) {
	forEachWorld(t, func(t *testing.T, w *world) {
		officer := w.login("zhaomin", demo.Password)
		admin := w.login("zhoutao", demo.Password)
		staff := w.login("zhangjing", demo.Password)
		w.putKey(staff)
		zj := w.userID("zhangjing")
		section := w.myChannels(staff)["预算编制组"]
		ws, _, err := w.dialWS(staff, "", false)
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		ws.Hello()
		// Sent before there was an escrow key: no escrow wrap.
		_, early := w.sendOne(ws, staff, "zhangjing", section.ID, "e-1", zj)
		pub, escrowID := w.newKeyPair()
		w.expect(w.do("PUT", "/api/v1/admin/escrow-key", officer, protocol.SetEscrowKeyRequest{PublicKey: pub}), http.StatusOK, "")
		late := w.blob("zhangjing", 3000, true)
		keys := append(w.wrapFor(zj), protocol.FileKey{UserID: 0, KeyID: escrowID})
		w.expect(w.postKeys(staff, late, channelContext(section.ID), keys), http.StatusNoContent, "")
		ref := protocol.AttachmentRef{BlobID: late, Commitment: commitment()}
		if f := sendFile(t, ws, protocol.SendData{ChannelID: section.ID, ClientID: "e-2", Attachment: &ref}); f.Type != protocol.TypeAck {
			t.Fatalf("send: %s", f.Data)
		}
		unsent := w.blob("zhangjing", 100, true)

		open := func(token, blob string, req protocol.EscrowOpenRequest) response {
			return w.do("POST", "/api/v1/files/"+blob+"/escrow-open", token, req)
		}
		good := protocol.EscrowOpenRequest{CaseNumber: "（2026）保密字第7号", Reason: "依据保密检查通知核查文件流转"}
		w.expect(open(admin, late, good), http.StatusForbidden, protocol.CodeForbidden)
		w.expect(open(staff, late, good), http.StatusForbidden, protocol.CodeForbidden)
		for _, tc := range []struct {
			req   protocol.EscrowOpenRequest
			field string
		}{
			{protocol.EscrowOpenRequest{Reason: good.Reason}, "case_number"},
			{protocol.EscrowOpenRequest{CaseNumber: "  ", Reason: good.Reason}, "case_number"},
			{protocol.EscrowOpenRequest{CaseNumber: strings.Repeat("号", 65), Reason: good.Reason}, "case_number"},
			{protocol.EscrowOpenRequest{CaseNumber: good.CaseNumber}, "reason"},
			{protocol.EscrowOpenRequest{CaseNumber: good.CaseNumber, Reason: strings.Repeat("因", 501)}, "reason"},
			{protocol.EscrowOpenRequest{CaseNumber: "7\x00", Reason: good.Reason}, "case_number"},
		} {
			r := open(officer, late, tc.req)
			w.expect(r, http.StatusBadRequest, protocol.CodeBadRequest)
			if r.err().Field != tc.field {
				t.Errorf("%+v: field %q", tc.req, r.err().Field)
			}
		}
		w.expect(open(officer, unsent, good), http.StatusNotFound, protocol.CodeNotFound)
		w.expect(open(officer, "not-a-blob", good), http.StatusNotFound, protocol.CodeNotFound)
		w.expect(open(officer, early.BlobID, good), http.StatusConflict, protocol.CodeKeyMissing)

		r := open(officer, late, good)
		w.expect(r, http.StatusOK, "")
		var out protocol.EscrowOpen
		r.decode(t, &out)
		if out.Key.UserID != 0 || out.Key.KeyID != escrowID || out.Key.BlobID != late || out.Attachment.BlobID != late ||
			out.Attachment.Commitment != ref.Commitment || out.Attachment.Size != 3000 || len(out.Channels) != 1 || out.Channels[0] != section.ID {
			t.Fatalf("escrow open %+v", out)
		}
		w.opens(out.Key, late) // the officer's escrow private key opens it
		events := w.audits("file.escrow_open")
		if len(events) != 2 {
			t.Fatalf("%d escrow opens in the trail", len(events))
		}
		d := detailOf(t, events[0])
		if events[0].Outcome != "ok" || events[0].TargetID != late || d["case_number"] != good.CaseNumber || d["reason"] != good.Reason || d["key_id"] != escrowID {
			t.Fatalf("the open: %+v %v", events[0], d)
		}
		if events[1].Outcome != "failed" || events[1].TargetID != early.BlobID {
			t.Fatalf("the failed open: %+v", events[1])
		}
	})
}
