package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"govchat/internal/atrest"
)

const (
	historyMaxLimit = 500
	// clientIDChunk bounds the OR list of one duplicate lookup.
	clientIDChunk = 100
	// messageChunk bounds the rows of one multi-row message insert (14 parameters each).
	messageChunk = 200
)

// messageFields are the messages columns in scan order, with what a LEFT JOIN that
// found nothing reads as instead of NULL.
var messageFields = [...]struct{ col, zero string }{
	{"channel_id", "0"}, {"seq", "0"}, {"sender_id", "0"}, {"client_id", "''"}, {"text", "''"},
	{"reply_to", "0"}, {"mentions", "'[]'"}, {"mention_all", "FALSE"}, {"secrecy", "0"},
	{"created_at", "0"}, {"edited_at", "0"}, {"recalled_at", "0"}, {"recalled_by", "0"},
	{"kind", "''"}, {"system", "''"}, {"forward", "''"}, {"attachment", "''"}, {"text_key", "NULL"},
}

// messageCols lists the message columns for messageDest, qualified by alias (none
// when ""). nullable wraps every column in coalesce, for the side of a LEFT JOIN;
// client_id is always wrapped, being NULL when the sender gave none.
func messageCols(alias string, nullable bool) string {
	var b strings.Builder
	for i, f := range messageFields {
		if i > 0 {
			b.WriteString(", ")
		}
		col := f.col
		if alias != "" {
			col = alias + "." + col
		}
		if nullable || f.col == "client_id" {
			col = "coalesce(" + col + ", " + f.zero + ")"
		}
		b.WriteString(col)
	}
	return b.String()
}

// messageDest holds the columns of a message that need converting after the scan.
// text and forward are as stored, sealed under textKey (see atrest.go); reveal opens
// them once the keys are at hand, after the rows are closed.
type messageDest struct {
	mentions, system            string
	created, edited, recalledAt int64
	text, forward, attachment   string
	textKey                     sql.NullInt64
}

func (d *messageDest) targets(m *Message) []any {
	return []any{&m.ChannelID, &m.Seq, &m.SenderID, &m.ClientID, &d.text, &m.ReplyTo, &d.mentions,
		&m.MentionAll, &m.Secrecy, &d.created, &d.edited, &d.recalledAt, &m.RecalledBy, &m.Kind, &d.system, &d.forward, &d.attachment,
		&d.textKey}
}

// keyIDs are the data keys reveal needs.
func (d *messageDest) keyIDs() []int64 {
	return keyIDs(sealed{d.textKey, d.text}, sealed{d.textKey, d.forward})
}

// reveal sets m's text and forward from their sealed forms.
func (d *messageDest) reveal(keys map[int64]*keyEntry, m *Message) error {
	text, err := openField(keys, sealed{d.textKey, d.text}, atrest.MessageAAD(m.ChannelID, m.Seq, "text"))
	if err != nil {
		return err
	}
	fwd, err := openField(keys, sealed{d.textKey, d.forward}, atrest.MessageAAD(m.ChannelID, m.Seq, "forward"))
	if err != nil {
		return err
	}
	m.Text = text
	m.Forward, err = decodeForward(fwd)
	return err
}

// finish converts every column but text and forward (reveal's).
func (d *messageDest) finish(m *Message) error {
	ms, err := decodeMentions(d.mentions)
	if err != nil {
		return err
	}
	m.Mentions = ms
	if m.Attachment, err = decodeAttachment(d.attachment); err != nil {
		return err
	}
	m.CreatedAt, m.EditedAt, m.RecalledAt = fromMillis(d.created), fromMillis(d.edited), fromMillis(d.recalledAt)
	if m.System, err = decodeSystem(d.system); err != nil {
		return err
	}
	return nil
}

// encodeSystem stores a system line's event as JSON; a person's message has "".
func encodeSystem(e *SystemEvent) string {
	if e == nil {
		return ""
	}
	b, _ := json.Marshal(e) // plain fields always marshal
	return string(b)
}

func decodeSystem(s string) (*SystemEvent, error) {
	if s == "" {
		return nil, nil
	}
	var e SystemEvent
	if err := json.Unmarshal([]byte(s), &e); err != nil {
		return nil, fmt.Errorf("decode system event %q: %w", s, err)
	}
	return &e, nil
}

// scanRawMessage scans a row whose text and forward are still sealed.
func scanRawMessage(row scanner) (Message, messageDest, error) {
	var m Message
	var d messageDest
	if err := row.Scan(d.targets(&m)...); err != nil {
		return Message{}, d, err
	}
	if err := d.finish(&m); err != nil {
		return Message{}, d, err
	}
	return m, d, nil
}

