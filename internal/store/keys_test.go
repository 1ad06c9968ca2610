package store_test

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

// newBlob stands for a finished upload by uploader (the files service writes these).
func newBlob(t *testing.T, s store.Store, uploader int64, size int64) string {
	t.Helper()
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	must(t, store.ExecRaw(t.Context(), s, `INSERT INTO blobs (id, uploader_id, size, parts, created_at, completed_at, expires_at)
		VALUES (?, ?, ?, 1, ?, ?, ?)`, id, uploader, size, t0.UnixMilli(), t0.UnixMilli(), t0.Add(24*time.Hour).UnixMilli()))
	return id
}

func refsOf(t *testing.T, s store.Store, blob string) []store.BlobRef {
	t.Helper()
	rs, err := s.ListBlobRefs(t.Context(), blob)
	must(t, err)
	for i := range rs {
		rs[i].CreatedAt = time.Time{}
	}
	return rs
}

func readable(t *testing.T, s store.Store, blob string, user int64) bool {
	t.Helper()
	ok, err := s.CanReadBlob(t.Context(), user, blob)
	must(t, err)
	return ok
}

func TestUserKeys(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "uk", 3)
		_, err := s.GetUserKey(ctx, u[0])
		wantErr(t, err, store.ErrNotFound)

		k := store.UserKey{UserID: u[0], KeyID: "aaaaaaaaaaaaaaaa", PublicKey: "pub-1", WrappedPrivate: "w1", KDFSalt: "s1", KDFIterations: 600000, UpdatedAt: t0}
		prev, had, err := s.PutUserKey(ctx, k)
		must(t, err)
		if had || prev != (store.UserKey{}) {
			t.Fatalf("a first key replaced %+v", prev)
		}
		got, err := s.GetUserKey(ctx, u[0])
		must(t, err)
		first := k
		first.CreatedAt, first.UpdatedAt = ms(t0), ms(t0)
		if got != first {
			t.Fatalf("stored %+v, want %+v", got, first)
		}

		// Re-wrapped: the same public key keeps when it was made.
		re := k
		re.WrappedPrivate, re.KDFSalt, re.KDFIterations, re.UpdatedAt = "w2", "s2", 700000, t0.Add(time.Hour)
		prev, had, err = s.PutUserKey(ctx, re)
		must(t, err)
		if !had || prev != first {
			t.Fatalf("replaced %+v, want %+v", prev, first)
		}
		got, _ = s.GetUserKey(ctx, u[0])
		if got.CreatedAt != ms(t0) || got.UpdatedAt != ms(t0.Add(time.Hour)) || got.WrappedPrivate != "w2" || got.KDFIterations != 700000 {
			t.Fatalf("re-wrapped %+v", got)
		}

		// A new key pair: made now.
		nk := store.UserKey{UserID: u[0], KeyID: "bbbbbbbbbbbbbbbb", PublicKey: "pub-2", WrappedPrivate: "w3", KDFSalt: "s3", KDFIterations: 600000, UpdatedAt: t0.Add(2 * time.Hour)}
		prev, _, err = s.PutUserKey(ctx, nk)
		must(t, err)
		if prev.KeyID != "aaaaaaaaaaaaaaaa" {
			t.Fatalf("replaced %+v", prev)
		}
		got, _ = s.GetUserKey(ctx, u[0])
		if got.KeyID != "bbbbbbbbbbbbbbbb" || got.CreatedAt != ms(t0.Add(2*time.Hour)) {
			t.Fatalf("new key %+v", got)
		}

		_, _, err = s.PutUserKey(ctx, store.UserKey{UserID: 999999, KeyID: "c", PublicKey: "p", WrappedPrivate: "w", KDFSalt: "s", KDFIterations: 600000})
		wantErr(t, err, store.ErrConflict) // no such user
		_, _, err = s.PutUserKey(ctx, store.UserKey{UserID: u[1], KeyID: "c", PublicKey: "p", WrappedPrivate: "w", KDFSalt: "s", KDFIterations: 1000})
		if err == nil {
			t.Fatal("the schema took 1,000 iterations")
		}

		must2(t, s, store.UserKey{UserID: u[2], KeyID: "cccccccccccccccc", PublicKey: "pub-3", WrappedPrivate: "w", KDFSalt: "s", KDFIterations: 600000})
		// Many ids at once: more than one IN list.
		ids := []int64{u[2], u[1], u[0], u[2]}
		for i := int64(1); i <= 1200; i++ {
			ids = append(ids, 1_000_000+i)
		}
		ks, err := s.ListUserKeys(ctx, ids)
		must(t, err)
		if len(ks) != 2 || ks[0].UserID != u[0] || ks[1].UserID != u[2] {
			t.Fatalf("listed %+v", ks)
		}

		c := newChannel(t, s, "密钥", u[0], u[1])
		ks, err = s.ListChannelKeys(ctx, c.ID)
		must(t, err)
		if len(ks) != 1 || ks[0].UserID != u[0] {
			t.Fatalf("channel keys %+v", ks)
		}
		must(t, s.AddMember(ctx, store.ChannelMember{ChannelID: c.ID, UserID: u[2]}))
		ks, _ = s.ListChannelKeys(ctx, c.ID)
		if len(ks) != 2 {
			t.Fatalf("after a join %+v", ks)
		}
		must(t, s.RemoveMember(ctx, c.ID, u[0]))
		ks, _ = s.ListChannelKeys(ctx, c.ID)
		if len(ks) != 1 || ks[0].UserID != u[2] {
			t.Fatalf("after a removal %+v", ks)
		}
		c2 := newChannel(t, s, "另一个", u[2])
		chs, err := s.UserChannelIDs(ctx, u[2])
		must(t, err)
		if !reflect.DeepEqual(chs, []int64{min(c.ID, c2.ID), max(c.ID, c2.ID)}) {
			t.Fatalf("channels of a user %v", chs)
		}
	})
}

