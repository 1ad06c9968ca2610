package collect_test

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"govchat/internal/collect"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/protocol"
)

// TestLifeOfACollection: a leader asks three people in two departments for a form
// with a file; two answer, one is returned and answers again, the third is reminded
// and escalated; the leader closes it and exports it.
func TestLifeOfACollection(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := context.Background()
		fx := newFixture(t, s)
		deadline := start.Add(48 * time.Hour)
		c := fx.publishForm(protocol.CollectionPerPerson, &deadline, fx.people("budget1", "treas1", "treas2"))
		if c.Counts.Recipients != 3 || c.Counts.Units != 3 || c.Status != protocol.CollectionOpen {
			t.Fatalf("published %+v", c.Counts)
		}
		for _, n := range []string{"budget1", "treas1", "treas2"} {
			if fx.frames.count(fx.u[n].ID, c.ID, protocol.CollectionEventPublished) != 1 {
				t.Fatalf("%s was not told of the collection", n)
			}
		}

		file := fx.upload("budget1", 5000, true)
		fx.clock.advance(time.Hour)
		sub, err := fx.svc.Submit(ctx, fx.p("budget1"), c.ID, vals(t, map[string]any{
			"unit": "预算股", "staff": 12, "day": "2026-11-24", "kind": "行政", "file": file,
			"rows": []map[string]any{{"name": "冯宇", "pay": 6500.5}, {"name": "=HYPERLINK(\"x\")"}},
		}))
		if err != nil {
			t.Fatal(err)
		}
		if sub.Revision != 1 || sub.State != protocol.SubmissionSubmitted || sub.UserName != "冯宇" || sub.DepartmentName != "局 / 预算股" {
			t.Fatalf("budget1's answer %+v", sub)
		}
		if _, err := fx.svc.Submit(ctx, fx.p("treas1"), c.ID, vals(t, map[string]any{"unit": "国库股", "staff": 5})); err != nil {
			t.Fatal(err)
		}
		if fx.frames.count(fx.u["gz"].ID, c.ID, protocol.CollectionEventSubmitted) != 2 {
			t.Fatal("the author was not told of both answers")
		}

		// The author reads the files; another recipient does not.
		for name, want := range map[string]bool{"gz": true, "budget1": true, "treas1": false, "juzhang": false} {
			ok, err := s.CanReadBlob(ctx, fx.u[name].ID, file.BlobID)
			if err != nil || ok != want {
				t.Fatalf("%s reads the answer's file: %v %v, want %v", name, ok, err, want)
			}
		}

		// 退回修改, and the answer again.
		ret, err := fx.svc.Return(ctx, fx.p("gz"), c.ID, fx.u["treas1"].ID, protocol.ReturnSubmissionRequest{Note: "在编人数有误"})
		if err != nil || ret.State != protocol.SubmissionReturned || ret.ReturnNote != "在编人数有误" {
			t.Fatalf("return: %+v %v", ret, err)
		}
		got, err := fx.svc.Get(ctx, fx.p("treas1"), c.ID)
		if err != nil || got.My == nil || got.My.State != protocol.SubmissionReturned {
			t.Fatalf("treas1 sees %+v %v", got.My, err)
		}
		if fx.frames.count(fx.u["treas1"].ID, c.ID, protocol.CollectionEventReturned) != 1 {
			t.Fatal("treas1 was not told of the return")
		}
		re, err := fx.svc.Submit(ctx, fx.p("treas1"), c.ID, vals(t, map[string]any{"unit": "国库股", "staff": 6}))
		if err != nil || re.Revision != 2 || re.State != protocol.SubmissionSubmitted {
			t.Fatalf("resubmit: %+v %v", re, err)
		}

		// The automatic reminder two hours before goes to treas2 alone; the author's
		// manual one must wait its interval.
		fx.clock.set(deadline.Add(-2*time.Hour + time.Minute))
		if err := fx.svc.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		if fx.frames.count(fx.u["treas2"].ID, c.ID, protocol.CollectionEventReminder) != 1 ||
			fx.frames.count(fx.u["budget1"].ID, c.ID, protocol.CollectionEventReminder) != 0 {
			t.Fatal("the automatic reminder went to the wrong people")
		}
		_, err = fx.svc.Remind(ctx, fx.p("gz"), c.ID)
		wantCode(t, err, protocol.CodeRateLimited)
		fx.clock.advance(31 * time.Minute)
		rr, err := fx.svc.Remind(ctx, fx.p("gz"), c.ID)
		if err != nil || rr.Reminded != 1 {
			t.Fatalf("remind: %+v %v", rr, err)
		}
		st, err := fx.svc.Status(ctx, fx.p("gz"), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		states := map[string]string{}
		for _, d := range st.Departments {
			for _, p := range d.People {
				states[p.Username] = p.State
			}
		}
		if states["budget1"] != "submitted" || states["treas1"] != "submitted" || states["treas2"] != "todo" || st.Counts.Submitted != 2 {
			t.Fatalf("status %v %+v", states, st.Counts)
		}

		// At the deadline 国库股 has no leader: 局's is told of treas2.
		fx.clock.set(deadline.Add(time.Minute))
		if err := fx.svc.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		if err := fx.svc.Tick(ctx); err != nil { // once
			t.Fatal(err)
		}
		if fx.frames.count(fx.u["juzhang"].ID, c.ID, protocol.CollectionEventEscalation) != 1 {
			t.Fatal("the head was not told once")
		}
		esc, err := fx.svc.List(ctx, fx.p("juzhang"), collect.ListQuery{Box: "escalated"})
		if err != nil || len(esc.Collections) != 1 || esc.Collections[0].ID != c.ID {
			t.Fatalf("the head's escalated list: %+v %v", esc, err)
		}
		if _, err := fx.svc.Status(ctx, fx.p("juzhang"), c.ID); err != nil {
			t.Fatalf("the head above reads the status: %v", err)
		}
		_, err = fx.svc.Submit(ctx, fx.p("treas2"), c.ID, vals(t, map[string]any{"unit": "国库股"}))
		wantCode(t, err, protocol.CodePastDeadline)

		closed, err := fx.svc.Close(ctx, fx.p("gz"), c.ID)
		if err != nil || closed.Status != protocol.CollectionClosed {
			t.Fatalf("close: %+v %v", closed, err)
		}
		_, err = fx.svc.Submit(ctx, fx.p("budget1"), c.ID, vals(t, map[string]any{"unit": "预算股"}))
		wantCode(t, err, protocol.CodeCollectionClosed)
		_, err = fx.svc.Close(ctx, fx.p("gz"), c.ID)
		wantCode(t, err, protocol.CodeCollectionClosed)

		// The trace, and the audit trail beside it.
		h, err := fx.svc.History(ctx, fx.p("gz"), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range h.Entries {
			actions = append(actions, e.Action)
		}
		want := []string{"published", "submitted", "submitted", "returned", "edited", "reminded", "reminded", "escalated", "closed"}
		if !slices.Equal(actions, want) {
			t.Fatalf("trace %v, want %v", actions, want)
		}
		mine, err := fx.svc.History(ctx, fx.p("budget1"), c.ID)
		if err != nil || len(mine.Entries) != 6 { // published, own submitted, 2 reminders, escalated, closed
			t.Fatalf("budget1's trace: %+v %v", mine.Entries, err)
		}
		evs, err := s.ListAudit(ctx, store.AuditFilter{Action: "collection."})
		if err != nil || len(evs) != len(want) {
			t.Fatalf("audit: %d events %v", len(evs), err)
		}

		// The export's rows match the answers.
		var buf bytes.Buffer
		if err := fx.svc.Export(ctx, fx.p("gz"), c.ID, &buf); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows("汇总")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 || !slices.Equal(rows[0][:7], []string{"序号", "部门", "填报人", "状态", "首次提交", "最后修改", "单位名称"}) {
			t.Fatalf("summary %v", rows)
		}
		if rows[1][2] != "冯宇" || rows[1][6] != "预算股" || rows[1][7] != "12" || rows[1][8] != "2026-11-24" || rows[1][4] != "2026-11-23 10:00" {
			t.Fatalf("budget1's row %q", rows[1])
		}
		if rows[2][2] != "徐磊" || rows[2][3] != "已提交" || rows[2][7] != "6" {
			t.Fatalf("treas1's row %q", rows[2])
		}
		table, err := f.GetRows("人员明细")
		if err != nil || len(table) != 3 || table[1][4] != "冯宇" || table[1][5] != "6500.5" || table[2][4] != "'=HYPERLINK(\"x\")" {
			t.Fatalf("table sheet %q %v", table, err)
		}
		pending, err := f.GetRows("未提交")
		if err != nil || len(pending) != 2 || pending[1][1] != "郑雪" {
			t.Fatalf("pending sheet %q %v", pending, err)
		}
	})
}

