package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"govchat/internal/atrest"
)

// Encryption at rest (docs/at-rest.md): message text and forwards, notice titles,
// bodies and change notes (with every revision) and recipients' replies are stored
// sealed under the data key of their bucket — (secrecy, UTC period of retain_from) for
// a message, (secrecy, UTC period of created_at) for a notice and everything of it —
// and the search postings are keyed hashes under the same key. Everything here is
// below the store's API: callers read and write plaintext.

// keyCacheTTL bounds how long a node keeps a data key it did not destroy itself: a
// key another node shreds leaves this node's memory within it. (No row refers to a
// shredded key, so nothing this node reads meanwhile needs it.)
const keyCacheTTL = 10 * time.Minute

// ErrNoMasterKey is returned by writes (and reads of sealed rows) on a store that
// was given no master key.
var ErrNoMasterKey = errors.New("store: no master key for encryption at rest (--data-key-file)")

// keyEntry is one unwrapped data key.
type keyEntry struct {
	id     int64
	bucket atrest.Bucket
	key    *atrest.DataKey
	loaded time.Time
}

// keyring is the state of encryption at rest one store and every transaction bound
// to it share: the master key and the data keys unwrapped so far.
type keyring struct {
	mu       sync.Mutex
	master   *atrest.MasterKey
	byID     map[int64]*keyEntry
	byBucket map[atrest.Bucket]*keyEntry
	// legacyDone: message_terms (plaintext postings of rows from before migration
	// 0018) was seen empty; it never fills again, so searches stop consulting it.
	legacyDone bool
}

func newKeyring() *keyring {
	return &keyring{byID: map[int64]*keyEntry{}, byBucket: map[atrest.Bucket]*keyEntry{}}
}

// SetMasterKey gives the store the master key that wraps its data keys. Call it once,
// before the store is used; a store without one refuses to write text.
func (s *DB) SetMasterKey(mk *atrest.MasterKey) {
	s.ar.mu.Lock()
	defer s.ar.mu.Unlock()
	s.ar.master = mk
	clear(s.ar.byID)
	clear(s.ar.byBucket)
}

// cached returns the entry for id if it is fresh.
func (k *keyring) cached(id int64, now time.Time) *keyEntry {
	k.mu.Lock()
	defer k.mu.Unlock()
	e := k.byID[id]
	if e == nil || now.Sub(e.loaded) > keyCacheTTL || now.Before(e.loaded) {
		return nil
	}
	return e
}

func (k *keyring) remember(e *keyEntry) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.byID[e.id] = e
	k.byBucket[e.bucket] = e
}

// forget drops a destroyed key at once.
func (k *keyring) forget(id int64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if e := k.byID[id]; e != nil {
		delete(k.byBucket, e.bucket)
	}
	delete(k.byID, id)
}

func (k *keyring) masterKey() (*atrest.MasterKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.master == nil {
		return nil, ErrNoMasterKey
	}
	return k.master, nil
}

// unwrap turns a data_keys row into an entry.
func (s *DB) unwrap(id int64, b atrest.Bucket, wrapped []byte) (*keyEntry, error) {
	mk, err := s.ar.masterKey()
	if err != nil {
		return nil, err
	}
	raw, err := mk.Unwrap(b, wrapped)
	if err != nil {
		return nil, fmt.Errorf("store: data key %d (bucket %s): %w", id, b, err)
	}
	defer clear(raw)
	dk, err := atrest.OpenDataKey(raw)
	if err != nil {
		return nil, err
	}
	return &keyEntry{id: id, bucket: b, key: dk, loaded: s.now()}, nil
}

// keep caches e unless this transaction created it: only a committed key may
// outlive the transaction in memory (a rolled-back one's id could be taken again).
func (s *DB) keep(e *keyEntry) {
	if s.txKeys != nil && s.txKeys[e.id] {
		return
	}
	s.ar.remember(e)
}

// sealKeys returns the data key of each bucket, creating missing ones. A cached key
// serves only its bucket's current period: a key is destroyed only after its period
// and the level's retention (at least a day) are over, so a current period's key
// cannot have been destroyed by another node, while an older bucket's key is looked
// up in the database every time (forwards of old messages and edits are rare).
func (s *DB) sealKeys(ctx context.Context, buckets []atrest.Bucket) (map[atrest.Bucket]*keyEntry, error) {
	if _, err := s.ar.masterKey(); err != nil {
		return nil, err
	}
	now := s.now()
	out := make(map[atrest.Bucket]*keyEntry, len(buckets))
	for _, b := range buckets {
		if _, ok := out[b]; ok {
			continue
		}
		if b == atrest.BucketOf(b.Level, now) {
			s.ar.mu.Lock()
			e := s.ar.byBucket[b]
			s.ar.mu.Unlock()
			if e != nil {
				out[b] = e
				continue
			}
		}
		e, err := s.bucketKey(ctx, b)
		if err != nil {
			return nil, err
		}
		out[b] = e
	}
	return out, nil
}

