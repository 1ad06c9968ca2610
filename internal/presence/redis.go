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
// A second hash per user does the same for activity: a node vouches there while it has
// a connection of the user's that is not away. Away is the absence of that claim, so a
// dead node leaves nobody marked active, nor away, past one TTL.
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
		c: newCounts(), stop: make(chan struct{})}
	r.wg.Add(1)
	go r.renew()
	return r, nil
}

func (r *Redis) key(userID int64) string {
	return r.prefix + "presence:" + strconv.FormatInt(userID, 10)
}

func (r *Redis) activeKey(userID int64) string {
	return r.prefix + "presence-active:" + strconv.FormatInt(userID, 10)
}

// vouch writes this node's claims for the users online and active here, and withdraws
// its activity claim for those idle here (online, every connection away), in one round
// trip. Renewing withdraws too, so a claim an Away raced with is put right within a
// renewal period rather than standing for a whole TTL.
func (r *Redis) vouch(ctx context.Context, online, active, idle []int64) error {
	if len(online) == 0 && len(active) == 0 && len(idle) == 0 {
		return nil
	}
	until := strconv.FormatInt(r.now().Add(r.ttl).UnixMilli(), 10)
	_, err := r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, id := range online {
			p.HSet(ctx, r.key(id), r.node, until)
			p.PExpire(ctx, r.key(id), 2*r.ttl)
		}
		for _, id := range active {
			p.HSet(ctx, r.activeKey(id), r.node, until)
			p.PExpire(ctx, r.activeKey(id), 2*r.ttl)
		}
		for _, id := range idle {
			p.HDel(ctx, r.activeKey(id), r.node)
		}
		return nil
	})
	return err
}

// apply makes this node's claims for a user follow a change of its counts at once:
// vouching for what began, withdrawing what ended.
func (r *Redis) apply(ctx context.Context, userID int64, ch change) {
	var online, active []int64
	var withdraw []string
	switch ch.online {
	case 1:
		online = []int64{userID}
	case -1:
		withdraw = append(withdraw, r.key(userID))
	}
	switch ch.active {
	case 1:
		active = []int64{userID}
	case -1:
		withdraw = append(withdraw, r.activeKey(userID))
	}
	if err := r.vouch(ctx, online, active, nil); err != nil {
		r.log.Warn("presence: vouch failed; retried at the next renewal", "err", err)
	}
	if len(withdraw) == 0 {
		return
	}
	_, err := r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, k := range withdraw {
			p.HDel(ctx, k, r.node)
		}
		return nil
	})
	if err != nil {
		r.log.Warn("presence: withdraw failed; the claim lapses by itself", "err", err)
	}
}

// Connected counts the connection and, on the user's first (or first active), vouches
// for them at once.
func (r *Redis) Connected(ctx context.Context, userID int64) {
	r.apply(ctx, userID, r.c.add(userID, 1, 0))
}

// Disconnected counts the close (and, for an away connection, one away fewer) and, on
// the user's last (or last active), withdraws this node's claim.
func (r *Redis) Disconnected(ctx context.Context, userID int64, away bool) {
	r.apply(ctx, userID, r.c.add(userID, -1, -b2i(away)))
}

// Away marks one connection away or active again, and vouches for the user's activity
// or withdraws it when that changed on this node.
func (r *Redis) Away(ctx context.Context, userID int64, away bool) {
	r.apply(ctx, userID, r.c.add(userID, 0, sign(away)))
}

// Online reports which users some node vouches for now.
func (r *Redis) Online(ctx context.Context, userIDs []int64) (map[int64]bool, error) {
	return r.claimed(ctx, userIDs, r.key)
}

// Active reports which users some node vouches has a connection that is not away.
func (r *Redis) Active(ctx context.Context, userIDs []int64) (map[int64]bool, error) {
	return r.claimed(ctx, userIDs, r.activeKey)
}

// claimed reports which users' hash (named by key) holds a claim still in force.
func (r *Redis) claimed(ctx context.Context, userIDs []int64, key func(int64) string) (map[int64]bool, error) {
	cmds := make([]*redis.MapStringStringCmd, len(userIDs))
	_, err := r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range userIDs {
			cmds[i] = p.HGetAll(ctx, key(id))
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
			r.renewOnce(ctx)
			cancel()
		}
	}
}

// renewOnce vouches again for every user here, as each tick of renew does.
func (r *Redis) renewOnce(ctx context.Context) {
	online, active, idle := r.c.users()
	if err := r.vouch(ctx, online, active, idle); err != nil {
		r.log.Warn("presence: renewal failed", "err", err)
	}
}

// Close stops renewing and withdraws this node's claims, so its users go offline at
// once on a graceful shutdown rather than after a TTL.
func (r *Redis) Close(ctx context.Context) {
	close(r.stop)
	r.wg.Wait()
	users, _, _ := r.c.users()
	_, _ = r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, id := range users {
			p.HDel(ctx, r.key(id), r.node)
			p.HDel(ctx, r.activeKey(id), r.node)
		}
		return nil
	})
}
