package todo

import (
	"context"

	"govchat/protocol"
)

// names looks people up once per answer: a list of a thousand items names a handful of
// people.
type names struct {
	s     *Service
	known map[int64]string
}

func (s *Service) names() *names { return &names{s: s, known: map[int64]string{}} }

// user is how an item names a person: the display name, or the username without one;
// an account that cannot be read is named by nothing (the id still says who).
func (n *names) user(ctx context.Context, id int64) protocol.TodoUser {
	if id == 0 {
		return protocol.TodoUser{}
	}
	name, ok := n.known[id]
	if !ok {
		if u, err := n.s.store.GetUser(ctx, id); err == nil {
			name = u.DisplayName
			if name == "" {
				name = u.Username
			}
		}
		n.known[id] = name
	}
	return protocol.TodoUser{ID: id, Name: name}
}

func (n *names) ptr(ctx context.Context, id int64) *protocol.TodoUser {
	if id == 0 {
		return nil
	}
	u := n.user(ctx, id)
	return &u
}
