package push

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"govchat/protocol"
)

// ErrPayload is a push payload that cannot be sent: an unknown kind, a URL that is not
// a path of the web client, or fields other than the body too long to fit.
var ErrPayload = fmt.Errorf("push: bad payload")

// EncodePayload is the JSON the service worker receives, at most
// protocol.MaxPushPayload bytes: a body too long is shortened (with "…"), and if even
// an empty body does not fit, so is the title. It never fails on a long body or title.
func EncodePayload(p protocol.PushPayload) ([]byte, error) {
	switch p.Kind {
	case protocol.PushMessage, protocol.PushMention, protocol.PushDirect, protocol.PushNotice, protocol.PushReminder,
		protocol.PushEscalation, protocol.PushDigest, protocol.PushTest:
	default:
		return nil, fmt.Errorf("%w: unknown kind %q", ErrPayload, p.Kind)
	}
	if !strings.HasPrefix(p.URL, "/") || strings.HasPrefix(p.URL, "//") || strings.ContainsAny(p.URL, "\\\r\n") || len(p.URL) > 512 {
		return nil, fmt.Errorf("%w: url must be a path of the web client, such as /c/12", ErrPayload)
	}
	if len(p.Tag) > maxTag {
		return nil, fmt.Errorf("%w: tag longer than %d bytes", ErrPayload, maxTag)
	}
	if !utf8.ValidString(p.Title) || !utf8.ValidString(p.Body) {
		return nil, fmt.Errorf("%w: title and body must be UTF-8", ErrPayload)
	}
	b, err := marshal(p)
	if err != nil || len(b) <= protocol.MaxPushPayload {
		return b, err
	}
	// Shorten the body, then (if that is not enough) the title, each to the longest
	// prefix of whole characters that fits.
	body := []rune(p.Body)
	if k, ok := longestFit(len(body), func(k int) protocol.PushPayload { q := p; q.Body = ellipsis(body, k); return q }); ok {
		p.Body = ellipsis(body, k)
		return marshal(p)
	}
	p.Body = ""
	title := []rune(p.Title)
	if k, ok := longestFit(len(title), func(k int) protocol.PushPayload { q := p; q.Title = ellipsis(title, k); return q }); ok {
		p.Title = ellipsis(title, k)
		return marshal(p)
	}
	return nil, fmt.Errorf("%w: too long even without title and body", ErrPayload)
}

// longestFit binary-searches the largest k in [0, n] whose payload fits.
func longestFit(n int, with func(k int) protocol.PushPayload) (int, bool) {
	fits := func(k int) bool {
		b, err := marshal(with(k))
		return err == nil && len(b) <= protocol.MaxPushPayload
	}
	if !fits(0) {
		return 0, false
	}
	lo, hi := 0, n // fits(lo) holds
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if fits(mid) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo, true
}

func ellipsis(r []rune, k int) string {
	if k >= len(r) {
		return string(r)
	}
	if k == 0 {
		return ""
	}
	return string(r[:k]) + "…"
}

// marshal encodes without HTML escaping: "<" as \u003c would cost six bytes of a
// small budget, and the service worker shows text, never HTML.
func marshal(p protocol.PushPayload) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		return nil, fmt.Errorf("push: encode payload: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Topic turns any string into an RFC 8030 topic (at most 32 characters of the
// base64url alphabet): one that already is one is kept, anything else is hashed.
func Topic(s string) string {
	if s == "" {
		return ""
	}
	if len(s) <= maxTopic && strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == "" {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return base64.RawURLEncoding.EncodeToString(sum[:])[:maxTopic]
}
