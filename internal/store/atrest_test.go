package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"govchat/internal/atrest"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

// rawText reads a column of a message as stored.
func rawText(t *testing.T, s store.Store, col string, channelID, seq int64) string {
	t.Helper()
	var v string
	must(t, store.QueryRowRaw(t.Context(), s, `SELECT `+col+` FROM messages WHERE channel_id = ? AND seq = ?`, channelID, seq).Scan(&v))
	return v
}

func TestAtRestRoundTrip(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "ar", 2)
		c := newChannel(t, s, "保密", u...)
		m := post(t, s, c.ID, u[0], "关于2026年预算编制的通知")
		fw := &store.Forward{Merged: true, FromChannelID: c.ID, FromChannelName: "预算股",
			Items: []store.ForwardItem{{SenderID: u[0], SenderName: "王建国", Seq: m.Seq, Text: "转发的原文", CreatedAt: ms(time.Now())}}}
		rs, err := s.AppendMessages(ctx, []store.NewMessage{{ChannelID: c.ID, SenderID: u[1], Forward: fw, Secrecy: 1}})
		must(t, err)
		f := rs[0].Message

		t.Run("stored sealed, read back as written", func(t *testing.T) {
			for _, col := range []string{"text"} {
				if v := rawText(t, s, col, c.ID, m.Seq); !atrest.IsSealed(v) || strings.Contains(v, "预算") {
					t.Fatalf("messages.%s stored as %q", col, v)
				}
			}
			if v := rawText(t, s, "forward", c.ID, f.Seq); !atrest.IsSealed(v) || strings.Contains(v, "转发") || strings.Contains(v, "王建国") {
				t.Fatalf("messages.forward stored as %q", v)
			}
			got, err := s.GetMessage(ctx, c.ID, m.Seq)
			must(t, err)
			if got.Text != m.Text {
				t.Fatalf("text %q", got.Text)
			}
			got, err = s.GetMessage(ctx, c.ID, f.Seq)
			must(t, err)
			if got.Forward == nil || got.Forward.Items[0].Text != "转发的原文" || got.Forward.FromChannelName != "预算股" {
				t.Fatalf("forward %+v", got.Forward)
			}
			mine, err := s.ListMyChannels(ctx, u[0])
			must(t, err)
			if len(mine) != 1 || mine[0].Latest == nil || mine[0].Latest.Forward == nil {
				t.Fatalf("latest %+v", mine)
			}
		})

		t.Run("search postings are tokens, not terms", func(t *testing.T) {
			var n int
			must(t, countRaw(t, s, `SELECT count(*) FROM message_terms`, &n))
			if n != 0 {
				t.Fatalf("%d plaintext postings", n)
			}
			found, err := s.SearchMessages(ctx, store.SearchQuery{UserID: u[1], Text: "预算编"})
			must(t, err)
			if len(found) != 1 || found[0].Seq != m.Seq {
				t.Fatalf("found %+v", found)
			}
		})

		t.Run("notices, revisions and replies", func(t *testing.T) {
			n := store.Notice{AuthorID: u[0], Title: "通知标题甲", Body: "通知正文乙", Secrecy: 2, NeedsConfirm: true}
			must(t, s.CreateNotice(ctx, &n, []store.NoticeRecipient{{UserID: u[1]}}))
			rev := store.NoticeRevision{NoticeID: n.ID, Title: "通知标题丙", Body: "通知正文丁", ChangeNote: "改正日期", AuthorID: u[0]}
			_, err := s.ReviseNotice(ctx, &rev, "", time.Time{})
			must(t, err)
			_, err = s.ConfirmNotice(ctx, n.ID, u[1], 2, "已阅，照办", time.Time{})
			must(t, err)
			for _, q := range []string{
				`SELECT title || body || change_note FROM notices WHERE id = ?`,
				`SELECT min(title) || min(body) || max(change_note) FROM notice_revisions WHERE notice_id = ?`,
				`SELECT max(reply) FROM notice_recipients WHERE notice_id = ?`,
			} {
				var v string
				must(t, store.QueryRowRaw(ctx, s, q, n.ID).Scan(&v))
				if strings.ContainsAny(v, "通知标题正文改正已阅") {
					t.Fatalf("%s: plaintext %q", q, v)
				}
			}
			got, err := s.GetNotice(ctx, n.ID)
			must(t, err)
			if got.Title != "通知标题丙" || got.Body != "通知正文丁" || got.ChangeNote != "改正日期" {
				t.Fatalf("notice %+v", got)
			}
			revs, err := s.ListNoticeRevisions(ctx, n.ID)
			must(t, err)
			if len(revs) != 2 || revs[0].Title != "通知标题甲" || revs[1].ChangeNote != "改正日期" {
				t.Fatalf("revisions %+v", revs)
			}
			rc, err := s.ListNoticeReceipts(ctx, n.ID)
			must(t, err)
			if len(rc) != 1 || rc[0].Reply != "已阅，照办" {
				t.Fatalf("receipts %+v", rc)
			}
			box, err := s.ListNotices(ctx, store.NoticeQuery{UserID: u[1], Box: store.BoxReceived})
			must(t, err)
			if len(box) != 1 || box[0].Notice.Body != "通知正文丁" || box[0].Receipt.Reply != "已阅，照办" {
				t.Fatalf("box %+v", box)
			}
		})

		t.Run("tampered or moved ciphertext is refused", func(t *testing.T) {
			other := post(t, s, c.ID, u[0], "另一条")
			sealed := rawText(t, s, "text", c.ID, m.Seq)
			// Moved: m's ciphertext (same bucket, same key) into another row.
			must(t, store.ExecRaw(ctx, s, `UPDATE messages SET text = ? WHERE channel_id = ? AND seq = ?`, sealed, c.ID, other.Seq))
			if _, err := s.GetMessage(ctx, c.ID, other.Seq); !errors.Is(err, atrest.ErrOpen) {
				t.Fatalf("moved ciphertext: err %v, want ErrOpen", err)
			}
			// Moved between columns of one row.
			must(t, store.ExecRaw(ctx, s, `UPDATE messages SET forward = text WHERE channel_id = ? AND seq = ?`, c.ID, m.Seq))
			if _, err := s.GetMessage(ctx, c.ID, m.Seq); !errors.Is(err, atrest.ErrOpen) {
				t.Fatalf("text as forward: err %v, want ErrOpen", err)
			}
			must(t, store.ExecRaw(ctx, s, `UPDATE messages SET forward = '' WHERE channel_id = ? AND seq = ?`, c.ID, m.Seq))
			// Tampered: one character of the base64 changed — in the middle, where every
			// bit it carries is significant (the last one may carry padding bits only).
			mid := len(sealed) / 2
			swap := "A"
			if sealed[mid] == 'A' {
				swap = "B"
			}
			must(t, store.ExecRaw(ctx, s, `UPDATE messages SET text = ? WHERE channel_id = ? AND seq = ?`, sealed[:mid]+swap+sealed[mid+1:], c.ID, m.Seq))
			if _, err := s.GetMessage(ctx, c.ID, m.Seq); err == nil {
				t.Fatal("tampered ciphertext opened")
			}
		})
	})
}

