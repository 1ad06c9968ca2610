package store_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"govchat/internal/audit"
	"govchat/internal/blob"
	"govchat/internal/bus"
	"govchat/internal/busevent"
	"govchat/internal/files"
	"govchat/internal/retention"
	"govchat/internal/secrecy"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

// Time-travel tests of retention (PROTOCOL.md §4.20) through the real sweeper, the real
// files sweeper and a real blob store: the store's clock and the sweepers' are one fake
// clock the test moves.

var day = 24 * time.Hour

// retentionT0 is when the test's messages are sent.
var retentionT0 = time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// expiredFrames collects the expired frames published on the bus.
type expiredFrames struct {
	mu  sync.Mutex
	got map[int64][][]int64 // channel → each frame's seqs
}

func (e *expiredFrames) handle(_ string, payload []byte) {
	ev, err := busevent.Decode(payload)
	if err != nil {
		return
	}
	var f protocol.Frame
	if json.Unmarshal(ev.Frame, &f) != nil || f.Type != protocol.TypeExpired {
		return
	}
	var d protocol.ExpiredData
	if json.Unmarshal(f.Data, &d) != nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.got[d.ChannelID] = append(e.got[d.ChannelID], d.Seqs)
}

func (e *expiredFrames) of(ch int64) [][]int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.got[ch]
}

// retentionRig is a store with the sweepers around it.
type retentionRig struct {
	s       store.Store
	clock   *fakeClock
	bus     *bus.Memory
	frames  *expiredFrames
	sweeper *retention.Sweeper
	files   *files.Service
	blobDir string
	blobs   blob.Store
}

func newRetentionRig(t *testing.T, s store.Store, opt retention.Options) *retentionRig {
	t.Helper()
	clk := &fakeClock{t: retentionT0}
	store.SetClock(s, clk.Now)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rec := audit.New(s, clk.Now, log)
	b := bus.NewMemory()
	t.Cleanup(func() { b.Close() })
	dir := t.TempDir()
	local, err := blob.NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	r := &retentionRig{s: s, clock: clk, bus: b, frames: &expiredFrames{got: map[int64][][]int64{}}, blobDir: dir, blobs: local}
	r.sweeper = retention.New(retention.Deps{
		Store: s, Levels: secrecy.Static{}, Publisher: busevent.NewPublisher(b, log), Audit: rec, Log: log, Now: clk.Now,
		Shredder: s.(retention.KeyShredder),
	}, opt)
	r.files = files.New(files.Deps{
		Store: store.Narrow(s, func(tx store.Store) files.Tx { return tx }), Blobs: local, Audit: rec, Log: log, Now: clk.Now,
	}, files.Limits{MaxFileSize: protocol.DefaultMaxFileSize})
	t.Cleanup(r.files.Close)
	return r
}

func (r *retentionRig) watch(t *testing.T, ch int64) {
	t.Helper()
	unsub, err := r.bus.Subscribe(t.Context(), busevent.ChannelTopic(ch), r.frames.handle)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(unsub)
}

func (r *retentionRig) sweep(t *testing.T) retention.Result {
	t.Helper()
	res, err := r.sweeper.Sweep(t.Context())
	if err != nil {
		t.Fatalf("sweep at %s: %v", r.clock.Now().Format(time.DateTime), err)
	}
	return res
}

// send appends one message and fails the test on any error.
func send(t *testing.T, s store.Store, m store.NewMessage) store.Message {
	t.Helper()
	res, err := s.AppendMessages(t.Context(), []store.NewMessage{m})
	if err == nil {
		err = res[0].Err
	}
	if err != nil {
		t.Fatalf("append: %v", err)
	}
	return res[0].Message
}

