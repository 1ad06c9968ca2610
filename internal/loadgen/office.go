package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// The office-day mode (govchat loadgen --office) simulates people rather than a
// message rate, the way Mattermost's load-test-ng does: each person holds one
// connection and, after a think time drawn from an exponential distribution, does
// one thing an office worker does — opens a channel and reads it, writes in the
// department group or to a colleague, scrolls back, searches, opens and confirms a
// notice, comes back to the app, goes away and returns. The run climbs through
// steps of people online and reports, per step, request and delivery latency and
// what was lost; the highest step that kept every p99 within the limit and lost
// nothing is what one node (or the cluster) sustains.

// OfficeConfig is one office-day run.
type OfficeConfig struct {
	URLs        []string // one server, or every node of a cluster: people alternate over them
	AllowRemote bool
	Origin      string

	Steps        []int         // people online in each step, ascending
	StepDuration time.Duration // how long each step runs
	Think        time.Duration // mean pause between one person's actions
	GroupSize    int           // people per department group; its first member administers it and publishes notices
	MsgBytes     int
	Limit        time.Duration // the p99 a step must keep, for requests and deliveries

	Admin, AdminPassword, AdminTOTP string

	SetupTimeout    time.Duration
	DialConcurrency int
	Workers         int
	KeepUsers       bool
	Seed            uint64 // the action schedule's seed; 0 picks one
}

// Defaults of an office-day run.
const (
	DefaultOfficeStepDuration = 60 * time.Second
	DefaultOfficeThink        = 20 * time.Second
	DefaultOfficeGroupSize    = 20
	DefaultOfficeLimit        = time.Second
	maxOfficePeople           = 100_000
)

func (c *OfficeConfig) normalize() error {
	if c.StepDuration == 0 {
		c.StepDuration = DefaultOfficeStepDuration
	}
	if c.Think == 0 {
		c.Think = DefaultOfficeThink
	}
	if c.GroupSize == 0 {
		c.GroupSize = DefaultOfficeGroupSize
	}
	if c.MsgBytes == 0 {
		c.MsgBytes = DefaultMsgBytes
	}
	if c.Limit == 0 {
		c.Limit = DefaultOfficeLimit
	}
	if c.SetupTimeout == 0 {
		c.SetupTimeout = DefaultSetupTimeout
	}
	if c.DialConcurrency == 0 {
		c.DialConcurrency = DefaultDialConcurrency
	}
	if c.Workers == 0 {
		c.Workers = DefaultWorkers
	}
	switch {
	case len(c.URLs) == 0:
		return fmt.Errorf("%w: --url is required", ErrConfig)
	case c.Admin == "" || c.AdminPassword == "":
		return fmt.Errorf("%w: --admin and --admin-password are required (an account with users.manage)", ErrConfig)
	case len(c.Steps) == 0:
		return fmt.Errorf("%w: --steps needs at least one number of people", ErrConfig)
	case !slices.IsSorted(c.Steps) || c.Steps[0] < 2 || c.Steps[len(c.Steps)-1] > maxOfficePeople:
		return fmt.Errorf("%w: --steps must ascend, from at least 2 people to at most %d", ErrConfig, maxOfficePeople)
	case c.GroupSize < 2 || c.GroupSize > maxGroupSize:
		return fmt.Errorf("%w: --group-size must be 2–%d", ErrConfig, maxGroupSize)
	case c.StepDuration < time.Second || c.StepDuration > maxDuration:
		return fmt.Errorf("%w: --step-duration must be 1s–%s", ErrConfig, maxDuration)
	case c.Think < 100*time.Millisecond:
		return fmt.Errorf("%w: --think must be at least 100ms (a person, not a robot)", ErrConfig)
	case c.Limit <= 0:
		return fmt.Errorf("%w: --limit must be positive", ErrConfig)
	case c.DialConcurrency < 1 || c.Workers < 1:
		return fmt.Errorf("%w: --dial-concurrency and --workers must be at least 1", ErrConfig)
	}
	if c.Seed == 0 {
		c.Seed = rand.Uint64()
	}
	return nil
}

// people is the largest step rounded up to whole groups: everybody the run creates.
func (c OfficeConfig) people() int {
	top := c.Steps[len(c.Steps)-1]
	return (top + c.GroupSize - 1) / c.GroupSize * c.GroupSize
}

// OfficeRunner runs an office-day test.
type OfficeRunner struct {
	cfg      OfficeConfig
	progress io.Writer
	resolve  Resolver
	canBind  func(netip.Addr) bool
}

// NewOffice makes an office-day runner; see New for the arguments.
func NewOffice(cfg OfficeConfig, progress io.Writer, resolve Resolver, canBind func(netip.Addr) bool) *OfficeRunner {
	return &OfficeRunner{cfg: cfg, progress: progress, resolve: resolve, canBind: canBind}
}