func must2(t *testing.T, s store.Store, k store.UserKey) {
	t.Helper()
	_, _, err := s.PutUserKey(t.Context(), k)
	must(t, err)
}

func TestEscrowKeys(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		officer := newUser(t, s, "officer", store.RoleSecurity)
		_, err := s.GetEscrowKey(ctx)
		wantErr(t, err, store.ErrNotFound)
		a := store.EscrowKey{KeyID: "aaaaaaaaaaaaaaaa", PublicKey: "A", SetBy: officer.ID, CreatedAt: t0}
		b := store.EscrowKey{KeyID: "bbbbbbbbbbbbbbbb", PublicKey: "B", SetBy: officer.ID, CreatedAt: t0.Add(time.Hour)}
		must(t, s.SetEscrowKey(ctx, &a))
		must(t, s.SetEscrowKey(ctx, &b))
		got, err := s.GetEscrowKey(ctx)
		must(t, err)
		if got.KeyID != b.KeyID || got.CreatedAt != ms(t0.Add(time.Hour)) {
			t.Fatalf("current %+v", got)
		}
		// The first key again: current again.
		a2 := a
		a2.CreatedAt = t0.Add(2 * time.Hour)
		must(t, s.SetEscrowKey(ctx, &a2))
		got, _ = s.GetEscrowKey(ctx)
		if got.KeyID != a.KeyID || got.PublicKey != "A" {
			t.Fatalf("current after setting A again %+v", got)
		}
	})
}

