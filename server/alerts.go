package main

import (
	"context"

	"govchat/internal/alert"
	"govchat/internal/push"
	"govchat/internal/quiet"
	"govchat/internal/store"
	"govchat/internal/todo"
)

// pushAdapter hands the dispatcher's pushes to the delivery queue.
type pushAdapter struct{ s *push.Service }

func (p pushAdapter) Push(ctx context.Context, userIDs []int64, m alert.Push) error {
	_, err := p.s.Enqueue(ctx, userIDs, push.Message{Payload: m.Payload, TTL: m.TTL, Urgent: m.Urgent, Topic: m.Topic})
	return err
}

// policyOf gives the dispatcher the current working-time policy (cached by the quiet
// service, which reloads it after changes and every little while in a cluster).
func policyOf(q *quiet.Service) func(context.Context) (alert.Reach, error) {
	return func(ctx context.Context) (alert.Reach, error) {
		p, err := q.Policy(ctx)
		if err != nil {
			return nil, err
		}
		return p, nil
	}
}

// reachOf gives the to-do reminders the same working-time policy.
func reachOf(q *quiet.Service) func(context.Context) (todo.Reach, error) {
	return func(ctx context.Context) (todo.Reach, error) {
		p, err := q.Policy(ctx)
		if err != nil {
			return nil, err
		}
		return p, nil
	}
}

// pushWhenIdle reads a person's push_when_idle setting for the dispatcher, which asks
// only for people connected with every connection away.
func pushWhenIdle(s *store.DB) func(context.Context, int64) (bool, error) {
	return func(ctx context.Context, userID int64) (bool, error) {
		p, err := s.GetQuietPersonal(ctx, userID)
		return p.PushWhenIdle, err
	}
}
