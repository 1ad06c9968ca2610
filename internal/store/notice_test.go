package store_test

import (
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

// Helpers shared by the notice tests and benchmarks.

// bulkUsers creates n staff accounts named prefix1 … prefixN in one transaction
// (fast enough for tens of thousands) and returns their IDs.
func bulkUsers(tb testing.TB, s store.Store, prefix string, n int) []int64 {
	tb.Helper()
	ids := make([]int64, n)
	err := s.InTx(tb.Context(), func(tx store.Store) error {
		for i := range n {
			u := store.User{Username: fmt.Sprintf("%s%d", prefix, i+1), DisplayName: fmt.Sprintf("职工%d", i+1),
				Role: store.RoleStaff}
			if err := tx.CreateUser(tb.Context(), &u); err != nil {
				return err
			}
			ids[i] = u.ID
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("create %d users: %v", n, err)
	}
	return ids
}

// recipientsOf makes a recipient for each user, in department depts[i%len(depts)]
// (0 when depts is empty).
func recipientsOf(users []int64, depts ...int64) []store.NoticeRecipient {
	rs := make([]store.NoticeRecipient, len(users))
	for i, u := range users {
		rs[i].UserID = u
		if len(depts) > 0 {
			rs[i].DepartmentID = depts[i%len(depts)]
		}
	}
	return rs
}

// publish creates a notice needing confirmation by author to users, pinned in
// channels, and fails the test on any error.
func publish(tb testing.TB, s store.Store, author int64, title string, channels []int64, users ...int64) store.Notice {
	tb.Helper()
	n := store.Notice{AuthorID: author, Title: title, Body: title + "：请各单位按时报送。", NeedsConfirm: true,
		Channels: channels, CreatedAt: t0}
	if err := s.CreateNotice(tb.Context(), &n, recipientsOf(users)); err != nil {
		tb.Fatalf("CreateNotice(%q): %v", title, err)
	}
	return n
}

func noticeIDs(uns []store.UserNotice) []int64 {
	out := make([]int64, len(uns))
	for i, un := range uns {
		out[i] = un.ID
	}
	return out
}

func TestNoticeCreateAndGet(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "nc", 3)
		c1, c2 := newChannel(t, s, "预算股", u...), newChannel(t, s, "办公室", u...)
		d := newDept(t, s, 0, "财政局")

		t.Run("round-trips every field and stores revision 1", func(t *testing.T) {
			deadline := t0.Add(48 * time.Hour)
			n := store.Notice{
				AuthorID: u[0], Title: "关于报送2026年度部门预算的通知", Body: "请于周五前报送。", Priority: "urgent",
				Secrecy: 1, Deadline: deadline, NeedsConfirm: true, AudienceJSON: `{"channels":[1]}`,
				Channels: []int64{c2.ID, c1.ID, c2.ID}, CreatedAt: t0,
				// Set by the store whatever the caller says:
				Revision: 7, Status: store.NoticeWithdrawn, Recipients: 99, AutoReminders: 3,
			}
			rs := []store.NoticeRecipient{
				{UserID: u[1], DepartmentID: d.ID},
				{UserID: u[2], DeliveredAt: t0.Add(time.Second), ConfirmedRevision: 1},
			}
			must(t, s.CreateNotice(ctx, &n, rs))
			want := store.Notice{
				ID: n.ID, AuthorID: u[0], Title: "关于报送2026年度部门预算的通知", Body: "请于周五前报送。",
				Revision: 1, Priority: "urgent", Secrecy: 1, Deadline: ms(deadline), NeedsConfirm: true,
				Status: store.NoticeActive, AudienceJSON: `{"channels":[1]}`,
				Channels: []int64{min(c1.ID, c2.ID), max(c1.ID, c2.ID)}, Recipients: 2, CreatedAt: ms(t0),
			}
			if n.ID == 0 || !reflect.DeepEqual(n, want) {
				t.Fatalf("after create:\n%+v\nwant\n%+v", n, want)
			}
			got, err := s.GetNotice(ctx, n.ID)
			must(t, err)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("GetNotice:\n%+v\nwant\n%+v", got, want)
			}
			wantRs := []store.NoticeRecipient{
				{NoticeID: n.ID, UserID: u[1], DepartmentID: d.ID, DeliveredAt: ms(t0)},
				{NoticeID: n.ID, UserID: u[2], DeliveredAt: ms(t0.Add(time.Second))},
			}
			if !reflect.DeepEqual(rs, wantRs) {
				t.Fatalf("recipients after create:\n%+v\nwant\n%+v", rs, wantRs)
			}
			for _, r := range wantRs {
				got, err := s.GetNoticeReceipt(ctx, n.ID, r.UserID)
				must(t, err)
				if !reflect.DeepEqual(got, r) {
					t.Fatalf("GetNoticeReceipt(%d) = %+v, want %+v", r.UserID, got, r)
				}
			}
			revs, err := s.ListNoticeRevisions(ctx, n.ID)
			must(t, err)
			wantRevs := []store.NoticeRevision{{NoticeID: n.ID, Revision: 1, Title: want.Title, Body: want.Body,
				AuthorID: u[0], CreatedAt: ms(t0)}}
			if !reflect.DeepEqual(revs, wantRevs) {
				t.Fatalf("ListNoticeRevisions = %+v, want %+v", revs, wantRevs)
			}
		})

		t.Run("defaults priority and audience, no channels is nil", func(t *testing.T) {
			n := store.Notice{AuthorID: u[0], Title: "值班安排", Body: "见附件"}
			must(t, s.CreateNotice(ctx, &n, recipientsOf(u[1:2])))
			got, err := s.GetNotice(ctx, n.ID)
			must(t, err)
			if got.Priority != "normal" || got.AudienceJSON != "{}" || got.Channels != nil || got.NeedsConfirm ||
				got.CreatedAt.IsZero() || !got.Deadline.IsZero() {
				t.Fatalf("GetNotice = %+v", got)
			}
		})

		t.Run("refuses what it cannot store, writing nothing", func(t *testing.T) {
			for _, tc := range []struct {
				name string
				n    store.Notice
				rs   []store.NoticeRecipient
				want error
			}{
				{"unknown priority", store.Notice{AuthorID: u[0], Title: "x", Priority: "high"}, nil, nil},
				{"NUL in body", store.Notice{AuthorID: u[0], Title: "x", Body: "a\x00b"}, nil, nil},
				{"recipient twice", store.Notice{AuthorID: u[0], Title: "x"}, recipientsOf([]int64{u[1], u[1]}), store.ErrConflict},
				{"unknown recipient", store.Notice{AuthorID: u[0], Title: "x"}, recipientsOf([]int64{u[1], 1 << 40}), store.ErrConflict},
				{"unknown channel", store.Notice{AuthorID: u[0], Title: "x", Channels: []int64{1 << 40}}, nil, store.ErrConflict},
			} {
				t.Run(tc.name, func(t *testing.T) {
					before, err := s.ListNotices(ctx, store.NoticeQuery{UserID: u[0], Box: store.BoxSent})
					must(t, err)
					err = s.CreateNotice(ctx, &tc.n, tc.rs)
					if err == nil {
						t.Fatal("CreateNotice succeeded")
					}
					if tc.want != nil {
						wantErr(t, err, tc.want)
					}
					after, err := s.ListNotices(ctx, store.NoticeQuery{UserID: u[0], Box: store.BoxSent})
					must(t, err)
					if len(after) != len(before) {
						t.Fatalf("a notice was stored: %d before, %d after", len(before), len(after))
					}
				})
			}
		})

		t.Run("missing notice is ErrNotFound", func(t *testing.T) {
			_, err := s.GetNotice(ctx, 1<<40)
			wantErr(t, err, store.ErrNotFound)
			_, err = s.ListNoticeRevisions(ctx, 1<<40)
			wantErr(t, err, store.ErrNotFound)
			_, err = s.ListNoticeRecipients(ctx, 1<<40)
			wantErr(t, err, store.ErrNotFound)
			_, err = s.UnconfirmedRecipients(ctx, 1<<40)
			wantErr(t, err, store.ErrNotFound)
		})
	})
}

