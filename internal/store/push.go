package store

import (
	"context"
	"slices"
	"strings"
	"time"
)

// PushSubscription is one browser's Web Push subscription (PushSubscription.toJSON()
// in the browser): where to send and the keys to encrypt for. Endpoint is unique.
type PushSubscription struct {
	ID         int64
	UserID     int64
	Endpoint   string // https URL of the push service
	P256dh     string // base64url, the browser's P-256 public key (65 bytes uncompressed)
	Auth       string // base64url, the 16-byte authentication secret
	UserAgent  string
	CreatedAt  time.Time
	LastUsedAt time.Time // last push the push service accepted; zero when none yet
}

// PushJob is one push waiting to go to one subscription. Payload is the plaintext
// JSON the service worker receives; it is encrypted at send time and the job is
// deleted when done, so it is kept only as long as needed.
type PushJob struct {
	ID             int64
	SubscriptionID int64
	Payload        string
	TTL            time.Duration // whole seconds
	Urgency        string        // very-low, low, normal, high (RFC 8030 §5.3)
	Topic          string        // RFC 8030 §5.4; "" for none
	// Attempts counts tries started; a claim increments it, and Retry and Delete name
	// the value they claimed, so a worker whose lease ran out cannot undo a newer claim.
	Attempts  int
	NextAt    time.Time // when due; while claimed, the end of the lease
	CreatedAt time.Time
	// Subscription is filled in by ClaimPushJobs.
	Subscription PushSubscription
}

// Push keeps Web Push subscriptions and the persistent queue of pushes.
type Push interface {
	// SavePushSubscription stores sub by endpoint: a new endpoint is added; a known one
	// takes sub's user, keys and user agent. When it moves to another user, the pushes
	// still queued for the previous one are deleted with it. Sets sub.ID and CreatedAt.
	SavePushSubscription(ctx context.Context, sub *PushSubscription) error
	// DeletePushSubscription deletes userID's subscription with endpoint and its queued
	// pushes; ErrNotFound when the user has none with that endpoint.
	DeletePushSubscription(ctx context.Context, userID int64, endpoint string) error
	// DeletePushSubscriptionByID deletes a subscription the push service reported gone.
	DeletePushSubscriptionByID(ctx context.Context, id int64) error
	// ListPushSubscriptions lists a user's subscriptions, oldest first.
	ListPushSubscriptions(ctx context.Context, userID int64) ([]PushSubscription, error)
	// TouchPushSubscription records a push the push service accepted.
	TouchPushSubscription(ctx context.Context, id int64, at time.Time) error
	// PrunePushSubscriptions keeps a user's keep most recently used (or created)
	// subscriptions, deletes the rest and returns how many it deleted.
	PrunePushSubscriptions(ctx context.Context, userID int64, keep int) (int, error)

	// EnqueuePush adds job (its SubscriptionID ignored) once for every subscription of
	// every user in userIDs, due at job.NextAt, in one transaction, and returns how many
	// it added. A queued job with the same non-empty topic for the same subscription is
	// replaced: only the newest push for a topic is worth sending.
	EnqueuePush(ctx context.Context, userIDs []int64, job PushJob) (int, error)
	// ClaimPushJobs atomically takes up to limit jobs due at now, oldest due first,
	// increments their Attempts and holds them until leaseUntil: a worker that dies
	// leaves them to be claimed again then. Several nodes may claim at once; each job
	// goes to one of them.
	ClaimPushJobs(ctx context.Context, now, leaseUntil time.Time, limit int) ([]PushJob, error)
	// RetryPushJob makes a claimed job due again at next. ErrNotFound when the job is
	// gone or was claimed again since attempts.
	RetryPushJob(ctx context.Context, id int64, attempts int, next time.Time) error
	// DeletePushJob deletes a job delivered or given up; ErrNotFound as RetryPushJob.
	DeletePushJob(ctx context.Context, id int64, attempts int) error
	// CountPushJobs is the length of the queue, claimed jobs included.
	CountPushJobs(ctx context.Context) (int, error)

	// PutMetaOnce stores value under key unless the key is set, and returns what is
	// stored: for generated keys (VAPID) that several nodes starting at once may each
	// generate, so that all of them end up using the first one.
	PutMetaOnce(ctx context.Context, key, value string) (string, error)
}

