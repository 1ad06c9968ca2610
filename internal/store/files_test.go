package store_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

// newBlob creates an upload of size bytes in parts of 4 MiB, expiring a day after t0.
func newUpload(t *testing.T, s store.Store, uploader, size int64) store.Blob {
	t.Helper()
	b := store.Blob{UploaderID: uploader, Size: size, Parts: int((size + 4<<20 - 1) / (4 << 20)), CreatedAt: t0, ExpiresAt: t0.Add(24 * time.Hour)}
	must(t, s.CreateBlob(t.Context(), &b, 0))
	return b
}

// refMessage records that message (channel, seq) carries the blob, as the keys side does
// when a message is sent with an attachment.
func refMessage(t *testing.T, s store.Store, blobID string, channelID, seq int64) {
	t.Helper()
	must(t, store.ExecRaw(t.Context(), s, `INSERT INTO blob_refs (blob_id, channel_id, seq, created_at) VALUES (?, ?, ?, 1)`, blobID, channelID, seq))
	must(t, store.ExecRaw(t.Context(), s, `UPDATE blobs SET attached_at = 1 WHERE id = ?`, blobID))
}

func refNotice(t *testing.T, s store.Store, blobID string, noticeID int64) {
	t.Helper()
	must(t, store.ExecRaw(t.Context(), s, `INSERT INTO blob_refs (blob_id, notice_id, created_at) VALUES (?, ?, 1)`, blobID, noticeID))
	must(t, store.ExecRaw(t.Context(), s, `UPDATE blobs SET attached_at = 1 WHERE id = ?`, blobID))
}

func TestBlobLifecycle(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		alice := newUser(t, s, "alice", store.RoleStaff)

		b := newUpload(t, s, alice.ID, 9<<20)
		if len(b.ID) != 32 || strings.Trim(b.ID, "0123456789abcdef") != "" {
			t.Fatalf("id %q is not 32 lowercase hex digits", b.ID)
		}
		other := newUpload(t, s, alice.ID, 1)
		if other.ID == b.ID {
			t.Fatal("two blobs share an id")
		}
		got, err := s.GetBlob(ctx, b.ID)
		must(t, err)
		want := store.Blob{ID: b.ID, UploaderID: alice.ID, Size: 9 << 20, Parts: 3, CreatedAt: ms(t0), ExpiresAt: ms(t0.Add(24 * time.Hour))}
		if got != want || got != b {
			t.Fatalf("GetBlob = %+v, created %+v, want %+v", got, b, want)
		}
		if got.Complete() || !got.Live(t0) || got.Live(t0.Add(24*time.Hour)) {
			t.Fatalf("Complete %v, Live now %v, Live at expiry %v", got.Complete(), got.Live(t0), got.Live(t0.Add(24*time.Hour)))
		}
		_, err = s.GetBlob(ctx, strings.Repeat("0", 32))
		wantErr(t, err, store.ErrNotFound)

		// Parts, in any order; sending one again replaces its record.
		now := t0.Add(time.Hour)
		must(t, s.PutBlobPart(ctx, store.BlobPart{BlobID: b.ID, Part: 2, Size: 1 << 20, SHA256: "c2"}, now))
		must(t, s.PutBlobPart(ctx, store.BlobPart{BlobID: b.ID, Part: 0, Size: 4 << 20, SHA256: "old"}, now))
		must(t, s.PutBlobPart(ctx, store.BlobPart{BlobID: b.ID, Part: 0, Size: 4 << 20, SHA256: "c0"}, now))
		parts, err := s.ListBlobParts(ctx, b.ID)
		must(t, err)
		if len(parts) != 2 || parts[0] != (store.BlobPart{BlobID: b.ID, Part: 0, Size: 4 << 20, SHA256: "c0"}) || parts[1].Part != 2 {
			t.Fatalf("parts = %+v", parts)
		}
		wantErr(t, s.PutBlobPart(ctx, store.BlobPart{BlobID: strings.Repeat("0", 32), Part: 0, Size: 1, SHA256: "x"}, now), store.ErrNotFound)
		must(t, s.DeleteBlobPart(ctx, b.ID, 2))
		must(t, s.DeleteBlobPart(ctx, b.ID, 2)) // twice: nothing to forget, no error
		parts, err = s.ListBlobParts(ctx, b.ID)
		must(t, err)
		if len(parts) != 1 || parts[0].Part != 0 {
			t.Fatalf("after forgetting part 2: %+v", parts)
		}
		must(t, s.PutBlobPart(ctx, store.BlobPart{BlobID: b.ID, Part: 2, Size: 1 << 20, SHA256: "c2"}, now))

		// Completion closes the upload: no more parts, no second completion.
		must(t, s.PutBlobPart(ctx, store.BlobPart{BlobID: b.ID, Part: 1, Size: 4 << 20, SHA256: "c1"}, now))
		must(t, s.CompleteBlob(ctx, b.ID, "whole", now))
		got, err = s.GetBlob(ctx, b.ID)
		must(t, err)
		if got.SHA256 != "whole" || !got.CompletedAt.Equal(ms(now)) || !got.Complete() {
			t.Fatalf("completed = %+v", got)
		}
		wantErr(t, s.PutBlobPart(ctx, store.BlobPart{BlobID: b.ID, Part: 1, Size: 4 << 20, SHA256: "evil"}, now), store.ErrNotFound)
		wantErr(t, s.CompleteBlob(ctx, b.ID, "again", now), store.ErrNotFound)

		// Past its expiry an upload takes nothing more.
		late := t0.Add(25 * time.Hour)
		wantErr(t, s.PutBlobPart(ctx, store.BlobPart{BlobID: other.ID, Part: 0, Size: 1, SHA256: "x"}, late), store.ErrNotFound)
		wantErr(t, s.CompleteBlob(ctx, other.ID, "x", late), store.ErrNotFound)

		// Delete takes the parts' records with the row.
		must(t, s.DeleteBlob(ctx, b.ID))
		_, err = s.GetBlob(ctx, b.ID)
		wantErr(t, err, store.ErrNotFound)
		parts, err = s.ListBlobParts(ctx, b.ID)
		must(t, err)
		if len(parts) != 0 {
			t.Fatalf("parts left behind: %+v", parts)
		}
		wantErr(t, s.DeleteBlob(ctx, b.ID), store.ErrNotFound)
	})
}