// bucketKey reads, or creates, the data key of bucket b.
func (s *DB) bucketKey(ctx context.Context, b atrest.Bucket) (*keyEntry, error) {
	var id int64
	var wrapped []byte
	err := s.queryRow(ctx, `SELECT id, wrapped FROM data_keys WHERE level = ? AND period = ?`, b.Level, b.Period).Scan(&id, &wrapped)
	if err == nil {
		e, err := s.unwrap(id, b, wrapped)
		if err != nil {
			return nil, err
		}
		s.keep(e)
		return e, nil
	}
	if !isNoRows(err) {
		return nil, s.fail(err, "read data key of bucket %s", b)
	}
	mk, err := s.ar.masterKey()
	if err != nil {
		return nil, err
	}
	raw, err := atrest.NewDataKey()
	if err != nil {
		return nil, err
	}
	defer clear(raw)
	if wrapped, err = mk.Wrap(b, raw); err != nil {
		return nil, err
	}
	// Two nodes may create a bucket at once: the second does nothing and reads the first's.
	err = s.queryRow(ctx, `INSERT INTO data_keys (level, period, wrapped, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (level, period) DO NOTHING RETURNING id`, b.Level, b.Period, wrapped, toMillis(s.now())).Scan(&id)
	if isNoRows(err) {
		return s.bucketKey(ctx, b)
	}
	if err != nil {
		return nil, s.fail(err, "create data key of bucket %s", b)
	}
	if s.tx != nil {
		s.txKeys[id] = true
	}
	dk, err := atrest.OpenDataKey(raw)
	if err != nil {
		return nil, err
	}
	e := &keyEntry{id: id, bucket: b, key: dk, loaded: s.now()}
	s.keep(e)
	return e, nil
}

// openKeys returns the data keys of ids (0 is skipped). A key that no longer exists
// is absent from the map: what was sealed under it is destroyed.
func (s *DB) openKeys(ctx context.Context, ids []int64) (map[int64]*keyEntry, error) {
	out := map[int64]*keyEntry{}
	var missing []int64
	now := s.now()
	for _, id := range ids {
		if id == 0 {
			continue
		}
		if _, ok := out[id]; ok {
			continue
		}
		if e := s.ar.cached(id, now); e != nil {
			out[id] = e
			continue
		}
		missing = append(missing, id)
	}
	slices.Sort(missing)
	missing = slices.Compact(missing)
	for chunk := range slices.Chunk(missing, idChunk) {
		rows, err := s.query(ctx, `SELECT id, level, period, wrapped FROM data_keys WHERE id IN (`+placeholders(len(chunk))+`)`,
			int64Args(chunk)...)
		if err != nil {
			return nil, s.fail(err, "read data keys")
		}
		type row struct {
			id      int64
			b       atrest.Bucket
			wrapped []byte
		}
		var got []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.b.Level, &r.b.Period, &r.wrapped); err != nil {
				rows.Close()
				return nil, s.fail(err, "read data keys")
			}
			got = append(got, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, s.fail(err, "read data keys")
		}
		for _, r := range got {
			e, err := s.unwrap(r.id, r.b, r.wrapped)
			if err != nil {
				return nil, err
			}
			s.keep(e)
			out[r.id] = e
		}
	}
	return out, nil
}