// PutFileKeys replaces a recipient's key only when the uploader posts, the same person
// wraps again, or the key was wrapped to a key the recipient no longer has.
func TestFileKeysUpsert(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "fk", 3)
		blob := newBlob(t, s, u[0], 100)
		key := func(user int64, keyID, wrapped string, by int64) store.FileKey {
			return store.FileKey{BlobID: blob, Context: "channel:1", UserID: user, KeyID: keyID, Wrapped: wrapped, WrappedBy: by}
		}
		wrappedOf := func(user int64) string {
			ks, err := s.ListMyFileKeys(ctx, user, []string{blob})
			must(t, err)
			if len(ks) != 1 {
				return ""
			}
			return ks[0].Wrapped
		}
		n, err := s.PutFileKeys(ctx, []store.FileKey{key(u[0], "k0", "by-uploader", u[0]), key(0, "e0", "escrow", u[0])}, true)
		must(t, err)
		if n != 2 || wrappedOf(u[0]) != "by-uploader" {
			t.Fatalf("wrote %d, %q", n, wrappedOf(u[0]))
		}
		steps := []struct {
			name       string
			k          store.FileKey
			replaceAny bool
			want       string
		}{
			{"another reader, same key id: kept", key(u[0], "k0", "by-reader", u[1]), false, "by-uploader"},
			{"the uploader again: replaced", key(u[0], "k0", "by-uploader-2", u[0]), true, "by-uploader-2"},
			{"another reader, a new key id: replaced", key(u[0], "k1", "by-reader", u[1]), false, "by-reader"},
			{"the same reader again: replaced", key(u[0], "k1", "by-reader-2", u[1]), false, "by-reader-2"},
		}
		for _, st := range steps {
			_, err := s.PutFileKeys(ctx, []store.FileKey{st.k}, st.replaceAny)
			must(t, err)
			if got := wrappedOf(u[0]); got != st.want {
				t.Errorf("%s: %q, want %q", st.name, got, st.want)
			}
		}
		ids, err := s.FileKeyIDs(ctx, blob, "channel:1", []int64{u[0], 0, u[2]})
		must(t, err)
		if !reflect.DeepEqual(ids, map[int64]string{u[0]: "k1", 0: "e0"}) {
			t.Fatalf("key ids %v", ids)
		}
		wraps, err := s.ListEscrowWraps(ctx, blob)
		must(t, err)
		if len(wraps) != 1 || wraps[0].Wrapped != "escrow" {
			t.Fatalf("escrow wraps %+v", wraps)
		}
		// Many at once: more than one multi-row insert.
		var many []store.FileKey
		for i := range 1200 {
			many = append(many, store.FileKey{BlobID: blob, Context: "notice", UserID: int64(10_000 + i), KeyID: "k", Wrapped: "w", WrappedBy: u[0]})
		}
		n, err = s.PutFileKeys(ctx, many, true)
		must(t, err)
		if n != 1200 {
			t.Fatalf("wrote %d of 1200", n)
		}
		_, err = s.PutFileKeys(ctx, []store.FileKey{{BlobID: "0123456789abcdef0123456789abcdef", Context: "notice", UserID: 1, KeyID: "k", Wrapped: "w"}}, true)
		wantErr(t, err, store.ErrConflict) // no such blob

		// Who lacks a key: those with a published key and no wrap to it.
		for i, id := range u {
			must2(t, s, store.UserKey{UserID: id, KeyID: "k" + string(rune('0'+i)), PublicKey: "p", WrappedPrivate: "w", KDFSalt: "s", KDFIterations: 600000})
		}
		lacking, err := s.CountLackingFileKeys(ctx, blob, "channel:1", []int64{u[0], u[1], u[2], 777777})
		must(t, err)
		// u[0]'s wrap is to k1, not their key k0; u[1] and u[2] have none; 777777 has no key.
		if lacking != 3 {
			t.Fatalf("lacking %d", lacking)
		}
		_, err = s.PutFileKeys(ctx, []store.FileKey{key(u[0], "k0", "fresh", u[0]), key(u[1], "k1", "fresh", u[0])}, true)
		must(t, err)
		lacking, _ = s.CountLackingFileKeys(ctx, blob, "channel:1", []int64{u[0], u[1], u[2]})
		if lacking != 1 {
			t.Fatalf("lacking after posting %d", lacking)
		}
	})
}

