package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The keys of end-to-end encrypted files (protocol/E2E.md). The server keeps public
// keys, private keys wrapped by a key only their owner's password yields, and file keys
// wrapped to each recipient; it can unwrap none of them.

// UserKey is a person's key pair as the server keeps it.
type UserKey struct {
	UserID         int64
	KeyID          string // first 16 hex digits of SHA-256(public key)
	PublicKey      string // base64url, 32 bytes
	WrappedPrivate string // base64url: nonce(12) ‖ AES-GCM ciphertext
	KDFSalt        string
	KDFIterations  int
	CreatedAt      time.Time // when this public key was first stored
	UpdatedAt      time.Time // when it was last stored, re-wrapped or new

	// RecoveryWrap: the private key wrapped to the account-recovery key RecoveryKeyID
	// (E2E.md §4.5); "" when none. PutUserKey keeps the stored one for the same public
	// key when k has none.
	RecoveryWrap, RecoveryKeyID string
}

// EscrowKey is the organisation's escrow public key; the newest one set is current.
type EscrowKey struct {
	KeyID     string
	PublicKey string
	SetBy     int64
	CreatedAt time.Time
}

// FileKey is a blob's file key wrapped to one recipient (UserID 0: the escrow key) for
// one context ("channel:<id>" or "notice").
type FileKey struct {
	BlobID    string
	Context   string
	UserID    int64
	KeyID     string
	Wrapped   string
	WrappedBy int64
	CreatedAt time.Time
}

// Keys keeps user keys, the escrow key and wrapped file keys.
type Keys interface {
	GetUserKey(ctx context.Context, userID int64) (UserKey, error) // ErrNotFound before the first
	// PutUserKey stores k as the user's key. A new public key (another KeyID) replaces
	// the old one and its CreatedAt is k.UpdatedAt (now when zero); the same public key
	// keeps its CreatedAt (a re-wrap). It returns the key it replaced, had false when
	// there was none. Concurrent puts of one user's key take turns.
	PutUserKey(ctx context.Context, k UserKey) (prev UserKey, had bool, err error)
	// ListUserKeys returns the keys of those of userIDs who have one, by user id.
	ListUserKeys(ctx context.Context, userIDs []int64) ([]UserKey, error)
	// ListChannelKeys returns the keys of the channel's members who have one, by user id.
	ListChannelKeys(ctx context.Context, channelID int64) ([]UserKey, error)
	// UserChannelIDs lists the channels the user is a member of, ascending.
	UserChannelIDs(ctx context.Context, userID int64) ([]int64, error)

	GetEscrowKey(ctx context.Context) (EscrowKey, error) // the current one; ErrNotFound when none
	// SetEscrowKey makes k the current escrow key (a key set before becomes current
	// again) and sets k.CreatedAt (now when zero).
	SetEscrowKey(ctx context.Context, k *EscrowKey) error

	// PutFileKeys inserts keys, replacing a row of the same (blob, context, recipient)
	// only when replaceAny, when the row was wrapped by the same person, or when it was
	// wrapped to another key of the recipient (a stale one): a reader re-sharing a file
	// cannot spoil the keys its uploader gave others. It returns how many rows it wrote.
	PutFileKeys(ctx context.Context, keys []FileKey, replaceAny bool) (int, error)
	// FileKeyIDs returns, of userIDs (0: the escrow), who holds a wrapped key of blobID
	// for keyContext, with the key id it was wrapped to.
	FileKeyIDs(ctx context.Context, blobID, keyContext string, userIDs []int64) (map[int64]string, error)
	// ListMyFileKeys returns userID's own wrapped keys of those of blobIDs userID may
	// read (CanReadBlob), in any context, by blob and context.
	ListMyFileKeys(ctx context.Context, userID int64, blobIDs []string) ([]FileKey, error)
	// ListEscrowWraps returns the escrow's wrapped keys of a blob, newest first.
	ListEscrowWraps(ctx context.Context, blobID string) ([]FileKey, error)
	// CountLackingFileKeys counts those of userIDs who have a published key but no
	// wrapped key of blobID for keyContext wrapped to that key.
	CountLackingFileKeys(ctx context.Context, blobID, keyContext string, userIDs []int64) (int, error)
}

// idChunk bounds the ids of one IN list.
const idChunk = 500

const userKeyCols = `user_id, key_id, public_key, wrapped_private, kdf_salt, kdf_iterations, created_at, updated_at, recovery_wrap, recovery_key_id`

