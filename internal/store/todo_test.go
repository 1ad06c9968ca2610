package store_test

import (
	"strings"
	"testing"
	"time"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

func TestTodos(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "td", 3) // 0 assigns, 1 does, 2 left the channel
		c := newChannel(t, s, "预算股", u...)
		long := strings.Repeat("报", store.TodoSnippet+20)
		m1 := post(t, s, c.ID, u[0], "请把基数表发我")
		m2 := post(t, s, c.ID, u[0], long)
		m3 := post(t, s, c.ID, u[0], "无期限")

		due := t0.Add(48 * time.Hour)
		a := store.Todo{ChannelID: c.ID, Seq: m1.Seq, AssignerID: u[0], AssigneeID: u[1], Due: due, Note: "周五前", CreatedAt: t0,
			RemindAt: due.Add(-2 * time.Hour)}
		must(t, s.CreateTodo(ctx, &a))
		b := store.Todo{ChannelID: c.ID, Seq: m2.Seq, AssignerID: u[0], AssigneeID: u[1], Due: t0.Add(time.Hour), CreatedAt: t0.Add(time.Second)}
		must(t, s.CreateTodo(ctx, &b))
		none := store.Todo{ChannelID: c.ID, Seq: m3.Seq, AssignerID: u[1], AssigneeID: u[1], CreatedAt: t0.Add(2 * time.Second)}
		must(t, s.CreateTodo(ctx, &none))

		t.Run("one open to-do per message and person", func(t *testing.T) {
			dup := store.Todo{ChannelID: c.ID, Seq: m1.Seq, AssignerID: u[2], AssigneeID: u[1]}
			wantErr(t, s.CreateTodo(ctx, &dup), store.ErrConflict)
			missing := store.Todo{ChannelID: c.ID, Seq: 999, AssignerID: u[0], AssigneeID: u[1]}
			wantErr(t, s.CreateTodo(ctx, &missing), store.ErrConflict)
		})

		t.Run("open list by due, none last, with the snippet", func(t *testing.T) {
			rows, err := s.ListOpenTodos(ctx, u[1], 100)
			must(t, err)
			var ids []int64
			for _, r := range rows {
				ids = append(ids, r.ID)
			}
			if want := []int64{b.ID, a.ID, none.ID}; !equalIDs(ids, want) {
				t.Fatalf("open = %v, want %v", ids, want)
			}
			if rows[0].Text != strings.Repeat("报", store.TodoSnippet) {
				t.Errorf("snippet = %d runes, want %d", len([]rune(rows[0].Text)), store.TodoSnippet)
			}
			if rows[1].Note != "周五前" || !rows[1].Due.Equal(ms(due)) || rows[1].Text != "请把基数表发我" {
				t.Errorf("row = %+v", rows[1])
			}
		})

		t.Run("done, reopened, cancelled, each step recorded", func(t *testing.T) {
			at := t0.Add(time.Hour)
			got, changed, err := s.ChangeTodo(ctx, a.ID, store.TodoDone, u[1], at)
			must(t, err)
			if !changed || got.DoneBy != u[1] || !got.DoneAt.Equal(ms(at)) || got.Open() {
				t.Fatalf("done = %+v changed %v", got, changed)
			}
			if _, changed, _ := s.ChangeTodo(ctx, a.ID, store.TodoDone, u[1], at); changed {
				t.Error("done twice changed it again")
			}
			if _, changed, _ := s.ChangeTodo(ctx, a.ID, store.TodoCancelled, u[0], at); changed {
				t.Error("a done to-do was cancelled")
			}
			rows, err := s.ListOpenTodos(ctx, u[1], 100)
			must(t, err)
			if len(rows) != 2 {
				t.Errorf("open after done = %d, want 2", len(rows))
			}
			// While it is done, the same message may be given again; reopening the first
			// would make two open to-dos of one message.
			again := store.Todo{ChannelID: c.ID, Seq: m1.Seq, AssignerID: u[0], AssigneeID: u[1]}
			must(t, s.CreateTodo(ctx, &again))
			_, _, err = s.ChangeTodo(ctx, a.ID, store.TodoReopened, u[1], at)
			wantErr(t, err, store.ErrConflict)
			if _, changed, err := s.ChangeTodo(ctx, again.ID, store.TodoCancelled, u[0], at); err != nil || !changed {
				t.Fatalf("cancel = %v, %v", changed, err)
			}
			got, changed, err = s.ChangeTodo(ctx, a.ID, store.TodoReopened, u[1], at.Add(time.Minute))
			must(t, err)
			if !changed || !got.Open() || got.DoneBy != 0 {
				t.Fatalf("reopened = %+v", got)
			}
			evs, err := s.ListTodoEvents(ctx, a.ID)
			must(t, err)
			var steps []string
			for _, e := range evs {
				steps = append(steps, e.Event)
			}
			if strings.Join(steps, ",") != "assigned,done,reopened" || evs[0].ActorID != u[0] || evs[1].ActorID != u[1] {
				t.Errorf("steps = %v (%+v)", steps, evs)
			}
		})

		t.Run("assigned list leaves cancelled out", func(t *testing.T) {
			rows, err := s.ListAssignedTodos(ctx, u[0], 100)
			must(t, err)
			var ids []int64
			for _, r := range rows {
				ids = append(ids, r.ID)
			}
			if want := []int64{b.ID, a.ID}; !equalIDs(ids, want) {
				t.Fatalf("assigned = %v, want %v", ids, want)
			}
		})

		t.Run("no snippet for a reader out of the channel or a recalled message", func(t *testing.T) {
			c2 := newChannel(t, s, "别处", u[0])
			m := post(t, s, c2.ID, u[0], "秘密")
			out := store.Todo{ChannelID: c2.ID, Seq: m.Seq, AssignerID: u[0], AssigneeID: u[2]}
			must(t, s.CreateTodo(ctx, &out))
			rows, err := s.ListOpenTodos(ctx, u[2], 100)
			must(t, err)
			if len(rows) != 1 || rows[0].Text != "" {
				t.Fatalf("rows = %+v, want one without text", rows)
			}
		})

		t.Run("a reminder is claimed once", func(t *testing.T) {
			due, err := s.DueTodoReminders(ctx, due.Add(-3*time.Hour), 10)
			must(t, err)
			if len(due) != 0 {
				t.Fatalf("due early = %+v", due)
			}
			list, err := s.DueTodoReminders(ctx, a.RemindAt, 10)
			must(t, err)
			if len(list) != 1 || list[0].ID != a.ID {
				t.Fatalf("due = %+v", list)
			}
			ok, err := s.ClaimTodoReminder(ctx, a.ID, a.RemindAt)
			must(t, err)
			again, err := s.ClaimTodoReminder(ctx, a.ID, a.RemindAt)
			must(t, err)
			if !ok || again {
				t.Fatalf("claims = %v, %v", ok, again)
			}
			list, err = s.DueTodoReminders(ctx, a.RemindAt.Add(time.Hour), 10)
			must(t, err)
			if len(list) != 0 {
				t.Fatalf("due after the claim = %+v", list)
			}
		})

		t.Run("the message going takes its to-dos", func(t *testing.T) {
			ok, err := s.ClaimTodoReminder(ctx, b.ID, t0) // no reminder set
			must(t, err)
			if ok {
				t.Error("claimed a reminder never set")
			}
			_, err = s.GetTodo(ctx, 1<<40)
			wantErr(t, err, store.ErrNotFound)
		})
	})
}