const (
	pushSubCols = `id, user_id, endpoint, p256dh, auth, user_agent, created_at, last_used_at`
	pushJobCols = `id, subscription_id, payload, ttl_seconds, urgency, topic, attempts, next_at, created_at`
	// pushUserChunk bounds the user ids in one IN list.
	pushUserChunk = 500
)

func scanPushSub(row scanner) (PushSubscription, error) {
	var p PushSubscription
	var created, used int64
	if err := row.Scan(&p.ID, &p.UserID, &p.Endpoint, &p.P256dh, &p.Auth, &p.UserAgent, &created, &used); err != nil {
		return PushSubscription{}, err
	}
	p.CreatedAt, p.LastUsedAt = fromMillis(created), fromMillis(used)
	return p, nil
}

func scanPushJob(row scanner) (PushJob, error) {
	var j PushJob
	var ttl, next, created int64
	if err := row.Scan(&j.ID, &j.SubscriptionID, &j.Payload, &ttl, &j.Urgency, &j.Topic, &j.Attempts, &next, &created); err != nil {
		return PushJob{}, err
	}
	j.TTL = time.Duration(ttl) * time.Second
	j.NextAt, j.CreatedAt = fromMillis(next), fromMillis(created)
	return j, nil
}

// SavePushSubscription adds or takes over the subscription with sub.Endpoint.
func (s *DB) SavePushSubscription(ctx context.Context, sub *PushSubscription) error {
	created := s.stamp(sub.CreatedAt)
	err := s.inTx(ctx, func(tx *DB) error {
		// Insert first so two nodes saving one endpoint at once meet on the unique
		// index instead of both inserting; then lock the row, whoever inserted it.
		if _, err := tx.exec(ctx, `INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, user_agent, created_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (endpoint) DO NOTHING`,
			sub.UserID, sub.Endpoint, sub.P256dh, sub.Auth, sub.UserAgent, toMillis(created)); err != nil {
			return err
		}
		cur, err := scanPushSub(tx.queryRow(ctx, `SELECT `+pushSubCols+` FROM push_subscriptions WHERE endpoint = ?`+tx.d.rowLock, sub.Endpoint))
		if err != nil {
			return err
		}
		if cur.UserID != sub.UserID {
			// Another person's device now: nothing queued for the previous one may reach it.
			if _, err := tx.exec(ctx, `DELETE FROM push_jobs WHERE subscription_id = ?`, cur.ID); err != nil {
				return err
			}
			cur.CreatedAt, cur.LastUsedAt = created, time.Time{}
		}
		if _, err := tx.exec(ctx, `UPDATE push_subscriptions SET user_id = ?, p256dh = ?, auth = ?, user_agent = ?,
			created_at = ?, last_used_at = ? WHERE id = ?`,
			sub.UserID, sub.P256dh, sub.Auth, sub.UserAgent, toMillis(cur.CreatedAt), toMillis(cur.LastUsedAt), cur.ID); err != nil {
			return err
		}
		sub.ID, sub.CreatedAt, sub.LastUsedAt = cur.ID, cur.CreatedAt, cur.LastUsedAt
		return nil
	})
	if err != nil {
		return s.fail(err, "save push subscription of user %d", sub.UserID)
	}
	return nil
}

// DeletePushSubscription deletes userID's own subscription; its jobs go with it
// (ON DELETE CASCADE).
func (s *DB) DeletePushSubscription(ctx context.Context, userID int64, endpoint string) error {
	if err := s.execOne(ctx, `DELETE FROM push_subscriptions WHERE user_id = ? AND endpoint = ?`, userID, endpoint); err != nil {
		return s.fail(err, "delete push subscription of user %d", userID)
	}
	return nil
}

