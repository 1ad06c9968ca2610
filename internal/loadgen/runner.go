package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

const (
	wsPath          = "/api/v1/ws"
	helloTimeout    = 15 * time.Second
	requestTimeout  = 60 * time.Second // one REST call; logins queue behind password hashing
	progressPeriod  = 5 * time.Second
	closeWait       = 2 * time.Second // for the server's answer to our close frame
	fdHeadroom      = 128             // descriptors besides the connections: REST, metrics, files
	connsPerSource  = 20_000          // stay well inside one address's ephemeral ports
	loginsPerSource = 10              // the server's login burst per address
	gcFenceWait     = 60 * time.Second
	drainQuiet      = 2 * time.Second // no delivery for this long: the rest is not coming
	noisyBelow      = 1000            // connections for a memory-per-connection figure to trust
)

// Runner runs one load test.
type Runner struct {
	cfg      Config
	progress io.Writer
	resolve  Resolver
	canBind  func(netip.Addr) bool
}

// New makes a runner that writes progress lines to progress; the report is returned
// by Run. resolve and canBind are the host's name resolution and address binding
// (SystemResolver and CanBind), replaceable in tests.
func New(cfg Config, progress io.Writer, resolve Resolver, canBind func(netip.Addr) bool) *Runner {
	return &Runner{cfg: cfg, progress: progress, resolve: resolve, canBind: canBind}
}

func (r *Runner) progressf(format string, args ...any) {
	fmt.Fprintf(r.progress, "loadgen: "+format+"\n", args...)
}

// userOf is the user behind connection i. Connections go round the channels first
// and then round each channel's members, so any N spreads evenly over the channels,
// the first K·M connections are distinct users, and further ones are the same users'
// second and third devices.
func (r *Runner) userOf(i int) int {
	m, k := r.cfg.Channels, r.cfg.MembersPerChannel
	return (i%m)*k + (i/m)%k
}