// scanMessage scans one row (a *sql.Row, closed once scanned) and opens its text.
func (s *DB) scanMessage(ctx context.Context, row *sql.Row) (Message, error) {
	m, d, err := scanRawMessage(row)
	if err != nil {
		return Message{}, err
	}
	ms := []Message{m}
	if err := s.revealMessages(ctx, ms, []messageDest{d}); err != nil {
		return Message{}, err
	}
	return ms[0], nil
}

// revealMessages opens the text and forward of ms (ds[i] is ms[i]'s scan), reading
// the keys they need in one query at most. Call it with no rows open.
func (s *DB) revealMessages(ctx context.Context, ms []Message, ds []messageDest) error {
	var ids []int64
	for i := range ds {
		ids = append(ids, ds[i].keyIDs()...)
	}
	keys, err := s.openKeys(ctx, ids)
	if err != nil {
		return err
	}
	for i := range ds {
		if err := ds[i].reveal(keys, &ms[i]); err != nil {
			return err
		}
	}
	return nil
}

// encodeMentions stores mentions as a JSON array; none is "[]".
func encodeMentions(ids []int64) string {
	if len(ids) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(ids) // []int64 always marshals
	return string(b)
}

// decodeMentions reverses encodeMentions; none is nil, so a message reads back as
// it was returned when appended.
func decodeMentions(s string) ([]int64, error) {
	var ids []int64
	if err := json.Unmarshal([]byte(s), &ids); err != nil {
		return nil, fmt.Errorf("decode mentions %q: %w", s, err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return ids, nil
}

// encodeForward stores a forward as JSON; none is "".
func encodeForward(f *Forward) string {
	if f == nil {
		return ""
	}
	b, _ := json.Marshal(f) // plain fields always marshal
	return string(b)
}

// decodeForward reverses encodeForward.
func decodeForward(s string) (*Forward, error) {
	if s == "" {
		return nil, nil
	}
	var f Forward
	if err := json.Unmarshal([]byte(s), &f); err != nil {
		return nil, fmt.Errorf("decode forward: %w", err)
	}
	return &f, nil
}

// checkText refuses what a PostgreSQL text column cannot hold, so both backends
// accept the same messages.
func checkText(s string) error {
	if !utf8.ValidString(s) {
		return errors.New("not valid UTF-8")
	}
	if strings.ContainsRune(s, 0) {
		return errors.New("contains a NUL character")
	}
	return nil
}

type clientKey struct {
	sender int64
	client string
}

// errAppendRace means a message of the batch met a (SenderID, ClientID) that
// another transaction committed after the duplicate lookup; the attempt is undone
// and repeated, and the repeat's lookup sees it.
var errAppendRace = errors.New("store: append raced with a concurrent append of the same client id")

const appendAttempts = 3

// AppendMessages commits msgs in one transaction: the group commit, where a caller
// gathers the sends of a millisecond or two and acknowledges each only once this
// returns. Results are in input order.
//
// A (SenderID, ClientID) already appended, in any channel and earlier in the batch
// included, yields that first message with Duplicate set and writes nothing; with an
// empty ClientID a message is never a duplicate. A message for a missing channel gets
// an Err wrapping ErrNotFound, and one whose text the database cannot hold (invalid
// UTF-8, NUL) a plain Err; they touch nothing and the rest still commit. The error
// return is for the batch as a whole (the database failed): then nothing was
// committed.
//
// The rest take their channels' next sequence numbers in batch order: one UPDATE
// channels SET last_seq = last_seq + k … RETURNING for all the batch's channels, each
// with its k new messages (takeSeqs), in the same transaction as their inserts, so
// numbers are gap-free. On PostgreSQL that UPDATE's row locks serialise appends to a
// channel across nodes (SQLite's write lock serialises all writers), and the channels
// of a batch are locked in ID order first, so two batches cannot deadlock. One
// statement for the channels, one multi-row insert for all messages and one row for
// all postings, rather than statements per message, is what makes a larger batch
// cheaper per message.
//
// The duplicate lookup runs before any lock. Should another node commit one of the
// batch's client ids after it, the insert skips that row (ON CONFLICT DO NOTHING,
// which on PostgreSQL waits for the other transaction) and the attempt is undone and
// repeated, whereupon the lookup finds it: numbers are never left unused.
func (s *DB) AppendMessages(ctx context.Context, msgs []NewMessage) ([]AppendResult, error) {
	if len(msgs) == 0 {
		return []AppendResult{}, nil
	}
	b := newAppendBatch(s, msgs)
	// The buckets' data keys, before the transaction: a cache hit for this month's,
	// so no round trip on the hot path; a new month's key is created in its own
	// statement, committed before any message refers to it.
	var err error
	if b.dataKeys, err = s.sealKeys(ctx, b.buckets); err != nil {
		return nil, fmt.Errorf("store: append messages: %w", err)
	}
	// The search tokens depend on the text and the bucket's key only, not on the
	// sequence number: hashed here, outside the transaction (and SQLite's write lock).
	b.tokens = make([][]int64, len(b.msgs))
	for i, m := range b.msgs {
		if b.invalid[i] == nil {
			b.tokens[i] = messageTokens(m.Text, b.dataKeys[messageBucket(m)].key)
		}
	}
	for attempt := 1; ; attempt++ {
		var results []AppendResult
		var err error
		if s.tx == nil {
			err = s.inTx(ctx, func(tx *DB) error {
				results, err = tx.appendOnce(ctx, b)
				return err
			})
		} else {
			// Joined to the caller's transaction: a savepoint undoes this attempt alone.
			results, err = s.appendInSavepoint(ctx, b)
		}
		if !errors.Is(err, errAppendRace) {
			if err != nil {
				return nil, err
			}
			return results, nil
		}
		if attempt == appendAttempts {
			return nil, err
		}
	}
}

func (s *DB) appendInSavepoint(ctx context.Context, b *appendBatch) ([]AppendResult, error) {
	if _, err := s.exec(ctx, `SAVEPOINT append_messages`); err != nil {
		return nil, s.fail(err, "append messages: savepoint")
	}
	results, err := s.appendOnce(ctx, b)
	if err != nil {
		if _, rbErr := s.exec(ctx, `ROLLBACK TO SAVEPOINT append_messages`); rbErr != nil {
			return nil, errors.Join(err, s.fail(rbErr, "append messages: roll back to savepoint"))
		}
	}
	if _, relErr := s.exec(ctx, `RELEASE SAVEPOINT append_messages`); relErr != nil {
		return nil, errors.Join(err, s.fail(relErr, "append messages: release savepoint"))
	}
	return results, err
}

// appendBatch is a batch checked and normalised once, for every attempt.
type appendBatch struct {
	msgs     []Message // as they will be stored, Seq unset
	invalid  []error   // per message, refused before reaching the database
	keys     []clientKey
	channels []int64  // distinct, sorted
	blobs    []string // every blob the batch's messages name, distinct, sorted
	buckets  []atrest.Bucket
	dataKeys map[atrest.Bucket]*keyEntry // each bucket's data key
	tokens   [][]int64                   // per message, its search tokens
}

func newAppendBatch(s *DB, msgs []NewMessage) *appendBatch {
	b := &appendBatch{msgs: make([]Message, len(msgs)), invalid: make([]error, len(msgs))}
	for i, nm := range msgs {
		// PostgreSQL refuses such text with an error that would abort the whole
		// transaction, so refuse it here, for this message alone.
		if err := checkText(nm.Text); err != nil {
			b.invalid[i] = fmt.Errorf("store: append message to channel %d: text: %w", nm.ChannelID, err)
			continue
		}
		if err := checkForward(nm.Forward); err != nil {
			b.invalid[i] = fmt.Errorf("store: append message to channel %d: forward: %w", nm.ChannelID, err)
			continue
		}
		if err := checkAttachment(nm.Attachment); err != nil {
			b.invalid[i] = fmt.Errorf("store: append message to channel %d: attachment: %w", nm.ChannelID, err)
			continue
		}
		if err := checkText(nm.ClientID); err != nil {
			b.invalid[i] = fmt.Errorf("store: append message to channel %d: client id: %w", nm.ChannelID, err)
			continue
		}
		m := Message{
			ChannelID: nm.ChannelID, SenderID: nm.SenderID, ClientID: nm.ClientID, Text: nm.Text,
			ReplyTo: nm.ReplyTo, Mentions: slices.Clone(nm.Mentions), MentionAll: nm.MentionAll,
			Secrecy: nm.Secrecy, CreatedAt: s.stamp(nm.CreatedAt), Kind: nm.Kind, System: nm.System,
			Forward: cloneForward(nm.Forward), Attachment: cloneAttachment(nm.Attachment),
		}
		if (m.Kind == MessageKindSystem) != (m.System != nil) || (m.Kind != "" && m.Kind != MessageKindSystem) {
			b.invalid[i] = fmt.Errorf("store: append message to channel %d: kind %q needs a system event exactly when it is a system line", nm.ChannelID, nm.Kind)
			continue
		}
		if len(m.Mentions) == 0 {
			m.Mentions = nil
		}
		b.msgs[i] = m
		if m.ClientID != "" {
			b.keys = append(b.keys, clientKey{m.SenderID, m.ClientID})
		}
		b.channels = append(b.channels, m.ChannelID)
		b.blobs = append(b.blobs, messageBlobs(m)...)
		b.buckets = append(b.buckets, messageBucket(m))
	}
	slices.Sort(b.channels)
	b.channels = slices.Compact(b.channels)
	slices.Sort(b.blobs)
	b.blobs = slices.Compact(b.blobs)
	return b
}

// blobGone is the Err of a message naming a blob that no longer exists.
func blobGone(channelID int64, id string) error {
	return fmt.Errorf("store: append message to channel %d: %s: %w", channelID, id, ErrBlobGone)
}

func missingChannel(id int64) error {
	return fmt.Errorf("store: append message to channel %d: %w", id, ErrNotFound)
}

// appendOnce is one attempt at the batch inside a transaction (see AppendMessages).
func (s *DB) appendOnce(ctx context.Context, b *appendBatch) ([]AppendResult, error) {
	results := make([]AppendResult, len(b.msgs))
	seen, err := s.messagesByClientID(ctx, b.keys)
	if err != nil {
		return nil, err
	}
	// The blobs the messages attach, locked before the channels (see lockBlobs).
	var blobs map[string]bool
	if len(b.blobs) > 0 {
		if blobs, err = s.lockBlobs(ctx, b.blobs); err != nil {
			return nil, err
		}
	}
	// With several channels, lock them in order and learn which exist; with one,
	// its sequence update below does both.
	var exists map[int64]bool
	if len(b.channels) > 1 {
		if exists, err = s.lockChannels(ctx, b.channels); err != nil {
			return nil, err
		}
	}

	byChannel := map[int64][]int{} // new messages, by channel, in batch order
	dupOf := map[int]int{}         // a repeat within the batch → the first
	first := map[clientKey]int{}
	for i, m := range b.msgs {
		switch key := (clientKey{m.SenderID, m.ClientID}); {
		case b.invalid[i] != nil:
			results[i].Err = b.invalid[i]
		case exists != nil && !exists[m.ChannelID]:
			results[i].Err = missingChannel(m.ChannelID)
		case missingBlob(m, blobs) != "":
			results[i].Err = blobGone(m.ChannelID, missingBlob(m, blobs))
		case m.ClientID == "":
			byChannel[m.ChannelID] = append(byChannel[m.ChannelID], i)
		default:
			if prev, ok := seen[key]; ok {
				results[i] = AppendResult{Message: prev, Duplicate: true}
			} else if j, ok := first[key]; ok {
				dupOf[i] = j
			} else {
				first[key] = i
				byChannel[m.ChannelID] = append(byChannel[m.ChannelID], i)
			}
		}
	}

	lastSeq, err := s.takeSeqs(ctx, b.channels, byChannel)
	if err != nil {
		return nil, err
	}
	var fresh []Message
	var freshTokens [][]int64
	for _, ch := range b.channels {
		idx := byChannel[ch]
		if len(idx) == 0 {
			continue
		}
		last, ok := lastSeq[ch]
		if !ok {
			for _, i := range idx {
				results[i].Err = missingChannel(ch)
			}
			continue
		}
		for k, i := range idx {
			m := b.msgs[i]
			m.Seq = last - int64(len(idx)) + 1 + int64(k)
			results[i].Message = m
			fresh = append(fresh, m)
			freshTokens = append(freshTokens, b.tokens[i])
		}
	}
	for i, j := range dupOf {
		if results[j].Err != nil {
			results[i].Err = results[j].Err // only a missing channel, the same one
		} else {
			results[i] = AppendResult{Message: results[j].Message, Duplicate: true}
		}
	}

	inserted, err := s.insertMessages(ctx, fresh, freshTokens, b.dataKeys)
	if err != nil {
		return nil, err
	}
	if inserted < len(fresh) {
		return nil, errAppendRace
	}
	if !s.d.searchColumn {
		docs := make([]searchDoc, 0, len(fresh))
		for i, m := range fresh {
			if len(freshTokens[i]) > 0 {
				docs = append(docs, searchDoc{m.ChannelID, m.Seq, freshTokens[i]})
			}
		}
		if err := s.insertSearchDocs(ctx, docs); err != nil {
			return nil, err
		}
	}
	var refs []BlobRef
	for _, m := range fresh {
		for _, id := range messageBlobs(m) {
			refs = append(refs, BlobRef{BlobID: id, ChannelID: m.ChannelID, Seq: m.Seq})
		}
	}
	if len(refs) > 0 {
		if err := s.attachBlobs(ctx, refs, s.stamp(time.Time{})); err != nil {
			return nil, err
		}
	}
	return results, nil
}

// takeSeqs adds to each channel's last_seq the number of its new messages (byChannel)
// and returns the new last_seq of each channel that exists: one statement for every
// channel of the batch, not one each (on PostgreSQL each is a round trip).
func (s *DB) takeSeqs(ctx context.Context, channels []int64, byChannel map[int64][]int) (map[int64]int64, error) {
	var cases strings.Builder
	var caseArgs, ids []any
	for _, ch := range channels {
		if n := len(byChannel[ch]); n > 0 {
			cases.WriteString(` WHEN ? THEN CAST(? AS BIGINT)`)
			caseArgs = append(caseArgs, ch, n)
			ids = append(ids, ch)
		}
	}
	last := make(map[int64]int64, len(ids))
	if len(ids) == 0 {
		return last, nil
	}
	rows, err := s.query(ctx, `UPDATE channels SET last_seq = last_seq + CASE id`+cases.String()+` END
		WHERE id IN (`+placeholders(len(ids))+`) RETURNING id, last_seq`, append(caseArgs, ids...)...)
	if err != nil {
		return nil, s.fail(err, "append messages: take sequence numbers")
	}
	defer rows.Close()
	for rows.Next() {
		var id, seq int64
		if err := rows.Scan(&id, &seq); err != nil {
			return nil, s.fail(err, "append messages: take sequence numbers")
		}
		last[id] = seq
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "append messages: take sequence numbers")
	}
	return last, nil
}

// missingBlob is a blob m names that is not among those that exist, or "".
func missingBlob(m Message, exists map[string]bool) string {
	for _, id := range messageBlobs(m) {
		if !exists[id] {
			return id
		}
	}
	return ""
}

// messageBucket is the bucket a message's text is sealed in: its level and the
// month its retention counts from.
func messageBucket(m Message) atrest.Bucket { return atrest.BucketOf(m.Secrecy, retainFrom(m)) }

// insertMessages inserts ms with multi-row inserts, their text and forward sealed
// under their buckets' keys, skipping any whose client id is taken, and returns how
// many it inserted. On PostgreSQL the row carries its search tokens (tokens[i] are
// ms[i]'s); SQLite's go to its search index separately.
func (s *DB) insertMessages(ctx context.Context, ms []Message, tokens [][]int64, keys map[atrest.Bucket]*keyEntry) (int, error) {
	cols := 16
	query := `INSERT INTO messages (channel_id, seq, sender_id, client_id, text, reply_to, mentions,
		mention_all, secrecy, created_at, kind, system, forward, attachment, retain_from, text_key`
	if s.d.searchColumn {
		cols++
		query += `, search_tokens`
	}
	inserted := 0
	for start := 0; start < len(ms); start += messageChunk {
		chunk := ms[start:min(start+messageChunk, len(ms))]
		args := make([]any, 0, cols*len(chunk))
		for i, m := range chunk {
			k := keys[messageBucket(m)]
			text, err := k.key.Seal(m.Text, atrest.MessageAAD(m.ChannelID, m.Seq, "text"))
			if err != nil {
				return 0, err
			}
			forward, err := k.key.Seal(encodeForward(m.Forward), atrest.MessageAAD(m.ChannelID, m.Seq, "forward"))
			if err != nil {
				return 0, err
			}
			args = append(args, m.ChannelID, m.Seq, m.SenderID, nullString(m.ClientID), text, m.ReplyTo,
				encodeMentions(m.Mentions), m.MentionAll, m.Secrecy, toMillis(m.CreatedAt), m.Kind, encodeSystem(m.System),
				forward, encodeAttachment(m.Attachment), toMillis(retainFrom(m)), k.id)
			if s.d.searchColumn {
				args = append(args, searchTokensArg(tokens[start+i]))
			}
		}
		rows, err := s.query(ctx, query+`) VALUES `+rowsOf(len(chunk), cols)+`
			ON CONFLICT (sender_id, client_id) DO NOTHING
			RETURNING seq`, args...)
		if err != nil {
			return 0, s.fail(err, "append messages")
		}
		for rows.Next() {
			inserted++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, s.fail(err, "append messages")
		}
	}
	return inserted, nil
}

// retainFrom is when m's retention counts from (messages.retain_from): when it was
// sent, or for a forward when the oldest message it copies was sent, so a copy never
// outlives its original.
func retainFrom(m Message) time.Time {
	at := m.CreatedAt
	if m.Forward != nil {
		for _, it := range m.Forward.Items {
			if !it.CreatedAt.IsZero() && it.CreatedAt.Before(at) {
				at = it.CreatedAt
			}
		}
	}
	return at
}

// lockChannels returns which of ids (sorted) are channels. On PostgreSQL it also
// locks their rows, in ID order, until the transaction ends, so two batches
// touching the same channels cannot deadlock on the row locks their sequence
// updates take.
func (s *DB) lockChannels(ctx context.Context, ids []int64) (map[int64]bool, error) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.query(ctx, `SELECT id FROM channels WHERE id IN (`+placeholders(len(ids))+`) ORDER BY id`+s.d.rowLock, args...)
	if err != nil {
		return nil, s.fail(err, "lock channels")
	}
	defer rows.Close()
	exists := make(map[int64]bool, len(ids))
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, s.fail(err, "lock channels")
		}
		exists[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "lock channels")
	}
	return exists, nil
}

