package store

import (
	"context"
	"slices"
	"strings"
	"time"
)

// What the console's investigations read beside the trail: the people it names, who
// held a file's key, and the notices that carried a file. Ids and times only.

// AuditPersonRow is a person as the console names them.
type AuditPersonRow struct {
	ID          int64
	Username    string
	DisplayName string
	DeptID      int64 // primary department now; 0: none
}

// AuditPeople returns the people with these ids that exist, by id.
func (s *DB) AuditPeople(ctx context.Context, ids []int64) (map[int64]AuditPersonRow, error) {
	out := map[int64]AuditPersonRow{}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	for chunk := range slices.Chunk(ids, idChunk) {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := s.query(ctx, `SELECT u.id, u.username, u.display_name, COALESCE((SELECT d.department_id FROM user_departments d
				WHERE d.user_id = u.id ORDER BY d.is_primary DESC, d.department_id LIMIT 1), 0)
			FROM users u WHERE u.id IN (`+auditMarks(len(chunk))+`)`, args...)
		if err != nil {
			return nil, s.fail(err, "read people")
		}
		for rows.Next() {
			var p AuditPersonRow
			if err := rows.Scan(&p.ID, &p.Username, &p.DisplayName, &p.DeptID); err != nil {
				rows.Close()
				return nil, s.fail(err, "read people")
			}
			out[p.ID] = p
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, s.fail(err, "read people")
		}
	}
	return out, nil
}

// KeyHolder is someone who holds a wrap of a file's key in one context.
type KeyHolder struct {
	UserID    int64
	Context   string
	WrappedAt time.Time
}

// ListKeyHolders returns the people holding a wrap of blobID's key (the escrow's
// wrap, user 0, left out), oldest first, at most limit; more reports there were more.
func (s *DB) ListKeyHolders(ctx context.Context, blobID string, limit int) ([]KeyHolder, bool, error) {
	rows, err := s.query(ctx, `SELECT user_id, context, created_at FROM file_keys
		WHERE blob_id = ? AND user_id > 0 ORDER BY created_at, user_id, context LIMIT ?`, blobID, limit+1)
	if err != nil {
		return nil, false, s.fail(err, "list key holders of %s", blobID)
	}
	defer rows.Close()
	var out []KeyHolder
	for rows.Next() {
		var k KeyHolder
		var at int64
		if err := rows.Scan(&k.UserID, &k.Context, &at); err != nil {
			return nil, false, s.fail(err, "list key holders of %s", blobID)
		}
		k.WrappedAt = fromMillis(at)
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, false, s.fail(err, "list key holders of %s", blobID)
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// NoticeFacts is what a trace says of a notice: never its title or body.
type NoticeFacts struct {
	ID          int64
	AuthorID    int64
	PublishedAt time.Time
	Secrecy     int
}

// ListNoticeFacts returns the notices with these ids that exist, by id ascending.
func (s *DB) ListNoticeFacts(ctx context.Context, ids []int64) ([]NoticeFacts, error) {
	var out []NoticeFacts
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	for chunk := range slices.Chunk(ids, idChunk) {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := s.query(ctx, `SELECT id, author_id, created_at, secrecy FROM notices WHERE id IN (`+auditMarks(len(chunk))+`) ORDER BY id`, args...)
		if err != nil {
			return nil, s.fail(err, "read notices")
		}
		for rows.Next() {
			var n NoticeFacts
			var at int64
			if err := rows.Scan(&n.ID, &n.AuthorID, &at, &n.Secrecy); err != nil {
				rows.Close()
				return nil, s.fail(err, "read notices")
			}
			n.PublishedAt = fromMillis(at)
			out = append(out, n)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, s.fail(err, "read notices")
		}
	}
	return out, nil
}

// auditMarks is n comma-separated placeholders.
func auditMarks(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