func scanUserKey(row scanner) (UserKey, error) {
	var k UserKey
	var created, updated int64
	if err := row.Scan(&k.UserID, &k.KeyID, &k.PublicKey, &k.WrappedPrivate, &k.KDFSalt, &k.KDFIterations, &created, &updated, &k.RecoveryWrap, &k.RecoveryKeyID); err != nil {
		return UserKey{}, err
	}
	k.CreatedAt, k.UpdatedAt = fromMillis(created), fromMillis(updated)
	return k, nil
}

// GetUserKey returns the user's key; ErrNotFound when they have none.
func (s *DB) GetUserKey(ctx context.Context, userID int64) (UserKey, error) {
	k, err := scanUserKey(s.queryRow(ctx, `SELECT `+userKeyCols+` FROM user_keys WHERE user_id = ?`, userID))
	if err != nil {
		return UserKey{}, s.fail(err, "get key of user %d", userID)
	}
	return k, nil
}

// PutUserKey: see Keys. The row is locked (PostgreSQL) before it is read, so the key it
// reports replacing is the one it replaced; a first key raced by another node's first
// key becomes an update of that one.
func (s *DB) PutUserKey(ctx context.Context, k UserKey) (UserKey, bool, error) {
	if err := checkTexts("key id", k.KeyID, "public key", k.PublicKey, "wrapped private key", k.WrappedPrivate, "salt", k.KDFSalt); err != nil {
		return UserKey{}, false, fmt.Errorf("store: put key of user %d: %w", k.UserID, err)
	}
	at := s.stamp(k.UpdatedAt)
	var prev UserKey
	had := false
	err := s.inTx(ctx, func(tx *DB) error {
		for attempt := 0; attempt < 2; attempt++ {
			p, err := scanUserKey(tx.queryRow(ctx, `SELECT `+userKeyCols+` FROM user_keys WHERE user_id = ?`+tx.d.rowLock, k.UserID))
			if err == nil {
				prev, had = p, true
				created := p.CreatedAt
				if p.KeyID != k.KeyID {
					created = at
				}
				recWrap, recID := k.RecoveryWrap, k.RecoveryKeyID
				if recWrap == "" && p.KeyID == k.KeyID {
					recWrap, recID = p.RecoveryWrap, p.RecoveryKeyID
				}
				if _, err := tx.exec(ctx, `UPDATE user_keys SET key_id = ?, public_key = ?, wrapped_private = ?, kdf_salt = ?,
						kdf_iterations = ?, created_at = ?, updated_at = ?, recovery_wrap = ?, recovery_key_id = ? WHERE user_id = ?`,
					k.KeyID, k.PublicKey, k.WrappedPrivate, k.KDFSalt, k.KDFIterations, toMillis(created), toMillis(at), recWrap, recID, k.UserID); err != nil {
					return tx.fail(err, "put key of user %d", k.UserID)
				}
				return nil
			}
			if !isNoRows(err) {
				return tx.fail(err, "put key of user %d", k.UserID)
			}
			res, err := tx.exec(ctx, `INSERT INTO user_keys (user_id, key_id, public_key, wrapped_private, kdf_salt, kdf_iterations,
					created_at, updated_at, recovery_wrap, recovery_key_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO NOTHING`,
				k.UserID, k.KeyID, k.PublicKey, k.WrappedPrivate, k.KDFSalt, k.KDFIterations, toMillis(at), toMillis(at), k.RecoveryWrap, k.RecoveryKeyID)
			if err != nil {
				return tx.fail(err, "put key of user %d", k.UserID)
			}
			if n, err := res.RowsAffected(); err != nil {
				return tx.fail(err, "put key of user %d", k.UserID)
			} else if n == 1 {
				return nil
			}
			// Another node stored a first key meanwhile: replace it, as a second put would.
		}
		return fmt.Errorf("store: put key of user %d: the row came and went", k.UserID)
	})
	if err != nil {
		return UserKey{}, false, err
	}
	return prev, had, nil
}

func (s *DB) listUserKeys(ctx context.Context, what, query string, args ...any) ([]UserKey, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, s.fail(err, "%s", what)
	}
	defer rows.Close()
	var out []UserKey
	for rows.Next() {
		k, err := scanUserKey(rows)
		if err != nil {
			return nil, s.fail(err, "%s", what)
		}
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "%s", what)
	}
	return out, nil
}

// int64Args turns ids into query arguments.
func int64Args(ids []int64) []any {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return args
}

func stringArgs(ids []string) []any {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return args
}

// ListUserKeys: see Keys.
func (s *DB) ListUserKeys(ctx context.Context, userIDs []int64) ([]UserKey, error) {
	ids := slices.Compact(slices.Sorted(slices.Values(userIDs)))
	var out []UserKey
	for chunk := range slices.Chunk(ids, idChunk) {
		ks, err := s.listUserKeys(ctx, "list user keys", `SELECT `+userKeyCols+` FROM user_keys WHERE user_id IN (`+
			placeholders(len(chunk))+`) ORDER BY user_id`, int64Args(chunk)...)
		if err != nil {
			return nil, err
		}
		out = append(out, ks...)
	}
	return out, nil
}