// placeholders returns "?, ?, …" with n marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// messagesByClientID finds the messages already appended under keys.
func (s *DB) messagesByClientID(ctx context.Context, keys []clientKey) (map[clientKey]Message, error) {
	found := make(map[clientKey]Message, len(keys))
	for chunk := range slices.Chunk(keys, clientIDChunk) {
		var query string
		var args []any
		if s.d.name == "postgres" {
			// On PostgreSQL, one probe of the unique index per pair, from two arrays:
			// one statement text for any count, and a plan that cannot become a scan.
			// (An OR of pairs, or a semi-join, got a generic plan made while the table
			// was small — a hash join over a sequential scan — and kept it as the table
			// grew: 19 ms a batch of 64 at 20,000 messages; BENCHMARKS.md, issue 17.
			// LIMIT keeps the lateral subquery from being flattened into such a join.)
			senders := make([]int64, len(chunk))
			clients := make([]string, len(chunk))
			for i, k := range chunk {
				senders[i], clients[i] = k.sender, k.client
			}
			query = `SELECT ` + messageCols("m", false) + ` FROM unnest(?::bigint[], ?::text[]) AS k (sender_id, client_id)
				CROSS JOIN LATERAL (SELECT * FROM messages WHERE sender_id = k.sender_id AND client_id = k.client_id LIMIT 1) m`
			args = []any{senders, clients}
		} else {
			conds := make([]string, len(chunk))
			for i, k := range chunk {
				conds[i] = `(sender_id = ? AND client_id = ?)`
				args = append(args, k.sender, k.client)
			}
			query = `SELECT ` + messageCols("", false) + ` FROM messages WHERE ` + strings.Join(conds, ` OR `)
		}
		rows, err := s.query(ctx, query, args...)
		if err != nil {
			return nil, s.fail(err, "look up client ids")
		}
		var ms []Message
		var ds []messageDest
		for rows.Next() {
			m, d, err := scanRawMessage(rows)
			if err != nil {
				rows.Close()
				return nil, s.fail(err, "look up client ids")
			}
			ms, ds = append(ms, m), append(ds, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, s.fail(err, "look up client ids")
		}
		if err := s.revealMessages(ctx, ms, ds); err != nil {
			return nil, s.fail(err, "look up client ids")
		}
		for _, m := range ms {
			found[clientKey{m.SenderID, m.ClientID}] = m
		}
	}
	return found, nil
}

func (s *DB) GetMessage(ctx context.Context, channelID, seq int64) (Message, error) {
	m, err := s.scanMessage(ctx, s.queryRow(ctx, `SELECT `+messageCols("", false)+` FROM messages WHERE channel_id = ? AND seq = ?`,
		channelID, seq))
	if err != nil {
		return Message{}, s.fail(err, "get message %d/%d", channelID, seq)
	}
	return m, nil
}

// History returns up to q.Limit (1..500) messages of a channel with AfterSeq < Seq <
// BeforeSeq (a bound of 0 is open), ascending by Seq. Normally those are the first
// after AfterSeq; with BeforeSeq set and AfterSeq 0 they are the newest before
// BeforeSeq, for paging backwards. Recalled messages are included, without text.
// ErrNotFound when the channel does not exist.
func (s *DB) History(ctx context.Context, q HistoryQuery) ([]Message, error) {
	if q.Limit < 1 || q.Limit > historyMaxLimit {
		return nil, fmt.Errorf("store: history of channel %d: limit %d out of range 1..%d", q.ChannelID, q.Limit, historyMaxLimit)
	}
	if q.AfterSeq < 0 || q.BeforeSeq < 0 {
		return nil, fmt.Errorf("store: history of channel %d: negative bound", q.ChannelID)
	}
	query := `SELECT ` + messageCols("", false) + ` FROM messages WHERE channel_id = ? AND seq > ?`
	args := []any{q.ChannelID, q.AfterSeq}
	if q.BeforeSeq > 0 {
		query += ` AND seq < ?`
		args = append(args, q.BeforeSeq)
	}
	backwards := q.BeforeSeq > 0 && q.AfterSeq == 0
	if backwards {
		query += ` ORDER BY seq DESC LIMIT ?`
	} else {
		query += ` ORDER BY seq LIMIT ?`
	}
	args = append(args, q.Limit)
	ms, err := s.listMessages(ctx, fmt.Sprintf("history of channel %d", q.ChannelID), query, args...)
	if err != nil {
		return nil, err
	}
	if backwards {
		slices.Reverse(ms)
	}
	if len(ms) == 0 {
		if _, err := s.channelLastSeq(ctx, q.ChannelID); err != nil {
			return nil, fmt.Errorf("store: history: %w", err)
		}
	}
	return ms, nil
}

func (s *DB) listMessages(ctx context.Context, what, query string, args ...any) ([]Message, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, s.fail(err, "%s", what)
	}
	defer rows.Close()
	var ms []Message
	var ds []messageDest
	for rows.Next() {
		m, d, err := scanRawMessage(rows)
		if err != nil {
			return nil, s.fail(err, "%s", what)
		}
		ms, ds = append(ms, m), append(ds, d)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "%s", what)
	}
	rows.Close() // before reveal may read keys on the same connection
	if err := s.revealMessages(ctx, ms, ds); err != nil {
		return nil, s.fail(err, "%s", what)
	}
	return ms, nil
}

