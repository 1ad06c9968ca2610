package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MessageKey names one message.
type MessageKey struct {
	ChannelID int64
	Seq       int64
}

// Reaction is one reaction on a message and who gave it, in the order they did.
type Reaction struct {
	Reaction string
	UserIDs  []int64
}

// MessageReactions are a message's reactions, each in the order it was first given,
// and Rev, which grows with every change of them (0: never reacted to).
type MessageReactions struct {
	Rev       int64
	Reactions []Reaction
}

// ReactionChange adds (On) or removes one person's reaction to a message.
type ReactionChange struct {
	ChannelID int64
	Seq       int64
	UserID    int64
	Reaction  string
	On        bool
	At        time.Time // now when zero
}

// Reactions keeps who reacted with what to messages.
type Reactions interface {
	// SetReaction applies c and returns the message's reactions after it, and whether
	// anything changed: adding a reaction the person holds, or removing one they do
	// not, changes nothing (and Rev stays). ErrNotFound for a missing message,
	// ErrConflict for a recalled one.
	SetReaction(ctx context.Context, c ReactionChange) (MessageReactions, bool, error)
	// ListReactions returns the reactions of the given messages (those with none are
	// left out of the map), in one query per reactionKeyChunk messages, not one per
	// message: a page of history costs one.
	ListReactions(ctx context.Context, keys []MessageKey) (map[MessageKey][]Reaction, error)
}

// reactionKeyChunk bounds the messages of one ListReactions query.
const reactionKeyChunk = 500

// SetReaction locks the message's row (on PostgreSQL; SQLite's write lock does it for
// every writer) so changes of one message's reactions, and its recall, take turns:
// each change's Rev is one more than the last, and the list it returns is exactly the
// state at that Rev.
func (s *DB) SetReaction(ctx context.Context, c ReactionChange) (MessageReactions, bool, error) {
	if err := checkText(c.Reaction); err != nil || c.Reaction == "" {
		return MessageReactions{}, false, fmt.Errorf("store: react to %d/%d: reaction is empty or not valid text", c.ChannelID, c.Seq)
	}
	at := toMillis(s.stamp(c.At))
	var out MessageReactions
	changed := false
	err := s.inTx(ctx, func(tx *DB) error {
		var recalledAt int64
		err := tx.queryRow(ctx, `SELECT recalled_at FROM messages WHERE channel_id = ? AND seq = ?`+tx.d.rowLock,
			c.ChannelID, c.Seq).Scan(&recalledAt)
		if err != nil {
			return tx.fail(err, "react to %d/%d", c.ChannelID, c.Seq)
		}
		if recalledAt != 0 {
			return fmt.Errorf("store: react to %d/%d: it was recalled: %w", c.ChannelID, c.Seq, ErrConflict)
		}
		var res interface{ RowsAffected() (int64, error) }
		if c.On {
			res, err = tx.exec(ctx, `INSERT INTO message_reactions (channel_id, seq, user_id, reaction, created_at)
				VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel_id, seq, user_id, reaction) DO NOTHING`,
				c.ChannelID, c.Seq, c.UserID, c.Reaction, at)
		} else {
			res, err = tx.exec(ctx, `DELETE FROM message_reactions WHERE channel_id = ? AND seq = ? AND user_id = ? AND reaction = ?`,
				c.ChannelID, c.Seq, c.UserID, c.Reaction)
		}
		if err != nil {
			return tx.fail(err, "react to %d/%d", c.ChannelID, c.Seq)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return tx.fail(err, "react to %d/%d", c.ChannelID, c.Seq)
		}
		changed = n > 0
		if changed {
			_, err = tx.exec(ctx, `INSERT INTO message_reaction_revs (channel_id, seq, rev) VALUES (?, ?, 1)
				ON CONFLICT (channel_id, seq) DO UPDATE SET rev = message_reaction_revs.rev + 1`, c.ChannelID, c.Seq)
			if err != nil {
				return tx.fail(err, "react to %d/%d: revision", c.ChannelID, c.Seq)
			}
		}
		all, err := tx.ListReactions(ctx, []MessageKey{{c.ChannelID, c.Seq}})
		if err != nil {
			return err
		}
		out.Reactions = all[MessageKey{c.ChannelID, c.Seq}]
		// The revision stays when the last reaction goes, and the list does not say it.
		err = tx.queryRow(ctx, `SELECT coalesce(max(rev), 0) FROM message_reaction_revs WHERE channel_id = ? AND seq = ?`,
			c.ChannelID, c.Seq).Scan(&out.Rev)
		if err != nil {
			return tx.fail(err, "react to %d/%d: revision", c.ChannelID, c.Seq)
		}
		return nil
	})
	if err != nil {
		return MessageReactions{}, false, err
	}
	return out, changed, nil
}

// ListReactions reads the reactions of keys: per chunk, one query over the unique key
// (channel_id, seq, …). Revisions are SetReaction's alone; a page needs none.
func (s *DB) ListReactions(ctx context.Context, keys []MessageKey) (map[MessageKey][]Reaction, error) {
	out := map[MessageKey][]Reaction{}
	for chunk := range slices.Chunk(keys, reactionKeyChunk) {
		// A page of history is one channel: channel_id = ? AND seq IN (…), which both
		// databases answer from the unique key; search results add a group per channel.
		bySeq := map[int64][]any{}
		var channels []int64
		for _, k := range chunk {
			if _, ok := bySeq[k.ChannelID]; !ok {
				channels = append(channels, k.ChannelID)
			}
			bySeq[k.ChannelID] = append(bySeq[k.ChannelID], k.Seq)
		}
		conds := make([]string, len(channels))
		args := make([]any, 0, len(channels)+len(chunk))
		for i, ch := range channels {
			conds[i] = `(r.channel_id = ? AND r.seq IN (` + placeholders(len(bySeq[ch])) + `))`
			args = append(args, ch)
			args = append(args, bySeq[ch]...)
		}
		// One row per message and reaction, its people in the order they reacted: a
		// page with thousands of reactions sends hundreds of rows, not thousands.
		// string_agg … ORDER BY is PostgreSQL's and SQLite's (3.44+) alike.
		rows, err := s.query(ctx, `SELECT r.channel_id, r.seq, r.reaction,
				string_agg(CAST(r.user_id AS TEXT), ',' ORDER BY r.id), min(r.id) AS first
			FROM message_reactions r
			WHERE `+strings.Join(conds, ` OR `)+`
			GROUP BY r.channel_id, r.seq, r.reaction
			ORDER BY first`, args...)
		if err != nil {
			return nil, s.fail(err, "list reactions")
		}
		for rows.Next() {
			var k MessageKey
			var reaction, users string
			var first int64
			if err := rows.Scan(&k.ChannelID, &k.Seq, &reaction, &users, &first); err != nil {
				rows.Close()
				return nil, s.fail(err, "list reactions")
			}
			r := Reaction{Reaction: reaction}
			for _, f := range strings.Split(users, ",") {
				id, err := strconv.ParseInt(f, 10, 64)
				if err != nil {
					rows.Close()
					return nil, fmt.Errorf("store: list reactions: user id %q: %w", f, err)
				}
				r.UserIDs = append(r.UserIDs, id)
			}
			out[k] = append(out[k], r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, s.fail(err, "list reactions")
		}
	}
	return out, nil
}