// ListChannelKeys: see Keys.
func (s *DB) ListChannelKeys(ctx context.Context, channelID int64) ([]UserKey, error) {
	return s.listUserKeys(ctx, fmt.Sprintf("list keys of channel %d", channelID), `SELECT `+qualified("k", userKeyCols)+`
		FROM channel_members m JOIN user_keys k ON k.user_id = m.user_id
		WHERE m.channel_id = ? ORDER BY k.user_id`, channelID)
}

// qualified prefixes each of a comma-separated column list with alias.
func qualified(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		parts[i] = alias + "." + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// UserChannelIDs: see Keys.
func (s *DB) UserChannelIDs(ctx context.Context, userID int64) ([]int64, error) {
	return s.listIDs(ctx, fmt.Sprintf("list channels of user %d", userID),
		`SELECT channel_id FROM channel_members WHERE user_id = ? ORDER BY channel_id`, userID)
}

func (s *DB) listIDs(ctx context.Context, what, query string, args ...any) ([]int64, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, s.fail(err, "%s", what)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, s.fail(err, "%s", what)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "%s", what)
	}
	return out, nil
}

// GetEscrowKey: see Keys.
func (s *DB) GetEscrowKey(ctx context.Context) (EscrowKey, error) {
	return s.newestKey(ctx, "escrow_keys")
}

// SetEscrowKey: see Keys. A key set before is taken out and put back as the newest
// row, the current one (key ids are unique).
func (s *DB) SetEscrowKey(ctx context.Context, k *EscrowKey) error {
	return s.setNewestKey(ctx, "escrow_keys", k)
}

// newestKey is the current row of an organisation key table (escrow_keys,
// recovery_keys): the newest.
func (s *DB) newestKey(ctx context.Context, table string) (EscrowKey, error) {
	var k EscrowKey
	var created int64
	err := s.queryRow(ctx, `SELECT key_id, public_key, set_by, created_at FROM `+table+` ORDER BY id DESC LIMIT 1`).
		Scan(&k.KeyID, &k.PublicKey, &k.SetBy, &created)
	if err != nil {
		return EscrowKey{}, s.fail(err, "get %s", table)
	}
	k.CreatedAt = fromMillis(created)
	return k, nil
}

// setNewestKey makes k the current row of table; a key set before is taken out and
// put back as the newest.
func (s *DB) setNewestKey(ctx context.Context, table string, k *EscrowKey) error {
	if err := checkTexts("key id", k.KeyID, "public key", k.PublicKey); err != nil {
		return fmt.Errorf("store: set %s: %w", table, err)
	}
	at := s.stamp(k.CreatedAt)
	err := s.inTx(ctx, func(tx *DB) error {
		if _, err := tx.exec(ctx, `DELETE FROM `+table+` WHERE key_id = ?`, k.KeyID); err != nil {
			return tx.fail(err, "set %s", table)
		}
		if _, err := tx.exec(ctx, `INSERT INTO `+table+` (key_id, public_key, set_by, created_at) VALUES (?, ?, ?, ?)`,
			k.KeyID, k.PublicKey, k.SetBy, toMillis(at)); err != nil {
			return tx.fail(err, "set %s", table)
		}
		return nil
	})
	if err != nil {
		return err
	}
	k.CreatedAt = at
	return nil
}

// fileKeyChunk bounds the rows of one multi-row file key insert (7 parameters each).
const fileKeyChunk = 500

