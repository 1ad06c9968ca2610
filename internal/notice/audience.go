package notice

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"govchat/internal/apperr"
	"govchat/internal/org"
	"govchat/internal/store"
	"govchat/protocol"
)

// orgView is the organisation as one publication or scheduler pass sees it: the two
// trees, who is in each node, and every account.
type orgView struct {
	depts       org.Tree[store.Department]
	parties     org.Tree[store.PartyOrg]
	users       map[int64]store.User
	deptMembers map[int64][]int64  // department → users (any membership)
	partyMembs  map[int64][]int64  // party org → users
	primary     map[int64]int64    // user → primary department
	leaderCache map[int64][]int64  // department → its leaders (heads.go)
	deptList    []store.Department // as ListDepartments gave them (tree order for tallies)
}

// audienceStore is what resolving an audience and deciding who may publish to it read.
type audienceStore interface {
	orgSource
	GetChannel(ctx context.Context, id int64) (store.Channel, error)
	GetMember(ctx context.Context, channelID, userID int64) (store.ChannelMember, error)
	ListMembers(ctx context.Context, channelID int64) ([]store.ChannelMember, error)
	ListChannelsByKind(ctx context.Context, kind store.ChannelKind) ([]store.Channel, error)
}

// orgSource is what loadOrg reads.
type orgSource interface {
	ListDepartments(ctx context.Context) ([]store.Department, error)
	ListPartyOrgs(ctx context.Context) ([]store.PartyOrg, error)
	ListDeptMemberships(ctx context.Context) ([]store.DeptMembership, error)
	ListPartyMemberships(ctx context.Context) ([]store.PartyMembership, error)
	ListUsers(ctx context.Context, f store.UserFilter) ([]store.User, error)
}

func loadOrg(ctx context.Context, st orgSource) (*orgView, error) {
	ds, err := st.ListDepartments(ctx)
	if err != nil {
		return nil, fmt.Errorf("notice: departments: %w", err)
	}
	ps, err := st.ListPartyOrgs(ctx)
	if err != nil {
		return nil, fmt.Errorf("notice: party organisations: %w", err)
	}
	dms, err := st.ListDeptMemberships(ctx)
	if err != nil {
		return nil, fmt.Errorf("notice: department memberships: %w", err)
	}
	pms, err := st.ListPartyMemberships(ctx)
	if err != nil {
		return nil, fmt.Errorf("notice: party memberships: %w", err)
	}
	us, err := st.ListUsers(ctx, store.UserFilter{})
	if err != nil {
		return nil, fmt.Errorf("notice: users: %w", err)
	}
	v := &orgView{depts: org.DeptTree(ds), parties: org.PartyTree(ps), users: make(map[int64]store.User, len(us)),
		deptMembers: map[int64][]int64{}, partyMembs: map[int64][]int64{}, primary: map[int64]int64{},
		leaderCache: map[int64][]int64{}, deptList: ds}
	for _, u := range us {
		v.users[u.ID] = u
	}
	for _, m := range dms {
		v.deptMembers[m.DepartmentID] = append(v.deptMembers[m.DepartmentID], m.UserID)
		if m.Primary {
			v.primary[m.UserID] = m.DepartmentID
		}
	}
	for _, m := range pms {
		v.partyMembs[m.PartyOrgID] = append(v.partyMembs[m.PartyOrgID], m.UserID)
	}
	return v, nil
}

func (v *orgView) active(uid int64) bool {
	u, ok := v.users[uid]
	return ok && !u.Disabled
}

// resolved is an audience resolved to people and channels.
type resolved struct {
	recipients []store.NoticeRecipient // ascending by user
	channels   []int64                 // ascending
	pins       map[int64]pin           // each of channels: its ceiling and why it is there
}

// pin is a channel a notice is pinned in: its name and secrecy ceiling, and the
// audience field that put it there (what a refusal names).
type pin struct {
	name    string
	ceiling int
	field   string
}