// Run sets up, connects, measures memory, sends, drains and reports. The returned
// report is filled as far as the run got, also when err is not nil.
func (r *Runner) Run(ctx context.Context) (*Report, error) {
	rep := newReport()
	if err := r.cfg.normalize(); err != nil {
		return rep, err
	}
	cfg := r.cfg
	rep.setConfig(cfg)

	target, err := CheckTarget(ctx, cfg.URL, cfg.AllowRemote, r.resolve)
	if err != nil {
		return rep, err
	}
	rep.Target = target.URL.String()
	origin := cfg.Origin
	if origin == "" {
		origin = target.Origin()
	}

	want := uint64(cfg.Conns) + fdHeadroom
	lim, err := RaiseFDLimit(want)
	if err != nil {
		rep.note("could not raise the open-file limit: %v", err)
	}
	rep.FDLimit = lim
	if lim.Known && lim.Soft < want {
		return rep, fmt.Errorf("%w: --conns %d needs about %d open files but this process may open %d (hard limit %d); raise it (ulimit -n, LimitNOFILE=) or lower --conns",
			ErrConfig, cfg.Conns, want, lim.Soft, lim.Hard)
	}

	api := newAPIClient(target, requestTimeout)
	defer api.close()
	if err := r.preflight(ctx, api, rep); err != nil {
		return rep, err
	}

	if cfg.Conns < cfg.Channels {
		rep.note("fewer connections than channels: %d channels have no connection", cfg.Channels-cfg.Conns)
	}
	if cfg.Conns < cfg.Users() {
		rep.note("%d of %d users have no connection (members offline)", cfg.Users()-cfg.Conns, cfg.Users())
	}
	pool := NewSourcePool(target, loginsPerSource, r.canBind)
	if !pool.Spread() {
		rep.note("logins come from one address: the server's login limit (10, then 1 per 6 s) paces setup")
	}
	setupCtx, cancelSetup := context.WithTimeout(ctx, cfg.SetupTimeout)
	withConn := make([]bool, cfg.Users())
	for i := range min(cfg.Conns, cfg.Users()) {
		withConn[r.userOf(i)] = true
	}
	fx, cost, err := r.setup(setupCtx, api, pool, func(u int) bool { return withConn[u] })
	cancelSetup()
	rep.Setup = cost
	if fx != nil {
		rep.RunID = fx.runID
		defer func() {
			n, err := r.cleanup(api, fx)
			rep.Cleanup = cleanupLine(cfg.KeepUsers, n, err)
			r.progressf("%s", rep.Cleanup)
		}()
	}
	if err != nil {
		return rep, fmt.Errorf("setup: %w", err)
	}

	r.progressf("reading the server's memory after a GC")
	if m, fence, err := api.metricsAfterGC(ctx, gcFenceWait); err == nil {
		rep.Memory.Before, rep.Memory.BeforeFence = m, fence
	}

	stats := NewStats(cfg.Channels)
	var subscribers []int
	// Deferred so that an interrupted run still reports what it counted; it runs
	// after closeAll below, when no reader counts any more.
	defer func() { rep.finish(stats, subscribers) }()
	var closing atomic.Bool
	deps := connDeps{stats: stats, payload: NewPayload(fx.runID, cfg.MsgBytes), clock: NewClock(time.Now()), closing: &closing}
	conns, subscribers, err := r.connect(ctx, api, pool, origin, fx, deps, rep)
	defer r.closeAll(conns, &closing)
	if err != nil {
		return rep, err
	}

	if cfg.Settle > 0 {
		r.progressf("idle for %s before reading the server's memory", cfg.Settle)
		if !sleep(ctx, cfg.Settle) {
			return rep, ctx.Err()
		}
	}
	if m, fence, err := api.metricsAfterGC(ctx, gcFenceWait); err == nil {
		rep.Memory.Idle, rep.Memory.IdleFence = m, fence
	} else {
		rep.note("no server metrics: %v", err)
	}
	rep.Memory.compute(len(conns))
	if len(conns) < noisyBelow {
		rep.note("memory per connection is noisy below ~%d connections: the server's own churn is a few MiB", noisyBelow)
	}

	if cfg.Rate > 0 && len(conns) > 0 {
		r.load(ctx, api, conns, fx, stats, subscribers, rep, deps.clock)
		// While the sessions still exist: were the messages behind any sequence
		// gaps committed (lost on the way) or never stored at all?
		gaps := stats.GapList()
		rep.Load.DistinctGaps = len(gaps)
		rep.Load.GapChecks = r.checkGaps(context.WithoutCancel(ctx), api, fx, gaps)
		if m, err := api.metrics(context.WithoutCancel(ctx)); err == nil {
			rep.Memory.AfterLoad = m
		}
	}
	return rep, ctx.Err()
}

// preflight checks the server before creating anything: it answers, it serves the
// WebSocket, and it can hold the connections asked for.
func (r *Runner) preflight(ctx context.Context, api *apiClient, rep *Report) error {
	err := api.do(ctx, api.pooled, http.MethodGet, wsPath, "", nil, nil)
	var ae *APIError
	switch {
	case errors.As(err, &ae) && ae.Status == http.StatusNotFound:
		return fmt.Errorf("the server does not serve %s yet (404): nothing to load", wsPath)
	case errors.As(err, &ae):
		// 401 unauthenticated (no token) or 400 (not an upgrade): the route exists.
	case err != nil:
		return fmt.Errorf("server not reachable: %w", err)
	}
	m, err := api.metrics(ctx)
	if err != nil {
		rep.note("no server metrics, so no memory figures: %v", err)
		return nil
	}
	if m.MaxFDs > 0 && m.OpenFDs+float64(r.cfg.Conns)+16 > m.MaxFDs {
		return fmt.Errorf("%w: the server may open %.0f files and has %.0f open; %d more connections do not fit (raise its limit, e.g. LimitNOFILE= or ulimit -n)",
			ErrConfig, m.MaxFDs, m.OpenFDs, r.cfg.Conns)
	}
	return nil
}