// upload stores a complete blob whose one part holds body, as the files service would,
// with a wrapped key for a channel's member.
func (r *retentionRig) upload(t *testing.T, uploader, reader, channelID int64, body []byte) string {
	t.Helper()
	ctx := t.Context()
	b := store.Blob{UploaderID: uploader, Size: int64(len(body)), Parts: 1, ExpiresAt: r.clock.Now().Add(day)}
	must(t, r.s.CreateBlob(ctx, &b, 0))
	must(t, r.blobs.PutPart(ctx, b.ID, 0, bytes.NewReader(body), int64(len(body))))
	sum := sha256.Sum256(body)
	must(t, r.s.PutBlobPart(ctx, store.BlobPart{BlobID: b.ID, Part: 0, Size: int64(len(body)), SHA256: hex.EncodeToString(sum[:])}, r.clock.Now()))
	must(t, r.s.CompleteBlob(ctx, b.ID, hex.EncodeToString(sum[:]), r.clock.Now()))
	_, err := r.s.PutFileKeys(ctx, []store.FileKey{
		{BlobID: b.ID, Context: "channel:" + itoa(channelID), UserID: reader, KeyID: "k1", Wrapped: "wrapped-for-reader", WrappedBy: uploader},
		{BlobID: b.ID, Context: "channel:" + itoa(channelID), UserID: 0, KeyID: "esc", Wrapped: "wrapped-for-escrow", WrappedBy: uploader},
	}, false)
	must(t, err)
	return b.ID
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// count runs a count(*) beneath the store.
func count(t *testing.T, s store.Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := store.QueryRowRaw(t.Context(), s, query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// messageTraces counts the rows anything of a message left: itself, its postings, its
// reactions and its blob references.
func messageTraces(t *testing.T, s store.Store, m store.Message) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"messages", "message_terms", "message_reactions", "message_reaction_revs", "blob_refs"} {
		out[table] = count(t, s, `SELECT count(*) FROM `+table+` WHERE channel_id = ? AND seq = ?`, m.ChannelID, m.Seq)
	}
	n, err := store.IndexedTokens(t.Context(), s, m.ChannelID, m.Seq)
	must(t, err)
	out["search index"] = n
	return out
}

func sweepEvents(t *testing.T, s store.Store, action string) []store.AuditEvent {
	t.Helper()
	es, err := s.ListAudit(t.Context(), store.AuditFilter{Action: action})
	must(t, err)
	return es
}

// filesUnder returns every file below dir with its content.
func filesUnder(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		out[path] = b
		return err
	})
	must(t, err)
	return out
}

