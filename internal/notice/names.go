package notice

import (
	"context"
	"fmt"
	"sync"
	"time"

	"govchat/internal/store"
)

// nameSource is what the cache reads.
type nameSource interface {
	ListUserNames(ctx context.Context) ([]store.UserName, error)
}

// Names is the tally's cache of every account's names, for others that show many
// people at once (a collection's status table).
type Names struct{ c nameCache }

// Lookup returns the username and display name of each of ids that exists, reading
// them again as the tally's cache does (see nameCache).
func (n *Names) Lookup(ctx context.Context, st nameSource, now time.Time, ids []int64) (map[int64]store.UserName, error) {
	rs := make([]store.NoticeRecipient, len(ids))
	for i, id := range ids {
		rs[i].UserID = id
	}
	m, err := n.c.lookup(ctx, st, now, rs)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]store.UserName, len(ids))
	for _, id := range ids {
		if v, ok := m[id]; ok {
			out[id] = store.UserName{ID: id, Username: v.username, DisplayName: v.display}
		}
	}
	return out, nil
}

// nameTTL is how long the tally trusts its cache of names before reading them again.
const nameTTL = time.Minute

// names is how a tally shows a person.
type names struct {
	username, display string
}

// nameCache remembers every account's username and display name for the tally, so that
// a tally of 10,000 reads the receipts alone instead of joining them with users each
// time it is asked (every few hundred milliseconds while confirmations stream in). It is
// loaded on first use and read again when a tally meets someone it does not know (an
// account made since) or when it is older than nameTTL. So a user renamed may show
// under the old name in a tally for up to a minute: acceptable for a count of who has
// read a notice, whose receipts are always read fresh. A loaded map is never changed,
// only replaced, so readers share it without holding the lock.
type nameCache struct {
	mu     sync.Mutex // held while loading, so concurrent tallies load once
	m      map[int64]names
	loaded time.Time
}

// lookup returns a map holding the names of every id, reading them again when the
// cache is empty, older than nameTTL or lacks one of ids. A recipient whose account was
// deleted meanwhile is simply absent.
func (c *nameCache) lookup(ctx context.Context, st nameSource, now time.Time, ids []store.NoticeRecipient) (map[int64]names, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m != nil && now.Sub(c.loaded) < nameTTL && !now.Before(c.loaded) && knowsAll(c.m, ids) {
		return c.m, nil
	}
	us, err := st.ListUserNames(ctx)
	if err != nil {
		return nil, fmt.Errorf("notice: user names: %w", err)
	}
	m := make(map[int64]names, len(us))
	for _, u := range us {
		m[u.ID] = names{username: u.Username, display: u.DisplayName}
	}
	c.m, c.loaded = m, now
	return m, nil
}

func knowsAll(m map[int64]names, rs []store.NoticeRecipient) bool {
	for _, r := range rs {
		if _, ok := m[r.UserID]; !ok {
			return false
		}
	}
	return true
}