// connect opens every connection, DialConcurrency at a time, and starts its reader
// once welcomed. subscribers[c] counts the open connections in channel c.
func (r *Runner) connect(ctx context.Context, api *apiClient, pool *SourcePool, origin string, fx *fixture, deps connDeps, rep *Report) ([]*clientConn, []int, error) {
	cfg := r.cfg
	// One dialer per node the connections are spread over (--ws-urls), each dialling
	// its node's checked address, with its node's origin unless --origin says else.
	type node struct {
		dialer        *websocket.Dialer
		wsURL, origin string
	}
	targets := []Target{api.target}
	if len(cfg.WSURLs) > 0 {
		targets = targets[:0]
		for _, raw := range cfg.WSURLs {
			t, err := CheckTarget(ctx, raw, cfg.AllowRemote, r.resolve)
			if err != nil {
				return nil, nil, fmt.Errorf("--ws-urls: %w", err)
			}
			targets = append(targets, t)
		}
	}
	nodes := make([]node, len(targets))
	var wsURLs []string
	for i, t := range targets {
		nodes[i] = node{dialer: &websocket.Dialer{
			HandshakeTimeout: helloTimeout,
			ReadBufferSize:   4096,
			WriteBufferSize:  4096,
			NetDialContext:   newAPIClient(t, requestTimeout).dial,
		}, wsURL: t.WebSocketURL(wsPath), origin: origin}
		if cfg.Origin == "" {
			nodes[i].origin = t.Origin()
		}
		wsURLs = append(wsURLs, nodes[i].wsURL)
	}
	r.progressf("opening %d connections to %s", cfg.Conns, strings.Join(wsURLs, ", "))

	slots := make([]*clientConn, cfg.Conns)
	handshake := NewHistogram()
	var failed atomic.Int64
	start := time.Now()
	_ = forEach(ctx, cfg.Conns, cfg.DialConcurrency, func(ctx context.Context, i int) error {
		u := fx.users[r.userOf(i)]
		dctx := ctx
		if pool.Spread() {
			// Past some thousands of connections one source address would run out
			// of ephemeral ports towards the one server port.
			dctx = withSource(ctx, sourceAddr(i/connsPerSource))
		}
		t0 := time.Now()
		n := nodes[i%len(nodes)]
		ws, err := dialWS(dctx, n.dialer, n.wsURL, n.origin, u.token)
		if err == nil {
			c := newConn(ws, u.channel, deps)
			if err = c.hello(helloTimeout); err == nil {
				handshake.Record(time.Since(t0))
				slots[i] = c
				go c.readLoop()
				return nil
			}
			_ = ws.Close()
		}
		failed.Add(1)
		deps.stats.ErrorWith(errorKind("dial", err), err)
		return nil // one refused connection does not stop the others
	})
	elapsed := time.Since(start)

	conns := make([]*clientConn, 0, cfg.Conns)
	subscribers := make([]int, cfg.Channels)
	for _, c := range slots {
		if c != nil {
			conns = append(conns, c)
			subscribers[c.channel]++
		}
	}
	rep.Connect = ConnectReport{Opened: len(conns), Failed: int(failed.Load()), Time: elapsed, Handshake: handshake.Summary()}
	r.progressf("opened %d connections (%d failed) in %s", len(conns), failed.Load(), elapsed.Round(time.Millisecond))
	if err := ctx.Err(); err != nil {
		return conns, subscribers, err
	}
	if len(conns) == 0 {
		return conns, subscribers, errors.New("no connection could be opened; see the errors")
	}
	return conns, subscribers, nil
}

