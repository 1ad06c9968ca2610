package secrecy

import (
	"context"

	"govchat/protocol"
)

// Ladder is what the enforcing services ask (each declares its own copy of this
// one-method interface): the current ladder, level 0 first. *Service implements it;
// Static is a fixed one.
type Ladder interface {
	Levels(ctx context.Context) ([]protocol.SecrecyLevel, error)
}

var (
	_ Ladder = (*Service)(nil)
	_ Ladder = Static(nil)
)

// Static is a ladder that never changes: the defaults where nobody configured one, or
// a test's own.
type Static []protocol.SecrecyLevel

// Levels returns s, or the default ladder when s is empty.
func (s Static) Levels(context.Context) ([]protocol.SecrecyLevel, error) {
	if len(s) == 0 {
		return protocol.DefaultSecrecyLevels(), nil
	}
	return s, nil
}

// Rule is level n's rules. A level outside the ladder (a bug: sends and notices are
// checked against it) gets the top level's, the strictest, rather than a panic or the
// loosest.
func Rule(levels []protocol.SecrecyLevel, n int) protocol.SecrecyLevel {
	if n >= 0 && n < len(levels) {
		return levels[n]
	}
	if len(levels) == 0 {
		d := protocol.DefaultSecrecyLevels()
		return d[len(d)-1]
	}
	return levels[len(levels)-1]
}