// Another master key opens nothing: the same database read by a store given the
// wrong key file.
func TestAtRestWrongMasterKey(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			nodes := twoNodes(t, backend) // both given one key
			ctx := t.Context()
			u := users(t, nodes[0], "wk", 1)
			c := newChannel(t, nodes[0], "wrong key", u...)
			m := post(t, nodes[0], c.ID, u[0], "只有正确的主密钥能打开")
			nodes[1].SetMasterKey(storetest.MasterKey(t))
			if _, err := nodes[1].GetMessage(ctx, c.ID, m.Seq); !errors.Is(err, atrest.ErrOpen) {
				t.Fatalf("err %v, want ErrOpen", err)
			}
			if err := nodes[1].CheckMasterKey(ctx); !errors.Is(err, atrest.ErrOpen) {
				t.Fatalf("CheckMasterKey: %v", err)
			}
		})
	}
}

func TestShredDataKeys(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		db := s.(*store.DB)
		u := users(t, s, "shred", 1)
		c := newChannel(t, s, "shred", u...)
		jan := time.Date(2020, 1, 15, 8, 0, 0, 0, time.UTC)
		old := postAtLevel(t, s, c.ID, u[0], "一月的秘密消息", 3, jan)
		kept := postAtLevel(t, s, c.ID, u[0], "二月的秘密消息", 3, jan.AddDate(0, 1, 0))
		sealed := rawText(t, s, "text", c.ID, old.Seq)
		var keyID int64
		must(t, store.QueryRowRaw(ctx, s, `SELECT text_key FROM messages WHERE channel_id = ? AND seq = ?`, c.ID, old.Seq).Scan(&keyID))
		before := time.Date(2020, 3, 1, 0, 0, 0, 0, time.UTC)

		n, err := db.ShredDataKeys(ctx, 3, before)
		must(t, err)
		if n != 0 {
			t.Fatalf("shredded %d keys of buckets that still have messages", n)
		}
		// The retention sweeper's part, done by hand: January's message goes.
		must(t, store.ExecRaw(ctx, s, `DELETE FROM messages WHERE channel_id = ? AND seq = ?`, c.ID, old.Seq))
		if n, err = db.ShredDataKeys(ctx, 2, before); err != nil || n != 0 {
			t.Fatalf("another level: %d, %v", n, err)
		}
		// 秘密 buckets span a day: not before January 15th is over, at once after it.
		if n, err = db.ShredDataKeys(ctx, 3, jan.Add(time.Hour)); err != nil || n != 0 {
			t.Fatalf("before the day ends: %d, %v", n, err)
		}
		if n, err = db.ShredDataKeys(ctx, 3, time.Date(2020, 1, 16, 0, 0, 0, 0, time.UTC)); err != nil || n != 1 {
			t.Fatalf("shredded %d, %v; want January 15th's key", n, err)
		}
		var left int
		must(t, countRaw(t, s, `SELECT count(*) FROM data_keys WHERE id = ?`, &left, keyID))
		if left != 0 {
			t.Fatal("the key row is still there")
		}
		// A surviving copy of the ciphertext (a backup, a dead row version) put back
		// beside its key id opens to nothing.
		must(t, store.ExecRaw(ctx, s, `UPDATE messages SET text = ?, text_key = ? WHERE channel_id = ? AND seq = ?`, sealed, keyID, c.ID, kept.Seq))
		got, err := s.GetMessage(ctx, c.ID, kept.Seq)
		must(t, err)
		if got.Text != "" {
			t.Fatalf("a shredded bucket's text read as %q", got.Text)
		}
	})
}