// load runs the senders for Duration, then waits up to Drain for the outstanding
// acks and deliveries.
func (r *Runner) load(ctx context.Context, api *apiClient, conns []*clientConn, fx *fixture, stats *Stats, subscribers []int, rep *Report, clock Clock) {
	cfg := r.cfg
	senders := min(cfg.Senders, len(conns))
	perSender := cfg.Rate / float64(senders)
	if perSender > serverSendRate {
		rep.note("each sender sends %.1f/s, above the server's default per-connection limit of %d/s: expect rate_limited; raise --senders", perSender, serverSendRate)
	}
	interval := time.Duration(float64(time.Second) / perSender)
	r.progressf("sending %.0f msg/s for %s from %d senders (%.2f/s each) into %d channels", cfg.Rate, cfg.Duration, senders, perSender, cfg.Channels)

	cpu := newCPUWindow(ctx, api)

	// Conns are in channel-interleaved order (see userOf), so the first S of them
	// spread over the channels and the users.
	start := time.Now().Add(100 * time.Millisecond)
	end := start.Add(cfg.Duration)
	runCtx, cancel := context.WithDeadline(ctx, end.Add(time.Second))
	defer cancel()
	var wg sync.WaitGroup
	for j := range senders {
		s := &sender{
			conn: conns[j], index: j, channelID: fx.channelIDs[conns[j].channel], runID: fx.runID,
			interval: interval,
			// Evenly staggered phases, so R/S-per-second senders do not all fire
			// in the same millisecond.
			offset: time.Duration(float64(interval) * float64(j) / float64(senders)),
		}
		wg.Go(func() { s.run(runCtx, start, end) })
	}

	stop := make(chan struct{})
	var pw sync.WaitGroup
	pw.Go(func() { r.reportProgress(stop, start, stats, subscribers) })
	wg.Wait()
	sendEnd := time.Now()

	// Drain: until every send is answered and every delivery is in, or, once all
	// are answered, deliveries have stopped coming for drainQuiet (what is missing
	// then is lost, not late), or the drain time is up.
	deadline := time.Now().Add(cfg.Drain)
	lastCount, lastMove := stats.Deliveries.Load(), time.Now()
	for time.Now().Before(deadline) && ctx.Err() == nil {
		answered := stats.Acked.Load()+stats.SendErrors.Load() >= stats.Sent.Load()
		n := stats.Deliveries.Load()
		if n != lastCount {
			lastCount, lastMove = n, time.Now()
		}
		if answered && (n >= stats.expectedDeliveries(subscribers) || time.Since(lastMove) > drainQuiet) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	close(stop)
	pw.Wait()
	rep.Load.CPU = cpu.end(ctx, api)
	rep.Load.SendWindow = sendEnd.Sub(start)
	rep.Load.Drained = time.Since(sendEnd)
	if last := stats.lastEvent.Load(); last > 0 {
		rep.Load.ActiveSpan = time.Duration(last - clock.Nanos(start))
	}
	r.progressf("sent %d, acked %d, deliveries %d of %d; drained in %s",
		stats.Sent.Load(), stats.Acked.Load(), stats.Deliveries.Load(), stats.expectedDeliveries(subscribers), rep.Load.Drained.Round(time.Millisecond))
}

func (r *Runner) reportProgress(stop <-chan struct{}, start time.Time, stats *Stats, subscribers []int) {
	t := time.NewTicker(progressPeriod)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			r.progressf("t=%-4s sent %d, acked %d, deliveries %d of %d, ack p99 %s, delivery p99 %s",
				time.Since(start).Round(time.Second), stats.Sent.Load(), stats.Acked.Load(),
				stats.Deliveries.Load(), stats.expectedDeliveries(subscribers),
				stats.AckLatency.Quantile(0.99).Round(time.Microsecond), stats.DeliveryLatency.Quantile(0.99).Round(time.Microsecond))
		}
	}
}

// closeAll ends every connection, a few at a time, each within closeWait.
func (r *Runner) closeAll(conns []*clientConn, closing *atomic.Bool) {
	closing.Store(true)
	_ = forEach(context.Background(), len(conns), 256, func(_ context.Context, i int) error {
		conns[i].shutdown(closeWait)
		return nil
	})
}

// sleep waits d unless ctx ends first; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// machine describes the host the load generator ran on.
func machine() MachineInfo {
	return MachineInfo{CPUs: runtime.NumCPU(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, GoVersion: runtime.Version(),
		CPUModel: cpuModel(), LoadAvg: loadAverage()}
}