func (r *OfficeRunner) progressf(format string, args ...any) {
	fmt.Fprintf(r.progress, "loadgen: "+format+"\n", args...)
}

// Run sets up the people and groups, then runs every step until one fails its
// limits or the steps are done. The report holds what was measured, also on error.
func (r *OfficeRunner) Run(ctx context.Context) (*OfficeReport, error) {
	rep := &OfficeReport{Machine: machine(), Started: time.Now()}
	if err := r.cfg.normalize(); err != nil {
		return rep, err
	}
	cfg := r.cfg
	rep.Config = officeConfigReport(cfg)

	var nodes []*officeNode
	for _, raw := range cfg.URLs {
		t, err := CheckTarget(ctx, raw, cfg.AllowRemote, r.resolve)
		if err != nil {
			return rep, err
		}
		api := newAPIClient(t, requestTimeout)
		defer api.close()
		origin := cfg.Origin
		if origin == "" {
			origin = t.Origin()
		}
		nodes = append(nodes, &officeNode{api: api, origin: origin})
	}
	n := cfg.people()
	want := uint64(n) + fdHeadroom
	if lim, err := RaiseFDLimit(want); err != nil {
		rep.note("could not raise the open-file limit: %v", err)
	} else if lim.Known && lim.Soft < want {
		return rep, fmt.Errorf("%w: %d people need about %d open files but this process may open %d; raise ulimit -n", ErrConfig, n, want, lim.Soft)
	}

	// Accounts and groups through the existing fixture: people are users, a group is
	// a department channel whose member 0 created it (and so may publish notices to it).
	base := &Runner{cfg: Config{
		Conns: n, Channels: n / cfg.GroupSize, MembersPerChannel: cfg.GroupSize,
		Admin: cfg.Admin, AdminPassword: cfg.AdminPassword, AdminTOTP: cfg.AdminTOTP,
		Workers: cfg.Workers, KeepUsers: cfg.KeepUsers,
	}, progress: r.progress}
	pool := NewSourcePool(nodes[0].api.target, loginsPerSource, r.canBind)
	setupCtx, cancelSetup := context.WithTimeout(ctx, cfg.SetupTimeout)
	fx, cost, err := base.setup(setupCtx, nodes[0].api, pool, func(int) bool { return true })
	cancelSetup()
	rep.Setup = cost
	if fx != nil {
		rep.RunID = fx.runID
		defer func() {
			done, err := base.cleanup(nodes[0].api, fx)
			rep.Cleanup = cleanupLine(cfg.KeepUsers, done, err)
			r.progressf("%s", rep.Cleanup)
		}()
	}
	if err != nil {
		return rep, fmt.Errorf("setup: %w", err)
	}

	w := newOfficeWorld(cfg, fx, nodes)
	defer w.closeAll()
	online := 0
	for i, step := range cfg.Steps {
		if err := w.connect(ctx, online, step, cfg.DialConcurrency, pool.Spread()); err != nil {
			return rep, err
		}
		online = step
		r.progressf("step %d: %d people online; running %s (mean think time %s)", i+1, step, cfg.StepDuration, cfg.Think)
		sr := w.runStep(ctx, step, cfg.StepDuration, r.progressf)
		sr.Pass = sr.passes(cfg.Limit)
		rep.Steps = append(rep.Steps, sr)
		r.progressf("step %d: %s", i+1, sr.line())
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
		if !sr.Pass {
			break
		}
	}
	rep.finish()
	return rep, nil
}

// officeNode is one server of the target.
type officeNode struct {
	api    *apiClient
	origin string
}

// officeWorld is the people and what they share.
type officeWorld struct {
	cfg     OfficeConfig
	fx      *fixture
	nodes   []*officeNode
	payload Payload
	clock   Clock
	people  []*person
	closing atomic.Bool
	stats   atomic.Pointer[officeStats] // the current step's
	// groupOnline[c] counts the connected members of group c, which is what a
	// message there is expected to reach.
	groupOnline []atomic.Int64
}

func newOfficeWorld(cfg OfficeConfig, fx *fixture, nodes []*officeNode) *officeWorld {
	w := &officeWorld{cfg: cfg, fx: fx, nodes: nodes, payload: NewPayload(fx.runID, cfg.MsgBytes),
		clock: NewClock(time.Now()), groupOnline: make([]atomic.Int64, len(fx.channelIDs))}
	w.stats.Store(newOfficeStats())
	seed := rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)
	for i := range fx.users {
		p := &person{w: w, index: i, user: &fx.users[i], node: nodes[i%len(nodes)],
			group: fx.users[i].channel, rng: rand.New(rand.NewPCG(seed.Uint64(), uint64(i))),
			lastSeq: map[int64]int64{}}
		// Colleagues pair up for direct messages: 0 with 1, 2 with 3, …
		if partner := i ^ 1; partner < len(fx.users) {
			p.partner = partner
		} else {
			p.partner = -1
		}
		w.people = append(w.people, p)
	}
	return w
}