// DeletePushSubscriptionByID deletes a subscription and its jobs.
func (s *DB) DeletePushSubscriptionByID(ctx context.Context, id int64) error {
	if err := s.execOne(ctx, `DELETE FROM push_subscriptions WHERE id = ?`, id); err != nil {
		return s.fail(err, "delete push subscription %d", id)
	}
	return nil
}

// ListPushSubscriptions lists userID's subscriptions, oldest first.
func (s *DB) ListPushSubscriptions(ctx context.Context, userID int64) ([]PushSubscription, error) {
	rows, err := s.query(ctx, `SELECT `+pushSubCols+` FROM push_subscriptions WHERE user_id = ? ORDER BY id`, userID)
	if err != nil {
		return nil, s.fail(err, "list push subscriptions of user %d", userID)
	}
	defer rows.Close()
	var out []PushSubscription
	for rows.Next() {
		p, err := scanPushSub(rows)
		if err != nil {
			return nil, s.fail(err, "list push subscriptions of user %d", userID)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list push subscriptions of user %d", userID)
	}
	return out, nil
}

// TouchPushSubscription sets last_used_at; a subscription deleted meanwhile is no error.
func (s *DB) TouchPushSubscription(ctx context.Context, id int64, at time.Time) error {
	if _, err := s.exec(ctx, `UPDATE push_subscriptions SET last_used_at = ? WHERE id = ?`, toMillis(s.stamp(at)), id); err != nil {
		return s.fail(err, "touch push subscription %d", id)
	}
	return nil
}

// PrunePushSubscriptions deletes all but the keep most recently used subscriptions.
func (s *DB) PrunePushSubscriptions(ctx context.Context, userID int64, keep int) (int, error) {
	res, err := s.exec(ctx, `DELETE FROM push_subscriptions WHERE user_id = ? AND id NOT IN (
		SELECT id FROM push_subscriptions WHERE user_id = ?
		ORDER BY CASE WHEN last_used_at > created_at THEN last_used_at ELSE created_at END DESC, id DESC LIMIT ?)`,
		userID, userID, max(keep, 0))
	if err != nil {
		return 0, s.fail(err, "prune push subscriptions of user %d", userID)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, s.fail(err, "prune push subscriptions of user %d", userID)
	}
	return int(n), nil
}

// EnqueuePush inserts one job per subscription of the users, chunk by chunk in one
// transaction, each chunk a single INSERT … SELECT.
func (s *DB) EnqueuePush(ctx context.Context, userIDs []int64, job PushJob) (int, error) {
	ids := slices.Clone(userIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) == 0 {
		return 0, nil
	}
	now := s.stamp(job.CreatedAt)
	next := now
	if !job.NextAt.IsZero() {
		next = asStored(job.NextAt)
	}
	total := 0
	err := s.inTx(ctx, func(tx *DB) error {
		for chunk := range slices.Chunk(ids, pushUserChunk) {
			in, args := inList(chunk)
			if job.Topic != "" {
				if _, err := tx.exec(ctx, `DELETE FROM push_jobs WHERE topic = ? AND subscription_id IN (
					SELECT id FROM push_subscriptions WHERE user_id IN (`+in+`))`, append([]any{job.Topic}, args...)...); err != nil {
					return err
				}
			}
			res, err := tx.exec(ctx, `INSERT INTO push_jobs (subscription_id, payload, ttl_seconds, urgency, topic, attempts, next_at, created_at)
				SELECT id, ?, ?, ?, ?, 0, ?, ? FROM push_subscriptions WHERE user_id IN (`+in+`) ORDER BY id`,
				append([]any{job.Payload, int64(job.TTL / time.Second), job.Urgency, job.Topic, toMillis(next), toMillis(now)}, args...)...)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			total += int(n)
		}
		return nil
	})
	if err != nil {
		return 0, s.fail(err, "enqueue push for %d users", len(ids))
	}
	return total, nil
}

// inList is "?, ?, …" for ids and the ids as arguments.
func inList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", "), args
}