// EditMessage replaces the text and mentions of a message, sets EditedAt (at, now
// when zero) and re-indexes it for search. The new text is sealed under the same
// bucket's key as the old (a message's bucket never changes); a row from before
// encryption at rest is sealed whole (text and forward) on the way. ErrNotFound for a
// missing message, ErrConflict for a recalled one.
func (s *DB) EditMessage(ctx context.Context, channelID, seq int64, text string, mentions []int64, at time.Time) (Message, error) {
	if err := checkText(text); err != nil {
		return Message{}, fmt.Errorf("store: edit message %d/%d: %w", channelID, seq, err)
	}
	edited := toMillis(s.stamp(at))
	var m Message
	err := s.inTx(ctx, func(tx *DB) error {
		old, err := tx.lockLiveMessage(ctx, "edit", channelID, seq)
		if err != nil {
			return err
		}
		k := old.key.key
		sealedText, err := k.Seal(text, atrest.MessageAAD(channelID, seq, "text"))
		if err != nil {
			return err
		}
		forward := old.sealedForward
		if old.legacy {
			if forward, err = k.Seal(old.forward, atrest.MessageAAD(channelID, seq, "forward")); err != nil {
				return err
			}
		}
		m, err = tx.scanMessage(ctx, tx.queryRow(ctx, `UPDATE messages SET text = ?, forward = ?, text_key = ?, mentions = ?, edited_at = ?
			WHERE channel_id = ? AND seq = ? AND recalled_at = 0
			RETURNING `+messageCols("", false),
			sealedText, forward, old.key.id, encodeMentions(mentions), edited, channelID, seq))
		if err != nil {
			return tx.fail(err, "edit message %d/%d", channelID, seq)
		}
		if old.legacy {
			if err := tx.deletePlainTerms(ctx, channelID, seq, old.text); err != nil {
				return err
			}
		}
		return tx.reindex(ctx, channelID, seq, messageTokens(m.Text, k))
	})
	if err != nil {
		return Message{}, err
	}
	return m, nil
}