// liveKeys returns every data key whose period begins before until (zero: all), for
// a search: a query term is hashed under each. One small query, so a key another node
// destroyed stops being searched at once.
func (s *DB) liveKeys(ctx context.Context, until time.Time) ([]*keyEntry, error) {
	q := `SELECT id FROM data_keys`
	var args []any
	if !until.IsZero() {
		// Month and day periods are compared each with its own kind (by level).
		last := until.Add(-time.Millisecond)
		q += ` WHERE (level < ? AND period <= ?) OR (level >= ? AND period <= ?)`
		args = append(args, atrest.DayBucketLevel, atrest.BucketOf(0, last).Period,
			atrest.DayBucketLevel, atrest.BucketOf(atrest.DayBucketLevel, last).Period)
	}
	ids, err := s.listIDs(ctx, "list data keys", q+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	m, err := s.openKeys(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*keyEntry, 0, len(m))
	for _, id := range ids {
		if e := m[id]; e != nil {
			out = append(out, e)
		}
	}
	return out, nil
}

// sealed is what a row stores for one text field: the value (sealed, or plaintext
// for a row from before encryption) and the key it is sealed under (NULL: plaintext;
// 0: nothing sealed, the value is empty).
type sealed struct {
	key sql.NullInt64
	val string
}

// open returns the plaintext of f, bound to aad. A key that no longer exists means the
// bucket was destroyed (crypto-shredded): the text is gone, and reads as empty.
func openField(keys map[int64]*keyEntry, f sealed, aad string) (string, error) {
	if !f.key.Valid {
		return f.val, nil // written before encryption at rest, not yet sealed
	}
	if f.val == "" {
		return "", nil
	}
	e := keys[f.key.Int64]
	if e == nil {
		return "", nil
	}
	pt, err := e.key.Open(f.val, aad)
	if err != nil {
		return "", fmt.Errorf("open %s under data key %d: %w", aad, f.key.Int64, err)
	}
	return pt, nil
}

// keyIDs lists the keys of fields, for openKeys.
func keyIDs(fields ...sealed) []int64 {
	ids := make([]int64, 0, len(fields))
	for _, f := range fields {
		if f.key.Valid && f.key.Int64 != 0 && f.val != "" {
			ids = append(ids, f.key.Int64)
		}
	}
	return ids
}

// token is a search posting as stored: the 8 bytes of atrest's token as an integer.
func token(k *atrest.DataKey, key string) int64 {
	var buf [atrest.TokenSize]byte
	return int64(binary.BigEndian.Uint64(k.AppendToken(buf[:0], key)))
}

// ShredDataKeys destroys the data keys of level's buckets whose period ended before
// `before` and that no row uses any more: no message of the bucket (by secrecy and
// retain_from, held ones included), and no notice of it (by secrecy and created_at)
// whose title, body, change note, revisions or replies still hold text — a purged
// notice keeps its row for the confirmation ledger, with its texts cleared. It
// returns how many it destroyed. The key leaves this node's memory at once, other
// nodes' within keyCacheTTL (and no row they could read refers to it). Auditing is
// the caller's.
func (s *DB) ShredDataKeys(ctx context.Context, level int, before time.Time) (int, error) {
	limit := atrest.BucketOf(level, before)
	rows, err := s.query(ctx, `SELECT id, period FROM data_keys WHERE level = ? AND period <= ? ORDER BY period`, level, limit.Period)
	if err != nil {
		return 0, s.fail(err, "shred data keys of level %d", level)
	}
	type cand struct {
		id int64
		b  atrest.Bucket
	}
	var cands []cand
	for rows.Next() {
		c := cand{b: atrest.Bucket{Level: level}}
		if err := rows.Scan(&c.id, &c.b.Period); err != nil {
			rows.Close()
			return 0, s.fail(err, "shred data keys of level %d", level)
		}
		if !c.b.End().After(before) {
			cands = append(cands, c)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, s.fail(err, "shred data keys of level %d", level)
	}
	n := 0
	for _, c := range cands {
		from, to := toMillis(c.b.Start()), toMillis(c.b.End())
		// One statement per key: the check and the delete see one snapshot, and no
		// lock is held between buckets.
		res, err := s.exec(ctx, `DELETE FROM data_keys WHERE id = ?
			AND NOT EXISTS (SELECT 1 FROM messages WHERE secrecy = ? AND retain_from >= ? AND retain_from < ?)
			AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.secrecy = ? AND n.created_at >= ? AND n.created_at < ?
				AND (n.title <> '' OR n.body <> '' OR n.change_note <> ''
					OR EXISTS (SELECT 1 FROM notice_revisions r WHERE r.notice_id = n.id
						AND (r.title <> '' OR r.body <> '' OR r.change_note <> ''))
					OR EXISTS (SELECT 1 FROM notice_recipients p WHERE p.notice_id = n.id AND p.reply <> '')))`,
			c.id, level, from, to, level, from, to)
		if err != nil {
			return n, s.fail(err, "shred data key of bucket %s", c.b)
		}
		if k, _ := res.RowsAffected(); k > 0 {
			s.ar.forget(c.id)
			n++
		}
	}
	return n, nil
}
