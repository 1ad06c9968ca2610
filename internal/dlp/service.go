package dlp

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/auth"
	"govchat/internal/authz"
	"govchat/internal/bus"
	"govchat/internal/buscache"
	"govchat/internal/busevent"
	"govchat/internal/ratelimit"
	"govchat/internal/store"
	"govchat/protocol"
)

// Tx is the part of the store a change is written through, with its audit entry.
type Tx interface {
	PutDLPRules(ctx context.Context, r store.DLPRules) error
	audit.Appender
}

// Store is what the service reads, and its transactions.
type Store interface {
	GetDLPRules(ctx context.Context) (store.DLPRules, bool, error)
	GetUser(ctx context.Context, id int64) (store.User, error)
	GetMember(ctx context.Context, channelID, userID int64) (store.ChannelMember, error)
	InTx(ctx context.Context, fn func(tx Tx) error) error
}

// Bus is what the service needs of the bus: publishing changes, hearing other nodes'.
type Bus interface {
	busevent.Bus
	Subscribe(ctx context.Context, topic string, h bus.Handler) (unsubscribe func(), err error)
}

// DefaultTTL bounds how long a node trusts its cached rules without hearing of a change
// (the bus carries changes at most once).
const DefaultTTL = time.Minute

// HitsPerMinute and HitsBurst bound the hits one person reports from the browser.
const (
	HitsPerMinute = 60
	HitsBurst     = 30
)

// Deps are the service's dependencies.
type Deps struct {
	Store Store
	Bus   Bus
	Audit *audit.Recorder
	Log   *slog.Logger
	Now   func() time.Time
	TTL   time.Duration // ≤ 0: DefaultTTL
	// HitLimit bounds POST /dlp/hits per person; nil: unbounded (tests).
	HitLimit ratelimit.Allower
}

// Service keeps the rule set, checks texts against it and records hits.
type Service struct {
	d   Deps
	pub *busevent.Publisher

	cache *buscache.Cache[*loaded]
}

type loaded struct {
	wire    protocol.DLPRules
	matcher *Matcher
}

// New returns a Service; Listen makes it hear other nodes' changes.
func New(d Deps) *Service {
	if d.TTL <= 0 {
		d.TTL = DefaultTTL
	}
	return &Service{d: d, pub: busevent.NewPublisher(d.Bus, d.Log), cache: buscache.New[*loaded](d.TTL, d.Now)}
}

// Listen subscribes to changes made on any node; the returned func stops it.
func (s *Service) Listen(ctx context.Context) (func(), error) {
	unsub, err := s.cache.Listen(ctx, s.d.Bus, busevent.DLPTopic)
	if err != nil {
		return nil, fmt.Errorf("dlp: listen for changes: %w", err)
	}
	return unsub, nil
}

// load is the cached rule set (buscache: read again after a change or the TTL).
func (s *Service) load(ctx context.Context) (*loaded, error) {
	return s.cache.Get(ctx, s.read)
}

// read reads and compiles the stored rule set, or the defaults when none was set.
func (s *Service) read(ctx context.Context) (*loaded, error) {
	row, ok, err := s.d.Store.GetDLPRules(ctx)
	if err != nil {
		return nil, fmt.Errorf("dlp: load rules: %w", err)
	}
	l := &loaded{wire: protocol.DLPRules{Rules: protocol.DefaultDLPRules()}}
	if ok {
		var rules []protocol.DLPRule
		if err := json.Unmarshal([]byte(row.JSON), &rules); err != nil {
			return nil, fmt.Errorf("dlp: stored rules: %w", err)
		}
		at := row.UpdatedAt
		l.wire = protocol.DLPRules{Rules: rules, UpdatedAt: &at, UpdatedBy: row.UpdatedBy}
	}
	if l.matcher, err = Compile(l.wire.Rules); err != nil {
		return nil, fmt.Errorf("dlp: stored rules: %w", err)
	}
	return l, nil
}

// Rules answers GET /api/v1/dlp/rules.
func (s *Service) Rules(ctx context.Context) (protocol.DLPRules, error) {
	l, err := s.load(ctx)
	if err != nil {
		return protocol.DLPRules{}, err
	}
	out := l.wire
	out.Rules = l.matcher.Rules()
	return out, nil
}