func TestNoticeRecipientsBulk(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		author := newUser(t, s, "bulkauthor", store.RoleLeader)
		// 1,201 crosses the 500-row batches twice and leaves a partial one.
		people := bulkUsers(t, s, "bulk", 1201)
		depts := []int64{newDept(t, s, 0, "乙局").ID, newDept(t, s, 0, "甲局").ID, 0}
		n := store.Notice{AuthorID: author.ID, Title: "全员通知", NeedsConfirm: true}
		must(t, s.CreateNotice(ctx, &n, recipientsOf(people, depts...)))
		if n.Recipients != len(people) {
			t.Fatalf("Recipients = %d, want %d", n.Recipients, len(people))
		}
		got, err := s.GetNotice(ctx, n.ID)
		must(t, err)
		if got.Recipients != len(people) {
			t.Fatalf("stored Recipients = %d, want %d", got.Recipients, len(people))
		}

		rows, err := s.ListNoticeRecipients(ctx, n.ID)
		must(t, err)
		if len(rows) != len(people) {
			t.Fatalf("ListNoticeRecipients: %d rows, want %d", len(rows), len(people))
		}
		less := func(a, b store.NoticeRecipientRow) int {
			if a.DepartmentID != b.DepartmentID {
				return int(a.DepartmentID - b.DepartmentID)
			}
			return int(a.UserID - b.UserID)
		}
		if !slices.IsSortedFunc(rows, less) {
			t.Fatal("ListNoticeRecipients is not ordered by department, then user")
		}
		seen := map[int64]bool{}
		for _, r := range rows {
			seen[r.UserID] = true
			if r.NoticeID != n.ID || r.Username == "" || r.DisplayName == "" || !r.DeliveredAt.Equal(n.CreatedAt) {
				t.Fatalf("row %+v", r)
			}
		}
		if len(seen) != len(people) {
			t.Fatalf("%d distinct recipients, want %d", len(seen), len(people))
		}
		first := rows[0]
		if first.DepartmentID != 0 || first.UserID != people[2] || first.Username != "bulk3" || first.DisplayName != "职工3" {
			t.Fatalf("first row %+v, want user bulk3 without a department", first)
		}
		un, err := s.UnconfirmedRecipients(ctx, n.ID)
		must(t, err)
		if len(un) != len(people) {
			t.Fatalf("UnconfirmedRecipients: %d, want %d", len(un), len(people))
		}
	})
}

