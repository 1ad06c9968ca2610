package hub

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"govchat/internal/apperr"
	"govchat/protocol"
)

// reauthTimeout bounds one re-authentication; a store that does not answer in time
// is treated as down, which keeps the connection (see reauthenticate).
const reauthTimeout = 10 * time.Second

// timers is when a connection's heartbeat ping, session re-check and session expiry
// fall due, in this process's clock (time.Now). Guarded by conn.mu; the hub's clock
// calls onTick at the earliest of them.
type timers struct {
	pingAt     time.Time
	recheckAt  time.Time // zero while a re-check is running
	expireAt   time.Time // zero: the session has no expiry
	rechecking bool
}

// startTimers books the connection's first ping, re-check and expiry.
func (c *conn) startTimers() {
	now := time.Now()
	c.mu.Lock()
	c.timers.pingAt = now.Add(c.hub.opt.Heartbeat)
	c.timers.recheckAt = now.Add(jitter(c.hub.opt.RecheckPeriod))
	c.setExpiry(c.principal().Session.ExpiresAt, now)
	c.hub.clock.schedule(c, c.timers.next())
	c.mu.Unlock()
}

// setExpiry turns the session's expiry (in the hub's clock, Options.Now) into this
// process's clock. Callers hold c.mu.
func (c *conn) setExpiry(at, now time.Time) {
	c.timers.expireAt = time.Time{}
	if !at.IsZero() {
		c.timers.expireAt = now.Add(max(at.Sub(c.hub.now()), 0))
	}
}

// next is the earliest time something falls due.
func (t *timers) next() time.Time {
	next := t.pingAt
	if !t.rechecking && t.recheckAt.Before(next) {
		next = t.recheckAt
	}
	if !t.expireAt.IsZero() && t.expireAt.Before(next) {
		next = t.expireAt
	}
	return next
}

// onTick does what is due at now — the heartbeat ping, the session's expiry, a
// re-check — and books the next. The clock calls it, so it never waits: the ping is
// the writer's, the re-check runs on a goroutine of its own. Bookings are made under
// c.mu (then the clock's lock), so two never cross.
func (c *conn) onTick(now time.Time) {
	if c.closing() {
		return
	}
	c.mu.Lock()
	t := &c.timers
	if !t.expireAt.IsZero() && !now.Before(t.expireAt) {
		c.mu.Unlock()
		c.close(protocol.CloseUnauthenticated, "session expired; log in again")
		return
	}
	ping := !now.Before(t.pingAt)
	if ping {
		t.pingAt = now.Add(c.hub.opt.Heartbeat)
	}
	recheck := !t.rechecking && !now.Before(t.recheckAt)
	if recheck {
		select {
		case c.hub.rechecks <- struct{}{}:
			t.rechecking = true
		default:
			// As many re-checks as the store is asked at once are running: try
			// again within a few ticks rather than pile onto it.
			recheck = false
			t.recheckAt = now.Add(c.hub.clock.tick * time.Duration(1+rand.N(8)))
		}
	}
	c.hub.clock.schedule(c, t.next())
	c.mu.Unlock()
	if ping {
		c.kick(c.q.request(true, false))
	}
	if recheck {
		go c.reauthenticate()
	}
}

// jitter spreads re-authentications over ±25% of the period, so connections
// opened together (after a restart) do not hit the store together.
func jitter(period time.Duration) time.Duration {
	return period*3/4 + rand.N(period/2+1)
}

// reauthenticate checks the token again. A session that is gone (logout, password
// change, disabled account) closes the connection with CloseUnauthenticated; a store
// that cannot answer right now keeps it (the next check will tell), so a database
// blip does not disconnect everyone. The next check is booked when it is done.
func (c *conn) reauthenticate() {
	defer func() { <-c.hub.rechecks }()
	ctx, cancel := context.WithTimeout(c.ctx, reauthTimeout)
	defer cancel()
	p, err := c.hub.opt.Auth.Authenticate(ctx, c.token)
	if c.closing() {
		return
	}
	if err != nil {
		var ae *apperr.Error
		if errors.As(err, &ae) && ae.Code != protocol.CodeInternal && ae.Code != protocol.CodeUnavailable {
			c.close(protocol.CloseUnauthenticated, "session ended; log in again")
			return
		}
		c.hub.log.Warn("websocket: could not re-check session; keeping the connection", "user_id", c.userID, "err", err)
		c.rebook(nil)
		return
	}
	if p.User.ID != c.userID || p.Session.TOTPPending {
		c.close(protocol.CloseUnauthenticated, "session changed; log in again")
		return
	}
	c.p.Store(&p)
	c.rebook(&p.Session.ExpiresAt)
}

// rebook books the next re-check, and the session's new expiry when it is given.
func (c *conn) rebook(expiresAt *time.Time) {
	now := time.Now()
	c.mu.Lock()
	c.timers.rechecking = false
	c.timers.recheckAt = now.Add(jitter(c.hub.opt.RecheckPeriod))
	if expiresAt != nil {
		c.setExpiry(*expiresAt, now)
	}
	c.hub.clock.schedule(c, c.timers.next())
	c.mu.Unlock()
}