func TestRetentionTimeTravel(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		r := newRetentionRig(t, s, retention.Options{})
		alice := newUser(t, s, "alice", store.RoleStaff)
		bob := newUser(t, s, "bob", store.RoleStaff)
		officer1 := newUser(t, s, "officer1", store.RoleSecurity)
		officer2 := newUser(t, s, "officer2", store.RoleSecurity)
		a := newChannel(t, s, "专案组", alice.ID, bob.ID)
		held := newChannel(t, s, "留置组", alice.ID, bob.ID)
		r.watch(t, a.ID)
		r.watch(t, held.ID)

		const marker = "MARKER7731QZ"
		blobID := r.upload(t, alice.ID, bob.ID, a.ID, []byte("ciphertext "+marker+" of a 秘密 file"))
		gone := send(t, s, store.NewMessage{ChannelID: a.ID, SenderID: alice.ID, Text: "秘密 " + marker + " 预算调整", Secrecy: 3,
			CreatedAt: retentionT0, Attachment: &store.Attachment{BlobID: blobID, Size: 40, Commitment: "c"}})
		_, _, err := s.SetReaction(ctx, store.ReactionChange{ChannelID: a.ID, Seq: gone.Seq, UserID: bob.ID, Reaction: "收到", On: true})
		must(t, err)
		// 30 days old (less a minute) when the clock reads T0 + 31 days: not yet.
		young := send(t, s, store.NewMessage{ChannelID: a.ID, SenderID: alice.ID, Text: "秘密 仍在期限内", Secrecy: 3,
			CreatedAt: retentionT0.Add(day + time.Minute)})
		internal := send(t, s, store.NewMessage{ChannelID: a.ID, SenderID: alice.ID, Text: "内部 通知", Secrecy: 1, CreatedAt: retentionT0})
		heldMsg := send(t, s, store.NewMessage{ChannelID: held.ID, SenderID: alice.ID, Text: "秘密 留置 " + marker, Secrecy: 3, CreatedAt: retentionT0})
		outside := send(t, s, store.NewMessage{ChannelID: held.ID, SenderID: alice.ID, Text: "秘密 范围外", Secrecy: 3, CreatedAt: retentionT0.Add(-2 * time.Hour)})
		hold := store.LegalHold{Scope: store.HoldChannel, TargetID: held.ID, TargetName: held.Name,
			From: retentionT0.Add(-time.Hour), To: retentionT0.Add(time.Hour), Reason: "调查", CaseNo: "(2025)001", CreatedBy: officer1.ID}
		must(t, s.CreateHold(ctx, &hold))

		n := store.Notice{AuthorID: alice.ID, Title: "秘密通知 " + marker, Body: "正文 " + marker, Secrecy: 3, NeedsConfirm: true,
			Channels: []int64{a.ID}, CreatedAt: retentionT0}
		must(t, s.CreateNotice(ctx, &n, recipientsOf([]int64{bob.ID})))
		rev := store.NoticeRevision{NoticeID: n.ID, Title: "秘密通知(修订) " + marker, Body: "新正文 " + marker, ChangeNote: "更正 " + marker, AuthorID: alice.ID}
		_, err = s.ReviseNotice(ctx, &rev, "normal", time.Time{})
		must(t, err)
		_, err = s.ConfirmNotice(ctx, n.ID, bob.ID, 2, "收到 "+marker, retentionT0.Add(time.Hour))
		must(t, err)

		t.Run("nothing is due at first", func(t *testing.T) {
			if res := r.sweep(t); res.Messages != 0 || res.Notices != 0 {
				t.Fatalf("swept %+v at T0", res)
			}
			if es := sweepEvents(t, s, audit.RetentionSweep); len(es) != 0 {
				t.Fatalf("a sweep that deleted nothing wrote %d audit events", len(es))
			}
		})

		r.clock.Set(retentionT0.Add(31 * day))
		res := r.sweep(t)

		t.Run("a 31-day-old 秘密 message is gone with its postings, reactions and blob references", func(t *testing.T) {
			if _, err := s.GetMessage(ctx, a.ID, gone.Seq); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("GetMessage = %v, want ErrNotFound", err)
			}
			for table, n := range messageTraces(t, s, gone) {
				if n != 0 {
					t.Errorf("%s still has %d rows of the expired message", table, n)
				}
			}
			if got := r.frames.of(a.ID); len(got) != 1 || len(got[0]) != 1 || got[0][0] != gone.Seq {
				t.Errorf("expired frames on channel %d = %v, want one with [%d]", a.ID, got, gone.Seq)
			}
		})
		t.Run("younger 秘密, 内部 and held messages stay", func(t *testing.T) {
			for _, m := range []store.Message{young, internal, heldMsg} {
				if _, err := s.GetMessage(ctx, m.ChannelID, m.Seq); err != nil {
					t.Errorf("message %d/%d: %v", m.ChannelID, m.Seq, err)
				}
			}
			if _, err := s.GetMessage(ctx, outside.ChannelID, outside.Seq); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("a message outside the hold's range survived: %v", err)
			}
			if got := r.frames.of(held.ID); len(got) != 1 || got[0][0] != outside.Seq {
				t.Errorf("expired frames on the held channel = %v, want [[%d]]", got, outside.Seq)
			}
		})
		t.Run("a notice's texts are purged and its ledger kept", func(t *testing.T) {
			got, err := s.GetNotice(ctx, n.ID)
			must(t, err)
			if got.Title != "" || got.Body != "" || got.ChangeNote != "" || got.Attachments != nil {
				t.Errorf("purged notice still has text: %+v", got)
			}
			revs, err := s.ListNoticeRevisions(ctx, n.ID)
			must(t, err)
			if len(revs) != 2 {
				t.Fatalf("%d revisions, want both kept", len(revs))
			}
			for _, rv := range revs {
				if rv.Title != "" || rv.Body != "" || rv.ChangeNote != "" {
					t.Errorf("revision %d still has text", rv.Revision)
				}
			}
			rc, err := s.GetNoticeReceipt(ctx, n.ID, bob.ID)
			must(t, err)
			if rc.ConfirmedRevision != 2 || rc.ConfirmedAt.IsZero() || rc.DeliveredAt.IsZero() || rc.Reply != "" {
				t.Errorf("ledger after purge = %+v, want confirmation of revision 2 kept and the reply cleared", rc)
			}
		})
		t.Run("one audit event with counts per channel and level, no content", func(t *testing.T) {
			es := sweepEvents(t, s, audit.RetentionSweep)
			if len(es) != 1 {
				t.Fatalf("%d retention.sweep events, want 1", len(es))
			}
			if strings.Contains(es[0].Detail, marker) || strings.Contains(es[0].Detail, "预算") {
				t.Fatalf("the audit detail carries content: %s", es[0].Detail)
			}
			var d struct {
				Messages int                      `json:"messages"`
				Notices  int                      `json:"notices"`
				Channels []retention.ChannelLevel `json:"channels"`
			}
			must(t, json.Unmarshal([]byte(es[0].Detail), &d))
			want := []retention.ChannelLevel{{ChannelID: a.ID, Level: 3, Messages: 1}, {ChannelID: held.ID, Level: 3, Messages: 1}}
			if d.Messages != 2 || d.Notices != 1 || len(d.Channels) != 2 || d.Channels[0] != want[0] || d.Channels[1] != want[1] {
				t.Errorf("audit detail = %s, want 2 messages %v and 1 notice", es[0].Detail, want)
			}
			if res.Messages != 2 || res.Notices != 1 {
				t.Errorf("result = %+v", res)
			}
		})
		t.Run("the files sweeper then deletes the blob, its wrapped keys and its bytes", func(t *testing.T) {
			fr, err := r.files.Sweep(ctx)
			must(t, err)
			if fr.Removed != 1 {
				t.Fatalf("files sweep removed %d, want 1", fr.Removed)
			}
			if _, err := s.GetBlob(ctx, blobID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("GetBlob = %v, want ErrNotFound", err)
			}
			for _, table := range []string{"file_keys", "blob_parts", "blob_refs"} {
				if n := count(t, s, `SELECT count(*) FROM `+table+` WHERE blob_id = ?`, blobID); n != 0 {
					t.Errorf("%s keeps %d rows of the blob", table, n)
				}
			}
			// The marker test: no byte of the expired file is left in the blob store.
			for path, b := range filesUnder(t, r.blobDir) {
				if bytes.Contains(b, []byte(marker)) {
					t.Errorf("%s still holds the marker", path)
				}
			}
		})
		t.Run("a second sweep finds nothing and writes nothing", func(t *testing.T) {
			if res := r.sweep(t); res.Messages != 0 || res.Notices != 0 {
				t.Errorf("second sweep: %+v", res)
			}
			if es := sweepEvents(t, s, audit.RetentionSweep); len(es) != 1 {
				t.Errorf("%d sweep events after an empty sweep, want still 1", len(es))
			}
		})
		t.Run("a released hold lets go only after released_at plus the retention", func(t *testing.T) {
			_, err := s.RequestHoldRelease(ctx, hold.ID, officer1.ID, "结案", r.clock.Now())
			must(t, err)
			_, err = s.CountersignHold(ctx, hold.ID, officer1.ID, "同意", r.clock.Now())
			wantErr(t, err, store.ErrTwoPersonRule)
			released, err := s.CountersignHold(ctx, hold.ID, officer2.ID, "同意", r.clock.Now())
			must(t, err)
			if released.Status != store.HoldReleased || !released.ReleasedAt.Equal(ms(retentionT0.Add(31*day))) {
				t.Fatalf("released hold = %+v", released)
			}
			r.clock.Set(retentionT0.Add(31*day + time.Hour))
			r.sweep(t)
			if _, err := s.GetMessage(ctx, heldMsg.ChannelID, heldMsg.Seq); err != nil {
				t.Fatalf("the held message was purged at the release: %v", err)
			}
			r.clock.Set(retentionT0.Add(61*day + time.Minute))
			r.sweep(t)
			if _, err := s.GetMessage(ctx, heldMsg.ChannelID, heldMsg.Seq); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("the held message outlived released_at + 30 days: %v", err)
			}
		})
		t.Run("a clock that went backwards is refused and audited", func(t *testing.T) {
			late := send(t, s, store.NewMessage{ChannelID: a.ID, SenderID: alice.ID, Text: "x", Secrecy: 3, CreatedAt: retentionT0})
			r.clock.Set(retentionT0.Add(40 * day))
			_, err := r.sweeper.Sweep(ctx)
			if !errors.Is(err, retention.ErrClockBackwards) {
				t.Fatalf("sweep with the clock 21 days back = %v, want ErrClockBackwards", err)
			}
			if _, err := s.GetMessage(ctx, late.ChannelID, late.Seq); err != nil {
				t.Fatalf("a refused sweep deleted: %v", err)
			}
			if es := sweepEvents(t, s, audit.RetentionClockBackwards); len(es) != 1 || es[0].Outcome != audit.Failed {
				t.Fatalf("clock_backwards events = %+v, want one, failed", es)
			}
		})
	})
}