// resolve turns an audience into the people it reaches at this moment and the channels
// the notice is pinned in:
//
//   - a channel: its members; pinned there;
//   - a department: its members, and with sub those of every department below too;
//     pinned in the department channel of each of those departments;
//   - a party organisation: its members and those of its groups below; pinned in the
//     party channel of each;
//   - a user: that person;
//   - all (全单位): every account; pinned in every department channel.
//
// Disabled accounts and the author are left out; a person reached twice gets one
// notice. Each recipient's department is their primary department (0 for none). An id
// that does not exist (a disabled account as a user) is bad_request naming the list;
// more than MaxNoticeRecipients people is too_large; nobody at all is bad_request on
// "audience".
func resolve(ctx context.Context, st audienceStore, v *orgView, a protocol.Audience, authorID int64) (resolved, error) {
	people := map[int64]bool{}
	pins := map[int64]pin{}
	add := func(uid int64) {
		if uid != authorID && v.active(uid) {
			people[uid] = true
		}
	}
	for i, cid := range a.Channels {
		ch, err := st.GetChannel(ctx, cid)
		if errors.Is(err, store.ErrNotFound) {
			return resolved{}, apperr.BadField("audience.channels", "channel %d does not exist", cid)
		}
		if err != nil {
			return resolved{}, fmt.Errorf("notice: channel %d: %w", cid, err)
		}
		if ch.Kind == store.ChannelDirect || ch.Archived {
			return resolved{}, apperr.BadField("audience.channels", "channel %d is a direct conversation or archived", cid)
		}
		ms, err := st.ListMembers(ctx, cid)
		if err != nil {
			return resolved{}, fmt.Errorf("notice: members of channel %d: %w", cid, err)
		}
		for _, m := range ms {
			add(m.UserID)
		}
		if _, ok := pins[cid]; !ok {
			pins[cid] = pin{name: ch.Name, ceiling: ch.MaxSecrecy, field: fmt.Sprintf("audience.channels[%d]", i)}
		}
	}
	// Which audience entry brought each department and party organisation in: the
	// first that did, for a refusal to name.
	deptField, partyField := map[int64]string{}, map[int64]string{}
	name := func(m map[int64]string, ids []int64, field string) {
		for _, id := range ids {
			if _, ok := m[id]; !ok {
				m[id] = field
			}
		}
	}

	var deptIDs, partyIDs []int64
	if a.All {
		// 全单位: every account, with a department or not; pinned in every department
		// channel.
		for uid := range v.users {
			add(uid)
		}
		deptIDs = append(deptIDs, v.depts.Descendants(0)[1:]...) // 0 is above the top departments
		name(deptField, deptIDs, "audience.all")
	}
	for i, d := range a.Departments {
		if _, ok := v.depts.Get(d.ID); !ok {
			return resolved{}, apperr.BadField("audience.departments", "department %d does not exist", d.ID)
		}
		ids := []int64{d.ID}
		if d.Sub {
			ids = v.depts.Descendants(d.ID)
		}
		deptIDs = append(deptIDs, ids...)
		name(deptField, ids, fmt.Sprintf("audience.departments[%d]", i))
	}
	for i, id := range a.PartyOrgs {
		if _, ok := v.parties.Get(id); !ok {
			return resolved{}, apperr.BadField("audience.party_orgs", "party organisation %d does not exist", id)
		}
		ids := v.parties.Descendants(id)
		partyIDs = append(partyIDs, ids...)
		name(partyField, ids, fmt.Sprintf("audience.party_orgs[%d]", i))
	}
	for _, id := range deptIDs {
		for _, uid := range v.deptMembers[id] {
			add(uid)
		}
	}
	for _, id := range partyIDs {
		for _, uid := range v.partyMembs[id] {
			add(uid)
		}
	}
	for _, uid := range a.Users {
		if !v.active(uid) {
			return resolved{}, apperr.BadField("audience.users", "user %d does not exist or is disabled", uid)
		}
		add(uid)
	}
	if len(people) > protocol.MaxNoticeRecipients {
		return resolved{}, apperr.New(protocol.CodeTooLarge, "the audience has %d people; at most %d may be asked", len(people), protocol.MaxNoticeRecipients)
	}
	if len(people) == 0 {
		return resolved{}, apperr.BadField("audience", "the audience has nobody in it (besides you)")
	}

	if err := orgPins(ctx, st, pins, deptField, partyField); err != nil {
		return resolved{}, err
	}

	out := resolved{recipients: make([]store.NoticeRecipient, 0, len(people)), channels: make([]int64, 0, len(pins)), pins: pins}
	for uid := range people {
		out.recipients = append(out.recipients, store.NoticeRecipient{UserID: uid, DepartmentID: v.primary[uid]})
	}
	sort.Slice(out.recipients, func(i, j int) bool { return out.recipients[i].UserID < out.recipients[j].UserID })
	for cid := range pins {
		out.channels = append(out.channels, cid)
	}
	sort.Slice(out.channels, func(i, j int) bool { return out.channels[i] < out.channels[j] })
	return out, nil
}

// checkCeilings refuses a notice whose level is above the ceiling of a channel it would
// be pinned in (secrecy_above_ceiling, naming the audience entry that brought the
// channel in, and the channel). A notice to people only is pinned nowhere: any level.
func (r resolved) checkCeilings(level int) (channelID int64, err error) {
	for _, cid := range r.channels {
		if p := r.pins[cid]; level > p.ceiling {
			e := apperr.New(protocol.CodeSecrecyAboveCeiling, "the notice is secrecy %d; channel %s (%d), where it would be pinned, allows at most %d",
				level, p.name, cid, p.ceiling)
			e.Field = p.field
			return cid, e
		}
	}
	return 0, nil
}

// orgPins adds the department channels of the departments in depts and the party
// channels of the organisations in parties (each mapped to the audience field that
// brought it in).
func orgPins(ctx context.Context, st audienceStore, pins map[int64]pin, depts, parties map[int64]string) error {
	for _, k := range []struct {
		kind store.ChannelKind
		want map[int64]string
	}{{store.ChannelDepartment, depts}, {store.ChannelParty, parties}} {
		if len(k.want) == 0 {
			continue
		}
		cs, err := st.ListChannelsByKind(ctx, k.kind)
		if err != nil {
			return fmt.Errorf("notice: %s channels: %w", k.kind, err)
		}
		for _, c := range cs {
			node := c.DepartmentID
			if k.kind == store.ChannelParty {
				node = c.PartyOrgID
			}
			if field, ok := k.want[node]; ok && !c.Archived {
				if _, seen := pins[c.ID]; !seen {
					pins[c.ID] = pin{name: c.Name, ceiling: c.MaxSecrecy, field: field}
				}
			}
		}
	}
	return nil
}