func TestNoticeReceiptsAndUserNames(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		author := newUser(t, s, "rcptauthor", store.RoleLeader)
		people := bulkUsers(t, s, "rcpt", 700) // more than one 500-row batch
		depts := []int64{newDept(t, s, 0, "乙局").ID, 0, newDept(t, s, 0, "甲局").ID}
		n := store.Notice{AuthorID: author.ID, Title: "全员通知", NeedsConfirm: true, CreatedAt: t0}
		must(t, s.CreateNotice(ctx, &n, recipientsOf(people, depts...)))
		_, err := s.MarkNoticeSeen(ctx, n.ID, people[1], 1, t0.Add(time.Minute))
		must(t, err)
		_, err = s.ConfirmNotice(ctx, n.ID, people[2], 1, "收到", t0.Add(2*time.Minute))
		must(t, err)

		t.Run("receipts are the recipients without names, by user", func(t *testing.T) {
			got, err := s.ListNoticeReceipts(ctx, n.ID)
			must(t, err)
			rows, err := s.ListNoticeRecipients(ctx, n.ID)
			must(t, err)
			want := make([]store.NoticeRecipient, len(rows))
			for i, r := range rows {
				want[i] = r.NoticeRecipient
			}
			slices.SortFunc(want, func(a, b store.NoticeRecipient) int { return int(a.UserID - b.UserID) })
			if len(got) != len(people) || !reflect.DeepEqual(got, want) {
				t.Fatalf("ListNoticeReceipts: %d rows, differing from ListNoticeRecipients' %d", len(got), len(want))
			}
			if r := got[2]; r.UserID != people[2] || r.Reply != "收到" || r.ConfirmedRevision != 1 ||
				!r.ConfirmedAt.Equal(t0.Add(2*time.Minute).Truncate(time.Millisecond)) || r.DepartmentID != depts[2] {
				t.Fatalf("confirmed receipt %+v", r)
			}
		})

		t.Run("user names cover every account, by ID", func(t *testing.T) {
			names, err := s.ListUserNames(ctx)
			must(t, err)
			if len(names) != len(people)+1 {
				t.Fatalf("%d names, want %d", len(names), len(people)+1)
			}
			if !slices.IsSortedFunc(names, func(a, b store.UserName) int { return int(a.ID - b.ID) }) {
				t.Fatal("ListUserNames is not ordered by ID")
			}
			i := slices.IndexFunc(names, func(u store.UserName) bool { return u.ID == people[2] })
			if i < 0 || names[i].Username != "rcpt3" || names[i].DisplayName != "职工3" {
				t.Fatalf("names of user 3: %+v", names[max(i, 0)])
			}
		})

		t.Run("missing notice is ErrNotFound", func(t *testing.T) {
			_, err := s.ListNoticeReceipts(ctx, 1<<40)
			wantErr(t, err, store.ErrNotFound)
		})
	})
}