// RecallMessage withdraws a message: its row and Seq stay, its text, forward and
// attachment are cleared, its search terms and its references to blobs are deleted (so
// nobody may fetch a file through it any more), and RecalledAt (at, now when zero) and
// RecalledBy are set. A blob nothing refers to any more (the file recalled wherever it
// was sent) becomes an expired upload, which the files sweeper removes with its keys. ErrNotFound for a missing message, ErrConflict for one already recalled.
func (s *DB) RecallMessage(ctx context.Context, channelID, seq, by int64, at time.Time) (Message, error) {
	recalled := toMillis(s.stamp(at))
	var m Message
	err := s.inTx(ctx, func(tx *DB) error {
		old, err := tx.lockLiveMessage(ctx, "recall", channelID, seq)
		if err != nil {
			return err
		}
		m, err = tx.scanMessage(ctx, tx.queryRow(ctx, `UPDATE messages SET text = '', forward = '', attachment = '', text_key = ?,
				recalled_at = ?, recalled_by = ?
			WHERE channel_id = ? AND seq = ? AND recalled_at = 0
			RETURNING `+messageCols("", false),
			old.key.id, recalled, by, channelID, seq))
		if err != nil {
			return tx.fail(err, "recall message %d/%d", channelID, seq)
		}
		if err := tx.releaseMessageBlobs(ctx, channelID, seq, recalled); err != nil {
			return tx.fail(err, "recall message %d/%d: its blob references", channelID, seq)
		}
		return tx.unindex(ctx, old)
	})
	if err != nil {
		return Message{}, err
	}
	return m, nil
}

