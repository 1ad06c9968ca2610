package store

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"
)

// Attachment is a file or picture a message or notice carries (protocol.Attachment).
// It is stored as JSON: beside a message (messages.attachment), inside a forward's
// items, and as a notice's list (notices.attachments). Where it is sent is also kept
// as references (blob_refs), which say who may read the blob.
type Attachment struct {
	BlobID     string `json:"blob_id"`
	Size       int64  `json:"size"`
	Commitment string `json:"commitment"`
	ThumbID    string `json:"thumb_blob_id,omitempty"`
	ThumbSize  int64  `json:"thumb_size,omitempty"`
}

// ErrBlobGone: a blob a message or notice names was removed before it was stored (an
// upload swept or cancelled meanwhile). It is an ErrNotFound.
var ErrBlobGone = fmt.Errorf("store: blob gone: %w", ErrNotFound)

// BlobState is what attaching a blob needs to know of it.
type BlobState struct {
	ID         string
	UploaderID int64
	Size       int64
	Complete   bool
	AttachedAt time.Time // zero: never sent
}

// BlobRef is one place a blob was sent: a message (ChannelID, Seq) or a notice.
type BlobRef struct {
	BlobID    string
	ChannelID int64
	Seq       int64
	NoticeID  int64
	CreatedAt time.Time
}

// Attachments reads what attaching files, the channel's file list (群文件) and an
// escrow open need. The references themselves are written with the message or notice
// that carries the blob (AppendMessages, CreateNotice) and deleted by a recall.
type Attachments interface {
	// BlobStates returns the blobs of ids that exist, by id.
	BlobStates(ctx context.Context, ids []string) (map[string]BlobState, error)
	// ListBlobRefs lists where a blob was sent, oldest first.
	ListBlobRefs(ctx context.Context, blobID string) ([]BlobRef, error)
	// ChannelFileMessages returns up to limit messages of a channel below beforeSeq (0:
	// from the newest) that carry files, newest first, none recalled, and whether there
	// are more below them.
	ChannelFileMessages(ctx context.Context, channelID, beforeSeq int64, limit int) ([]Message, bool, error)
}

// blobs are the blob ids an attachment refers to: the file and its thumbnail.
func (a *Attachment) blobs() []string {
	if a == nil {
		return nil
	}
	if a.ThumbID != "" {
		return []string{a.BlobID, a.ThumbID}
	}
	return []string{a.BlobID}
}

// messageBlobs are the blobs a message refers to, its own attachment's and those of
// its forward's items, each once.
func messageBlobs(m Message) []string {
	ids := m.Attachment.blobs()
	if m.Forward != nil {
		for _, it := range m.Forward.Items {
			ids = append(ids, it.Attachment.blobs()...)
		}
	}
	if len(ids) < 2 {
		return ids
	}
	return slices.Compact(slices.Sorted(slices.Values(ids)))
}

// encodeAttachment stores an attachment as JSON; none is "".
func encodeAttachment(a *Attachment) string {
	if a == nil {
		return ""
	}
	b, _ := json.Marshal(a) // plain fields always marshal
	return string(b)
}

func decodeAttachment(s string) (*Attachment, error) {
	if s == "" {
		return nil, nil
	}
	var a Attachment
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		return nil, fmt.Errorf("decode attachment: %w", err)
	}
	return &a, nil
}

// encodeAttachments stores a notice's attachments as a JSON array; none is "".
func encodeAttachments(as []Attachment) string {
	if len(as) == 0 {
		return ""
	}
	b, _ := json.Marshal(as)
	return string(b)
}

func decodeAttachments(s string) ([]Attachment, error) {
	if s == "" {
		return nil, nil
	}
	var as []Attachment
	if err := json.Unmarshal([]byte(s), &as); err != nil {
		return nil, fmt.Errorf("decode attachments: %w", err)
	}
	return as, nil
}

func cloneAttachment(a *Attachment) *Attachment {
	if a == nil {
		return nil
	}
	c := *a
	return &c
}

