// Package authz decides what each role may do. The matrix is the three-role separation
// of the Chinese protection-level rules (三员分立): the system administrator changes the
// system but cannot read or erase the trail; the auditor reads the trail but changes
// nothing; the security officer reads the trail and handles secrecy, holds and
// investigations. Nobody can erase the trail through govchat at all.
package authz

import "govchat/internal/store"

// Permission is one guarded capability.
type Permission string

const (
	ManageUsers   Permission = "users.manage"   // create, edit, disable accounts; reset passwords; memberships
	ManageOrg     Permission = "org.manage"     // departments, party organisations, CSV import
	ManageConfig  Permission = "config.manage"  // server-wide settings
	ReadAudit     Permission = "audit.read"     // the audit trail
	ReadDirectory Permission = "directory.read" // the org tree and people: every logged-in user
)

var matrix = map[store.Role]map[Permission]bool{
	store.RoleStaff:    {ReadDirectory: true},
	store.RoleLeader:   {ReadDirectory: true},
	store.RoleSecurity: {ReadDirectory: true, ReadAudit: true},
	store.RoleAuditor:  {ReadDirectory: true, ReadAudit: true},
	store.RoleAdmin:    {ReadDirectory: true, ManageUsers: true, ManageOrg: true, ManageConfig: true},
}

// Can reports whether role r holds permission p. Unknown roles hold nothing.
func Can(r store.Role, p Permission) bool {
	return matrix[r][p]
}
