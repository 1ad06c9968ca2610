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
	// ManageEscrow: set the organisation's escrow key, the one recipient every file key
	// is also wrapped to. The security officer's alone: an administrator who could set it
	// could hold a key to every file.
	ManageEscrow Permission = "escrow.manage"
	// OpenEscrow: fetch a file's escrow wrap for an investigation (case number and reason
	// required, audited). The security officer's alone.
	OpenEscrow Permission = "escrow.open"
	// ManageHolds: place legal holds (法律保全) and ask for their release. The security
	// officer's alone.
	ManageHolds Permission = "holds.manage"
	// CountersignHolds: countersign a hold's release someone else asked for (the
	// two-person rule), and see the holds. The security officer's and the auditor's.
	CountersignHolds Permission = "holds.countersign"
	// ManageSecrecy: the secrecy ladder (names, colours, rules of each level) and every
	// channel's ceiling and usual level. The security officer's alone (保密员): the
	// administrator who runs the system must not decide what may leave it.
	ManageSecrecy Permission = "secrecy.manage"
	// ManageRecovery: set the organisation's account-recovery key and approve a person's
	// key recovery after checking who they are. The security officer's alone: the
	// administrator restores a login, never a key.
	ManageRecovery Permission = "recovery.manage"
	// ManageDLP: the data-loss-prevention rules (数据防泄漏) and their action per level.
	// The security officer's alone.
	ManageDLP Permission = "dlp.manage"
	// HandleAlerts: acknowledge the console's alerts with a note. The security officer's;
	// the auditor reads them (audit.read) but changes nothing.
	HandleAlerts Permission = "alerts.manage"
)

var matrix = map[store.Role]map[Permission]bool{
	store.RoleStaff:  {ReadDirectory: true},
	store.RoleLeader: {ReadDirectory: true},
	store.RoleSecurity: {ReadDirectory: true, ReadAudit: true, ManageEscrow: true, OpenEscrow: true,
		ManageHolds: true, CountersignHolds: true, ManageSecrecy: true,
		ManageRecovery: true, ManageDLP: true, HandleAlerts: true},
	store.RoleAuditor: {ReadDirectory: true, ReadAudit: true, CountersignHolds: true},
	store.RoleAdmin:   {ReadDirectory: true, ManageUsers: true, ManageOrg: true, ManageConfig: true},
}

// Can reports whether role r holds permission p. Unknown roles hold nothing.
func Can(r store.Role, p Permission) bool {
	return matrix[r][p]
}