// TestSignupInOrder: a 接龙 filled by three people in order, each line visible to the
// whole audience, an edit keeping its place.
func TestSignupInOrder(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := context.Background()
		fx := newFixture(t, s)
		c, err := fx.svc.Publish(ctx, fx.p("gz"), protocol.PublishCollectionRequest{Kind: protocol.CollectionSignup,
			Title: "周五植树活动报名", Audience: fx.depts("预算股", "国库股")})
		if err != nil {
			t.Fatal(err)
		}
		for i, n := range []string{"treas2", "budget1", "treas1"} {
			fx.clock.advance(time.Minute)
			sub, err := fx.svc.Submit(ctx, fx.p(n), c.ID, vals(t, map[string]any{"line": n + " 参加"}))
			if err != nil || sub.Number != i+1 {
				t.Fatalf("%s: %+v %v", n, sub, err)
			}
		}
		if _, err := fx.svc.Submit(ctx, fx.p("treas2"), c.ID, vals(t, map[string]any{"line": "郑雪 参加，带铁锹"})); err != nil {
			t.Fatal(err)
		}
		list, err := fx.svc.Submissions(ctx, fx.p("budget2"), c.ID) // in the audience, not answered
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, sub := range list.Submissions {
			lines = append(lines, string(sub.Values["line"]))
		}
		if !slices.Equal(lines, []string{`"郑雪 参加，带铁锹"`, `"budget1 参加"`, `"treas1 参加"`}) {
			t.Fatalf("lines %v", lines)
		}
		if fx.frames.count(fx.u["budget2"].ID, c.ID, protocol.CollectionEventSubmitted) != 4 {
			t.Fatal("the audience was not told of each line")
		}
		_, err = fx.svc.Submissions(ctx, fx.p("outsider"), c.ID)
		wantCode(t, err, protocol.CodeNotFound)
		_, err = fx.svc.Submit(ctx, fx.p("treas1"), c.ID, vals(t, map[string]any{"line": "x", "extra": "y"}))
		wantCode(t, err, protocol.CodeBadRequest)
	})
}

