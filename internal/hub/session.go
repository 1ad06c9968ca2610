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

// sessionWatch holds the writer's session timers: the session's expiry and the
// periodic re-authentication that catches a revoked session.
type sessionWatch struct {
	expiry  *time.Timer // nil when the session has no expiry
	recheck *time.Timer
}

func (c *conn) watchSession() *sessionWatch {
	s := &sessionWatch{recheck: time.NewTimer(jitter(c.hub.opt.RecheckPeriod))}
	s.expireAt(c.principal().Session.ExpiresAt, c.hub.now())
	return s
}

func (s *sessionWatch) expireAt(at, now time.Time) {
	if s.expiry != nil {
		s.expiry.Stop()
		s.expiry = nil
	}
	if !at.IsZero() {
		s.expiry = time.NewTimer(max(at.Sub(now), 0))
	}
}

// expired is the expiry timer's channel; nil (never ready) without an expiry.
func (s *sessionWatch) expired() <-chan time.Time {
	if s.expiry == nil {
		return nil
	}
	return s.expiry.C
}

func (s *sessionWatch) stop() {
	s.recheck.Stop()
	if s.expiry != nil {
		s.expiry.Stop()
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
// blip does not disconnect everyone.
func (c *conn) reauthenticate(s *sessionWatch) {
	defer s.recheck.Reset(jitter(c.hub.opt.RecheckPeriod))
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
		return
	}
	if p.User.ID != c.userID || p.Session.TOTPPending {
		c.close(protocol.CloseUnauthenticated, "session changed; log in again")
		return
	}
	c.p.Store(&p)
	s.expireAt(p.Session.ExpiresAt, c.hub.now())
}