func TestNoticeTodos(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := users(t, s, "nt", 2)
		mk := func(title string, deadline time.Time) store.Notice {
			n := store.Notice{AuthorID: u[0], Title: title, Body: "正文", NeedsConfirm: true, Deadline: deadline, CreatedAt: t0}
			must(t, s.CreateNotice(ctx, &n, []store.NoticeRecipient{{UserID: u[1]}}))
			return n
		}
		late := mk("无截止", time.Time{})
		soon := mk("明天截止", t0.Add(24*time.Hour))
		confirmed := mk("已确认", t0.Add(time.Hour))
		_, err := s.ConfirmNotice(ctx, confirmed.ID, u[1], 1, "", t0)
		must(t, err)
		revised := mk("已修改", t0.Add(48*time.Hour))
		_, err = s.ConfirmNotice(ctx, revised.ID, u[1], 1, "", t0)
		must(t, err)
		_, err = s.ReviseNotice(ctx, &store.NoticeRevision{NoticeID: revised.ID, Title: "已修改", Body: "新", ChangeNote: "改", AuthorID: u[0], CreatedAt: t0},
			"normal", revised.Deadline)
		must(t, err)

		got, err := s.ListNoticeTodos(ctx, u[1], 100)
		must(t, err)
		var ids []int64
		for _, n := range got {
			ids = append(ids, n.NoticeID)
		}
		if want := []int64{soon.ID, revised.ID, late.ID}; !equalIDs(ids, want) {
			t.Fatalf("notice to-dos = %v, want %v", ids, want)
		}
		if got[0].Revised || !got[1].Revised || got[0].Title != "明天截止" || got[0].AuthorID != u[0] {
			t.Errorf("notice to-dos = %+v", got)
		}
	})
}
