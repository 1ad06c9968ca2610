package loadgen

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"govchat/internal/authclient"
	"govchat/internal/e2e"
	"govchat/protocol"
)

// fakeServer speaks just enough of govchat's REST and WebSocket protocol for a
// whole load run: accounts, logins with the per-address limit, groups, and a hub
// that acks and fans out, coalescing the sender's ack and message into one
// WebSocket message as the real writer may.
type fakeServer struct {
	t        *testing.T
	upgrader websocket.Upgrader
	fanout   sync.Mutex // orders commit and fan-out, so every connection sees seqs in order

	mu       sync.Mutex
	users    map[string]*fakeUser
	byID     map[int64]*fakeUser
	tokens   map[string]*fakeUser
	channels map[int64][]int64 // members
	seq      map[int64]int64
	logins   map[string]int // per client IP
	conns    map[int64][]*fakeConn
	open     int
	scrapes  int // a "GC" every third /metrics read, for the fence
}

type fakeUser struct {
	id       int64
	name     string
	password string
	disabled bool
}

type fakeConn struct {
	mu sync.Mutex
	ws *websocket.Conn
}

func (c *fakeConn) write(b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	_ = c.ws.WriteMessage(websocket.TextMessage, b)
}

func newFakeServer(t *testing.T) *fakeServer {
	f := &fakeServer{
		t: t, users: map[string]*fakeUser{}, byID: map[int64]*fakeUser{}, tokens: map[string]*fakeUser{},
		channels: map[int64][]int64{}, seq: map[int64]int64{}, logins: map[string]int{}, conns: map[int64][]*fakeConn{},
	}
	// The administrator's credential under the fake's one salt: what authclient derives.
	a, err := authclient.AuthHash("Govchat#2026", fakeSalt, e2e.MinIterations)
	if err != nil {
		t.Fatal(err)
	}
	f.addUser("zhoutao", e2e.Encode(a))
	return f
}

// fakeSalt is every account's salt on the fake server.
var fakeSalt = []byte("fake salt 16 byt")

func (f *fakeServer) addUser(name, password string) *fakeUser {
	u := &fakeUser{id: int64(len(f.users) + 1), name: name, password: password}
	f.users[name], f.byID[u.id] = u, u
	return u
}

func writeErr(w http.ResponseWriter, status int, code protocol.Code, retry int) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(protocol.ErrorBody{Error: protocol.Error{Code: code, Message: string(code), RetryAfter: retry}})
}

func writeOK(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeServer) principal(r *http.Request) *fakeUser {
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.tokens[tok]
	if u == nil || u.disabled {
		return nil
	}
	return u
}