func TestRetentionBatchesAreBounded(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		r := newRetentionRig(t, s, retention.Options{Batch: 100})
		alice := newUser(t, s, "alice", store.RoleStaff)
		c := newChannel(t, s, "大群", alice.ID)
		r.watch(t, c.ID)
		const total = 1234
		msgs := make([]store.NewMessage, total)
		for i := range msgs {
			msgs[i] = store.NewMessage{ChannelID: c.ID, SenderID: alice.ID, Text: "秘密 第" + itoa(int64(i)) + "条", Secrecy: 3,
				CreatedAt: retentionT0.Add(time.Duration(i) * time.Second)}
		}
		_, err := s.AppendMessages(t.Context(), msgs)
		must(t, err)
		r.clock.Set(retentionT0.Add(40 * day))
		res := r.sweep(t)
		if res.Messages != total || res.LargestBatch > 100 || res.Batches != 13 {
			t.Fatalf("result = %+v, want %d messages in 13 batches of at most 100", res, total)
		}
		frames, seen := r.frames.of(c.ID), 0
		for _, f := range frames {
			if len(f) > 100 {
				t.Errorf("an expired frame of %d seqs", len(f))
			}
			seen += len(f)
		}
		if seen != total {
			t.Errorf("frames told of %d messages, want %d", seen, total)
		}
		if n := count(t, s, `SELECT count(*) FROM message_terms WHERE channel_id = ?`, c.ID); n != 0 {
			t.Errorf("%d postings left", n)
		}
		if _, _, err := s.SweepExpiredMessages(t.Context(), 3, r.clock.Now(), r.clock.Now(), store.RetentionCursor{}, store.RetentionMaxBatch+1, 0); err == nil {
			t.Error("a batch over the maximum was accepted")
		}
	})
}

