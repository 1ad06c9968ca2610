package push

import (
	"context"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"

	"govchat/internal/egress"
	"govchat/internal/store"
)

// Run sends queued pushes until ctx ends: it claims due jobs (atomically, so every
// node may run it), sends them Options.Workers at a time, and waits for the next poll
// or an Enqueue on this node. Jobs whose send is cut short by ctx are made due again
// at once, for whichever worker comes next; a node that dies mid-send leaves its jobs
// to be claimed again when their lease ends. Nothing is lost on a restart: the queue
// is in the store.
func (s *Service) Run(ctx context.Context) {
	tick := time.NewTicker(s.opt.PollInterval)
	defer tick.Stop()
	for {
		n := s.runOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		if n == claimBatch {
			continue // more may be due
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-s.wake:
		}
	}
}

// runOnce claims one batch and sends it, returning how many jobs it claimed.
func (s *Service) runOnce(ctx context.Context) int {
	now := s.now()
	jobs, err := s.st.ClaimPushJobs(ctx, now, now.Add(s.opt.Lease), claimBatch)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("push: claim failed", "err", err)
		}
		return 0
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, s.opt.Workers)
	for _, j := range jobs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			s.deliver(ctx, j)
		})
	}
	wg.Wait()
	return len(jobs)
}

// outcome is what became of one send.
type outcome int

const (
	sent      outcome = iota
	gone              // 404/410: the subscription no longer exists
	rejected          // another 4xx: this push will never be taken
	retryable         // 408, 429, 5xx, network: try again later
	cancelled         // our own shutdown cut it short
)

// deliver sends one claimed job and records what happened. Log lines name the job,
// the subscription, the person and the push service's host, never the payload, the
// keys or the endpoint's path (a capability).
func (s *Service) deliver(ctx context.Context, j store.PushJob) {
	// Record the result even while shutting down, under a short deadline of its own.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
	defer cancel()
	sub := j.Subscription
	logAttrs := []any{"job_id", j.ID, "subscription_id", j.SubscriptionID, "user_id", sub.UserID, "attempt", j.Attempts, "host", host(sub.Endpoint)}
	now := s.now()
	remaining := j.TTL - now.Sub(j.CreatedAt)
	switch {
	case sub.ID == 0:
		s.finish(rctx, j, logAttrs) // the subscription went meanwhile
		return
	case remaining <= 0:
		s.log.Info("push: dropped, its TTL ran out before delivery", logAttrs...)
		s.finish(rctx, j, logAttrs)
		return
	}

	res, retryAfter, status, err := s.send(ctx, j, remaining)
	logAttrs = append(logAttrs, "status", status)
	switch res {
	case sent:
		s.finish(rctx, j, logAttrs)
		if err := s.st.TouchPushSubscription(rctx, sub.ID, now); err != nil {
			s.log.Warn("push: record delivery failed", append(logAttrs, "err", err)...)
		}
	case gone:
		s.log.Info("push: subscription gone, removed", logAttrs...)
		if err := s.st.DeletePushSubscriptionByID(rctx, sub.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
			s.log.Warn("push: remove subscription failed", append(logAttrs, "err", err)...)
		}
	case rejected:
		s.log.Warn("push: rejected by the push service, dropped", append(logAttrs, "err", err)...)
		s.finish(rctx, j, logAttrs)
	case cancelled:
		// Not the push service's fault: due again at once, for the next worker.
		s.retry(rctx, j, now, logAttrs)
	case retryable:
		if j.Attempts >= s.opt.MaxAttempts {
			s.log.Warn("push: failed too often, dropped", append(logAttrs, "err", err)...)
			s.finish(rctx, j, logAttrs)
			return
		}
		next := now.Add(max(s.backoff(j.Attempts), retryAfter))
		if next.Sub(j.CreatedAt) >= j.TTL {
			s.log.Info("push: failed, and its TTL runs out before a retry; dropped", append(logAttrs, "err", err)...)
			s.finish(rctx, j, logAttrs)
			return
		}
		s.log.Info("push: failed, will retry", append(logAttrs, "err", err, "retry_at", next)...)
		s.retry(rctx, j, next, logAttrs)
	}
}

// send encrypts and posts one push. retryAfter is the push service's Retry-After.
func (s *Service) send(ctx context.Context, j store.PushJob, ttl time.Duration) (res outcome, retryAfter time.Duration, status int, err error) {
	sctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	resp, err := webpush.SendNotificationWithContext(sctx, []byte(j.Payload),
		&webpush.Subscription{Endpoint: j.Subscription.Endpoint, Keys: webpush.Keys{P256dh: j.Subscription.P256dh, Auth: j.Subscription.Auth}},
		&webpush.Options{
			HTTPClient:      s.client,
			Subscriber:      s.sender,
			Topic:           j.Topic,
			TTL:             int((ttl + time.Second - 1) / time.Second), // whole seconds, rounded up
			Urgency:         webpush.Urgency(j.Urgency),
			VAPIDPublicKey:  s.public,
			VAPIDPrivateKey: s.private,
		})
	if err != nil {
		if ctx.Err() != nil {
			return cancelled, 0, 0, ctx.Err()
		}
		if errors.Is(err, egress.ErrForbidden) {
			// The endpoint's name resolved to an address we may not post to: it will
			// not become a push service by retrying.
			return rejected, 0, 0, errors.New("the push service's address is not allowed")
		}
		var uerr *url.Error
		if errors.As(err, &uerr) {
			return retryable, 0, 0, errors.New(uerr.Op + " failed: " + errors.Unwrap(uerr).Error()) // never the URL
		}
		return rejected, 0, 0, err // encryption or key trouble: retrying will not help
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	status = resp.StatusCode
	switch {
	case status >= 200 && status < 300:
		return sent, 0, status, nil
	case status == http.StatusNotFound || status == http.StatusGone:
		return gone, 0, status, nil
	case status == http.StatusRequestTimeout || status == http.StatusTooManyRequests || status >= 500:
		return retryable, parseRetryAfter(resp.Header.Get("Retry-After"), s.now()), status, errors.New(resp.Status)
	}
	return rejected, 0, status, errors.New(resp.Status)
}

// backoff is the wait before the retry after the given attempt: RetryBase·3^(n-1),
// at most RetryMax, with ±20 % jitter so retries from many jobs spread out.
func (s *Service) backoff(attempt int) time.Duration {
	d := float64(s.opt.RetryBase) * math.Pow(3, float64(max(attempt, 1)-1))
	d = min(d, float64(s.opt.RetryMax))
	return time.Duration(d * (0.8 + 0.4*rand.Float64()))
}

// parseRetryAfter reads seconds or an HTTP date, capped at a day; 0 when absent.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.Atoi(v); err == nil {
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), 24*time.Hour)
}

func (s *Service) finish(ctx context.Context, j store.PushJob, logAttrs []any) {
	if err := s.st.DeletePushJob(ctx, j.ID, j.Attempts); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.log.Warn("push: delete job failed", append(logAttrs, "err", err)...)
	}
}

func (s *Service) retry(ctx context.Context, j store.PushJob, at time.Time, logAttrs []any) {
	if err := s.st.RetryPushJob(ctx, j.ID, j.Attempts, at); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.log.Warn("push: reschedule failed; the lease will bring it back", append(logAttrs, "err", err)...)
	}
}

// host is the endpoint's host, for logs: the path identifies a subscription.
func host(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return ""
	}
	return u.Host
}