// ClaimPushJobs claims due jobs in one UPDATE … RETURNING. On PostgreSQL the inner
// SELECT skips rows another node is claiming (SKIP LOCKED) instead of waiting for
// them; SQLite's write lock serialises claimers anyway.
func (s *DB) ClaimPushJobs(ctx context.Context, now, leaseUntil time.Time, limit int) ([]PushJob, error) {
	lock := ""
	if s.d.rowLock != "" {
		lock = s.d.rowLock + " SKIP LOCKED"
	}
	var jobs []PushJob
	err := s.inTx(ctx, func(tx *DB) error {
		rows, err := tx.query(ctx, `UPDATE push_jobs SET attempts = attempts + 1, next_at = ?
			WHERE id IN (SELECT id FROM push_jobs WHERE next_at <= ? ORDER BY next_at, id LIMIT ?`+lock+`)
			RETURNING `+pushJobCols, toMillis(asStored(leaseUntil)), toMillis(now), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			j, err := scanPushJob(rows)
			if err != nil {
				return err
			}
			jobs = append(jobs, j)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		if len(jobs) == 0 {
			return nil
		}
		subIDs := make([]int64, 0, len(jobs))
		for _, j := range jobs {
			subIDs = append(subIDs, j.SubscriptionID)
		}
		slices.Sort(subIDs)
		in, args := inList(slices.Compact(subIDs))
		srows, err := tx.query(ctx, `SELECT `+pushSubCols+` FROM push_subscriptions WHERE id IN (`+in+`)`, args...)
		if err != nil {
			return err
		}
		defer srows.Close()
		subs := map[int64]PushSubscription{}
		for srows.Next() {
			p, err := scanPushSub(srows)
			if err != nil {
				return err
			}
			subs[p.ID] = p
		}
		if err := srows.Err(); err != nil {
			return err
		}
		for i := range jobs {
			jobs[i].Subscription = subs[jobs[i].SubscriptionID]
		}
		return nil
	})
	if err != nil {
		return nil, s.fail(err, "claim push jobs")
	}
	slices.SortFunc(jobs, func(a, b PushJob) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	return jobs, nil
}

// RetryPushJob makes the job due at next, if still claimed as attempts.
func (s *DB) RetryPushJob(ctx context.Context, id int64, attempts int, next time.Time) error {
	if err := s.execOne(ctx, `UPDATE push_jobs SET next_at = ? WHERE id = ? AND attempts = ?`, toMillis(asStored(next)), id, attempts); err != nil {
		return s.fail(err, "retry push job %d", id)
	}
	return nil
}

// DeletePushJob deletes the job, if still claimed as attempts.
func (s *DB) DeletePushJob(ctx context.Context, id int64, attempts int) error {
	if err := s.execOne(ctx, `DELETE FROM push_jobs WHERE id = ? AND attempts = ?`, id, attempts); err != nil {
		return s.fail(err, "delete push job %d", id)
	}
	return nil
}

// CountPushJobs counts the queue.
func (s *DB) CountPushJobs(ctx context.Context) (int, error) {
	var n int
	if err := s.queryRow(ctx, `SELECT count(*) FROM push_jobs`).Scan(&n); err != nil {
		return 0, s.fail(err, "count push jobs")
	}
	return n, nil
}

// PutMetaOnce inserts key unless present and reads back what is stored.
func (s *DB) PutMetaOnce(ctx context.Context, key, value string) (string, error) {
	var stored string
	err := s.inTx(ctx, func(tx *DB) error {
		if _, err := tx.exec(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, value); err != nil {
			return err
		}
		return tx.queryRow(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&stored)
	})
	if err != nil {
		return "", s.fail(err, "put meta %q once", key)
	}
	return stored, nil
}