// PutFileKeys: see Keys.
func (s *DB) PutFileKeys(ctx context.Context, keys []FileKey, replaceAny bool) (int, error) {
	for _, k := range keys {
		if err := checkTexts("blob id", k.BlobID, "context", k.Context, "key id", k.KeyID, "wrapped key", k.Wrapped); err != nil {
			return 0, fmt.Errorf("store: put file keys: %w", err)
		}
	}
	replace := 0
	if replaceAny {
		replace = 1
	}
	now := toMillis(s.stamp(time.Time{}))
	written := 0
	err := s.inTx(ctx, func(tx *DB) error {
		for chunk := range slices.Chunk(keys, fileKeyChunk) {
			args := make([]any, 0, 7*len(chunk)+1)
			for _, k := range chunk {
				at := now
				if !k.CreatedAt.IsZero() {
					at = toMillis(k.CreatedAt)
				}
				args = append(args, k.BlobID, k.Context, k.UserID, k.KeyID, k.Wrapped, k.WrappedBy, at)
			}
			args = append(args, replace)
			res, err := tx.exec(ctx, `INSERT INTO file_keys (blob_id, context, user_id, key_id, wrapped, wrapped_by, created_at)
				VALUES `+rowsOf(len(chunk), 7)+`
				ON CONFLICT (blob_id, context, user_id) DO UPDATE SET key_id = excluded.key_id, wrapped = excluded.wrapped,
					wrapped_by = excluded.wrapped_by, created_at = excluded.created_at
				WHERE ? = 1 OR file_keys.wrapped_by = excluded.wrapped_by OR file_keys.key_id <> excluded.key_id`, args...)
			if err != nil {
				return tx.fail(err, "put %d file keys", len(chunk))
			}
			n, err := res.RowsAffected()
			if err != nil {
				return tx.fail(err, "put %d file keys", len(chunk))
			}
			written += int(n)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return written, nil
}

const fileKeyCols = `blob_id, context, user_id, key_id, wrapped, wrapped_by, created_at`

func (s *DB) listFileKeys(ctx context.Context, what, query string, args ...any) ([]FileKey, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, s.fail(err, "%s", what)
	}
	defer rows.Close()
	var out []FileKey
	for rows.Next() {
		var k FileKey
		var created int64
		if err := rows.Scan(&k.BlobID, &k.Context, &k.UserID, &k.KeyID, &k.Wrapped, &k.WrappedBy, &created); err != nil {
			return nil, s.fail(err, "%s", what)
		}
		k.CreatedAt = fromMillis(created)
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "%s", what)
	}
	return out, nil
}

// FileKeyIDs: see Keys.
func (s *DB) FileKeyIDs(ctx context.Context, blobID, keyContext string, userIDs []int64) (map[int64]string, error) {
	out := map[int64]string{}
	ids := slices.Compact(slices.Sorted(slices.Values(userIDs)))
	for chunk := range slices.Chunk(ids, idChunk) {
		ks, err := s.listFileKeys(ctx, "look up file keys of "+blobID, `SELECT `+fileKeyCols+` FROM file_keys
			WHERE blob_id = ? AND context = ? AND user_id IN (`+placeholders(len(chunk))+`)`,
			append([]any{blobID, keyContext}, int64Args(chunk)...)...)
		if err != nil {
			return nil, err
		}
		for _, k := range ks {
			out[k.UserID] = k.KeyID
		}
	}
	return out, nil
}

// ListMyFileKeys: see Keys.
func (s *DB) ListMyFileKeys(ctx context.Context, userID int64, blobIDs []string) ([]FileKey, error) {
	ids := slices.Compact(slices.Sorted(slices.Values(blobIDs)))
	var out []FileKey
	for chunk := range slices.Chunk(ids, idChunk) {
		args := append([]any{userID}, stringArgs(chunk)...)
		args = append(args, readableArgs(userID)...)
		ks, err := s.listFileKeys(ctx, fmt.Sprintf("list file keys of user %d", userID), `SELECT `+qualified("k", fileKeyCols)+`
			FROM file_keys k JOIN blobs b ON b.id = k.blob_id
			WHERE k.user_id = ? AND k.blob_id IN (`+placeholders(len(chunk))+`) AND `+readableBlob+`
			ORDER BY k.blob_id, k.context`, args...)
		if err != nil {
			return nil, err
		}
		out = append(out, ks...)
	}
	return out, nil
}

// ListEscrowWraps: see Keys.
func (s *DB) ListEscrowWraps(ctx context.Context, blobID string) ([]FileKey, error) {
	return s.listFileKeys(ctx, "list escrow wraps of "+blobID, `SELECT `+fileKeyCols+` FROM file_keys
		WHERE blob_id = ? AND user_id = 0 ORDER BY created_at DESC, context`, blobID)
}

// CountLackingFileKeys: see Keys. One query per idChunk people.
func (s *DB) CountLackingFileKeys(ctx context.Context, blobID, keyContext string, userIDs []int64) (int, error) {
	ids := slices.Compact(slices.Sorted(slices.Values(userIDs)))
	total := 0
	for chunk := range slices.Chunk(ids, idChunk) {
		var n int
		args := append(int64Args(chunk), blobID, keyContext)
		err := s.queryRow(ctx, `SELECT count(*) FROM user_keys u WHERE u.user_id IN (`+placeholders(len(chunk))+`)
			AND NOT EXISTS (SELECT 1 FROM file_keys k WHERE k.blob_id = ? AND k.context = ? AND k.user_id = u.user_id
				AND k.key_id = u.key_id)`, args...).Scan(&n)
		if err != nil {
			return 0, s.fail(err, "count people without a key of %s", blobID)
		}
		total += n
	}
	return total, nil
}