// postAtLevel appends a message of a secrecy level sent at at.
func postAtLevel(t *testing.T, s store.Store, channelID, sender int64, text string, level int, at time.Time) store.Message {
	t.Helper()
	rs, err := s.AppendMessages(t.Context(), []store.NewMessage{{ChannelID: channelID, SenderID: sender, Text: text, Secrecy: level, CreatedAt: at}})
	must(t, err)
	must(t, rs[0].Err)
	return rs[0].Message
}

// markerScenario writes the marker where deletion must leave no trace of it: a
// message recalled, another's text edited away, and a notice revised.
func markerScenario(t *testing.T, s store.Store, marker string) {
	t.Helper()
	ctx := t.Context()
	u := users(t, s, "mk", 2)
	c := newChannel(t, s, "marker", u...)
	r := post(t, s, c.ID, u[0], "撤回："+marker)
	_, err := s.RecallMessage(ctx, c.ID, r.Seq, u[0], time.Time{})
	must(t, err)
	e := post(t, s, c.ID, u[0], "编辑前："+marker)
	_, err = s.EditMessage(ctx, c.ID, e.Seq, "编辑后的文字", nil, time.Time{})
	must(t, err)
	n := store.Notice{AuthorID: u[0], Title: "通知 " + marker, Body: marker, Secrecy: 1}
	must(t, s.CreateNotice(ctx, &n, []store.NoticeRecipient{{UserID: u[1]}}))
	_, err = s.ConfirmNotice(ctx, n.ID, u[1], 1, "回复 "+marker, time.Time{})
	must(t, err)
}