// TestRetentionBatchTime: batches bounded in time (here a nanosecond, so each takes
// exactly one message) still sweep every expired message, with its postings, in
// order, and pass over a held one; the batch after the last is empty.
func TestRetentionBatchTime(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		r := newRetentionRig(t, s, retention.Options{Batch: 100, BatchTime: time.Nanosecond})
		alice := newUser(t, s, "alice", store.RoleStaff)
		c := newChannel(t, s, "组", alice.ID)
		held := newChannel(t, s, "保全", alice.ID)
		const total = 30
		var msgs []store.NewMessage
		for i := range total {
			msgs = append(msgs, store.NewMessage{ChannelID: c.ID, SenderID: alice.ID, Text: "预算 第" + itoa(int64(i)) + "条", Secrecy: 3,
				CreatedAt: retentionT0.Add(time.Duration(i) * time.Second)})
			if i == total/2 {
				msgs = append(msgs, store.NewMessage{ChannelID: held.ID, SenderID: alice.ID, Text: "保全 预算", Secrecy: 3,
					CreatedAt: retentionT0.Add(time.Duration(i) * time.Second)})
			}
		}
		rs, err := s.AppendMessages(t.Context(), msgs)
		must(t, err)
		var swept []store.Message
		for _, r := range rs {
			if r.Message.ChannelID == c.ID {
				swept = append(swept, r.Message)
			}
		}
		h := store.LegalHold{Scope: store.HoldChannel, TargetID: held.ID, Reason: "r", CaseNo: "c", CreatedBy: alice.ID}
		must(t, s.CreateHold(t.Context(), &h))
		r.clock.Set(retentionT0.Add(40 * day))
		res := r.sweep(t)
		if res.Messages != total || res.LargestBatch != 1 || res.Batches != total {
			t.Fatalf("result = %+v, want %d messages one per batch", res, total)
		}
		if n := count(t, s, `SELECT count(*) FROM messages WHERE channel_id = ?`, c.ID); n != 0 {
			t.Errorf("%d messages left", n)
		}
		for _, m := range swept {
			if n, err := store.IndexedTokens(t.Context(), s, m.ChannelID, m.Seq); err != nil || n != 0 {
				t.Errorf("message %d/%d: %d postings left (%v)", m.ChannelID, m.Seq, n, err)
			}
		}
		if n := count(t, s, `SELECT count(*) FROM messages WHERE channel_id = ?`, held.ID); n != 1 {
			t.Errorf("the held message: %d rows, want 1", n)
		}
	})
}

