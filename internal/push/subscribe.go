package push

import (
	"context"
	"crypto/ecdh"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"unicode/utf8"

	"govchat/internal/apperr"
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
// no user info or fragment, and (unless allowed) not on a loopback, private or
// link-local address given literally. Names are not resolved here: a deployment that
// fears a name pointing inward should also filter egress.
func (s *Service) checkEndpoint(raw string) error {
	bad := func(why string) error { return apperr.BadField("endpoint", "endpoint %s", why) }
	if raw == "" || len(raw) > protocol.MaxPushEndpoint {
		return bad(fmt.Sprintf("must be an https URL of at most %d bytes", protocol.MaxPushEndpoint))
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.Fragment != "" || u.Opaque != "" {
		return bad("must be an absolute https URL")
	}
	if s.opt.AllowPrivateEndpoints {
		return nil
	}
	host := strings.ToLower(u.Hostname())
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return bad("must not be on this machine")
	}
	if addr, err := netip.ParseAddr(host); err == nil {
		ip := net.IP(addr.Unmap().AsSlice())
		if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() || ip.IsMulticast() {
			return bad("must not be on a private or loopback address")
		}
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