func TestNoticeBoxes(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "box", 3)
		lead, staff, other := u[0], u[1], u[2]
		ch1, ch2 := newChannel(t, s, "一股", u...), newChannel(t, s, "二股", u...)

		n1 := publish(t, s, lead, "通知一", []int64{ch1.ID}, staff, other)
		n2 := store.Notice{AuthorID: lead, Title: "知悉即可", Channels: []int64{ch2.ID}} // no confirmation
		must(t, s.CreateNotice(ctx, &n2, recipientsOf([]int64{staff})))
		n3 := publish(t, s, lead, "通知三", []int64{ch1.ID, ch2.ID}, staff, lead)
		n4 := publish(t, s, other, "通知四", nil, staff, lead)
		n5 := publish(t, s, lead, "撤回的通知", []int64{ch1.ID}, staff)
		_, err := s.WithdrawNotice(ctx, n5.ID, "发错了", t0)
		must(t, err)
		_, err = s.ConfirmNotice(ctx, n1.ID, other, 1, "", t0)
		must(t, err)

		list := func(t *testing.T, q store.NoticeQuery) []store.UserNotice {
			t.Helper()
			got, err := s.ListNotices(ctx, q)
			must(t, err)
			return got
		}

		for _, tc := range []struct {
			name string
			q    store.NoticeQuery
			want []int64
		}{
			{"received, newest first", store.NoticeQuery{UserID: staff, Box: store.BoxReceived}, []int64{n5.ID, n4.ID, n3.ID, n2.ID, n1.ID}},
			{"pending leaves out the unconfirmable and the withdrawn", store.NoticeQuery{UserID: staff, Box: store.BoxPending}, []int64{n4.ID, n3.ID, n1.ID}},
			{"pending leaves out the confirmed", store.NoticeQuery{UserID: other, Box: store.BoxPending}, []int64{}},
			{"received in one channel", store.NoticeQuery{UserID: staff, Box: store.BoxReceived, ChannelID: ch1.ID}, []int64{n5.ID, n3.ID, n1.ID}},
			{"pending in one channel", store.NoticeQuery{UserID: staff, Box: store.BoxPending, ChannelID: ch2.ID}, []int64{n3.ID}},
			{"sent", store.NoticeQuery{UserID: lead, Box: store.BoxSent}, []int64{n5.ID, n3.ID, n2.ID, n1.ID}},
			{"sent in one channel", store.NoticeQuery{UserID: lead, Box: store.BoxSent, ChannelID: ch2.ID}, []int64{n3.ID, n2.ID}},
			{"first page", store.NoticeQuery{UserID: staff, Box: store.BoxReceived, Limit: 2}, []int64{n5.ID, n4.ID}},
			{"next page", store.NoticeQuery{UserID: staff, Box: store.BoxReceived, Limit: 2, BeforeID: n4.ID}, []int64{n3.ID, n2.ID}},
			{"last page", store.NoticeQuery{UserID: staff, Box: store.BoxReceived, Limit: 2, BeforeID: n2.ID}, []int64{n1.ID}},
			{"sent page", store.NoticeQuery{UserID: lead, Box: store.BoxSent, Limit: 1, BeforeID: n3.ID}, []int64{n2.ID}},
			{"pending page", store.NoticeQuery{UserID: staff, Box: store.BoxPending, BeforeID: n4.ID}, []int64{n3.ID, n1.ID}},
			{"nobody's box is empty", store.NoticeQuery{UserID: 1 << 40, Box: store.BoxReceived}, []int64{}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := noticeIDs(list(t, tc.q)); !slices.Equal(got, tc.want) {
					t.Fatalf("ListNotices(%+v) = %v, want %v", tc.q, got, tc.want)
				}
			})
		}

		t.Run("notices carry their channels and the user's receipt", func(t *testing.T) {
			got := list(t, store.NoticeQuery{UserID: other, Box: store.BoxReceived})
			if len(got) != 1 || got[0].ID != n1.ID || !slices.Equal(got[0].Channels, []int64{ch1.ID}) ||
				!got[0].HasReceipt || got[0].Receipt.UserID != other || got[0].Receipt.ConfirmedRevision != 1 ||
				got[0].Title != "通知一" {
				t.Fatalf("received by other: %+v", got)
			}
			sent := list(t, store.NoticeQuery{UserID: lead, Box: store.BoxSent})
			for _, un := range sent {
				wantReceipt := un.ID == n3.ID // the author sent it to themself too
				if un.HasReceipt != wantReceipt || (wantReceipt && un.Receipt.UserID != lead) ||
					(!wantReceipt && un.Receipt != (store.NoticeRecipient{})) {
					t.Fatalf("sent notice %d: HasReceipt %v, receipt %+v", un.ID, un.HasReceipt, un.Receipt)
				}
			}
			if want := []int64{min(ch1.ID, ch2.ID), max(ch1.ID, ch2.ID)}; !slices.Equal(sent[1].Channels, want) {
				t.Fatalf("notice %d channels %v, want %v", sent[1].ID, sent[1].Channels, want)
			}
			if sent[2].Channels == nil || sent[0].Status != store.NoticeWithdrawn || sent[0].WithdrawReason != "发错了" {
				t.Fatalf("sent: %+v", sent)
			}
		})

		t.Run("limit defaults and is capped", func(t *testing.T) {
			author := newUser(t, s, "prolific", store.RoleLeader)
			for i := range 205 {
				n := store.Notice{AuthorID: author.ID, Title: fmt.Sprint("第", i, "号")}
				must(t, s.CreateNotice(ctx, &n, nil))
			}
			if got := list(t, store.NoticeQuery{UserID: author.ID, Box: store.BoxSent}); len(got) != 50 {
				t.Fatalf("default page: %d notices, want 50", len(got))
			}
			if got := list(t, store.NoticeQuery{UserID: author.ID, Box: store.BoxSent, Limit: 1000}); len(got) != 200 {
				t.Fatalf("capped page: %d notices, want 200", len(got))
			}
		})

		t.Run("unknown box is an error", func(t *testing.T) {
			if _, err := s.ListNotices(ctx, store.NoticeQuery{UserID: staff, Box: "inbox"}); err == nil {
				t.Fatal("ListNotices with an unknown box succeeded")
			}
		})
	})
}