func TestRetentionHoldScopes(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		r := newRetentionRig(t, s, retention.Options{})
		alice := newUser(t, s, "alice", store.RoleStaff)
		bob := newUser(t, s, "bob", store.RoleStaff)
		officer := newUser(t, s, "officer", store.RoleSecurity)
		c1 := newChannel(t, s, "一组", alice.ID, bob.ID)
		c2 := newChannel(t, s, "二组", alice.ID, bob.ID)
		byAlice1 := send(t, s, store.NewMessage{ChannelID: c1.ID, SenderID: alice.ID, Text: "a1", Secrecy: 2, CreatedAt: retentionT0})
		byAlice2 := send(t, s, store.NewMessage{ChannelID: c2.ID, SenderID: alice.ID, Text: "a2", Secrecy: 2, CreatedAt: retentionT0})
		byBob := send(t, s, store.NewMessage{ChannelID: c1.ID, SenderID: bob.ID, Text: "b", Secrecy: 2, CreatedAt: retentionT0})
		aliceNotice := store.Notice{AuthorID: alice.ID, Title: "甲", Body: "甲", Secrecy: 2, CreatedAt: retentionT0}
		must(t, s.CreateNotice(ctx, &aliceNotice, recipientsOf([]int64{bob.ID})))
		bobNotice := store.Notice{AuthorID: bob.ID, Title: "乙", Body: "乙", Secrecy: 2, CreatedAt: retentionT0}
		must(t, s.CreateNotice(ctx, &bobNotice, recipientsOf([]int64{alice.ID})))
		heldNotice := store.Notice{AuthorID: bob.ID, Title: "丙", Body: "丙", Secrecy: 2, CreatedAt: retentionT0}
		must(t, s.CreateNotice(ctx, &heldNotice, recipientsOf([]int64{alice.ID})))
		for _, h := range []store.LegalHold{
			{Scope: store.HoldUser, TargetID: alice.ID, Reason: "r", CaseNo: "c1", CreatedBy: officer.ID}, // open range
			{Scope: store.HoldNotice, TargetID: heldNotice.ID, Reason: "r", CaseNo: "c2", CreatedBy: officer.ID},
		} {
			must(t, s.CreateHold(ctx, &h))
		}
		r.clock.Set(retentionT0.Add(91 * day))
		res := r.sweep(t)
		for _, m := range []store.Message{byAlice1, byAlice2} {
			if _, err := s.GetMessage(ctx, m.ChannelID, m.Seq); err != nil {
				t.Errorf("a user hold did not keep the person's message in channel %d: %v", m.ChannelID, err)
			}
		}
		if _, err := s.GetMessage(ctx, byBob.ChannelID, byBob.Seq); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("someone else's message was kept: %v", err)
		}
		for _, tc := range []struct {
			n    store.Notice
			kept bool
		}{{aliceNotice, true}, {bobNotice, false}, {heldNotice, true}} {
			got, err := s.GetNotice(ctx, tc.n.ID)
			must(t, err)
			if (got.Body != "") != tc.kept {
				t.Errorf("notice %q: body %q, kept = %v", tc.n.Title, got.Body, tc.kept)
			}
		}
		if res.Messages != 1 || res.Notices != 1 {
			t.Errorf("result = %+v, want 1 message and 1 notice", res)
		}
	})
}

// TestRetentionLease: while another node holds the lease, a sweep does nothing; once it
// lapses, the sweep runs.
func TestRetentionLease(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		r := newRetentionRig(t, s, retention.Options{LeaseTTL: time.Minute})
		alice := newUser(t, s, "alice", store.RoleStaff)
		c := newChannel(t, s, "组", alice.ID)
		m := send(t, s, store.NewMessage{ChannelID: c.ID, SenderID: alice.ID, Text: "x", Secrecy: 3, CreatedAt: retentionT0})
		r.clock.Set(retentionT0.Add(40 * day))
		got, _, err := s.ClaimRetentionLease(ctx, "another-node", r.clock.Now(), 2*time.Minute)
		must(t, err)
		if !got {
			t.Fatal("the free lease was not granted")
		}
		if res := r.sweep(t); !res.Skipped || res.Messages != 0 {
			t.Fatalf("sweep under another node's lease = %+v, want skipped", res)
		}
		if _, err := s.GetMessage(ctx, m.ChannelID, m.Seq); err != nil {
			t.Fatal(err)
		}
		r.clock.Set(retentionT0.Add(40*day + 3*time.Minute))
		if res := r.sweep(t); res.Skipped || res.Messages != 1 {
			t.Fatalf("sweep after the lease lapsed = %+v", res)
		}
		got, _, err = s.ClaimRetentionLease(ctx, "another-node", r.clock.Now(), time.Minute)
		must(t, err)
		if !got {
			t.Error("the sweeper did not release its lease")
		}
	})
}
