package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

const channelColumns = `id, kind, name, topic, department_id, include_sub_departments, party_org_id,
	coalesce(direct_key, ''), post_policy, mention_all, max_secrecy, created_by, created_at, archived, last_seq, epoch, auto_name, default_secrecy`

// channelCols is channelColumns qualified by a table alias, for joins.
func channelCols(a string) string {
	return a + `.id, ` + a + `.kind, ` + a + `.name, ` + a + `.topic, ` + a + `.department_id, ` +
		a + `.include_sub_departments, ` + a + `.party_org_id, coalesce(` + a + `.direct_key, ''), ` +
		a + `.post_policy, ` + a + `.mention_all, ` + a + `.max_secrecy, ` + a + `.created_by, ` +
		a + `.created_at, ` + a + `.archived, ` + a + `.last_seq, ` + a + `.epoch, ` + a + `.auto_name, ` +
		a + `.default_secrecy`
}

// channelDest returns the scan destinations for channelColumns into c; the caller
// converts kind, policies and created into c's fields after the scan.
func channelDest(c *Channel, kind, post, mention *string, created *int64) []any {
	return []any{&c.ID, kind, &c.Name, &c.Topic, &c.DepartmentID, &c.IncludeSubDepartments, &c.PartyOrgID,
		&c.DirectKey, post, mention, &c.MaxSecrecy, &c.CreatedBy, created, &c.Archived, &c.LastSeq, &c.Epoch, &c.AutoName, &c.DefaultSecrecy}
}

func scanChannel(row scanner) (Channel, error) {
	var c Channel
	var kind, post, mention string
	var created int64
	if err := row.Scan(channelDest(&c, &kind, &post, &mention, &created)...); err != nil {
		return Channel{}, err
	}
	c.Kind, c.PostPolicy, c.MentionAll = ChannelKind(kind), PostPolicy(post), PostPolicy(mention)
	c.CreatedAt = fromMillis(created)
	return c, nil
}

func validChannelKind(k ChannelKind) bool {
	switch k {
	case ChannelDepartment, ChannelParty, ChannelGroup, ChannelDirect:
		return true
	}
	return false
}

// policyOrDefault turns an unset policy into PolicyEveryone and refuses unknown ones.
func policyOrDefault(p PostPolicy) (PostPolicy, error) {
	switch p {
	case "":
		return PolicyEveryone, nil
	case PolicyEveryone, PolicyAdmins:
		return p, nil
	}
	return "", fmt.Errorf("unknown policy %q", p)
}

// roleOrDefault turns an unset member role into MemberNormal and refuses unknown ones.
func roleOrDefault(r MemberRole) (MemberRole, error) {
	switch r {
	case "":
		return MemberNormal, nil
	case MemberNormal, MemberAdmin:
		return r, nil
	}
	return "", fmt.Errorf("unknown member role %q", r)
}

// checkChannelPolicies validates and defaults c's two policies in place.
func checkChannelPolicies(c *Channel) error {
	var err error
	if c.PostPolicy, err = policyOrDefault(c.PostPolicy); err != nil {
		return fmt.Errorf("post policy: %w", err)
	}
	if c.MentionAll, err = policyOrDefault(c.MentionAll); err != nil {
		return fmt.Errorf("mention-all policy: %w", err)
	}
	return nil
}

