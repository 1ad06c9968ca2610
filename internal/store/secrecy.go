package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// SecrecyLevel is one stored rung of the secrecy ladder (密级), as the security officer
// set it. The store keeps what it is given; internal/secrecy validates it.
type SecrecyLevel struct {
	Level         int
	Name          string
	NameEn        string
	Color         string
	RetentionDays int
	PushText      bool
	Forward       bool
	Download      bool
	Copy          bool
	Watermark     bool
	Store         bool
	UpdatedAt     time.Time
	UpdatedBy     int64
}

// ChannelSecrecy is a channel as the security officer sees it when setting ceilings:
// its name and member count, never its content. A direct channel's Name is its two
// people's display names.
type ChannelSecrecy struct {
	ID             int64
	Kind           ChannelKind
	Name           string
	Archived       bool
	Members        int
	MaxSecrecy     int
	DefaultSecrecy int
}

// Secrecy keeps the ladder and the channels' ceilings (PROTOCOL.md §4.18).
type Secrecy interface {
	// ListSecrecyLevels returns the stored levels by level; none stored is empty (the
	// defaults apply).
	ListSecrecyLevels(ctx context.Context) ([]SecrecyLevel, error)
	// PutSecrecyLevels replaces the stored ladder with levels.
	PutSecrecyLevels(ctx context.Context, levels []SecrecyLevel) error
	// SetChannelSecrecy writes a channel's ceiling and usual level; ErrNotFound when
	// there is no such channel.
	SetChannelSecrecy(ctx context.Context, channelID int64, maxSecrecy, defaultSecrecy int) error
	// ListChannelSecrecy lists every channel, archived ones included, by id.
	ListChannelSecrecy(ctx context.Context) ([]ChannelSecrecy, error)
	// MaxBlobSecrecy is the highest level among the messages and notices that reference
	// a blob; ok is false when nothing references it (an upload not sent yet).
	MaxBlobSecrecy(ctx context.Context, blobID string) (level int, ok bool, err error)
}

const secrecyLevelColumns = `level, name, name_en, color, retention_days, push_text, allow_forward, allow_download,
	allow_copy, watermark, allow_store, updated_at, updated_by`

func (s *DB) ListSecrecyLevels(ctx context.Context) ([]SecrecyLevel, error) {
	rows, err := s.query(ctx, `SELECT `+secrecyLevelColumns+` FROM secrecy_levels ORDER BY level`)
	if err != nil {
		return nil, s.fail(err, "list secrecy levels")
	}
	defer rows.Close()
	var out []SecrecyLevel
	for rows.Next() {
		var l SecrecyLevel
		var at int64
		if err := rows.Scan(&l.Level, &l.Name, &l.NameEn, &l.Color, &l.RetentionDays, &l.PushText, &l.Forward,
			&l.Download, &l.Copy, &l.Watermark, &l.Store, &at, &l.UpdatedBy); err != nil {
			return nil, s.fail(err, "list secrecy levels")
		}
		l.UpdatedAt = fromMillis(at)
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list secrecy levels")
	}
	return out, nil
}

// PutSecrecyLevels deletes and inserts in one transaction: the ladder is read whole,
// so it is written whole.
func (s *DB) PutSecrecyLevels(ctx context.Context, levels []SecrecyLevel) error {
	return s.inTx(ctx, func(tx *DB) error {
		if _, err := tx.exec(ctx, `DELETE FROM secrecy_levels`); err != nil {
			return tx.fail(err, "put secrecy levels")
		}
		for _, l := range levels {
			_, err := tx.exec(ctx, `INSERT INTO secrecy_levels (`+secrecyLevelColumns+`)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				l.Level, l.Name, l.NameEn, l.Color, l.RetentionDays, l.PushText, l.Forward, l.Download, l.Copy,
				l.Watermark, l.Store, toMillis(tx.stamp(l.UpdatedAt)), l.UpdatedBy)
			if err != nil {
				return tx.fail(err, "put secrecy level %d", l.Level)
			}
		}
		return nil
	})
}

func (s *DB) SetChannelSecrecy(ctx context.Context, channelID int64, maxSecrecy, defaultSecrecy int) error {
	if defaultSecrecy < 0 || defaultSecrecy > maxSecrecy {
		return fmt.Errorf("store: channel %d: default secrecy %d outside 0…%d", channelID, defaultSecrecy, maxSecrecy)
	}
	err := s.execOne(ctx, `UPDATE channels SET max_secrecy = ?, default_secrecy = ? WHERE id = ?`,
		maxSecrecy, defaultSecrecy, channelID)
	if err != nil {
		return s.fail(err, "set secrecy of channel %d", channelID)
	}
	return nil
}

func (s *DB) ListChannelSecrecy(ctx context.Context) ([]ChannelSecrecy, error) {
	rows, err := s.query(ctx, `SELECT c.id, c.kind, c.name, c.archived, c.max_secrecy, c.default_secrecy,
			(SELECT count(*) FROM channel_members m WHERE m.channel_id = c.id)
		FROM channels c ORDER BY c.id`)
	if err != nil {
		return nil, s.fail(err, "list channel secrecy")
	}
	var out []ChannelSecrecy
	direct := map[int64]int{} // channel id → index in out
	for rows.Next() {
		var c ChannelSecrecy
		var kind string
		if err := rows.Scan(&c.ID, &kind, &c.Name, &c.Archived, &c.MaxSecrecy, &c.DefaultSecrecy, &c.Members); err != nil {
			rows.Close()
			return nil, s.fail(err, "list channel secrecy")
		}
		c.Kind = ChannelKind(kind)
		if c.Kind == ChannelDirect {
			direct[c.ID] = len(out)
		}
		out = append(out, c)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, s.fail(err, "list channel secrecy")
	}
	if len(direct) == 0 {
		return out, nil
	}
	// A direct channel has no name of its own: its two people's, in one query.
	rows, err = s.query(ctx, `SELECT cm.channel_id, u.display_name FROM channel_members cm
		JOIN channels c ON c.id = cm.channel_id AND c.kind = 'direct'
		JOIN users u ON u.id = cm.user_id
		ORDER BY cm.channel_id, u.id`)
	if err != nil {
		return nil, s.fail(err, "list direct channel names")
	}
	defer rows.Close()
	names := map[int64][]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, s.fail(err, "list direct channel names")
		}
		names[id] = append(names[id], name)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list direct channel names")
	}
	for id, i := range direct {
		out[i].Name = strings.Join(names[id], "、")
	}
	return out, nil
}

func (s *DB) MaxBlobSecrecy(ctx context.Context, blobID string) (int, bool, error) {
	var level, refs int64
	err := s.queryRow(ctx, `SELECT coalesce(max(lv), 0), count(*) FROM (
			SELECT m.secrecy AS lv FROM blob_refs r JOIN messages m ON m.channel_id = r.channel_id AND m.seq = r.seq
				WHERE r.blob_id = ? AND r.channel_id > 0
			UNION ALL
			SELECT n.secrecy AS lv FROM blob_refs r JOIN notices n ON n.id = r.notice_id
				WHERE r.blob_id = ? AND r.notice_id > 0) x`, blobID, blobID).Scan(&level, &refs)
	if err != nil {
		return 0, false, s.fail(err, "highest secrecy of blob %s", blobID)
	}
	return int(level), refs > 0, nil
}