// A message's files are referenced in the transaction that appends it: who may read a
// blob follows; a blob gone meanwhile fails only its message; a recall takes them back.
func TestAttachmentsOnMessages(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "am", 3)
		c := newChannel(t, s, "附件", u[0], u[1])
		other := newChannel(t, s, "别处", u[0], u[2])
		file, thumb, second := newBlob(t, s, u[0], 5000), newBlob(t, s, u[0], 300), newBlob(t, s, u[0], 700)
		att := &store.Attachment{BlobID: file, Size: 5000, Commitment: "c1", ThumbID: thumb, ThumbSize: 300}
		if readable(t, s, file, u[1]) || !readable(t, s, file, u[0]) {
			t.Fatal("an unsent blob is its uploader's alone")
		}
		res, err := s.AppendMessages(ctx, []store.NewMessage{
			{ChannelID: c.ID, SenderID: u[0], ClientID: "a1", Attachment: att, CreatedAt: t0},
			{ChannelID: c.ID, SenderID: u[0], ClientID: "a2", Text: "gone", Attachment: &store.Attachment{BlobID: "0123456789abcdef0123456789abcdef", Commitment: "c"}, CreatedAt: t0},
			{ChannelID: other.ID, SenderID: u[0], ClientID: "a3", CreatedAt: t0, Text: "转发", Forward: &store.Forward{FromChannelID: c.ID,
				Items: []store.ForwardItem{{SenderID: u[0], Seq: 1, Attachment: &store.Attachment{BlobID: second, Size: 700, Commitment: "c2"}}}}},
		})
		must(t, err)
		if res[0].Err != nil || res[2].Err != nil || !errors.Is(res[1].Err, store.ErrBlobGone) || !errors.Is(res[1].Err, store.ErrNotFound) {
			t.Fatalf("results %+v", res)
		}
		m := res[0].Message
		if !reflect.DeepEqual(m.Attachment, att) || m.Seq != 1 {
			t.Fatalf("appended %+v", m)
		}
		got, err := s.GetMessage(ctx, c.ID, m.Seq)
		must(t, err)
		if !reflect.DeepEqual(got.Attachment, att) {
			t.Fatalf("read back %+v", got.Attachment)
		}
		if last, _ := s.GetChannel(ctx, c.ID); last.LastSeq != 1 {
			t.Fatalf("the refused message took a seq: last %d", last.LastSeq)
		}
		if r := refsOf(t, s, file); !reflect.DeepEqual(r, []store.BlobRef{{BlobID: file, ChannelID: c.ID, Seq: 1}}) {
			t.Fatalf("refs %+v", r)
		}
		if r := refsOf(t, s, second); !reflect.DeepEqual(r, []store.BlobRef{{BlobID: second, ChannelID: other.ID, Seq: 1}}) {
			t.Fatalf("a forward item's refs %+v", r)
		}
		states, err := s.BlobStates(ctx, []string{file, thumb, second, "0123456789abcdef0123456789abcdef"})
		must(t, err)
		if len(states) != 3 || states[file].AttachedAt.IsZero() || states[thumb].AttachedAt.IsZero() || !states[file].Complete || states[file].UploaderID != u[0] {
			t.Fatalf("states %+v", states)
		}
		if !readable(t, s, file, u[1]) || !readable(t, s, thumb, u[1]) || readable(t, s, file, u[2]) || !readable(t, s, second, u[2]) {
			t.Fatal("readability does not follow the channels")
		}
		// A retry writes nothing more.
		res, err = s.AppendMessages(ctx, []store.NewMessage{{ChannelID: c.ID, SenderID: u[0], ClientID: "a1", Attachment: att, CreatedAt: t0}})
		must(t, err)
		if !res[0].Duplicate || len(refsOf(t, s, file)) != 1 {
			t.Fatalf("retry %+v, refs %+v", res, refsOf(t, s, file))
		}
		// History, search and the channel list carry it.
		hist, err := s.History(ctx, store.HistoryQuery{ChannelID: c.ID, Limit: 10})
		must(t, err)
		if len(hist) != 1 || !reflect.DeepEqual(hist[0].Attachment, att) {
			t.Fatalf("history %+v", hist)
		}
		mine, err := s.ListMyChannels(ctx, u[1])
		must(t, err)
		if len(mine) != 1 || mine[0].Latest == nil || !reflect.DeepEqual(mine[0].Latest.Attachment, att) {
			t.Fatalf("channel list %+v", mine)
		}

		// A member removed reads it no more.
		must(t, s.RemoveMember(ctx, c.ID, u[1]))
		if readable(t, s, file, u[1]) {
			t.Fatal("a removed member still reads the file")
		}
		must(t, s.AddMember(ctx, store.ChannelMember{ChannelID: c.ID, UserID: u[1]}))

		files, more, err := s.ChannelFileMessages(ctx, c.ID, 0, 10)
		must(t, err)
		if len(files) != 1 || more || files[0].Seq != 1 {
			t.Fatalf("files %+v", files)
		}
		// Recalled: no text, no file, no references.
		r, err := s.RecallMessage(ctx, c.ID, 1, u[0], t0.Add(time.Minute))
		must(t, err)
		if r.Attachment != nil {
			t.Fatalf("recalled %+v", r)
		}
		got, _ = s.GetMessage(ctx, c.ID, 1)
		if got.Attachment != nil || len(refsOf(t, s, file)) != 0 || len(refsOf(t, s, thumb)) != 0 {
			t.Fatalf("after the recall: %+v, refs %+v", got, refsOf(t, s, file))
		}
		if readable(t, s, file, u[1]) || !readable(t, s, file, u[0]) {
			t.Fatal("after the recall the file is its uploader's alone")
		}
		files, _, _ = s.ChannelFileMessages(ctx, c.ID, 0, 10)
		if len(files) != 0 {
			t.Fatalf("files after the recall %+v", files)
		}
		// Sent nowhere else, the file and its thumbnail are now expired uploads for the
		// sweeper; the blob still forwarded elsewhere stays attached.
		expired, err := s.ListExpiredBlobs(ctx, t0.Add(time.Minute), 10)
		must(t, err)
		var ids []string
		for _, b := range expired {
			ids = append(ids, b.ID)
		}
		slices.Sort(ids)
		want := []string{file, thumb}
		slices.Sort(want)
		if !slices.Equal(ids, want) {
			t.Fatalf("expired after the recall %v, want %v", ids, want)
		}
		if st, _ := s.BlobStates(ctx, []string{second}); st[second].AttachedAt.IsZero() {
			t.Fatal("a blob still sent elsewhere was released")
		}
	})
}