func TestNoticeReceipts(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "rc", 4)
		lead, a, b, outsider := u[0], u[1], u[2], u[3]
		t1, t2, t3 := t0.Add(time.Minute), t0.Add(2*time.Minute), t0.Add(3*time.Minute)

		t.Run("seen, then confirmed, keeps the first of each", func(t *testing.T) {
			n := publish(t, s, lead, "预算", nil, a)
			r, err := s.MarkNoticeSeen(ctx, n.ID, a, 1, t1)
			must(t, err)
			want := store.NoticeRecipient{NoticeID: n.ID, UserID: a, DeliveredAt: ms(t0), SeenAt: ms(t1), SeenRevision: 1}
			if r != want {
				t.Fatalf("MarkNoticeSeen = %+v, want %+v", r, want)
			}
			r, err = s.MarkNoticeSeen(ctx, n.ID, a, 1, t2)
			must(t, err)
			if r != want {
				t.Fatalf("second MarkNoticeSeen = %+v, want the first %+v", r, want)
			}
			r, err = s.ConfirmNotice(ctx, n.ID, a, 1, "收到，周五前报送", t2)
			must(t, err)
			want.ConfirmedAt, want.ConfirmedRevision, want.Reply = ms(t2), 1, "收到，周五前报送"
			if r != want {
				t.Fatalf("ConfirmNotice = %+v, want %+v", r, want)
			}
			r, err = s.ConfirmNotice(ctx, n.ID, a, 1, "再次确认", t3)
			must(t, err)
			if r != want {
				t.Fatalf("repeat ConfirmNotice = %+v, want the first %+v", r, want)
			}
			got, err := s.GetNoticeReceipt(ctx, n.ID, a)
			must(t, err)
			if got != want {
				t.Fatalf("GetNoticeReceipt = %+v, want %+v", got, want)
			}
		})

		t.Run("confirming unseen marks it seen at the same time", func(t *testing.T) {
			n := publish(t, s, lead, "会议", nil, a)
			r, err := s.ConfirmNotice(ctx, n.ID, a, 1, "", t1)
			must(t, err)
			if !r.SeenAt.Equal(ms(t1)) || r.SeenRevision != 1 || !r.ConfirmedAt.Equal(ms(t1)) || r.ConfirmedRevision != 1 {
				t.Fatalf("ConfirmNotice = %+v", r)
			}
		})

		t.Run("refusals", func(t *testing.T) {
			revised := publish(t, s, lead, "改过的", nil, a)
			_, err := s.ReviseNotice(ctx, &store.NoticeRevision{NoticeID: revised.ID, Title: "改过的", Body: "新",
				ChangeNote: "改日期", AuthorID: lead}, "", time.Time{})
			must(t, err)
			withdrawn := publish(t, s, lead, "撤回的", nil, a)
			_, err = s.WithdrawNotice(ctx, withdrawn.ID, "重复", t1)
			must(t, err)
			plain := publish(t, s, lead, "普通", nil, a)

			for _, tc := range []struct {
				name    string
				notice  int64
				user    int64
				rev     int
				confirm error // want from ConfirmNotice
				seen    error // want from MarkNoticeSeen; nil means it succeeds
			}{
				{"stale revision", revised.ID, a, 1, store.ErrStaleRevision, store.ErrStaleRevision},
				{"future revision", plain.ID, a, 2, store.ErrStaleRevision, store.ErrStaleRevision},
				{"withdrawn", withdrawn.ID, a, 1, store.ErrWithdrawn, nil},
				{"not a recipient", plain.ID, outsider, 1, store.ErrNotFound, store.ErrNotFound},
				{"no such notice", 1 << 40, a, 1, store.ErrNotFound, store.ErrNotFound},
			} {
				t.Run(tc.name, func(t *testing.T) {
					_, err := s.ConfirmNotice(ctx, tc.notice, tc.user, tc.rev, "", t2)
					wantErr(t, err, tc.confirm)
					_, err = s.MarkNoticeSeen(ctx, tc.notice, tc.user, tc.rev, t2)
					if tc.seen == nil {
						must(t, err)
					} else {
						wantErr(t, err, tc.seen)
					}
				})
			}
			r, err := s.GetNoticeReceipt(ctx, withdrawn.ID, a)
			must(t, err)
			if r.ConfirmedRevision != 0 || r.SeenRevision != 1 {
				t.Fatalf("withdrawn notice receipt %+v: want seen, not confirmed", r)
			}
			_, err = s.GetNoticeReceipt(ctx, plain.ID, outsider)
			wantErr(t, err, store.ErrNotFound)
		})

		t.Run("revision makes the confirmed pending again", func(t *testing.T) {
			d := t0.Add(24 * time.Hour)
			n := store.Notice{AuthorID: lead, Title: "原标题", Body: "原文", NeedsConfirm: true, Deadline: d, CreatedAt: t0}
			must(t, s.CreateNotice(ctx, &n, recipientsOf([]int64{a, b})))
			_, err := s.ConfirmNotice(ctx, n.ID, a, 1, "好", t1)
			must(t, err)
			un, err := s.UnconfirmedRecipients(ctx, n.ID)
			must(t, err)
			if len(un) != 1 || un[0].UserID != b {
				t.Fatalf("UnconfirmedRecipients = %+v, want only %d", un, b)
			}

			rev := store.NoticeRevision{NoticeID: n.ID, Title: "新标题", Body: "新文", ChangeNote: "截止时间提前",
				AuthorID: lead, CreatedAt: t2}
			got, err := s.ReviseNotice(ctx, &rev, "urgent", d.Add(-time.Hour))
			must(t, err)
			if rev.Revision != 2 || !rev.CreatedAt.Equal(ms(t2)) {
				t.Fatalf("revision after ReviseNotice: %+v", rev)
			}
			if got.Revision != 2 || got.Title != "新标题" || got.Body != "新文" || got.ChangeNote != "截止时间提前" ||
				got.Priority != "urgent" || !got.Deadline.Equal(ms(d.Add(-time.Hour))) || !got.RevisedAt.Equal(ms(t2)) ||
				!got.CreatedAt.Equal(ms(t0)) {
				t.Fatalf("ReviseNotice = %+v", got)
			}
			if again, err := s.GetNotice(ctx, n.ID); err != nil || !reflect.DeepEqual(again, got) {
				t.Fatalf("GetNotice = %+v, %v; want %+v", again, err, got)
			}
			pending, err := s.ListNotices(ctx, store.NoticeQuery{UserID: a, Box: store.BoxPending})
			must(t, err)
			if !slices.Contains(noticeIDs(pending), n.ID) {
				t.Fatalf("revised notice not pending for %d who confirmed revision 1", a)
			}
			un, err = s.UnconfirmedRecipients(ctx, n.ID)
			must(t, err)
			if len(un) != 2 {
				t.Fatalf("UnconfirmedRecipients after revision = %+v, want both", un)
			}
			_, err = s.ConfirmNotice(ctx, n.ID, a, 1, "", t3)
			wantErr(t, err, store.ErrStaleRevision)
			r, err := s.ConfirmNotice(ctx, n.ID, a, 2, "已阅新版", t3)
			must(t, err)
			if r.ConfirmedRevision != 2 || r.Reply != "已阅新版" || r.SeenRevision != 2 || !r.SeenAt.Equal(ms(t3)) {
				t.Fatalf("confirm of revision 2 = %+v", r)
			}

			// An empty priority keeps the current one; the deadline is what is given.
			rev3 := store.NoticeRevision{NoticeID: n.ID, Title: "三", Body: "三", ChangeNote: "去掉截止", AuthorID: lead}
			got, err = s.ReviseNotice(ctx, &rev3, "", time.Time{})
			must(t, err)
			if got.Revision != 3 || got.Priority != "urgent" || !got.Deadline.IsZero() {
				t.Fatalf("third revision = %+v", got)
			}
			revs, err := s.ListNoticeRevisions(ctx, n.ID)
			must(t, err)
			var titles []string
			for i, r := range revs {
				if r.Revision != i+1 || r.NoticeID != n.ID || r.AuthorID != lead {
					t.Fatalf("revision %d: %+v", i, r)
				}
				titles = append(titles, r.Title+"/"+r.ChangeNote)
			}
			if want := []string{"原标题/", "新标题/截止时间提前", "三/去掉截止"}; !slices.Equal(titles, want) {
				t.Fatalf("revisions %v, want %v", titles, want)
			}
		})

		t.Run("withdrawn takes no revision and no second withdrawal", func(t *testing.T) {
			n := publish(t, s, lead, "撤", nil, a)
			got, err := s.WithdrawNotice(ctx, n.ID, "内容有误", t1)
			must(t, err)
			if got.Status != store.NoticeWithdrawn || !got.WithdrawnAt.Equal(ms(t1)) || got.WithdrawReason != "内容有误" {
				t.Fatalf("WithdrawNotice = %+v", got)
			}
			_, err = s.WithdrawNotice(ctx, n.ID, "again", t2)
			wantErr(t, err, store.ErrWithdrawn)
			_, err = s.ReviseNotice(ctx, &store.NoticeRevision{NoticeID: n.ID, Title: "x", AuthorID: lead}, "", time.Time{})
			wantErr(t, err, store.ErrWithdrawn)
			_, err = s.WithdrawNotice(ctx, 1<<40, "", t2)
			wantErr(t, err, store.ErrNotFound)
			_, err = s.ReviseNotice(ctx, &store.NoticeRevision{NoticeID: 1 << 40, Title: "x", AuthorID: lead}, "", time.Time{})
			wantErr(t, err, store.ErrNotFound)
			revs, err := s.ListNoticeRevisions(ctx, n.ID)
			must(t, err)
			if len(revs) != 1 {
				t.Fatalf("%d revisions after a refused revision, want 1", len(revs))
			}
		})

		t.Run("concurrent confirmations of one notice all land", func(t *testing.T) {
			people := bulkUsers(t, s, "cc", 20)
			n := publish(t, s, lead, "并发", nil, people...)
			var wg sync.WaitGroup
			errs := make(chan error, len(people))
			for _, p := range people {
				wg.Go(func() {
					_, err := s.ConfirmNotice(ctx, n.ID, p, 1, "", t1)
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				must(t, err)
			}
			un, err := s.UnconfirmedRecipients(ctx, n.ID)
			must(t, err)
			if len(un) != 0 {
				t.Fatalf("%d unconfirmed after everyone confirmed", len(un))
			}
		})
	})
}

