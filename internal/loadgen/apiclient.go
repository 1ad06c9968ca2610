package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"sync/atomic"
	"time"

	"govchat/protocol"
)

// APIError is a REST call the server refused, with its error body.
type APIError struct {
	Method, Path string
	Status       int
	Body         protocol.Error
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s %s: %d %s: %s", e.Method, e.Path, e.Status, e.Body.Code, e.Body.Message)
}

// sourceKey carries the local address a request should be dialled from.
type sourceKey struct{}

func withSource(ctx context.Context, a netip.Addr) context.Context {
	return context.WithValue(ctx, sourceKey{}, a)
}

// apiClient speaks the REST API of the target. Every connection goes to the checked
// address (see Target.Addr), whatever the URL's host resolves to by then.
type apiClient struct {
	target Target
	pooled *http.Client // keep-alive, for the administrator and group creation
	fresh  *http.Client // a new connection per request, so the source address holds
}

func newAPIClient(t Target, timeout time.Duration) *apiClient {
	c := &apiClient{target: t}
	c.pooled = &http.Client{Timeout: timeout, Transport: &http.Transport{
		DialContext: c.dial, MaxIdleConnsPerHost: 64, IdleConnTimeout: 30 * time.Second,
		ForceAttemptHTTP2: false,
	}}
	// Logins must leave from the address the pool picked; a kept-alive connection
	// from another address would spend the wrong budget.
	c.fresh = &http.Client{Timeout: timeout, Transport: &http.Transport{
		DialContext: c.dial, DisableKeepAlives: true,
	}}
	return c
}

func (c *apiClient) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	d := net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if src, ok := ctx.Value(sourceKey{}).(netip.Addr); ok && src.IsValid() {
		d.LocalAddr = &net.TCPAddr{IP: src.AsSlice()}
	}
	return d.DialContext(ctx, "tcp", c.target.Addr.String())
}

func (c *apiClient) close() {
	c.pooled.CloseIdleConnections()
	c.fresh.CloseIdleConnections()
}

// do sends a JSON request and decodes a JSON answer into out (when not nil).
func (c *apiClient) do(ctx context.Context, hc *http.Client, method, path, token string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("%s %s: encode: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.target.URL.String()+path, body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return fmt.Errorf("%s %s: read answer: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		var eb protocol.ErrorBody
		if json.Unmarshal(raw, &eb) != nil || eb.Error.Code == "" {
			eb.Error = protocol.Error{Code: protocol.Code(fmt.Sprintf("http_%d", resp.StatusCode)), Message: string(bytes.TrimSpace(raw[:min(len(raw), 200)]))}
		}
		return &APIError{Method: method, Path: path, Status: resp.StatusCode, Body: eb.Error}
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
		}
	}
	return nil
}

// login logs in, spreading over the pool's source addresses. A rate_limited answer
// moves to the next address, or, without spreading, waits for Retry-After; refused
// counts those answers, which show what the limit cost.
func (c *apiClient) login(ctx context.Context, pool *SourcePool, req protocol.LoginRequest, refused *atomic.Int64) (protocol.LoginResponse, error) {
	for {
		idx, src, err := pool.Take()
		if err != nil {
			return protocol.LoginResponse{}, fmt.Errorf("log in %s: %w", req.Username, err)
		}
		var out protocol.LoginResponse
		err = c.do(withSource(ctx, src), c.fresh, http.MethodPost, "/api/v1/auth/login", "", req, &out)
		var ae *APIError
		if errors.As(err, &ae) && ae.Body.Code == protocol.CodeRateLimited {
			refused.Add(1)
			if pool.Spread() {
				pool.Exhausted(idx)
				continue
			}
			wait := time.Duration(max(ae.Body.RetryAfter, 1)) * time.Second
			select {
			case <-ctx.Done():
				return out, fmt.Errorf("log in %s: waiting out the login rate limit: %w", req.Username, ctx.Err())
			case <-time.After(wait):
			}
			continue
		}
		if err != nil {
			return out, fmt.Errorf("log in %s: %w", req.Username, err)
		}
		return out, nil
	}
}
