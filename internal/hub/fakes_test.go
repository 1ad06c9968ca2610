package hub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/auth"
	"govchat/internal/bus"
	"govchat/internal/store"
	"govchat/protocol"
)

// fakeAuth maps tokens to principals; a revoked or unknown token is refused the way
// auth.Service refuses it, and failing makes it answer like a store that is down.
type fakeAuth struct {
	mu      sync.Mutex
	tokens  map[string]auth.Principal
	failing bool
}

var _ Authenticator = (*fakeAuth)(nil)

func newFakeAuth() *fakeAuth { return &fakeAuth{tokens: map[string]auth.Principal{}} }

// add issues a token for a user whose session ends at expires (zero: far future).
func (a *fakeAuth) add(token string, userID int64, expires time.Time) {
	if expires.IsZero() {
		expires = time.Now().Add(24 * time.Hour)
	}
	a.set(token, auth.Principal{
		User:    store.User{ID: userID, Username: fmt.Sprintf("user%d", userID)},
		Session: store.Session{ID: userID * 100, UserID: userID, ExpiresAt: expires},
	})
}

func (a *fakeAuth) set(token string, p auth.Principal) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.tokens[token] = p
}

func (a *fakeAuth) revoke(token string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.tokens, token)
}

func (a *fakeAuth) setFailing(failing bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.failing = failing
}

func (a *fakeAuth) Authenticate(_ context.Context, token string) (auth.Principal, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.failing {
		return auth.Principal{}, errors.New("fake store: connection refused")
	}
	p, ok := a.tokens[token]
	if !ok {
		return auth.Principal{}, apperr.New(protocol.CodeUnauthenticated, "not logged in")
	}
	return p, nil
}

// fakeService knows who is in which channel, answers send with an ack and lets a
// test script Resume.
type fakeService struct {
	mu       sync.Mutex
	channels map[int64][]int64 // user → channel ids
	resume   func(userID int64, pos protocol.ResumePos) ([][]byte, int64, *protocol.ResyncData, error)
	handled  []protocol.Frame
	seq      int64
}

var _ Service = (*fakeService)(nil)

func newFakeService() *fakeService { return &fakeService{channels: map[int64][]int64{}} }

func (s *fakeService) setChannels(userID int64, ids ...int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels[userID] = ids
}

func (s *fakeService) Channels(_ context.Context, userID int64) ([]int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int64(nil), s.channels[userID]...), nil
}

func (s *fakeService) Resume(_ context.Context, userID int64, pos protocol.ResumePos) ([][]byte, int64, *protocol.ResyncData, error) {
	s.mu.Lock()
	fn := s.resume
	s.mu.Unlock()
	if fn == nil {
		return nil, pos.LastSeq, nil, nil
	}
	return fn(userID, pos)
}

func (s *fakeService) Handle(_ context.Context, p auth.Principal, f protocol.Frame) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handled = append(s.handled, f)
	if f.Type != protocol.TypeSend {
		return nil
	}
	var d protocol.SendData
	if err := json.Unmarshal(f.Data, &d); err != nil {
		return apperr.Frame(context.Background(), slog.New(slog.DiscardHandler), f.Ref, apperr.New(protocol.CodeBadRequest, "bad send"))
	}
	if d.Text == "panic" {
		panic("fake service bug")
	}
	s.seq++
	return encodeFrame(protocol.TypeAck, f.Ref, protocol.AckData{ChannelID: d.ChannelID, Seq: s.seq, ClientID: d.ClientID, CreatedAt: time.Unix(0, 0).UTC()})
}

// gatedBus is a bus whose subscription to one topic a test can hold up, as a Redis
// SUBSCRIBE round trip under load would: Subscribe to a held topic waits until the
// test releases it (or the connection gives up), and publishing goes on meanwhile.
type gatedBus struct {
	bus.Bus

	mu      sync.Mutex
	held    string
	entered chan struct{} // closed when Subscribe to the held topic has begun
	release chan struct{}
}

var _ bus.Bus = (*gatedBus)(nil)

// hold makes the next subscriptions to topic wait. It returns a channel closed once
// one has begun, and the function that lets them through.
func (b *gatedBus) hold(topic string) (entered <-chan struct{}, release func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.held, b.entered, b.release = topic, make(chan struct{}), make(chan struct{})
	return b.entered, sync.OnceFunc(func() { close(b.release) })
}

func (b *gatedBus) Subscribe(ctx context.Context, topic string, h bus.Handler) (func(), error) {
	b.mu.Lock()
	held := topic == b.held
	entered, release := b.entered, b.release
	if held {
		b.held = "" // once: later subscriptions go through
	}
	b.mu.Unlock()
	if held {
		close(entered)
		select {
		case <-release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return b.Bus.Subscribe(ctx, topic, h)
}