func TestNoticeClaims(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "cl", 2)
		t1, t2 := t0.Add(time.Hour), t0.Add(2*time.Hour)

		// race runs claim on two goroutines at once and returns how many won.
		race := func(t *testing.T, claim func() (bool, error)) int {
			t.Helper()
			var wg sync.WaitGroup
			won := make(chan bool, 2)
			for range 2 {
				wg.Go(func() {
					ok, err := claim()
					if err != nil {
						t.Error(err)
					}
					won <- ok
				})
			}
			wg.Wait()
			close(won)
			n := 0
			for ok := range won {
				if ok {
					n++
				}
			}
			return n
		}

		t.Run("manual reminder once per interval", func(t *testing.T) {
			n := publish(t, s, u[0], "催办", nil, u[1])
			if got := race(t, func() (bool, error) { return s.ClaimNoticeReminder(ctx, n.ID, t1, t1) }); got != 1 {
				t.Fatalf("%d of two concurrent claims won, want 1", got)
			}
			got, err := s.GetNotice(ctx, n.ID)
			must(t, err)
			if !got.RemindedAt.Equal(ms(t1)) {
				t.Fatalf("RemindedAt = %v, want %v", got.RemindedAt, ms(t1))
			}
			// Not again within the interval, again after it.
			ok, err := s.ClaimNoticeReminder(ctx, n.ID, t1, t1.Add(time.Minute))
			must(t, err)
			if ok {
				t.Fatal("second reminder within the interval was claimed")
			}
			ok, err = s.ClaimNoticeReminder(ctx, n.ID, t1.Add(time.Second), t2)
			must(t, err)
			if !ok {
				t.Fatal("reminder after the interval was refused")
			}
		})

		t.Run("each automatic reminder once", func(t *testing.T) {
			n := publish(t, s, u[0], "自动提醒", nil, u[1])
			for i := range 3 {
				if got := race(t, func() (bool, error) { return s.ClaimAutoReminder(ctx, n.ID, i, t1) }); got != 1 {
					t.Fatalf("reminder %d: %d of two concurrent claims won, want 1", i, got)
				}
			}
			ok, err := s.ClaimAutoReminder(ctx, n.ID, 1, t2) // an index already past
			must(t, err)
			if ok {
				t.Fatal("a past reminder was claimed again")
			}
			got, err := s.GetNotice(ctx, n.ID)
			must(t, err)
			if got.AutoReminders != 3 || !got.RemindedAt.Equal(ms(t1)) {
				t.Fatalf("AutoReminders %d, RemindedAt %v", got.AutoReminders, got.RemindedAt)
			}
		})

		t.Run("escalation once", func(t *testing.T) {
			n := publish(t, s, u[0], "逾期", nil, u[1])
			if got := race(t, func() (bool, error) { return s.ClaimEscalation(ctx, n.ID, t1) }); got != 1 {
				t.Fatalf("%d of two concurrent claims won, want 1", got)
			}
			got, err := s.GetNotice(ctx, n.ID)
			must(t, err)
			if !got.EscalatedAt.Equal(ms(t1)) {
				t.Fatalf("EscalatedAt = %v", got.EscalatedAt)
			}
		})

		t.Run("nothing is claimed on a withdrawn or missing notice", func(t *testing.T) {
			n := publish(t, s, u[0], "撤回", nil, u[1])
			_, err := s.WithdrawNotice(ctx, n.ID, "", t0)
			must(t, err)
			for _, id := range []int64{n.ID, 1 << 40} {
				for name, claim := range map[string]func() (bool, error){
					"reminder":      func() (bool, error) { return s.ClaimNoticeReminder(ctx, id, t1, t1) },
					"auto reminder": func() (bool, error) { return s.ClaimAutoReminder(ctx, id, 0, t1) },
					"escalation":    func() (bool, error) { return s.ClaimEscalation(ctx, id, t1) },
				} {
					ok, err := claim()
					must(t, err)
					if ok {
						t.Fatalf("%s claimed on notice %d", name, id)
					}
				}
			}
		})
	})
}

