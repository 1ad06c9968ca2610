package todo_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"govchat/internal/bus"
	"govchat/internal/collect"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
	"govchat/internal/todo"
	"govchat/protocol"
)

// TestCollectionsInTheList: a 接龙 a leader asks plan1 for is in plan1's 待办, with its
// deadline and who asks, until plan1 answers — through the real collections service.
func TestCollectionsInTheList(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := context.Background()
		var fx *fixture
		b := bus.NewMemory()
		t.Cleanup(func() { b.Close() })
		var col *collect.Service
		fx = newFixture(t, s, func(o *todo.Options) {
			o.Sources = []todo.Source{todo.CollectionSource{Items: collectItems{&col}}}
		})
		col = collect.New(store.Narrow(s, func(tx store.Store) collect.Tx { return tx }), b, quiet(), fx.clock.now, collect.Options{})
		leader := store.User{Username: "juzhang", DisplayName: "王局长", Role: store.RoleLeader, CreatedAt: start}
		fx.must(s.CreateUser(ctx, &leader))
		deadline := fx.clock.now().Add(5 * time.Hour)
		c, err := col.Publish(ctx, authP{User: leader}, protocol.PublishCollectionRequest{Kind: protocol.CollectionSignup, Title: "周六加班接龙",
			Deadline: &deadline, Audience: protocol.Audience{Users: []int64{fx.u["plan1"].ID}}})
		fx.must(err)
		msg := fx.give("gz", "plan1", fx.post(fx.ch, "gz", "先做这个"), time.Hour, "")

		got, err := fx.svc.List(ctx, fx.p("plan1"))
		fx.must(err)
		if len(got.Items) != 2 || got.Items[0].ID != msg.ID {
			t.Fatalf("list = %+v", got.Items)
		}
		it := got.Items[1]
		if it.Kind != protocol.TodoKindCollection || it.ID != c.ID || it.Title != "周六加班接龙" || it.State != protocol.TodoStateOpen ||
			it.Due == nil || !it.Due.Equal(deadline) || it.From.Name != "王局长" || it.Link != "/collect/"+itoa(c.ID) {
			t.Errorf("collection item = %+v", it)
		}

		line, _ := json.Marshal("王科员 参加")
		_, err = col.Submit(ctx, fx.p("plan1"), c.ID, protocol.SubmitRequest{Values: map[string]json.RawMessage{"line": line}})
		fx.must(err)
		got, err = fx.svc.List(ctx, fx.p("plan1"))
		fx.must(err)
		if len(got.Items) != 1 || got.Items[0].Kind != protocol.TodoKindMessage {
			t.Errorf("after answering, list = %+v", got.Items)
		}
	})
}

// collectItems reads through to the collections service made after the fixture.
type collectItems struct{ s **collect.Service }

func (c collectItems) OpenItemsFor(ctx context.Context, userID int64, limit int) ([]collect.OpenItem, error) {
	return (*c.s).OpenItemsFor(ctx, userID, limit)
}
