package auth

import "context"

// The REST middleware authenticates every request once and hands the result on through
// the request's context, so handlers and the WebSocket hub read it from one place
// instead of reading the token again.

type callerKey struct{}

type caller struct {
	p     Principal
	token string
}

// NewContext returns ctx carrying the authenticated principal and the token it
// presented. The token is kept so a long-lived connection can authenticate again; it
// is never logged.
func NewContext(ctx context.Context, p Principal, token string) context.Context {
	return context.WithValue(ctx, callerKey{}, caller{p: p, token: token})
}

// FromContext returns what NewContext put in ctx; ok is false for a request that was
// not authenticated.
func FromContext(ctx context.Context) (p Principal, token string, ok bool) {
	c, ok := ctx.Value(callerKey{}).(caller)
	return c.p, c.token, ok
}