// connect brings people [from, to) online: a WebSocket each, on its node.
func (w *officeWorld) connect(ctx context.Context, from, to, concurrency int, spread bool) error {
	var failed atomic.Int64
	var firstErr atomic.Value
	_ = forEach(ctx, to-from, concurrency, func(ctx context.Context, j int) error {
		p := w.people[from+j]
		dctx := ctx
		if spread {
			dctx = withSource(ctx, sourceAddr((from+j)/connsPerSource))
		}
		if err := p.connect(dctx); err != nil {
			failed.Add(1)
			firstErr.CompareAndSwap(nil, err)
		}
		return nil
	})
	if n := failed.Load(); n > 0 {
		return fmt.Errorf("%d of %d connections failed, first: %v", n, to-from, firstErr.Load())
	}
	return ctx.Err()
}

// runStep lets people [0, online) act for d, then waits for what is in flight.
func (w *officeWorld) runStep(ctx context.Context, online int, d time.Duration, progressf func(string, ...any)) StepReport {
	st := newOfficeStats()
	w.stats.Store(st)
	cpu := make([]cpuWindow, len(w.nodes))
	for i, n := range w.nodes {
		cpu[i] = newCPUWindow(ctx, n.api)
	}
	start := time.Now()
	stepCtx, cancel := context.WithDeadline(ctx, start.Add(d))
	var wg sync.WaitGroup
	for _, p := range w.people[:online] {
		wg.Go(func() { p.live(stepCtx) })
	}
	ticker := time.NewTicker(progressPeriod)
	go func() {
		for {
			select {
			case <-stepCtx.Done():
				return
			case <-ticker.C:
				progressf("  t=%-4s actions %d, request p99 %s, delivery p99 %s, deliveries %d of %d",
					time.Since(start).Round(time.Second), st.actions.Load(), st.requests.Quantile(0.99).Round(time.Millisecond),
					st.delivery.Quantile(0.99).Round(time.Millisecond), st.delivered.Load(), st.expected.Load())
			}
		}
	}()
	wg.Wait()
	ticker.Stop()
	cancel()
	acting := time.Since(start)

	// Drain: every REST request has returned (live waited for them); frames still
	// unanswered get until the deadline, deliveries still on their way until they
	// stop coming.
	deadline := time.Now().Add(10 * time.Second)
	last, moved := st.delivered.Load(), time.Now()
	for time.Now().Before(deadline) && (st.inFlight.Load() > 0 || st.delivered.Load() < st.expected.Load() && time.Since(moved) < drainQuiet) {
		time.Sleep(20 * time.Millisecond)
		if n := st.delivered.Load(); n != last {
			last, moved = n, time.Now()
		}
	}
	sr := st.report(online, acting)
	sr.CPU = CPUUse{Wall: acting, ServerCores: 0, LoadgenCores: -1}
	for i, n := range w.nodes {
		u := cpu[i].end(ctx, n.api)
		if u.ServerCores < 0 {
			sr.CPU.ServerCores = -1
		} else if sr.CPU.ServerCores >= 0 {
			sr.CPU.ServerCores += u.ServerCores
		}
		sr.CPU.LoadgenCores = u.LoadgenCores
	}
	return sr
}

func (w *officeWorld) closeAll() {
	w.closing.Store(true)
	_ = forEach(context.Background(), len(w.people), 256, func(_ context.Context, i int) error {
		if c := w.people[i].conn; c != nil {
			c.shutdown(closeWait)
		}
		return nil
	})
}

// dialer is shared by every person's connection.
func (w *officeWorld) dialer(n *officeNode) *websocket.Dialer {
	return &websocket.Dialer{HandshakeTimeout: helloTimeout, ReadBufferSize: 4096, WriteBufferSize: 4096, NetDialContext: n.api.dial}
}

// expDelay draws a think time: exponential with the configured mean, capped at ten
// means so one unlucky draw does not idle a person for the whole step.
func expDelay(rng *rand.Rand, mean time.Duration) time.Duration {
	d := time.Duration(rng.ExpFloat64() * float64(mean))
	return min(d, 10*mean)
}

var errStepOver = errors.New("step over")

// waitFor sleeps d unless ctx ends; errStepOver when it did.
func waitFor(ctx context.Context, d time.Duration) error {
	if !sleep(ctx, d) {
		return errStepOver
	}
	return nil
}

// roundUp is ceil for the report's per-second figures.
func perSecond(n uint64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return math.Round(float64(n)/d.Seconds()*10) / 10
}