// Put replaces the rule set (PUT /api/v1/dlp/rules), audited as dlp.rules_changed with
// each rule's id, kind and actions before and after — never keywords or patterns.
func (s *Service) Put(ctx context.Context, p auth.Principal, req protocol.DLPRules) (protocol.DLPRules, error) {
	if !authz.Can(p.User.Role, authz.ManageDLP) {
		return protocol.DLPRules{}, apperr.New(protocol.CodeForbidden, "only the security officer (保密员) sets the DLP rules")
	}
	rules, err := Validate(req.Rules)
	if err != nil {
		return protocol.DLPRules{}, err
	}
	before, err := s.load(ctx)
	if err != nil {
		return protocol.DLPRules{}, err
	}
	raw, err := json.Marshal(rules)
	if err != nil {
		return protocol.DLPRules{}, fmt.Errorf("dlp: encode rules: %w", err)
	}
	err = s.d.Store.InTx(ctx, func(tx Tx) error {
		if err := tx.PutDLPRules(ctx, store.DLPRules{JSON: string(raw), UpdatedAt: s.d.Now(), UpdatedBy: p.User.ID}); err != nil {
			return err
		}
		return s.d.Audit.In(tx).Record(ctx, audit.Event{ActorID: p.User.ID, ActorName: p.User.Username,
			Action: audit.DLPRulesChanged, TargetType: "dlp", TargetID: "rules",
			Detail: map[string]any{"before": summary(before.wire.Rules), "after": summary(rules)}})
	})
	if err != nil {
		return protocol.DLPRules{}, fmt.Errorf("dlp: put rules: %w", err)
	}
	s.cache.Changed() // this node at once, whatever the bus does
	s.pub.ToNodes(ctx, busevent.DLPTopic, "dlp", struct{}{})
	return s.Rules(ctx)
}

// summary is a rule set as the trail keeps it: ids, kinds, actions, keyword counts.
func summary(rules []protocol.DLPRule) []map[string]any {
	out := make([]map[string]any, len(rules))
	for i, r := range rules {
		m := map[string]any{"id": r.ID, "kind": r.Kind, "actions": r.Actions}
		if r.Kind == protocol.DLPKeyword {
			m["keywords"] = len(r.Keywords)
		}
		out[i] = m
	}
	return out
}

// Scan is a text to check and where it goes.
type Scan struct {
	ActorID int64
	Text    string
	Level   int    // the message's or notice's secrecy level
	Ack     bool   // the sender confirmed a warning (dlp_ack)
	Context string // channel:<id>, notice
	Kind    string // protocol.DLPKindMessageText, …
	// Field is the request field the text came in (text, body): the refusal names it.
	Field string
}

// Finding is a check's hits waiting to be recorded once the text is sent.
type Finding struct {
	scan    Scan
	verdict Verdict
}

// Check scans a text about to be sent. Blocked: the hit is recorded (outcome denied) and
// the error is dlp_blocked naming the rules. A warning not yet confirmed: dlp_warning
// naming the rules, nothing recorded (the sender may change the text). Otherwise a
// Finding (nil when nothing hit) for Sent to record once the text is stored.
func (s *Service) Check(ctx context.Context, sc Scan) (*Finding, error) {
	if s == nil {
		return nil, nil
	}
	l, err := s.load(ctx)
	if err != nil {
		return nil, err
	}
	hits := l.matcher.Scan(sc.Text)
	if len(hits) == 0 {
		return nil, nil
	}
	v := Decide(l.wire.Rules, hits, sc.Level)
	switch v.Action {
	case protocol.DLPOff:
		return nil, nil
	case protocol.DLPBlock:
		f := &Finding{scan: sc, verdict: v}
		if err := s.record(ctx, f, protocol.DLPTakenBlocked, nil); err != nil {
			return nil, err
		}
		e := apperr.New(protocol.CodeDLPBlocked, "the text matches data-loss-prevention rules that forbid sending it at this level: %s",
			strings.Join(v.RuleIDs(protocol.DLPBlock), ", "))
		e.Field, e.Rules = sc.Field, v.RuleIDs(protocol.DLPBlock)
		return nil, e
	case protocol.DLPWarn:
		if !sc.Ack {
			e := apperr.New(protocol.CodeDLPWarning, "the text matches data-loss-prevention rules: confirm (dlp_ack) to send it anyway: %s",
				strings.Join(v.RuleIDs(protocol.DLPWarn), ", "))
			e.Field, e.Rules = sc.Field, v.RuleIDs(protocol.DLPWarn)
			return nil, e
		}
	}
	return &Finding{scan: sc, verdict: v}, nil
}

// Sent records a finding's hits once its text was stored; extra adds facts such as the
// message's seq. A failure is logged: the text is out, and the caller cannot undo it.
func (s *Service) Sent(ctx context.Context, f *Finding, extra map[string]any) {
	if s == nil || f == nil {
		return
	}
	taken := protocol.DLPTakenSent
	if f.verdict.Action == protocol.DLPWarn {
		taken = protocol.DLPTakenWarnSent
	}
	if err := s.record(ctx, f, taken, extra); err != nil {
		s.d.Log.Error("dlp: a hit was not recorded", "context", f.scan.Context, "err", err)
	}
}

func (s *Service) record(ctx context.Context, f *Finding, taken string, extra map[string]any) error {
	rules := make([]map[string]any, len(f.verdict.Hits))
	for i, h := range f.verdict.Hits {
		rules[i] = map[string]any{"id": h.Rule, "count": h.Count, "action": h.Action}
	}
	sent := taken == protocol.DLPTakenSent || taken == protocol.DLPTakenWarnSent
	detail := map[string]any{"context": f.scan.Context, "kind": f.scan.Kind, "level": f.scan.Level,
		"rules": rules, "action": f.verdict.Recorded(sent), "action_taken": taken}
	for k, v := range extra {
		detail[k] = v
	}
	outcome := audit.OK
	if !sent {
		outcome = audit.Denied
	}
	name := ""
	if u, err := s.d.Store.GetUser(ctx, f.scan.ActorID); err == nil {
		name = u.Username
	}
	typ, id := target(f.scan.Context)
	return s.d.Audit.Record(ctx, audit.Event{ActorID: f.scan.ActorID, ActorName: name, Action: audit.DLPHit,
		TargetType: typ, TargetID: id, Outcome: outcome, Detail: detail})
}