func TestChannelFilePages(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "cf", 1)
		c := newChannel(t, s, "群文件", u[0])
		var batch []store.NewMessage
		for i := range 7 {
			nm := store.NewMessage{ChannelID: c.ID, SenderID: u[0], Text: "text", CreatedAt: t0}
			if i%2 == 0 { // seqs 1, 3, 5, 7 carry files
				nm.Attachment = &store.Attachment{BlobID: newBlob(t, s, u[0], 10), Commitment: "c"}
			}
			batch = append(batch, nm)
		}
		_, err := s.AppendMessages(ctx, batch)
		must(t, err)
		var seqs []int64
		before := int64(0)
		for {
			ms, more, err := s.ChannelFileMessages(ctx, c.ID, before, 3)
			must(t, err)
			for _, m := range ms {
				seqs = append(seqs, m.Seq)
			}
			if !more {
				break
			}
			before = ms[len(ms)-1].Seq
		}
		if !slices.Equal(seqs, []int64{7, 5, 3, 1}) {
			t.Fatalf("pages %v", seqs)
		}
		_, _, err = s.ChannelFileMessages(ctx, c.ID, 0, 0)
		if err == nil {
			t.Fatal("limit 0 taken")
		}
	})
}

// A notice's files: referenced with the notice, read by its recipients while it is in
// force, kept by a revision.
func TestNoticeAttachmentsStored(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "na", 3)
		a, b := newBlob(t, s, u[0], 100), newBlob(t, s, u[0], 200)
		atts := []store.Attachment{{BlobID: a, Size: 100, Commitment: "ca"}, {BlobID: b, Size: 200, Commitment: "cb"}}
		n := store.Notice{AuthorID: u[0], Title: "附件通知", Body: "见附件", NeedsConfirm: true, CreatedAt: t0, Attachments: atts}
		must(t, s.CreateNotice(ctx, &n, []store.NoticeRecipient{{UserID: u[1]}}))
		got, err := s.GetNotice(ctx, n.ID)
		must(t, err)
		if !reflect.DeepEqual(got.Attachments, atts) || !reflect.DeepEqual(n.Attachments, atts) {
			t.Fatalf("stored %+v", got.Attachments)
		}
		if r := refsOf(t, s, b); !reflect.DeepEqual(r, []store.BlobRef{{BlobID: b, NoticeID: n.ID}}) {
			t.Fatalf("refs %+v", r)
		}
		if !readable(t, s, a, u[1]) || readable(t, s, a, u[2]) {
			t.Fatal("readability does not follow the recipients")
		}
		list, err := s.ListNotices(ctx, store.NoticeQuery{UserID: u[1], Box: store.BoxReceived})
		must(t, err)
		if len(list) != 1 || !reflect.DeepEqual(list[0].Attachments, atts) {
			t.Fatalf("listed %+v", list)
		}
		rev, err := s.ReviseNotice(ctx, &store.NoticeRevision{NoticeID: n.ID, Title: "附件通知（修订）", Body: "见附件", ChangeNote: "改", AuthorID: u[0]}, "", time.Time{})
		must(t, err)
		if !reflect.DeepEqual(rev.Attachments, atts) {
			t.Fatalf("revised %+v", rev.Attachments)
		}
		_, err = s.WithdrawNotice(ctx, n.ID, "作废", time.Time{})
		must(t, err)
		if readable(t, s, a, u[1]) {
			t.Fatal("a withdrawn notice still gives its file")
		}

		// A blob gone: nothing is stored.
		bad := store.Notice{AuthorID: u[0], Title: "坏附件", Body: "x", CreatedAt: t0,
			Attachments: []store.Attachment{{BlobID: a, Commitment: "c"}, {BlobID: "0123456789abcdef0123456789abcdef", Commitment: "c"}}}
		err = s.CreateNotice(ctx, &bad, []store.NoticeRecipient{{UserID: u[1]}})
		wantErr(t, err, store.ErrBlobGone)
		if len(refsOf(t, s, a)) != 1 {
			t.Fatalf("refs after the refusal %+v", refsOf(t, s, a))
		}
	})
}