func TestBlobCancelAndSweep(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		alice := newUser(t, s, "alice", store.RoleStaff)
		ch := newChannel(t, s, "财务股", alice.ID)
		msg := post(t, s, ch.ID, alice.ID, "附件")

		young := newUpload(t, s, alice.ID, 10)
		cancelled := newUpload(t, s, alice.ID, 20)
		old := store.Blob{UploaderID: alice.ID, Size: 30, Parts: 1, CreatedAt: t0.Add(-48 * time.Hour), ExpiresAt: t0.Add(-24 * time.Hour)}
		must(t, s.CreateBlob(ctx, &old, 0))
		attachedOld := store.Blob{UploaderID: alice.ID, Size: 40, Parts: 1, CreatedAt: t0.Add(-48 * time.Hour), ExpiresAt: t0.Add(-24 * time.Hour)}
		must(t, s.CreateBlob(ctx, &attachedOld, 0))
		refMessage(t, s, attachedOld.ID, ch.ID, msg.Seq)

		must(t, s.CancelBlob(ctx, cancelled.ID))
		got, err := s.GetBlob(ctx, cancelled.ID)
		must(t, err)
		if got.Live(t0) || !got.ExpiresAt.IsZero() {
			t.Fatalf("cancelled = %+v", got)
		}
		wantErr(t, s.PutBlobPart(ctx, store.BlobPart{BlobID: cancelled.ID, Part: 0, Size: 20, SHA256: "x"}, t0), store.ErrNotFound)
		// An attached blob can be neither cancelled nor deleted.
		wantErr(t, s.CancelBlob(ctx, attachedOld.ID), store.ErrNotFound)
		wantErr(t, s.DeleteBlob(ctx, attachedOld.ID), store.ErrNotFound)

		expired, err := s.ListExpiredBlobs(ctx, t0, 10)
		must(t, err)
		if len(expired) != 2 || expired[0].ID != cancelled.ID || expired[1].ID != old.ID {
			t.Fatalf("expired = %+v, want the cancelled one, then the old one", expired)
		}
		one, err := s.ListExpiredBlobs(ctx, t0, 1)
		must(t, err)
		if len(one) != 1 || one[0].ID != cancelled.ID {
			t.Fatalf("limit 1 = %+v", one)
		}
		// Quota counts every blob not yet removed: the cancelled one until the sweep.
		used, err := s.BlobBytesInUse(ctx, alice.ID)
		must(t, err)
		if used != 10+20+30+40 {
			t.Fatalf("in use %d, want 100", used)
		}
		for _, b := range expired {
			must(t, s.DeleteBlob(ctx, b.ID))
		}
		used, err = s.BlobBytesInUse(ctx, alice.ID)
		must(t, err)
		if used != 10+40 {
			t.Fatalf("in use after the sweep %d, want 50", used)
		}
		if _, err := s.GetBlob(ctx, young.ID); err != nil {
			t.Fatalf("the young upload went too: %v", err)
		}
		none, err := s.BlobBytesInUse(ctx, alice.ID+1000)
		must(t, err)
		if none != 0 {
			t.Fatalf("a stranger uses %d bytes", none)
		}
	})
}