func TestNoticeDueAndEscalations(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "due", 4)
		lead, head, a, b := u[0], u[1], u[2], u[3]
		c := newChannel(t, s, "科室", u...)
		at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
		mk := func(title string, deadline time.Time, confirm bool) store.Notice {
			n := store.Notice{AuthorID: lead, Title: title, Deadline: deadline, NeedsConfirm: confirm,
				Channels: []int64{c.ID}, CreatedAt: t0}
			must(t, s.CreateNotice(ctx, &n, recipientsOf([]int64{a, b})))
			return n
		}
		late := mk("后到期", at(5), true)
		soon := mk("先到期", at(2), true)
		mk("无截止", time.Time{}, true)
		mk("无需确认", at(1), false)
		far := mk("很久以后", at(100), true)
		escalated := mk("已上报", at(1), true)
		withdrawn := mk("已撤回", at(1), true)
		ok, err := s.ClaimEscalation(ctx, escalated.ID, at(1))
		must(t, err)
		if !ok {
			t.Fatal("ClaimEscalation refused")
		}
		_, err = s.WithdrawNotice(ctx, withdrawn.ID, "", t0)
		must(t, err)

		t.Run("due notices by deadline", func(t *testing.T) {
			due, err := s.DueNotices(ctx, at(10))
			must(t, err)
			var ids []int64
			for _, n := range due {
				ids = append(ids, n.ID)
				if !slices.Equal(n.Channels, []int64{c.ID}) || n.Recipients != 2 {
					t.Fatalf("due notice %+v", n)
				}
			}
			if want := []int64{soon.ID, late.ID}; !slices.Equal(ids, want) {
				t.Fatalf("DueNotices = %v, want %v (far is %d)", ids, want, far.ID)
			}
			due, err = s.DueNotices(ctx, at(2)) // strictly before the horizon
			must(t, err)
			if len(due) != 0 {
				t.Fatalf("DueNotices before the first deadline = %d notices", len(due))
			}
		})

		t.Run("a new deadline starts its reminders and escalation afresh", func(t *testing.T) {
			n := mk("改期", at(3), true)
			for i := range 2 {
				ok, err := s.ClaimAutoReminder(ctx, n.ID, i, at(1))
				must(t, err)
				if !ok {
					t.Fatalf("auto reminder %d refused", i)
				}
			}
			ok, err := s.ClaimEscalation(ctx, n.ID, at(3))
			must(t, err)
			if !ok {
				t.Fatal("ClaimEscalation refused")
			}
			same := store.NoticeRevision{NoticeID: n.ID, Title: "改期", Body: "措辞", ChangeNote: "措辞", AuthorID: lead, CreatedAt: at(3)}
			got, err := s.ReviseNotice(ctx, &same, "", at(3))
			must(t, err)
			if got.AutoReminders != 2 || got.EscalatedAt.IsZero() {
				t.Fatalf("same deadline reset the schedule: %+v", got)
			}
			later := store.NoticeRevision{NoticeID: n.ID, Title: "改期", Body: "延期", ChangeNote: "延期两天", AuthorID: lead, CreatedAt: at(3)}
			got, err = s.ReviseNotice(ctx, &later, "", at(51))
			must(t, err)
			if got.AutoReminders != 0 || !got.EscalatedAt.IsZero() {
				t.Fatalf("new deadline kept the old schedule: %+v", got)
			}
		})

		t.Run("escalations round-trip, newest first, active notices only", func(t *testing.T) {
			es := []store.NoticeEscalation{
				{NoticeID: soon.ID, HeadID: head, UserIDs: []int64{a, b}, CreatedAt: at(2)},
				{NoticeID: late.ID, HeadID: head, UserIDs: []int64{b}, CreatedAt: at(5)},
				{NoticeID: withdrawn.ID, HeadID: head, UserIDs: []int64{a}, CreatedAt: at(6)},
				{NoticeID: late.ID, HeadID: lead, UserIDs: []int64{a}, CreatedAt: at(5)},
			}
			must(t, s.AddNoticeEscalations(ctx, es))
			got, err := s.ListNoticeEscalations(ctx, head)
			must(t, err)
			want := []store.NoticeEscalation{
				{NoticeID: late.ID, HeadID: head, UserIDs: []int64{b}, CreatedAt: ms(at(5))},
				{NoticeID: soon.ID, HeadID: head, UserIDs: []int64{a, b}, CreatedAt: ms(at(2))},
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("ListNoticeEscalations =\n%+v\nwant\n%+v", got, want)
			}
			err = s.AddNoticeEscalations(ctx, es[:1])
			wantErr(t, err, store.ErrConflict)
			none, err := s.ListNoticeEscalations(ctx, a)
			must(t, err)
			if len(none) != 0 {
				t.Fatalf("escalations of someone who heads nobody: %+v", none)
			}
			must(t, s.AddNoticeEscalations(ctx, nil))
		})
	})
}
