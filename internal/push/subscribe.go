package push

import (
	"context"
	"crypto/ecdh"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"unicode/utf8"

	"govchat/internal/apperr"
	"govchat/internal/egress"
	"govchat/internal/store"
	"govchat/protocol"
)

// Subscribe keeps the browser's subscription for userID. An endpoint already known
// (this browser subscribed before, perhaps for someone else) moves to userID. A
// person keeps at most Options.MaxDevices subscriptions; the least recently used go.
func (s *Service) Subscribe(ctx context.Context, userID int64, req protocol.PushSubscribeRequest, userAgent string) error {
	sub, err := s.checkSubscription(req)
	if err != nil {
		return err
	}
	sub.UserID = userID
	sub.UserAgent = clip(userAgent, maxUserAgent)
	sub.CreatedAt = s.now()
	if err := s.st.SavePushSubscription(ctx, &sub); err != nil {
		return fmt.Errorf("push: subscribe: %w", err)
	}
	if _, err := s.st.PrunePushSubscriptions(ctx, userID, s.opt.MaxDevices); err != nil {
		return fmt.Errorf("push: subscribe: %w", err)
	}
	return nil
}

// Unsubscribe deletes the caller's own subscription with endpoint and whatever is
// queued for it. Someone else's endpoint, or an unknown one, is not_found.
func (s *Service) Unsubscribe(ctx context.Context, userID int64, endpoint string) error {
	if endpoint == "" || len(endpoint) > protocol.MaxPushEndpoint {
		return apperr.BadField("endpoint", "endpoint must be the subscription's URL")
	}
	err := s.st.DeletePushSubscription(ctx, userID, endpoint)
	if errors.Is(err, store.ErrNotFound) {
		return apperr.New(protocol.CodeNotFound, "no such push subscription")
	}
	if err != nil {
		return fmt.Errorf("push: unsubscribe: %w", err)
	}
	return nil
}

// HasSubscription reports whether userID has any device subscribed.
func (s *Service) HasSubscription(ctx context.Context, userID int64) (bool, error) {
	subs, err := s.st.ListPushSubscriptions(ctx, userID)
	if err != nil {
		return false, fmt.Errorf("push: list subscriptions: %w", err)
	}
	return len(subs) > 0, nil
}

// checkSubscription validates what the browser sent and returns it with the keys in
// one encoding (unpadded base64url).
func (s *Service) checkSubscription(req protocol.PushSubscribeRequest) (store.PushSubscription, error) {
	if err := s.checkEndpoint(req.Endpoint); err != nil {
		return store.PushSubscription{}, err
	}
	p256dh, err := decodeB64URL(req.Keys.P256dh)
	if err != nil || len(p256dh) != 65 || p256dh[0] != 4 {
		return store.PushSubscription{}, apperr.BadField("keys.p256dh", "p256dh must be a 65-byte uncompressed P-256 point, base64url")
	}
	if _, err := ecdh.P256().NewPublicKey(p256dh); err != nil {
		return store.PushSubscription{}, apperr.BadField("keys.p256dh", "p256dh is not a point on P-256")
	}
	auth, err := decodeB64URL(req.Keys.Auth)
	if err != nil || len(auth) != 16 {
		return store.PushSubscription{}, apperr.BadField("keys.auth", "auth must be 16 bytes, base64url")
	}
	enc := base64.RawURLEncoding
	return store.PushSubscription{Endpoint: req.Endpoint, P256dh: enc.EncodeToString(p256dh), Auth: enc.EncodeToString(auth)}, nil
}

// checkEndpoint accepts an absolute https URL of at most MaxPushEndpoint bytes, with
// no user info or fragment, whose host Options.Egress allows however it is spelled
// (read as a browser reads it: 127.1 and 0x7f000001 are 127.0.0.1) and that is not a
// name of this machine. Names are not resolved here; the dialer checks every address
// they resolve to when a push is sent.
func (s *Service) checkEndpoint(raw string) error {
	bad := func(why string) error { return apperr.BadField("endpoint", "endpoint %s", why) }
	if raw == "" || len(raw) > protocol.MaxPushEndpoint {
		return bad(fmt.Sprintf("must be an https URL of at most %d bytes", protocol.MaxPushEndpoint))
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.Fragment != "" || u.Opaque != "" {
		return bad("must be an absolute https URL")
	}
	if err := egress.CheckHost(u.Hostname(), s.opt.Egress); err != nil {
		return bad("must be a push service on the internet, not on this machine or a private network")
	}
	return nil
}

// clip cuts s to at most n bytes of whole characters.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