// TestPerDepartment: one answer per department, written by any of its people, each
// write recorded; the status counts the department's people as answered.
func TestPerDepartment(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := context.Background()
		fx := newFixture(t, s)
		c := fx.publishForm(protocol.CollectionPerDepartment, nil, fx.depts("预算股", "国库股"))
		if c.Counts.Recipients != 4 || c.Counts.Units != 2 {
			t.Fatalf("counts %+v", c.Counts)
		}
		if _, err := fx.svc.Submit(ctx, fx.p("treas1"), c.ID, vals(t, map[string]any{"unit": "国库股", "staff": 5})); err != nil {
			t.Fatal(err)
		}
		got, err := fx.svc.Get(ctx, fx.p("treas2"), c.ID)
		if err != nil || got.My.State != protocol.SubmissionSubmitted || got.My.Submission.UserID != fx.u["treas1"].ID {
			t.Fatalf("treas2 sees %+v %v", got.My, err)
		}
		sub, err := fx.svc.Submit(ctx, fx.p("treas2"), c.ID, vals(t, map[string]any{"unit": "国库股", "staff": 7}))
		if err != nil || sub.Revision != 2 || sub.UserID != fx.u["treas2"].ID {
			t.Fatalf("treas2 replaces: %+v %v", sub, err)
		}
		if fx.frames.count(fx.u["treas1"].ID, c.ID, protocol.CollectionEventSubmitted) != 2 {
			t.Fatal("the department was not told of both writes")
		}
		st, err := fx.svc.Status(ctx, fx.p("gz"), c.ID)
		if err != nil || st.Counts.Submitted != 1 {
			t.Fatalf("status %+v %v", st.Counts, err)
		}
		for _, d := range st.Departments {
			if d.DepartmentID == fx.dept["国库股"] && (d.Submitted != 2 || d.Todo != 0) {
				t.Fatalf("国库股 %+v", d)
			}
			if d.DepartmentID == fx.dept["预算股"] && d.Todo != 2 {
				t.Fatalf("预算股 %+v", d)
			}
		}
		// Returning "treas2" returns the department's answer.
		if _, err := fx.svc.Return(ctx, fx.p("gz"), c.ID, fx.u["treas1"].ID, protocol.ReturnSubmissionRequest{Note: "请补充"}); err != nil {
			t.Fatal(err)
		}
		_, err = fx.svc.Return(ctx, fx.p("gz"), c.ID, fx.u["treas2"].ID, protocol.ReturnSubmissionRequest{Note: "again"})
		wantCode(t, err, protocol.CodeConflict)
		_, err = fx.svc.Return(ctx, fx.p("gz"), c.ID, fx.u["budget1"].ID, protocol.ReturnSubmissionRequest{Note: "no answer"})
		wantCode(t, err, protocol.CodeNotFound)
		h, err := fx.svc.History(ctx, fx.p("gz"), c.ID)
		if err != nil || len(h.Entries) != 4 || h.Entries[2].Action != "edited" || h.Entries[2].UserID != fx.u["treas2"].ID {
			t.Fatalf("trace %+v %v", h.Entries, err)
		}
		items, err := fx.svc.OpenItemsFor(ctx, fx.u["treas2"].ID, 0)
		if err != nil || len(items) != 1 || items[0].State != protocol.SubmissionReturned {
			t.Fatalf("treas2's open items %+v %v", items, err)
		}
		items, err = fx.svc.OpenItemsFor(ctx, fx.u["budget1"].ID, 0)
		if err != nil || len(items) != 1 || items[0].State != protocol.SubmissionTodo || items[0].Link == "" {
			t.Fatalf("budget1's open items %+v %v", items, err)
		}
	})
}
