package notice

import (
	"context"
	"log/slog"
	"sort"
	"time"

	"govchat/internal/auth"
	"govchat/internal/org"
	"govchat/internal/store"
	"govchat/protocol"
)

// What other services that ask people for something the way a notice does
// (internal/collect: 收集, 接龙) share with notices rather than copy: who may publish to
// an audience, how it is resolved to people, who a person's department heads are, who
// may see the answers (the tally rule), the text checks, the automatic reminders'
// timing, the scheduler's loop and the spreadsheet formula guard.

// AudienceStore is what Audiences reads.
type AudienceStore interface {
	audienceStore
}

// Audiences resolves audiences as notices do.
type Audiences struct {
	st            AudienceStore
	channelAdmins bool
}

// NewAudiences returns Audiences over st; channelAdminsMayPublish as
// Options.ChannelAdminsMayPublish.
func NewAudiences(st AudienceStore, channelAdminsMayPublish bool) *Audiences {
	return &Audiences{st: st, channelAdmins: channelAdminsMayPublish}
}

// MayPublish: a leader may ask any audience; a channel administrator (when allowed)
// an audience made only of channels they administer; anyone else is forbidden.
func (a *Audiences) MayPublish(ctx context.Context, p auth.Principal, aud protocol.Audience) error {
	return mayPublish(ctx, a.st, a.channelAdmins, p, aud)
}

// Recipient is a person an audience reaches, with their primary department (0: none).
type Recipient struct {
	UserID       int64
	DepartmentID int64
}

// Org is the organisation as one publication or scheduler pass sees it.
type Org struct {
	v     *orgView
	order map[int64]int
}

// LoadOrg reads the organisation once.
func (a *Audiences) LoadOrg(ctx context.Context) (*Org, error) {
	v, err := loadOrg(ctx, a.st)
	if err != nil {
		return nil, err
	}
	return &Org{v: v}, nil
}

// Resolve turns an audience into people exactly as a notice's is (see resolve):
// ascending by user, the author left out. The shape is checked first (CheckAudience).
func (a *Audiences) Resolve(ctx context.Context, o *Org, aud protocol.Audience, authorID int64) ([]Recipient, error) {
	if err := checkAudience(aud); err != nil {
		return nil, err
	}
	res, err := resolve(ctx, a.st, o.v, aud, authorID)
	if err != nil {
		return nil, err
	}
	out := make([]Recipient, len(res.recipients))
	for i, r := range res.recipients {
		out[i] = Recipient{UserID: r.UserID, DepartmentID: r.DepartmentID}
	}
	return out, nil
}

// ByHead groups people under their department heads, as a notice's escalation does:
// the leaders of their department (not themself) or of the nearest one above with one;
// people without a head are returned apart.
func (o *Org) ByHead(people []Recipient) (groups map[int64][]int64, headless []int64) {
	rs := make([]store.NoticeRecipient, len(people))
	for i, p := range people {
		rs[i] = store.NoticeRecipient{UserID: p.UserID, DepartmentID: p.DepartmentID}
	}
	return o.v.byHead(rs)
}

// DepartmentName is a department's path as a tally names it ("预算股 / 预算编制组"),
// 未分配部门 for 0.
func (o *Org) DepartmentName(id int64) string {
	return tallyData{depts: o.v.depts}.deptName(id)
}

// DepartmentOrder numbers departments as a tally orders them: depth first, siblings
// by sort order.
func (o *Org) DepartmentOrder() map[int64]int {
	if o.order == nil {
		o.order = treeOrder(o.v.deptList)
	}
	return o.order
}

// Departments names and orders departments as a tally does, from ListDepartments'
// list alone (cheaper than LoadOrg where only names are wanted).
type Departments struct {
	tree  tallyData
	order map[int64]int
}

// NewDepartments reads ds, as ListDepartments returns them.
func NewDepartments(ds []store.Department) *Departments {
	return &Departments{tree: tallyData{depts: org.DeptTree(ds)}, order: treeOrder(ds)}
}

// Name is a department's path ("预算股 / 预算编制组"), 未分配部门 for 0.
func (d *Departments) Name(id int64) string { return d.tree.deptName(id) }

// Less orders departments as a tally lists them (depth first, siblings by sort order;
// none last).
func (d *Departments) Less(a, b int64) bool {
	oa, okA := d.order[a]
	ob, okB := d.order[b]
	switch {
	case okA && okB:
		return oa < ob
	case okA != okB:
		return okA
	}
	return a < b
}

// User is an account as the organisation view holds it.
func (o *Org) User(id int64) (store.User, bool) {
	u, ok := o.v.users[id]
	return u, ok
}

// TallyViewer answers "may this person see the answers of something asked of these
// departments" by the tally's rule: the author, security officers, and leaders who
// are members of one of the departments or of a department above one.
type TallyViewer struct{ tv *tallyViewer }

// NewTallyViewer reads what the rule needs for p.
func NewTallyViewer(ctx context.Context, st AudienceStore, p auth.Principal) (*TallyViewer, error) {
	tv, err := newTallyViewer(ctx, st, p)
	if err != nil {
		return nil, err
	}
	return &TallyViewer{tv: tv}, nil
}

// CanSee applies the rule to something authorID asked of people in depts.
func (t *TallyViewer) CanSee(authorID int64, depts []int64) bool {
	return authorID == t.tv.userID || t.tv.security || t.tv.above(depts)
}

// CheckAudience checks an audience's shape: not empty, no list too long.
func CheckAudience(a protocol.Audience) error { return checkAudience(a) }

// Beijing is the time zone notices and collections show times in (Asia/Shanghai, or its
// fixed offset where the system has no zone data).
func Beijing() *time.Location { return shanghai() }

// CheckDeadline: absent is none; otherwise it must be after now (bad_request on
// "deadline"), kept to the millisecond as the store keeps it.
func CheckDeadline(d *time.Time, now time.Time) (time.Time, error) { return checkDeadline(d, now) }

// DefuseCell keeps a spreadsheet from reading a cell as a formula (=, +, -, @, a tab
// or a carriage return first): it gets a leading apostrophe.
func DefuseCell(v string) string { return defuse(v) }

// Reminders orders automatic reminder offsets as the scheduler uses them: positive
// only, largest (earliest before the deadline) first.
func Reminders(ds []time.Duration) []time.Duration {
	var rs []time.Duration
	for _, d := range ds {
		if d > 0 {
			rs = append(rs, d)
		}
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i] > rs[j] })
	return rs
}

// DueReminder is the index into reminders (as Reminders orders them) of the latest
// automatic reminder due at now before deadline, or -1 when none is.
func DueReminder(reminders []time.Duration, deadline, now time.Time) int {
	return dueReminder(reminders, deadline, now)
}

func dueReminder(reminders []time.Duration, deadline, now time.Time) int {
	due := -1
	for i, before := range reminders {
		if !now.Before(deadline.Add(-before)) {
			due = i // reminders are largest first: the last match is the latest due
		}
	}
	return due
}

// RunEvery runs tick every interval until ctx is done, logging what fails (the next
// pass tries again): the notice scheduler's loop, for other schedulers.
func RunEvery(ctx context.Context, every time.Duration, log *slog.Logger, what string, tick func(context.Context) error) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := tick(ctx); err != nil && ctx.Err() == nil {
			log.Error(what+" pass failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
