package orgimport

import "govchat/internal/store"

// roleNames is a read-only lookup table of what the 角色 column may say. English
// names are lower case: the cell is lowered (ASCII only) before the lookup.
var roleNames = [...]struct {
	name string
	role store.Role
}{
	{"staff", store.RoleStaff}, {"干部职工", store.RoleStaff}, {"职工", store.RoleStaff}, {"普通", store.RoleStaff},
	{"leader", store.RoleLeader}, {"领导", store.RoleLeader},
	{"security", store.RoleSecurity}, {"安全保密管理员", store.RoleSecurity}, {"保密员", store.RoleSecurity},
	{"auditor", store.RoleAuditor}, {"安全审计员", store.RoleAuditor}, {"审计员", store.RoleAuditor},
	{"admin", store.RoleAdmin}, {"系统管理员", store.RoleAdmin}, {"管理员", store.RoleAdmin},
}

// parseRole reads the 角色 column. Empty stays empty: a new person then gets staff,
// the role nearly everyone has, and an existing person keeps theirs, so a file without
// the column cannot demote a leader.
func parseRole(s string) (store.Role, bool) {
	if s == "" {
		return "", true
	}
	s = asciiLower(s)
	for _, n := range roleNames {
		if n.name == s {
			return n.role, true
		}
	}
	return "", false
}

// Party roles, stored as written: they are titles people recognise, not permissions.
const partyMember = "党员"

var partyRoles = [...]string{"书记", "副书记", "组织委员", "宣传委员", "纪检委员", "组长", partyMember}

// ValidPartyRole reports whether s is one of the party roles govchat knows; the admin
// API checks memberships against the same list as the import.
func ValidPartyRole(s string) bool {
	for _, r := range partyRoles {
		if r == s {
			return true
		}
	}
	return false
}