func (f *fakeServer) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		n := float64(f.open)
		f.scrapes++
		gcs := f.scrapes / 3
		f.mu.Unlock()
		fmt.Fprintf(w, "go_gc_duration_seconds_count %d\ngo_memstats_heap_idle_bytes 1e+06\ngo_memstats_heap_released_bytes 1e+06\n", gcs)
		fmt.Fprintf(w, "go_goroutines %g\ngo_memstats_heap_inuse_bytes %g\ngo_memstats_stack_inuse_bytes %g\nprocess_resident_memory_bytes %g\nprocess_open_fds %g\nprocess_max_fds 1e+06\n",
			10+2*n, 10e6+20000*n, 1e6+8192*n, 50e6+40960*n, 10+n)
	})
	mux.HandleFunc("POST /api/v1/auth/login", func(w http.ResponseWriter, r *http.Request) {
		ip, _, _ := net.SplitHostPort(r.RemoteAddr)
		f.mu.Lock()
		f.logins[ip]++
		over := f.logins[ip] > 10
		f.mu.Unlock()
		if over {
			writeErr(w, http.StatusTooManyRequests, protocol.CodeRateLimited, 6)
			return
		}
		var req protocol.LoginRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		f.mu.Lock()
		u := f.users[req.Username]
		ok := u != nil && req.AuthHash != "" && u.password == req.AuthHash && !u.disabled
		tok := fmt.Sprintf("tok-%s-%d", req.Username, time.Now().UnixNano())
		if ok {
			f.tokens[tok] = u
		}
		f.mu.Unlock()
		if !ok {
			writeErr(w, http.StatusUnauthorized, protocol.CodeInvalidCredentials, 0)
			return
		}
		writeOK(w, http.StatusOK, protocol.LoginResponse{User: protocol.Me{ID: u.id, Username: u.name}, Token: tok})
	})
	mux.HandleFunc("POST /api/v1/auth/prelogin", func(w http.ResponseWriter, r *http.Request) {
		writeOK(w, http.StatusOK, protocol.PreloginResponse{KDF: protocol.KDFPBKDF2SHA256, Salt: e2e.Encode(fakeSalt), Iterations: e2e.MinIterations})
	})
	mux.HandleFunc("POST /api/v1/auth/logout", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /api/v1/admin/users", func(w http.ResponseWriter, r *http.Request) {
		if p := f.principal(r); p == nil || p.name != "zhoutao" {
			writeErr(w, http.StatusForbidden, protocol.CodeForbidden, 0)
			return
		}
		var req protocol.CreateUserRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		if req.Credential == nil || len(req.Credential.AuthHash) != 43 || req.Password != "" {
			writeErr(w, http.StatusBadRequest, protocol.CodeBadRequest, 0)
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.users[req.Username] != nil {
			writeErr(w, http.StatusConflict, protocol.CodeConflict, 0)
			return
		}
		u := f.addUser(req.Username, req.Credential.AuthHash)
		writeOK(w, http.StatusCreated, protocol.UserWithPassword{User: protocol.User{ID: u.id, Username: u.name}})
	})
	mux.HandleFunc("PATCH /api/v1/admin/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		var req protocol.UpdateUserRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		var id int64
		fmt.Sscan(r.PathValue("id"), &id)
		f.mu.Lock()
		if u := f.byID[id]; u != nil && req.Disabled != nil {
			u.disabled = *req.Disabled
		}
		f.mu.Unlock()
		writeOK(w, http.StatusOK, protocol.UserWithPassword{})
	})
	mux.HandleFunc("POST /api/v1/channels", func(w http.ResponseWriter, r *http.Request) {
		p := f.principal(r)
		if p == nil {
			writeErr(w, http.StatusUnauthorized, protocol.CodeUnauthenticated, 0)
			return
		}
		var req protocol.CreateGroupRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		f.mu.Lock()
		id := int64(100 + len(f.channels))
		f.channels[id] = append([]int64{p.id}, req.Members...)
		f.mu.Unlock()
		writeOK(w, http.StatusCreated, protocol.Channel{ID: id, Name: req.Name})
	})
	mux.HandleFunc("GET /api/v1/ws", func(w http.ResponseWriter, r *http.Request) {
		p := f.principal(r)
		if p == nil {
			writeErr(w, http.StatusUnauthorized, protocol.CodeUnauthenticated, 0)
			return
		}
		if r.Header.Get("Origin") != "http://"+r.Host {
			writeErr(w, http.StatusForbidden, protocol.CodeCrossOrigin, 0)
			return
		}
		ws, err := f.upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		c := &fakeConn{ws: ws}
		f.mu.Lock()
		f.conns[p.id] = append(f.conns[p.id], c)
		f.open++
		f.mu.Unlock()
		defer func() {
			f.mu.Lock()
			f.open--
			f.mu.Unlock()
			ws.Close()
		}()
		for {
			_, b, err := ws.ReadMessage()
			if err != nil {
				return
			}
			var fr protocol.Frame
			_ = json.Unmarshal(b, &fr)
			switch fr.Type {
			case protocol.TypeHello:
				c.write([]byte(`{"v":1,"type":"welcome","ref":"` + fr.Ref + `","data":{"user_id":1}}`))
			case protocol.TypeSend:
				f.send(p, c, fr)
			}
		}
	})
	return mux
}

// send commits and fans out: the sender's connection gets ack and message in one
// WebSocket message, every other connection of a member the message alone.
func (f *fakeServer) send(p *fakeUser, from *fakeConn, fr protocol.Frame) {
	var d protocol.SendData
	_ = json.Unmarshal(fr.Data, &d)
	f.fanout.Lock()
	defer f.fanout.Unlock()
	f.mu.Lock()
	f.seq[d.ChannelID]++
	seq := f.seq[d.ChannelID]
	var targets []*fakeConn
	for _, m := range f.channels[d.ChannelID] {
		targets = append(targets, f.conns[m]...)
	}
	f.mu.Unlock()
	msgData, _ := json.Marshal(protocol.Message{ChannelID: d.ChannelID, Seq: seq, SenderID: p.id, ClientID: d.ClientID, Text: d.Text, CreatedAt: time.Now()})
	msg, _ := json.Marshal(protocol.Frame{V: 1, Type: protocol.TypeMessage, Data: msgData})
	ackData, _ := json.Marshal(protocol.AckData{ChannelID: d.ChannelID, Seq: seq, ClientID: d.ClientID})
	ack, _ := json.Marshal(protocol.Frame{V: 1, Type: protocol.TypeAck, Ref: fr.Ref, Data: ackData})
	for _, c := range targets {
		if c == from {
			c.write(append(append(ack, '\n'), msg...))
		} else {
			c.write(msg)
		}
	}
}