// liveMessage is what an edit or recall needs of the message it changes.
type liveMessage struct {
	channelID, seq int64
	text, forward  string    // plaintext
	sealedForward  string    // as stored
	key            *keyEntry // its bucket's data key
	legacy         bool      // stored in plaintext, from before encryption at rest
}

// lockLiveMessage returns a message that is not recalled, with its plaintext and its
// bucket's key, locking its row on PostgreSQL until the transaction ends, so a
// concurrent edit or recall of it waits and then sees this one's outcome: the text
// whose terms are deleted is always the text that was indexed, and recalled text can
// never come back. ErrNotFound for a missing message, ErrConflict for a recalled one
// or a system line.
func (s *DB) lockLiveMessage(ctx context.Context, verb string, channelID, seq int64) (liveMessage, error) {
	lm := liveMessage{channelID: channelID, seq: seq}
	var text, kind string
	var recalledAt, retainFrom int64
	var level int
	var key sql.NullInt64
	err := s.queryRow(ctx, `SELECT text, forward, text_key, secrecy, retain_from, recalled_at, kind
		FROM messages WHERE channel_id = ? AND seq = ?`+s.d.rowLock,
		channelID, seq).Scan(&text, &lm.sealedForward, &key, &level, &retainFrom, &recalledAt, &kind)
	if err != nil {
		return lm, s.fail(err, "%s message %d/%d", verb, channelID, seq)
	}
	if kind == MessageKindSystem {
		return lm, fmt.Errorf("store: %s message %d/%d: a system line: %w", verb, channelID, seq, ErrConflict)
	}
	if recalledAt != 0 {
		return lm, fmt.Errorf("store: %s message %d/%d: it was recalled: %w", verb, channelID, seq, ErrConflict)
	}
	b := atrest.BucketOf(level, fromMillis(retainFrom))
	keys, err := s.sealKeys(ctx, []atrest.Bucket{b})
	if err != nil {
		return lm, fmt.Errorf("store: %s message %d/%d: %w", verb, channelID, seq, err)
	}
	lm.key = keys[b]
	lm.legacy = !key.Valid
	opened := map[int64]*keyEntry{}
	if key.Valid {
		// The row names its key; it is its bucket's, unless that was destroyed.
		if key.Int64 == lm.key.id {
			opened[key.Int64] = lm.key
		} else if opened, err = s.openKeys(ctx, []int64{key.Int64}); err != nil {
			return lm, err
		}
	}
	if lm.text, err = openField(opened, sealed{key, text}, atrest.MessageAAD(channelID, seq, "text")); err != nil {
		return lm, fmt.Errorf("store: %s message %d/%d: %w", verb, channelID, seq, err)
	}
	if lm.forward, err = openField(opened, sealed{key, lm.sealedForward}, atrest.MessageAAD(channelID, seq, "forward")); err != nil {
		return lm, fmt.Errorf("store: %s message %d/%d: %w", verb, channelID, seq, err)
	}
	return lm, nil
}