func TestBlobQuota(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		alice := newUser(t, s, "alice", store.RoleStaff)
		bob := newUser(t, s, "bob", store.RoleStaff)
		create := func(uploader, size, quota int64) error {
			b := store.Blob{UploaderID: uploader, Size: size, Parts: 1, ExpiresAt: t0.Add(time.Hour)}
			return s.CreateBlob(ctx, &b, quota)
		}
		must(t, create(alice.ID, 60, 100))
		must(t, create(alice.ID, 40, 100)) // exactly the quota
		wantErr(t, create(alice.ID, 1, 100), store.ErrQuota)
		must(t, create(alice.ID, 1, 0)) // no quota
		must(t, create(bob.ID, 100, 100))
		wantErr(t, create(12345, 1, 0), store.ErrNotFound)

		// Concurrent creates cannot both squeeze under the quota.
		carol := newUser(t, s, "carol", store.RoleStaff)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Go(func() { errs <- create(carol.ID, 30, 100) })
		}
		wg.Wait()
		close(errs)
		ok := 0
		for err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, store.ErrQuota):
				t.Fatalf("concurrent create: %v", err)
			}
		}
		used, err := s.BlobBytesInUse(ctx, carol.ID)
		must(t, err)
		if ok != 3 || used != 90 {
			t.Fatalf("%d creates of 30 under a quota of 100 succeeded (%d bytes), want 3", ok, used)
		}
	})
}

func TestCanReadBlob(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "u", 6)
		uploader, member, removed, stranger, recipient, late := u[0], u[1], u[2], u[3], u[4], u[5]
		ch := newChannel(t, s, "办公室", uploader, member, removed)
		msg := post(t, s, ch.ID, uploader, "")

		inChannel := newUpload(t, s, uploader, 100)
		refMessage(t, s, inChannel.ID, ch.ID, msg.Seq)
		inNotice := newUpload(t, s, uploader, 100)
		n := publish(t, s, uploader, "关于报送材料的通知", nil, recipient)
		refNotice(t, s, inNotice.ID, n.ID)
		recalled := newUpload(t, s, uploader, 100)
		msg2 := post(t, s, ch.ID, uploader, "")
		refMessage(t, s, recalled.ID, ch.ID, msg2.Seq)
		_, err := s.RecallMessage(ctx, ch.ID, msg2.Seq, uploader, t0)
		must(t, err)
		mine := newUpload(t, s, uploader, 100)

		must(t, s.RemoveMember(ctx, ch.ID, removed))
		must(t, s.AddMember(ctx, store.ChannelMember{ChannelID: ch.ID, UserID: late, JoinedAt: t0}))

		cases := []struct {
			name string
			user int64
			blob string
			want bool
		}{
			{"the uploader, never sent", uploader, mine.ID, true},
			{"someone else, never sent", member, mine.ID, false},
			{"a member of the channel", member, inChannel.ID, true},
			{"a member who joined after it was sent", late, inChannel.ID, true},
			{"a removed member", removed, inChannel.ID, false},
			{"a stranger", stranger, inChannel.ID, false},
			{"a member, once the message was recalled", member, recalled.ID, false},
			{"the notice's recipient", recipient, inNotice.ID, true},
			{"not a recipient", member, inNotice.ID, false},
			{"no such blob", member, strings.Repeat("0", 32), false},
		}
		check := func(t *testing.T) {
			for _, c := range cases {
				got, err := s.CanReadBlob(ctx, c.user, c.blob)
				must(t, err)
				if got != c.want {
					t.Errorf("%s: CanReadBlob = %v, want %v", c.name, got, c.want)
				}
			}
		}
		check(t)

		// A withdrawn notice's attachments are no longer readable by its recipients.
		_, err = s.WithdrawNotice(ctx, n.ID, "", t0)
		must(t, err)
		ok, err := s.CanReadBlob(ctx, recipient, inNotice.ID)
		must(t, err)
		if ok {
			t.Fatal("a withdrawn notice's recipient may still read its attachment")
		}
	})
}