func TestMarkerNeverOnDiskSQLite(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "govchat.db")
	db, err := store.OpenSQLite(ctx, path)
	must(t, err)
	defer db.Close()
	_, err = db.Migrate(ctx)
	must(t, err)
	db.SetMasterKey(storetest.MasterKey(t))
	var secure int
	must(t, store.QueryRowRaw(ctx, db, `PRAGMA secure_delete`).Scan(&secure))
	if secure != 1 {
		t.Fatalf("secure_delete = %d", secure)
	}
	marker := "MARKER" + fmt.Sprint(time.Now().UnixNano())
	markerScenario(t, db, marker)
	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatalf("read %s: %v", f, err)
		}
		if len(b) == 0 {
			t.Fatalf("%s is empty: the scan would prove nothing", f)
		}
		if bytes.Contains(b, []byte(marker)) || bytes.Contains(bytes.ToLower(b), bytes.ToLower([]byte(marker))) {
			t.Fatalf("%s holds the marker in plaintext", filepath.Base(f))
		}
	}
}

// On PostgreSQL the heap files of every table that holds text, dead row versions
// included (no vacuum runs in between), and the write-ahead log are read as the
// test role, which must be allowed pg_read_binary_file (a superuser, or granted
// pg_read_server_files).
func TestMarkerNeverOnDiskPostgres(t *testing.T) {
	s := storetest.NewPostgres(t)
	ctx := t.Context()
	var allowed bool
	must(t, store.QueryRowRaw(ctx, s, `SELECT rolsuper OR pg_has_role(current_user, 'pg_read_server_files', 'MEMBER')
		FROM pg_roles WHERE rolname = current_user`).Scan(&allowed))
	if !allowed {
		t.Skip("the test role may not read server files (needs superuser or pg_read_server_files): the heap cannot be scanned")
	}
	marker := "MARKER" + fmt.Sprint(time.Now().UnixNano())
	markerScenario(t, s, marker)
	// Dead row versions stay (the recall and the edit each left one); make sure they
	// are on disk, not only in shared buffers.
	must(t, store.ExecRaw(ctx, s, `CHECKPOINT`))
	var dead int
	must(t, countRaw(t, s, `SELECT n_dead_tup FROM pg_stat_user_tables WHERE relid = 'messages'::regclass`, &dead))
	for _, table := range []string{"messages", "notices", "notice_revisions", "notice_recipients"} {
		var b []byte
		must(t, store.QueryRowRaw(ctx, s, `SELECT pg_read_binary_file(pg_relation_filepath(?::regclass))`, table).Scan(&b))
		if bytes.Contains(b, []byte(marker)) {
			t.Fatalf("table %s's heap holds the marker", table)
		}
		var toast []byte
		err := store.QueryRowRaw(ctx, s, `SELECT pg_read_binary_file(pg_relation_filepath(reltoastrelid))
			FROM pg_class WHERE oid = ?::regclass AND reltoastrelid <> 0`, table).Scan(&toast)
		if err == nil && bytes.Contains(toast, []byte(marker)) {
			t.Fatalf("table %s's TOAST holds the marker", table)
		}
	}
	r, err := store.QueryRaw(ctx, s, `SELECT name FROM pg_ls_waldir() ORDER BY modification DESC LIMIT 2`)
	must(t, err)
	var wals []string
	for r.Next() {
		var name string
		must(t, r.Scan(&name))
		wals = append(wals, name)
	}
	r.Close()
	for _, w := range wals {
		var b []byte
		must(t, store.QueryRowRaw(ctx, s, `SELECT pg_read_binary_file('pg_wal/' || ?)`, w).Scan(&b))
		if bytes.Contains(b, []byte(marker)) {
			t.Fatalf("WAL segment %s holds the marker", w)
		}
	}
	t.Logf("scanned 4 tables (%d dead message versions) and %d WAL segments", dead, len(wals))
}