// unindex removes a message as lockLiveMessage found it from the search index: its
// tokens, or for a row from before encryption at rest its plaintext terms.
func (s *DB) unindex(ctx context.Context, lm liveMessage) error {
	if lm.legacy {
		return s.deletePlainTerms(ctx, lm.channelID, lm.seq, lm.text)
	}
	return s.reindex(ctx, lm.channelID, lm.seq, nil)
}

// checkForward refuses a forward whose texts a PostgreSQL text column could not hold
// once encoded (JSON escapes NUL, but invalid UTF-8 would be replaced silently).
func checkForward(f *Forward) error {
	if f == nil {
		return nil
	}
	if err := checkText(f.FromChannelName); err != nil {
		return err
	}
	for _, it := range f.Items {
		if !utf8.ValidString(it.Text) || !utf8.ValidString(it.SenderName) {
			return errors.New("not valid UTF-8")
		}
		if err := checkAttachment(it.Attachment); err != nil {
			return err
		}
	}
	return nil
}

func cloneForward(f *Forward) *Forward {
	if f == nil {
		return nil
	}
	c := *f
	c.Items = slices.Clone(f.Items)
	for i := range c.Items {
		c.Items[i].Attachment = cloneAttachment(c.Items[i].Attachment)
	}
	return &c
}