// nullString stores "" as NULL, for the columns whose uniqueness applies only to
// real values (direct_key, client_id).
func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// CreateChannel inserts c and its first members in one transaction and sets c.ID,
// c.Epoch (1), c.LastSeq (0), c.CreatedAt (now when zero) and unset policies to
// PolicyEveryone. A direct channel needs a DirectKey and others must not have one;
// a second direct channel with the same key is ErrConflict. Each member's ChannelID
// is taken from the new channel, an unset Role is MemberNormal and an unset JoinedAt
// is the channel's CreatedAt; a member listed twice or an unknown user is ErrConflict.
func (s *DB) CreateChannel(ctx context.Context, c *Channel, members []ChannelMember) error {
	ch := *c
	if !validChannelKind(ch.Kind) {
		return fmt.Errorf("store: create channel %q: unknown kind %q", ch.Name, ch.Kind)
	}
	if (ch.Kind == ChannelDirect) != (ch.DirectKey != "") {
		return fmt.Errorf("store: create channel %q: a direct key is required for, and only for, a direct channel", ch.Name)
	}
	if err := checkChannelPolicies(&ch); err != nil {
		return fmt.Errorf("store: create channel %q: %w", ch.Name, err)
	}
	ms := make([]ChannelMember, len(members))
	for i, m := range members {
		role, err := roleOrDefault(m.Role)
		if err != nil {
			return fmt.Errorf("store: create channel %q: member %d: %w", ch.Name, m.UserID, err)
		}
		m.Role = role
		ms[i] = m
	}
	ch.CreatedAt = s.stamp(ch.CreatedAt)
	ch.LastSeq, ch.Epoch = 0, 1

	err := s.inTx(ctx, func(tx *DB) error {
		err := tx.queryRow(ctx, `INSERT INTO channels (kind, name, topic, department_id, include_sub_departments,
				party_org_id, direct_key, post_policy, mention_all, max_secrecy, default_secrecy, created_by, created_at,
				archived, last_seq, epoch, auto_name)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 1, ?)
			RETURNING id`,
			string(ch.Kind), ch.Name, ch.Topic, ch.DepartmentID, ch.IncludeSubDepartments,
			ch.PartyOrgID, nullString(ch.DirectKey), string(ch.PostPolicy), string(ch.MentionAll), ch.MaxSecrecy,
			ch.DefaultSecrecy, ch.CreatedBy, toMillis(ch.CreatedAt), ch.Archived, ch.AutoName).Scan(&ch.ID)
		if err != nil {
			return tx.fail(err, "create %s channel %q", ch.Kind, ch.Name)
		}
		for i := range ms {
			m := &ms[i]
			m.ChannelID = ch.ID
			if m.JoinedAt.IsZero() {
				m.JoinedAt = ch.CreatedAt
			}
			m.JoinedAt = tx.stamp(m.JoinedAt)
			if err := tx.insertMember(ctx, *m); err != nil {
				return tx.fail(err, "create channel %q: add member %d", ch.Name, m.UserID)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	*c = ch
	return nil
}

func (s *DB) insertMember(ctx context.Context, m ChannelMember) error {
	_, err := s.exec(ctx, `INSERT INTO channel_members (channel_id, user_id, role, joined_at, read_seq) VALUES (?, ?, ?, ?, ?)`,
		m.ChannelID, m.UserID, string(m.Role), toMillis(m.JoinedAt), m.ReadSeq)
	return err
}

func (s *DB) GetChannel(ctx context.Context, id int64) (Channel, error) {
	c, err := scanChannel(s.queryRow(ctx, `SELECT `+channelColumns+` FROM channels WHERE id = ?`, id))
	if err != nil {
		return Channel{}, s.fail(err, "get channel %d", id)
	}
	return c, nil
}

// GetDirectChannel finds the direct channel with the key "minUserID:maxUserID".
func (s *DB) GetDirectChannel(ctx context.Context, directKey string) (Channel, error) {
	c, err := scanChannel(s.queryRow(ctx, `SELECT `+channelColumns+` FROM channels WHERE direct_key = ?`, directKey))
	if err != nil {
		return Channel{}, s.fail(err, "get direct channel %q", directKey)
	}
	return c, nil
}

// UpdateChannel writes Name, Topic, PostPolicy, MentionAll, Archived,
// IncludeSubDepartments and AutoName; an unset policy is written as PolicyEveryone.
// The secrecy ceiling and usual level are SetChannelSecrecy's alone: a channel
// administrator's rename, read before the security officer raised the ceiling, must
// not write the old ceiling back.
func (s *DB) UpdateChannel(ctx context.Context, c Channel) error {
	if err := checkChannelPolicies(&c); err != nil {
		return fmt.Errorf("store: update channel %d: %w", c.ID, err)
	}
	err := s.execOne(ctx, `UPDATE channels SET name = ?, topic = ?, post_policy = ?, mention_all = ?,
			archived = ?, include_sub_departments = ?, auto_name = ?
		WHERE id = ?`,
		c.Name, c.Topic, string(c.PostPolicy), string(c.MentionAll), c.Archived, c.IncludeSubDepartments, c.AutoName, c.ID)
	if err != nil {
		return s.fail(err, "update channel %d", c.ID)
	}
	return nil
}

// ListChannelsByKind lists every channel of kind, archived ones included, by ID.
func (s *DB) ListChannelsByKind(ctx context.Context, kind ChannelKind) ([]Channel, error) {
	rows, err := s.query(ctx, `SELECT `+channelColumns+` FROM channels WHERE kind = ? ORDER BY id`, string(kind))
	if err != nil {
		return nil, s.fail(err, "list %s channels", kind)
	}
	defer rows.Close()
	var cs []Channel
	for rows.Next() {
		c, err := scanChannel(rows)
		if err != nil {
			return nil, s.fail(err, "list %s channels", kind)
		}
		cs = append(cs, c)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list %s channels", kind)
	}
	return cs, nil
}

// ListMyChannels returns every channel userID belongs to, archived ones included,
// by channel ID, each with the member's role and read position, the unread count
// (messages after ReadSeq, not sent by the user, not recalled, not system lines), the
// newest message that is not recalled (nil when there is none; a system line counts)
// and the user's notification level.
//
// It is one query. Per channel, the count is a range scan of the channel's messages
// after the read position, and the latest message a backward walk of the same
// primary key that stops at the first message not recalled, so the cost grows with
// the number of channels and unread messages, not with history.
func (s *DB) ListMyChannels(ctx context.Context, userID int64) ([]MyChannel, error) {
	rows, err := s.query(ctx, `SELECT `+channelCols("c")+`, cm.role, cm.read_seq,
			(SELECT count(*) FROM messages u
				WHERE u.channel_id = cm.channel_id AND u.seq > cm.read_seq
				AND u.sender_id <> cm.user_id AND u.recalled_at = 0 AND u.kind = ''),
			coalesce(n.level, 'all'),
			`+messageCols("l", true)+`
		FROM channel_members cm
		JOIN channels c ON c.id = cm.channel_id
		LEFT JOIN channel_notify n ON n.channel_id = cm.channel_id AND n.user_id = cm.user_id
		LEFT JOIN messages l ON l.channel_id = cm.channel_id AND l.seq = (
			SELECT x.seq FROM messages x WHERE x.channel_id = cm.channel_id AND x.recalled_at = 0
			ORDER BY x.seq DESC LIMIT 1)
		WHERE cm.user_id = ?
		ORDER BY c.id`, userID)
	if err != nil {
		return nil, s.fail(err, "list channels of user %d", userID)
	}
	defer rows.Close()
	var out []MyChannel
	var latests []Message
	var ldests []messageDest
	for rows.Next() {
		var mc MyChannel
		var kind, post, mention, role string
		var created int64
		var latest Message
		var mdest messageDest
		dest := channelDest(&mc.Channel, &kind, &post, &mention, &created)
		dest = append(dest, &role, &mc.ReadSeq, &mc.Unread, &mc.Notify)
		dest = append(dest, mdest.targets(&latest)...)
		if err := rows.Scan(dest...); err != nil {
			return nil, s.fail(err, "list channels of user %d", userID)
		}
		mc.Kind, mc.PostPolicy, mc.MentionAll = ChannelKind(kind), PostPolicy(post), PostPolicy(mention)
		mc.CreatedAt = fromMillis(created)
		mc.Role = MemberRole(role)
		if err := mdest.finish(&latest); err != nil {
			return nil, s.fail(err, "list channels of user %d", userID)
		}
		latests, ldests = append(latests, latest), append(ldests, mdest)
		out = append(out, mc)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list channels of user %d", userID)
	}
	rows.Close() // before reveal may read keys on the same connection
	if err := s.revealMessages(ctx, latests, ldests); err != nil {
		return nil, s.fail(err, "list channels of user %d", userID)
	}
	for i := range out {
		if latests[i].Seq != 0 { // seqs start at 1; 0 is the LEFT JOIN finding none
			out[i].Latest = &latests[i]
		}
	}
	return out, nil
}

const memberColumns = `channel_id, user_id, role, joined_at, read_seq`

func scanMember(row scanner) (ChannelMember, error) {
	var m ChannelMember
	var role string
	var joined int64
	if err := row.Scan(&m.ChannelID, &m.UserID, &role, &joined, &m.ReadSeq); err != nil {
		return ChannelMember{}, err
	}
	m.Role, m.JoinedAt = MemberRole(role), fromMillis(joined)
	return m, nil
}

// GetMember is ErrNotFound when the user is not a member of the channel.
func (s *DB) GetMember(ctx context.Context, channelID, userID int64) (ChannelMember, error) {
	m, err := scanMember(s.queryRow(ctx, `SELECT `+memberColumns+` FROM channel_members WHERE channel_id = ? AND user_id = ?`,
		channelID, userID))
	if err != nil {
		return ChannelMember{}, s.fail(err, "get member %d of channel %d", userID, channelID)
	}
	return m, nil
}

// GetMembership returns the channel and the user's membership of it in one query
// (a send checks both, and on PostgreSQL each query is a round trip). ErrNotFound
// when the user is not a member (or there is no such channel).
func (s *DB) GetMembership(ctx context.Context, channelID, userID int64) (Channel, ChannelMember, error) {
	var c Channel
	var m ChannelMember
	var kind, post, mention, role string
	var created, joined int64
	err := s.queryRow(ctx, `SELECT `+channelCols("c")+`, cm.role, cm.joined_at, cm.read_seq
		FROM channel_members cm JOIN channels c ON c.id = cm.channel_id
		WHERE cm.channel_id = ? AND cm.user_id = ?`, channelID, userID).
		Scan(append(channelDest(&c, &kind, &post, &mention, &created), &role, &joined, &m.ReadSeq)...)
	if err != nil {
		return Channel{}, ChannelMember{}, s.fail(err, "get membership of user %d in channel %d", userID, channelID)
	}
	c.Kind, c.PostPolicy, c.MentionAll = ChannelKind(kind), PostPolicy(post), PostPolicy(mention)
	c.CreatedAt = fromMillis(created)
	m.ChannelID, m.UserID, m.Role, m.JoinedAt = channelID, userID, MemberRole(role), fromMillis(joined)
	return c, m, nil
}

// ListMembers returns the channel's members by user ID; ErrNotFound when there is
// no such channel.
func (s *DB) ListMembers(ctx context.Context, channelID int64) ([]ChannelMember, error) {
	rows, err := s.query(ctx, `SELECT `+memberColumns+` FROM channel_members WHERE channel_id = ? ORDER BY user_id`, channelID)
	if err != nil {
		return nil, s.fail(err, "list members of channel %d", channelID)
	}
	defer rows.Close()
	var ms []ChannelMember
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, s.fail(err, "list members of channel %d", channelID)
		}
		ms = append(ms, m)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list members of channel %d", channelID)
	}
	if len(ms) == 0 {
		// Tell an empty channel from a missing one only when it matters.
		if _, err := s.channelLastSeq(ctx, channelID); err != nil {
			return nil, fmt.Errorf("store: list members: %w", err)
		}
	}
	return ms, nil
}

// channelLastSeq reads the channel's last_seq; ErrNotFound (wrapped) when it is missing.
func (s *DB) channelLastSeq(ctx context.Context, channelID int64) (int64, error) {
	var last int64
	if err := s.queryRow(ctx, `SELECT last_seq FROM channels WHERE id = ?`, channelID).Scan(&last); err != nil {
		return 0, s.fail(err, "channel %d", channelID)
	}
	return last, nil
}

// AddMember inserts m (an unset Role is MemberNormal, an unset JoinedAt now; ReadSeq
// is stored as given). ErrConflict when already a member; ErrNotFound when the
// channel or user does not exist.
func (s *DB) AddMember(ctx context.Context, m ChannelMember) error {
	role, err := roleOrDefault(m.Role)
	if err != nil {
		return fmt.Errorf("store: add member %d to channel %d: %w", m.UserID, m.ChannelID, err)
	}
	m.Role = role
	m.JoinedAt = s.stamp(m.JoinedAt)
	return s.inTx(ctx, func(tx *DB) error {
		if _, err := tx.channelLastSeq(ctx, m.ChannelID); err != nil {
			return fmt.Errorf("store: add member: %w", err)
		}
		if err := tx.userExists(ctx, m.UserID); err != nil {
			return fmt.Errorf("store: add member to channel %d: %w", m.ChannelID, err)
		}
		if err := tx.insertMember(ctx, m); err != nil {
			return tx.fail(err, "add member %d to channel %d", m.UserID, m.ChannelID)
		}
		return nil
	})
}

// RemoveMember is ErrNotFound when the user is not a member.
func (s *DB) RemoveMember(ctx context.Context, channelID, userID int64) error {
	if err := s.execOne(ctx, `DELETE FROM channel_members WHERE channel_id = ? AND user_id = ?`, channelID, userID); err != nil {
		return s.fail(err, "remove member %d from channel %d", userID, channelID)
	}
	return nil
}

// SetMemberRole is ErrNotFound when the user is not a member.
func (s *DB) SetMemberRole(ctx context.Context, channelID, userID int64, role MemberRole) error {
	if role != MemberNormal && role != MemberAdmin {
		return fmt.Errorf("store: set role of member %d in channel %d: unknown member role %q", userID, channelID, role)
	}
	err := s.execOne(ctx, `UPDATE channel_members SET role = ? WHERE channel_id = ? AND user_id = ?`, string(role), channelID, userID)
	if err != nil {
		return s.fail(err, "set role of member %d in channel %d", userID, channelID)
	}
	return nil
}

// SyncMembers makes the channel's members exactly userIDs (duplicates ignored) in one
// transaction and returns who was added and who removed, each sorted. Those who stay
// keep their role and read position. The added join as MemberNormal at at (now when
// zero) with their read position at the channel's newest message, so joining does
// not flood them with the channel's past as unread; the history stays readable.
// ErrNotFound for a missing channel; ErrConflict for an unknown user.
//
// Each insert and delete reports whether it changed a row, and only those are
// returned, so two syncs racing on one channel end with the right members and
// neither reports a change the other made.
func (s *DB) SyncMembers(ctx context.Context, channelID int64, userIDs []int64, at time.Time) (added, removed []int64, err error) {
	joined := toMillis(s.stamp(at))
	want := make(map[int64]bool, len(userIDs))
	for _, id := range userIDs {
		want[id] = true
	}
	err = s.inTx(ctx, func(tx *DB) error {
		added, removed = nil, nil
		last, err := tx.channelLastSeq(ctx, channelID)
		if err != nil {
			return fmt.Errorf("store: sync members: %w", err)
		}
		have := map[int64]bool{}
		rows, err := tx.query(ctx, `SELECT user_id FROM channel_members WHERE channel_id = ?`, channelID)
		if err != nil {
			return tx.fail(err, "sync members of channel %d", channelID)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return tx.fail(err, "sync members of channel %d", channelID)
			}
			have[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return tx.fail(err, "sync members of channel %d", channelID)
		}

		for _, id := range sortedKeys(have) {
			if want[id] {
				continue
			}
			res, err := tx.exec(ctx, `DELETE FROM channel_members WHERE channel_id = ? AND user_id = ?`, channelID, id)
			if err != nil {
				return tx.fail(err, "sync members of channel %d: remove %d", channelID, id)
			}
			if n, err := res.RowsAffected(); err != nil {
				return tx.fail(err, "sync members of channel %d: remove %d", channelID, id)
			} else if n > 0 {
				removed = append(removed, id)
			}
		}
		for _, id := range sortedKeys(want) {
			if have[id] {
				continue
			}
			var got int64
			err := tx.queryRow(ctx, `INSERT INTO channel_members (channel_id, user_id, role, joined_at, read_seq)
				VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (channel_id, user_id) DO NOTHING
				RETURNING user_id`, channelID, id, string(MemberNormal), joined, last).Scan(&got)
			switch {
			case isNoRows(err): // added meanwhile by someone else
			case err != nil:
				return tx.fail(err, "sync members of channel %d: add %d", channelID, id)
			default:
				added = append(added, id)
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return added, removed, nil
}

func sortedKeys(m map[int64]bool) []int64 {
	ks := make([]int64, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// SetReadSeq moves the member's read position forward to seq, clamped to the
// channel's newest message, and never back; it returns the position after the call and
// whether this call moved it. ErrNotFound when the channel is missing or the user is
// not a member.
//
// The clamp reads last_seq without a lock: it only grows, so a stale value is merely
// a lower clamp. The move itself is one conditional UPDATE, so concurrent calls from
// several devices keep the highest and only the one that moved it says so.
func (s *DB) SetReadSeq(ctx context.Context, channelID, userID, seq int64) (int64, bool, error) {
	last, err := s.channelLastSeq(ctx, channelID)
	if err != nil {
		return 0, false, fmt.Errorf("store: set read position: %w", err)
	}
	seq = min(seq, last)
	var pos int64
	err = s.queryRow(ctx, `UPDATE channel_members SET read_seq = ?
		WHERE channel_id = ? AND user_id = ? AND read_seq < ?
		RETURNING read_seq`, seq, channelID, userID, seq).Scan(&pos)
	if err == nil {
		return pos, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, false, s.fail(err, "set read position of member %d in channel %d", userID, channelID)
	}
	// Nothing moved: already there or further, or not a member at all.
	err = s.queryRow(ctx, `SELECT read_seq FROM channel_members WHERE channel_id = ? AND user_id = ?`,
		channelID, userID).Scan(&pos)
	if err != nil {
		return 0, false, s.fail(err, "set read position of member %d in channel %d", userID, channelID)
	}
	return pos, false, nil
}