// Rows from before migration 0018 are plaintext until EncryptLegacy seals them;
// search finds them before and after, and the job can stop and resume.
func TestEncryptLegacy(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		db := s.(*store.DB)
		u := users(t, s, "lg", 1)
		c := newChannel(t, s, "legacy", u...)
		var seqs []int64
		for i := range 5 {
			m := post(t, s, c.ID, u[0], fmt.Sprintf("旧消息%d号 budget", i))
			seqs = append(seqs, m.Seq)
			// Make it as 0017 left it: plaintext, plaintext postings, no key.
			must(t, store.ExecRaw(ctx, s, `UPDATE messages SET text = ?, text_key = NULL WHERE channel_id = ? AND seq = ?`, m.Text, c.ID, m.Seq))
			must(t, store.Unindex(ctx, s, c.ID, m.Seq))
		}
		must(t, store.InsertPlainTerms(ctx, s, c.ID, seqs))
		n := store.Notice{AuthorID: u[0], Title: "旧通知", Body: "旧正文", Secrecy: 1}
		must(t, s.CreateNotice(ctx, &n, nil))
		must(t, store.ExecRaw(ctx, s, `UPDATE notices SET title = '旧通知', body = '旧正文', text_key = NULL WHERE id = ?`, n.ID))
		must(t, store.ExecRaw(ctx, s, `UPDATE notice_revisions SET title = '旧通知', body = '旧正文', text_key = NULL WHERE notice_id = ?`, n.ID))

		search := func(q string) int {
			found, err := s.SearchMessages(ctx, store.SearchQuery{UserID: u[0], Text: q})
			must(t, err)
			return len(found)
		}
		if got := search("消息3号"); got != 1 {
			t.Fatalf("before: found %d", got)
		}
		if got := search("budg"); got != 5 {
			t.Fatalf("before: prefix found %d", got)
		}
		// A stopped run: cancelled before it starts, nothing is lost.
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		db.EncryptLegacy(cancelled)
		sealed, err := db.EncryptLegacy(ctx)
		must(t, err)
		if sealed != 6 {
			t.Fatalf("sealed %d rows, want 5 messages and a notice", sealed)
		}
		var plain int
		must(t, countRaw(t, s, `SELECT count(*) FROM message_terms`, &plain))
		if plain != 0 {
			t.Fatalf("%d plaintext postings left", plain)
		}
		for _, seq := range seqs {
			if v := rawText(t, s, "text", c.ID, seq); !atrest.IsSealed(v) {
				t.Fatalf("message %d still %q", seq, v)
			}
		}
		if got := search("消息3号"); got != 1 {
			t.Fatalf("after: found %d", got)
		}
		if got := search("budg"); got != 5 {
			t.Fatalf("after: prefix found %d", got)
		}
		got, err := s.GetNotice(ctx, n.ID)
		must(t, err)
		if got.Title != "旧通知" || got.Body != "旧正文" {
			t.Fatalf("notice %+v", got)
		}
		var v string
		must(t, store.QueryRowRaw(ctx, s, `SELECT body FROM notice_revisions WHERE notice_id = ?`, n.ID).Scan(&v))
		if !atrest.IsSealed(v) {
			t.Fatalf("revision body %q", v)
		}
		if again, err := db.EncryptLegacy(ctx); err != nil || again != 0 {
			t.Fatalf("second run: %d, %v", again, err)
		}
	})
}