// checkAttachment refuses an attachment whose texts a PostgreSQL text column could not
// hold once encoded.
func checkAttachment(a *Attachment) error {
	if a == nil {
		return nil
	}
	if a.BlobID == "" {
		return fmt.Errorf("an attachment without a blob id")
	}
	return checkTexts("blob id", a.BlobID, "commitment", a.Commitment, "thumbnail blob id", a.ThumbID)
}

// lockBlobs returns which of ids (sorted, distinct) are blobs that may still be
// attached, and on PostgreSQL locks their rows until the transaction ends, in id order.
// An upload cancelled by its uploader or by the sweeper (expires_at = 0, never attached)
// is left out: its parts are being deleted. A blob attached in this transaction cannot
// be cancelled between the check and the commit: the cancel is conditional on
// attached_at = 0 and waits for the lock (on SQLite, for the one writer).
// Every writer locks blobs before channels, so no two wait on each other in a circle.
func (s *DB) lockBlobs(ctx context.Context, ids []string) (map[string]bool, error) {
	exists := make(map[string]bool, len(ids))
	for chunk := range slices.Chunk(ids, idChunk) {
		rows, err := s.query(ctx, `SELECT id FROM blobs WHERE id IN (`+placeholders(len(chunk))+`) AND (attached_at > 0 OR expires_at > 0) ORDER BY id`+s.d.rowLock,
			stringArgs(chunk)...)
		if err != nil {
			return nil, s.fail(err, "lock blobs")
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, s.fail(err, "lock blobs")
			}
			exists[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, s.fail(err, "lock blobs")
		}
	}
	return exists, nil
}

// blobRefChunk bounds the rows of one multi-row reference insert (5 parameters each).
const blobRefChunk = 500

