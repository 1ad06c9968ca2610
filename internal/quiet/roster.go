package quiet

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/store"
	"govchat/protocol"
)

// The duty roster (值班), for org.manage to read and change.

// Duty lists the slots that end after from (zero: now) and start before until (zero: no
// bound), by start.
func (s *Service) Duty(ctx context.Context, p auth.Principal, from, until time.Time) (protocol.DutyList, error) {
	if err := mayManage(p); err != nil {
		return protocol.DutyList{}, err
	}
	if from.IsZero() {
		from = s.now()
	}
	slots, err := s.store.ListDutySlots(ctx, from, until)
	if err != nil {
		return protocol.DutyList{}, fmt.Errorf("quiet: list duty slots: %w", err)
	}
	names := map[int64]string{}
	out := protocol.DutyList{Slots: make([]protocol.DutySlot, 0, len(slots))}
	for _, d := range slots {
		name, ok := names[d.UserID]
		if !ok {
			if u, err := s.store.GetUser(ctx, d.UserID); err == nil {
				name = u.DisplayName
			} else if !errors.Is(err, store.ErrNotFound) {
				return protocol.DutyList{}, fmt.Errorf("quiet: list duty slots: %w", err)
			}
			names[d.UserID] = name
		}
		out.Slots = append(out.Slots, toDutySlot(d, name))
	}
	return out, nil
}

// AddDuty puts an active person on duty from req.Start to req.End (at most MaxDutySlot,
// not yet over).
func (s *Service) AddDuty(ctx context.Context, p auth.Principal, req protocol.DutySlotRequest) (protocol.DutySlot, error) {
	if err := mayManage(p); err != nil {
		return protocol.DutySlot{}, err
	}
	now := s.now()
	switch {
	case req.UserID <= 0:
		return protocol.DutySlot{}, apperr.BadField("user_id", "user_id is required")
	case req.Start.IsZero():
		return protocol.DutySlot{}, apperr.BadField("start", "start is required")
	case req.End.IsZero():
		return protocol.DutySlot{}, apperr.BadField("end", "end is required")
	case !req.End.After(req.Start):
		return protocol.DutySlot{}, apperr.BadField("end", "end must be after start")
	case req.End.Sub(req.Start) > protocol.MaxDutySlot:
		return protocol.DutySlot{}, apperr.BadField("end", "a duty slot is at most %d days", int(protocol.MaxDutySlot/(24*time.Hour)))
	case !req.End.After(now):
		return protocol.DutySlot{}, apperr.BadField("end", "the slot has already ended")
	case utf8.RuneCountInString(req.Note) > protocol.MaxQuietNote:
		return protocol.DutySlot{}, apperr.BadField("note", "note is at most %d characters", protocol.MaxQuietNote)
	}
	u, err := s.store.GetUser(ctx, req.UserID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && u.Disabled) {
		return protocol.DutySlot{}, apperr.BadField("user_id", "no such active user")
	}
	if err != nil {
		return protocol.DutySlot{}, fmt.Errorf("quiet: add duty slot: %w", err)
	}
	slot := store.DutySlot{UserID: u.ID, Start: req.Start, End: req.End, Note: strings.TrimSpace(req.Note), CreatedBy: p.User.ID, CreatedAt: now}
	err = s.change(ctx, func(tx Tx, rec *audit.Recorder) error {
		if err := tx.CreateDutySlot(ctx, &slot); err != nil {
			return err
		}
		return rec.Record(ctx, event(p, audit.QuietDutyCreate, "duty_slot", idString(slot.ID), slotDetail(slot)))
	})
	if err != nil {
		return protocol.DutySlot{}, fmt.Errorf("quiet: add duty slot: %w", err)
	}
	return toDutySlot(slot, u.DisplayName), nil
}

// DeleteDuty takes a slot off the roster; not_found when there is none.
func (s *Service) DeleteDuty(ctx context.Context, p auth.Principal, id int64) error {
	if err := mayManage(p); err != nil {
		return err
	}
	err := s.change(ctx, func(tx Tx, rec *audit.Recorder) error {
		slot, err := tx.GetDutySlot(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteDutySlot(ctx, id); err != nil {
			return err
		}
		return rec.Record(ctx, event(p, audit.QuietDutyDelete, "duty_slot", idString(id), slotDetail(slot)))
	})
	if errors.Is(err, store.ErrNotFound) {
		return &apperr.Error{Code: protocol.CodeNotFound, Message: "no such duty slot", Err: err}
	}
	if err != nil {
		return fmt.Errorf("quiet: delete duty slot %d: %w", id, err)
	}
	return nil
}

// slotDetail is what the trail says of a slot: whose and when, never the note.
func slotDetail(d store.DutySlot) map[string]any {
	return map[string]any{"user_id": d.UserID, "start": d.Start.UTC().Format(time.RFC3339), "end": d.End.UTC().Format(time.RFC3339)}
}