func TestRunAgainstFakeServer(t *testing.T) {
	if testing.Short() {
		t.Skip("opens sockets")
	}
	f := newFakeServer(t)
	srv := httptest.NewServer(f.handler())
	defer srv.Close()

	var progress strings.Builder
	cfg := Config{
		URL: srv.URL, Conns: 30, Channels: 3, MembersPerChannel: 5, Rate: 150, Duration: time.Second,
		MsgBytes: 80, Admin: "zhoutao", AdminPassword: "Govchat#2026",
		Settle: 50 * time.Millisecond, Drain: 3 * time.Second,
	}
	rep, err := New(cfg, &progress, SystemResolver, CanBind).Run(context.Background())
	if err != nil {
		t.Fatalf("run: %v\n%s", err, progress.String())
	}
	l := rep.Load
	if l.Sent < 100 || l.Acked != l.Sent || l.Unanswered != 0 {
		t.Errorf("sent %d acked %d unanswered %d", l.Sent, l.Acked, l.Unanswered)
	}
	// 30 connections over 3 channels: every message reaches 10 connections.
	if l.Expected != l.Acked*10 || l.Deliveries != l.Expected {
		t.Errorf("deliveries %d, expected %d (acked %d)", l.Deliveries, l.Expected, l.Acked)
	}
	if l.Gaps != 0 || l.Reordered != 0 || l.Foreign != 0 || l.Dropped != 0 {
		t.Errorf("gaps %d reordered %d foreign %d dropped %d", l.Gaps, l.Reordered, l.Foreign, l.Dropped)
	}
	if l.Frames <= l.Batches {
		t.Errorf("no coalesced frames seen: %d frames in %d messages", l.Frames, l.Batches)
	}
	if l.DeliveryLatency.Count != l.Deliveries || l.AckLatency.Count != l.Acked || l.DeliveryLatency.P99 <= 0 {
		t.Errorf("latencies: %+v %+v", l.DeliveryLatency, l.AckLatency)
	}
	if rep.Connect.Opened != 30 || rep.Connect.Failed != 0 {
		t.Errorf("connect %+v", rep.Connect)
	}
	if got := rep.Memory.RSSPerConn; got != 40960 {
		t.Errorf("RSS per connection %v, want 40960", got)
	}
	// 1 administrator + 15 users, 10 per address.
	if CanBind(sourceAddr(0)) && (rep.Setup.SourceAddrs != 2 || rep.Setup.LoginsRefused != 0) {
		t.Errorf("logins from %d addresses, %d refused", rep.Setup.SourceAddrs, rep.Setup.LoginsRefused)
	}
	if len(rep.Errors) != 0 {
		t.Errorf("errors %v %v", rep.Errors, rep.ErrorSamples)
	}
	f.mu.Lock()
	disabled := 0
	for _, u := range f.users {
		if u.disabled {
			disabled++
		}
	}
	f.mu.Unlock()
	if disabled != 15 {
		t.Errorf("%d users disabled after the run, want 15", disabled)
	}
	var table strings.Builder
	if err := rep.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	t.Logf("progress:\n%s\nreport:\n%s", progress.String(), table.String())
	for _, want := range []string{"deliveries", "delivery latency", "per idle connection", "RSS 40.0 KiB"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
	if err := rep.WriteJSON(&strings.Builder{}); err != nil {
		t.Fatal(err)
	}
}

func TestRunRefusesRemoteTargetBeforeContactingIt(t *testing.T) {
	resolve := func(context.Context, string, string) ([]netip.Addr, error) {
		t.Fatal("resolver called for an IP literal")
		return nil, nil
	}
	cfg := Config{URL: "http://192.0.2.1:8080", Conns: 1, Admin: "a", AdminPassword: "b"}
	_, err := New(cfg, &strings.Builder{}, resolve, CanBind).Run(context.Background())
	if !errors.Is(err, ErrRemoteTarget) {
		t.Fatalf("err = %v, want ErrRemoteTarget", err)
	}
}

func TestRunNeedsWebSocketRoute(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	cfg := Config{URL: srv.URL, Conns: 1, Admin: "a", AdminPassword: "b"}
	_, err := New(cfg, &strings.Builder{}, SystemResolver, CanBind).Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "does not serve /api/v1/ws") {
		t.Fatalf("err = %v", err)
	}
}
