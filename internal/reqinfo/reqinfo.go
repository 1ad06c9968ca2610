// Package reqinfo carries who-and-where facts about the current request through a
// context, so the audit trail and the logs can name the request id and client address
// without every function taking an *http.Request.
package reqinfo

import "context"

// Info describes the request being served.
type Info struct {
	ID        string // request id, also returned in the X-Request-Id header
	IP        string // client address (after --trust-proxy handling)
	UserAgent string
}

type key struct{}

// With returns ctx carrying info.
func With(ctx context.Context, info Info) context.Context {
	return context.WithValue(ctx, key{}, info)
}

// From returns the Info in ctx, or the zero Info (a CLI command, a background job).
func From(ctx context.Context) Info {
	info, _ := ctx.Value(key{}).(Info)
	return info
}
