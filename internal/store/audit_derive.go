package store

import (
	"context"
	"encoding/json"
	"strconv"
)

// The console's facts about an entry (PROTOCOL.md §4.8, §6), written beside it at
// append so that filtering a million entries is an index range:
//
//   - SubjectID, the person the entry is about: a "user" target's id, else the
//     detail's "user_id", "assignee_id" or "user" (the first that is a number);
//   - Level, the secrecy level of the item it is about: the detail's "secrecy", or
//     for dlp.hit its "level" — a whole number 0–3;
//   - ActorRole and ActorDept, the actor's role and primary department at the time,
//     read from the account inside the append's transaction.
//
// SubjectID and Level come from hashed fields and can be re-derived from the entry
// (DeriveAuditFacts); the actor's role and department are a snapshot of the account,
// not covered by the hash.

// DeriveAuditFacts sets e's SubjectID and Level from its target and detail, the way
// AppendAudit does; a checker re-derives them with it and compares.
func DeriveAuditFacts(e *AuditEvent) {
	e.SubjectID, e.Level = 0, nil
	if e.TargetType == "user" {
		if id, err := strconv.ParseInt(e.TargetID, 10, 64); err == nil && id > 0 {
			e.SubjectID = id
		}
	}
	if e.Detail == "" || e.Detail[0] != '{' {
		return
	}
	var d map[string]json.RawMessage
	if json.Unmarshal([]byte(e.Detail), &d) != nil {
		return
	}
	if e.SubjectID == 0 {
		for _, k := range []string{"user_id", "assignee_id", "user"} {
			if id, ok := wholeNumber(d[k]); ok && id > 0 {
				e.SubjectID = id
				break
			}
		}
	}
	key := "secrecy"
	if e.Action == "dlp.hit" {
		key = "level"
	}
	if l, ok := wholeNumber(d[key]); ok && l >= 0 && l <= 3 {
		level := int(l)
		e.Level = &level
	}
}

// wholeNumber reads a JSON number that is a whole number.
func wholeNumber(raw json.RawMessage) (int64, bool) {
	if len(raw) == 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	return n, err == nil
}

// deriveAudit fills e's console facts: DeriveAuditFacts and, for a person, their role
// and primary department now (at the time of the entry).
func (s *DB) deriveAudit(ctx context.Context, e *AuditEvent) error {
	DeriveAuditFacts(e)
	e.ActorRole, e.ActorDept = "", 0
	if e.ActorID <= 0 {
		return nil
	}
	err := s.queryRow(ctx, `SELECT u.role, COALESCE((SELECT d.department_id FROM user_departments d
			WHERE d.user_id = u.id ORDER BY d.is_primary DESC, d.department_id LIMIT 1), 0)
		FROM users u WHERE u.id = ?`, e.ActorID).Scan(&e.ActorRole, &e.ActorDept)
	if isNoRows(err) {
		return nil // an account that is gone: the entry still goes in
	}
	if err != nil {
		return s.fail(err, "append audit %s: read the actor", e.Action)
	}
	return nil
}

func levelArg(l *int) any {
	if l == nil {
		return nil
	}
	return int64(*l)
}
