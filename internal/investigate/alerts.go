package investigate

import (
	"context"
	"errors"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/store"
	"govchat/protocol"
)

// Alerts is a page of alerts in state, newest first.
func (s *Service) Alerts(ctx context.Context, actor store.User, state store.AlertState, beforeID int64, limit int) (protocol.SecurityAlerts, error) {
	as, err := s.store.ListAlerts(ctx, state, beforeID, limit)
	if err != nil {
		return protocol.SecurityAlerts{}, err
	}
	var ids []int64
	for _, a := range as {
		ids = append(ids, a.ActorID, a.AckedBy)
	}
	ps, err := s.loadPeople(ctx, ids)
	if err != nil {
		return protocol.SecurityAlerts{}, err
	}
	out := protocol.SecurityAlerts{Alerts: make([]protocol.SecurityAlert, 0, len(as))}
	for _, a := range as {
		out.Alerts = append(out.Alerts, AlertOf(a, ps.person))
	}
	if len(as) == limit && limit > 0 {
		out.NextBeforeID = as[len(as)-1].ID
	}
	if err := s.read(ctx, actor, "alert", "", map[string]any{"state": string(state), "returned": len(as)}); err != nil {
		return protocol.SecurityAlerts{}, err
	}
	return out, nil
}

// Ack acknowledges an open alert with the officer's note; the acknowledgement and its
// entry (alert.acked) commit together.
func (s *Service) Ack(ctx context.Context, actor store.User, id int64, note string) (protocol.SecurityAlert, error) {
	var a store.SecurityAlert
	err := s.store.InTx(ctx, func(tx Tx) error {
		var err error
		if a, err = tx.AckAlert(ctx, id, actor.ID, s.now(), note); err != nil {
			return err
		}
		return s.audit.In(tx).Step(ctx, actor, audit.AlertAcked, "alert", id, map[string]any{
			"kind": a.Kind, "note": note, "count": a.Count, "raised_at": a.RaisedAt.UTC().Format("2006-01-02T15:04:05Z07:00")})
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return protocol.SecurityAlert{}, apperr.New(protocol.CodeNotFound, "no such alert")
	case errors.Is(err, store.ErrConflict):
		return protocol.SecurityAlert{}, apperr.New(protocol.CodeConflict, "the alert was acknowledged already")
	case err != nil:
		return protocol.SecurityAlert{}, err
	}
	ps, err := s.loadPeople(ctx, []int64{a.ActorID, a.AckedBy})
	if err != nil {
		return protocol.SecurityAlert{}, err
	}
	return AlertOf(a, ps.person), nil
}

// AlertOf is an alert on the wire; person names the people it mentions.
func AlertOf(a store.SecurityAlert, person func(id int64, fallback string) protocol.AuditPerson) protocol.SecurityAlert {
	out := protocol.SecurityAlert{ID: a.ID, Kind: a.Kind, At: a.RaisedAt, IP: a.IP, Count: a.Count, Window: a.WindowSecs,
		Level: a.Level, EventIDs: append([]int64{}, a.EventIDs...), State: protocol.AlertOpen, Note: a.Note}
	if a.ActorID != 0 || a.ActorName != "" {
		p := person(a.ActorID, a.ActorName)
		out.Actor = &p
	}
	if !a.AckedAt.IsZero() {
		out.State = protocol.AlertAcked
		p := person(a.AckedBy, "")
		out.AckedBy, out.AckedAt = &p, when(a.AckedAt)
	}
	return out
}