// An upload cancelled (by its uploader, or by the sweeper before it deletes the parts)
// can no longer be attached: the message fails alone and references nothing.
func TestCancelledUploadCannotBeAttached(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "cu", 2)
		c := newChannel(t, s, "撤销", u[0], u[1])
		gone, kept := newBlob(t, s, u[0], 5000), newBlob(t, s, u[0], 800)
		must(t, s.CancelBlob(ctx, gone))
		res, err := s.AppendMessages(ctx, []store.NewMessage{
			{ChannelID: c.ID, SenderID: u[0], ClientID: "c1", Attachment: &store.Attachment{BlobID: gone, Size: 5000, Commitment: "c"}, CreatedAt: t0},
			{ChannelID: c.ID, SenderID: u[0], ClientID: "c2", Attachment: &store.Attachment{BlobID: kept, Size: 800, Commitment: "c"}, CreatedAt: t0},
		})
		must(t, err)
		if !errors.Is(res[0].Err, store.ErrBlobGone) || res[1].Err != nil {
			t.Fatalf("results %+v", res)
		}
		if r := refsOf(t, s, gone); len(r) != 0 || readable(t, s, gone, u[1]) {
			t.Fatalf("a cancelled upload was sent: refs %+v", r)
		}
		// Once attached, it cannot be cancelled any more.
		if err := s.CancelBlob(ctx, kept); err == nil {
			t.Fatal("an attached blob was cancelled")
		}
	})
}