// target is the audit target of a context: channel:12 → channel 12.
func target(context string) (typ, id string) {
	if rest, ok := strings.CutPrefix(context, "channel:"); ok {
		return "channel", rest
	}
	return context, ""
}

// ReportHits records hits the browser found in a file name or a file's text (POST
// /api/v1/dlp/hits) and answers the action the rules decide for them at that level.
// The browser cannot be made to report; what it reports is checked against the rules
// (unknown rule ids are refused) so the trail holds nothing the rules did not say.
func (s *Service) ReportHits(ctx context.Context, p auth.Principal, req protocol.DLPHitsRequest) (protocol.DLPHitsResponse, error) {
	if s.d.HitLimit != nil {
		ok, wait, err := s.d.HitLimit.Allow(ctx, "dlphits:"+strconv.FormatInt(p.User.ID, 10))
		if err != nil {
			s.d.Log.Warn("dlp hits rate limiter unavailable", "err", err)
		} else if !ok {
			e := apperr.New(protocol.CodeRateLimited, "too many DLP reports; wait a moment")
			e.RetryAfter = wait
			return protocol.DLPHitsResponse{}, e
		}
	}
	if err := s.checkContext(ctx, p.User.ID, req.Context); err != nil {
		return protocol.DLPHitsResponse{}, err
	}
	switch req.Kind {
	case protocol.DLPKindFileName, protocol.DLPKindFileText:
	default:
		return protocol.DLPHitsResponse{}, apperr.BadField("kind", "kind is file_name or file_text")
	}
	if req.Level < 0 || req.Level >= protocol.NumSecrecyLevels {
		return protocol.DLPHitsResponse{}, apperr.BadField("level", "levels are 0 to %d", protocol.NumSecrecyLevels-1)
	}
	switch req.ActionTaken {
	case protocol.DLPTakenBlocked, protocol.DLPTakenCancelled, protocol.DLPTakenWarnSent, protocol.DLPTakenSent:
	default:
		return protocol.DLPHitsResponse{}, apperr.BadField("action_taken", "action_taken is blocked, cancelled, sent_after_warning or sent")
	}
	l, err := s.load(ctx)
	if err != nil {
		return protocol.DLPHitsResponse{}, err
	}
	if len(req.Rules) == 0 || len(req.Rules) > protocol.DLPMaxRules {
		return protocol.DLPHitsResponse{}, apperr.BadField("rules", "1 to %d rules", protocol.DLPMaxRules)
	}
	known := map[string]bool{}
	for _, r := range l.wire.Rules {
		known[r.ID] = true
	}
	seen := map[string]bool{}
	for i, h := range req.Rules {
		f := fmt.Sprintf("rules[%d]", i)
		if !known[h.Rule] || seen[h.Rule] {
			return protocol.DLPHitsResponse{}, apperr.BadField(f+".id", "no such rule, or listed twice: %q", h.Rule)
		}
		seen[h.Rule] = true
		if h.Count < 1 || h.Count > 1_000_000 {
			return protocol.DLPHitsResponse{}, apperr.BadField(f+".count", "count is 1 to 1000000")
		}
	}
	v := Decide(l.wire.Rules, req.Rules, req.Level)
	if v.Action == protocol.DLPOff {
		return protocol.DLPHitsResponse{Action: v.Action}, nil // nothing the rules act on
	}
	f := &Finding{scan: Scan{ActorID: p.User.ID, Level: req.Level, Context: req.Context, Kind: req.Kind}, verdict: v}
	if err := s.record(ctx, f, req.ActionTaken, nil); err != nil {
		return protocol.DLPHitsResponse{}, err
	}
	return protocol.DLPHitsResponse{Action: v.Action}, nil
}

// checkContext: "notice", or "channel:<id>" of a channel the person is in.
func (s *Service) checkContext(ctx context.Context, userID int64, c string) error {
	if c == "notice" {
		return nil
	}
	rest, ok := strings.CutPrefix(c, "channel:")
	id, err := strconv.ParseInt(rest, 10, 64)
	if !ok || err != nil || id <= 0 || strconv.FormatInt(id, 10) != rest {
		return apperr.BadField("context", `context is "channel:<id>" or "notice"`)
	}
	if _, err := s.d.Store.GetMember(ctx, id, userID); err != nil {
		if apperr.From(err).Code == protocol.CodeNotFound {
			e := apperr.New(protocol.CodeNotMember, "you are not a member of this channel")
			e.Field = "context"
			return e
		}
		return err
	}
	return nil
}
