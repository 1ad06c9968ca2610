package notice

import (
	"slices"

	"govchat/internal/store"
)

// leaders lists the active members with role leader of a department, ascending,
// remembered for the view's lifetime.
func (v *orgView) leaders(dept int64) []int64 {
	if ls, ok := v.leaderCache[dept]; ok {
		return ls
	}
	var ls []int64
	for _, uid := range v.deptMembers[dept] {
		if v.active(uid) && v.users[uid].Role == store.RoleLeader && !slices.Contains(ls, uid) {
			ls = append(ls, uid)
		}
	}
	slices.Sort(ls)
	v.leaderCache[dept] = ls
	return ls
}

// head finds a person's department heads: the leaders of the department other than
// the person themself; when there are none, those of the nearest department above
// that has one. Nil when nobody up the tree is a leader, or the department is 0 or
// gone.
func (v *orgView) head(dept, person int64) []int64 {
	for depth := 0; dept != 0 && depth < 64; depth++ { // bounded: a corrupt cycle must not hang us
		var heads []int64
		for _, uid := range v.leaders(dept) {
			if uid != person {
				heads = append(heads, uid)
			}
		}
		if len(heads) > 0 {
			return heads
		}
		d, ok := v.depts.Get(dept)
		if !ok {
			return nil
		}
		dept = d.ParentID
	}
	return nil
}

// byHead groups unconfirmed recipients under their department heads (a department
// with two leaders tells both); people without a head are returned apart.
func (v *orgView) byHead(rs []store.NoticeRecipient) (groups map[int64][]int64, headless []int64) {
	groups = map[int64][]int64{}
	for _, r := range rs {
		heads := v.head(r.DepartmentID, r.UserID)
		if len(heads) == 0 {
			headless = append(headless, r.UserID)
			continue
		}
		for _, h := range heads {
			groups[h] = append(groups[h], r.UserID)
		}
	}
	return groups, headless
}