// attachBlobs records refs and marks their blobs attached (the first time), inside the
// transaction that stores what carries them. The blobs must have been locked.
func (s *DB) attachBlobs(ctx context.Context, refs []BlobRef, at time.Time) error {
	if len(refs) == 0 {
		return nil
	}
	ms := toMillis(at)
	for chunk := range slices.Chunk(refs, blobRefChunk) {
		args := make([]any, 0, 5*len(chunk))
		for _, r := range chunk {
			args = append(args, r.BlobID, r.ChannelID, r.Seq, r.NoticeID, ms)
		}
		if _, err := s.exec(ctx, `INSERT INTO blob_refs (blob_id, channel_id, seq, notice_id, created_at) VALUES `+
			rowsOf(len(chunk), 5), args...); err != nil {
			return s.fail(err, "record where %d blobs were sent", len(chunk))
		}
	}
	ids := make([]string, len(refs))
	for i, r := range refs {
		ids[i] = r.BlobID
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	for chunk := range slices.Chunk(ids, idChunk) {
		if _, err := s.exec(ctx, `UPDATE blobs SET attached_at = ? WHERE attached_at = 0 AND id IN (`+placeholders(len(chunk))+`)`,
			append([]any{ms}, stringArgs(chunk)...)...); err != nil {
			return s.fail(err, "mark %d blobs attached", len(chunk))
		}
	}
	return nil
}

// BlobStates: see Attachments.
func (s *DB) BlobStates(ctx context.Context, ids []string) (map[string]BlobState, error) {
	out := make(map[string]BlobState, len(ids))
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	for chunk := range slices.Chunk(ids, idChunk) {
		rows, err := s.query(ctx, `SELECT id, uploader_id, size, completed_at, attached_at FROM blobs WHERE id IN (`+
			placeholders(len(chunk))+`)`, stringArgs(chunk)...)
		if err != nil {
			return nil, s.fail(err, "read blobs")
		}
		for rows.Next() {
			var b BlobState
			var completed, attached int64
			if err := rows.Scan(&b.ID, &b.UploaderID, &b.Size, &completed, &attached); err != nil {
				rows.Close()
				return nil, s.fail(err, "read blobs")
			}
			b.Complete, b.AttachedAt = completed != 0, fromMillis(attached)
			out[b.ID] = b
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, s.fail(err, "read blobs")
		}
	}
	return out, nil
}

// ListBlobRefs: see Attachments.
func (s *DB) ListBlobRefs(ctx context.Context, blobID string) ([]BlobRef, error) {
	rows, err := s.query(ctx, `SELECT blob_id, channel_id, seq, notice_id, created_at FROM blob_refs WHERE blob_id = ? ORDER BY id`, blobID)
	if err != nil {
		return nil, s.fail(err, "list references of blob %s", blobID)
	}
	defer rows.Close()
	var out []BlobRef
	for rows.Next() {
		var r BlobRef
		var created int64
		if err := rows.Scan(&r.BlobID, &r.ChannelID, &r.Seq, &r.NoticeID, &created); err != nil {
			return nil, s.fail(err, "list references of blob %s", blobID)
		}
		r.CreatedAt = fromMillis(created)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list references of blob %s", blobID)
	}
	return out, nil
}

// ChannelFileMessages: see Attachments. The references (indexed by channel and seq)
// find the messages, so a channel of a million lines and a few files costs a few rows.
func (s *DB) ChannelFileMessages(ctx context.Context, channelID, beforeSeq int64, limit int) ([]Message, bool, error) {
	if limit < 1 || limit > historyMaxLimit {
		return nil, false, fmt.Errorf("store: files of channel %d: limit %d out of range 1..%d", channelID, limit, historyMaxLimit)
	}
	if beforeSeq <= 0 {
		beforeSeq = math.MaxInt64
	}
	what := fmt.Sprintf("files of channel %d", channelID)
	seqs, err := s.listIDs(ctx, what, `SELECT DISTINCT seq FROM blob_refs WHERE channel_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
		channelID, beforeSeq, limit+1)
	if err != nil {
		return nil, false, err
	}
	more := len(seqs) > limit
	if more {
		seqs = seqs[:limit]
	}
	if len(seqs) == 0 {
		return nil, false, nil
	}
	ms, err := s.listMessages(ctx, what, `SELECT `+messageCols("", false)+` FROM messages
		WHERE channel_id = ? AND recalled_at = 0 AND seq IN (`+placeholders(len(seqs))+`) ORDER BY seq DESC`,
		append([]any{channelID}, int64Args(seqs)...)...)
	if err != nil {
		return nil, false, err
	}
	return ms, more, nil
}

// releaseMessageBlobs deletes a message's blob references and turns each blob that no
// reference names any more into an upload that expired at expiredAt (milliseconds):
// unattached, so the files sweeper deletes its bytes and row (and with the row its
// wrapped keys) at its next pass.
func (s *DB) releaseMessageBlobs(ctx context.Context, channelID, seq, expiredAt int64) error {
	rows, err := s.query(ctx, `SELECT DISTINCT blob_id FROM blob_refs WHERE channel_id = ? AND seq = ?`, channelID, seq)
	if err != nil {
		return err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if _, err := s.exec(ctx, `DELETE FROM blob_refs WHERE channel_id = ? AND seq = ?`, channelID, seq); err != nil {
		return err
	}
	return s.releaseBlobs(ctx, ids, expiredAt)
}

// releaseBlobs turns each of ids that no reference names any more — no message or
// notice (blob_refs), no collection answer (collection_blob_refs) — into an upload
// that expired at expiredAt (milliseconds), for the files sweeper.
func (s *DB) releaseBlobs(ctx context.Context, ids []string, expiredAt int64) error {
	for chunk := range slices.Chunk(ids, idChunk) {
		args := append([]any{max(expiredAt, 1)}, stringArgs(chunk)...)
		if _, err := s.exec(ctx, `UPDATE blobs SET attached_at = 0, expires_at = ?
			WHERE id IN (`+placeholders(len(chunk))+`) AND attached_at > 0
			AND NOT EXISTS (SELECT 1 FROM blob_refs r WHERE r.blob_id = blobs.id)
			AND NOT EXISTS (SELECT 1 FROM collection_blob_refs cr WHERE cr.blob_id = blobs.id)`, args...); err != nil {
			return err
		}
	}
	return nil
}
