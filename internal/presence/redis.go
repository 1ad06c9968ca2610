package presence

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis shares presence between nodes: for each online user a hash holds, per node, the
// time until which that node vouches for them. Nodes renew their users well before that
// time, so a node that dies stops vouching within one TTL without anyone cleaning up.
type Redis struct {
	client redis.UniversalClient
	prefix string
	node   string
	ttl    time.Duration
	now    func() time.Time
	log    *slog.Logger
	c      counts

	stop chan struct{}
	wg   sync.WaitGroup
}

// NewRedis starts a tracker that renews its users every ttl/3.
func NewRedis(client redis.UniversalClient, prefix string, ttl time.Duration, now func() time.Time, log *slog.Logger) (*Redis, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("presence: node id: %w", err)
	}
	r := &Redis{client: client, prefix: prefix, node: hex.EncodeToString(b), ttl: ttl, now: now, log: log,
		c: counts{n: map[int64]int{}}, stop: make(chan struct{})}
	r.wg.Add(1)
	go r.renew()
	return r, nil
}

func (r *Redis) key(userID int64) string {
	return r.prefix + "presence:" + strconv.FormatInt(userID, 10)
}

// vouch writes this node's claim for the users in one round trip.
func (r *Redis) vouch(ctx context.Context, userIDs []int64) error {
	if len(userIDs) == 0 {
		return nil
	}
	until := strconv.FormatInt(r.now().Add(r.ttl).UnixMilli(), 10)
	_, err := r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, id := range userIDs {
			p.HSet(ctx, r.key(id), r.node, until)
			p.PExpire(ctx, r.key(id), 2*r.ttl)
		}
		return nil
	})
	return err
}

// Connected counts the connection and, on the user's first, vouches for them at once.
func (r *Redis) Connected(ctx context.Context, userID int64) {
	if online, _ := r.c.add(userID, 1); online {
		if err := r.vouch(ctx, []int64{userID}); err != nil {
			r.log.Warn("presence: vouch failed; retried at the next renewal", "err", err)
		}
	}
}

// Disconnected counts the close and, on the user's last, withdraws this node's claim.
func (r *Redis) Disconnected(ctx context.Context, userID int64) {
	if _, offline := r.c.add(userID, -1); offline {
		if err := r.client.HDel(ctx, r.key(userID), r.node).Err(); err != nil {
			r.log.Warn("presence: withdraw failed; the claim lapses by itself", "err", err)
		}
	}
}

// Online reports which users some node vouches for now.
func (r *Redis) Online(ctx context.Context, userIDs []int64) (map[int64]bool, error) {
	cmds := make([]*redis.MapStringStringCmd, len(userIDs))
	_, err := r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range userIDs {
			cmds[i] = p.HGetAll(ctx, r.key(id))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("presence: %w", err)
	}
	now := r.now().UnixMilli()
	out := make(map[int64]bool, len(userIDs))
	for i, id := range userIDs {
		for _, until := range cmds[i].Val() {
			if ms, err := strconv.ParseInt(until, 10, 64); err == nil && ms > now {
				out[id] = true
				break
			}
		}
		if !out[id] {
			out[id] = false
		}
	}
	return out, nil
}

func (r *Redis) renew() {
	defer r.wg.Done()
	t := time.NewTicker(r.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), r.ttl/3)
			if err := r.vouch(ctx, r.c.users()); err != nil {
				r.log.Warn("presence: renewal failed", "err", err)
			}
			cancel()
		}
	}
}

// Close stops renewing and withdraws this node's claims, so its users go offline at
// once on a graceful shutdown rather than after a TTL.
func (r *Redis) Close(ctx context.Context) {
	close(r.stop)
	r.wg.Wait()
	users := r.c.users()
	_, _ = r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, id := range users {
			p.HDel(ctx, r.key(id), r.node)
		}
		return nil
	})
}
