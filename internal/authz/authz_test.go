package authz

import (
	"testing"

	"govchat/internal/store"
)

func TestThreeRoleSeparation(t *testing.T) {
	cases := []struct {
		role store.Role
		perm Permission
		want bool
	}{
		{store.RoleAdmin, ManageUsers, true},
		{store.RoleAdmin, ManageOrg, true},
		{store.RoleAdmin, ReadAudit, false}, // the administrator cannot read the trail
		{store.RoleAuditor, ReadAudit, true},
		{store.RoleAuditor, ManageUsers, false}, // the auditor cannot change accounts
		{store.RoleAuditor, ManageConfig, false},
		{store.RoleAuditor, ManageOrg, false},
		{store.RoleSecurity, ReadAudit, true},
		{store.RoleSecurity, ManageUsers, false},
		{store.RoleLeader, ManageUsers, false},
		{store.RoleLeader, ReadAudit, false},
		{store.RoleStaff, ManageOrg, false},
		{store.RoleStaff, ReadDirectory, true},
		{store.RoleSecurity, ManageEscrow, true},
		{store.RoleSecurity, OpenEscrow, true},
		{store.RoleAdmin, ManageEscrow, false}, // the administrator can never hold a key to every file
		{store.RoleAdmin, OpenEscrow, false},
		{store.RoleAuditor, ManageEscrow, false}, // the auditor changes nothing
		{store.RoleAuditor, OpenEscrow, false},
		{store.RoleLeader, ManageEscrow, false},
		{store.RoleStaff, OpenEscrow, false},
		{store.RoleSecurity, ManageHolds, true},
		{store.RoleSecurity, CountersignHolds, true},
		{store.RoleAuditor, CountersignHolds, true}, // the second person of a release
		{store.RoleAuditor, ManageHolds, false},     // but never places or asks to lift one
		{store.RoleAdmin, ManageHolds, false},       // the administrator neither places nor lifts holds
		{store.RoleAdmin, CountersignHolds, false},
		{store.RoleStaff, ManageHolds, false},
		{store.RoleLeader, CountersignHolds, false},
		{store.RoleSecurity, ManageSecrecy, true},
		{store.RoleAdmin, ManageSecrecy, false}, // the administrator cannot decide what may leave the system
		{store.RoleAuditor, ManageSecrecy, false},
		{store.RoleLeader, ManageSecrecy, false},
		{store.RoleStaff, ManageSecrecy, false},
		{store.RoleSecurity, ManageRecovery, true},
		{store.RoleAdmin, ManageRecovery, false}, // the administrator restores a login, never a key
		{store.RoleAuditor, ManageRecovery, false},
		{store.RoleLeader, ManageRecovery, false},
		{store.RoleSecurity, ManageDLP, true},
		{store.RoleAdmin, ManageDLP, false},
		{store.RoleAuditor, ManageDLP, false},
		{store.RoleSecurity, HandleAlerts, true},
		{store.RoleAuditor, HandleAlerts, false}, // reads alerts, changes nothing
		{store.RoleAdmin, HandleAlerts, false},
		{store.RoleStaff, HandleAlerts, false},
		{store.Role("root"), ReadDirectory, false},
	}
	for _, tc := range cases {
		t.Run(string(tc.role)+" "+string(tc.perm), func(t *testing.T) {
			if got := Can(tc.role, tc.perm); got != tc.want {
				t.Errorf("Can(%s, %s) = %v, want %v", tc.role, tc.perm, got, tc.want)
			}
		})
	}
}

func TestNoRoleBothChangesAndAudits(t *testing.T) {
	for _, r := range store.Roles {
		if Can(r, ReadAudit) && (Can(r, ManageUsers) || Can(r, ManageConfig)) {
			t.Errorf("role %s can both change the system and read the trail", r)
		}
	}
}

// The escrow key opens every file: whoever may set or use it must not also change the
// system (the administrator), and nobody but the security officer holds either.
func TestEscrowIsTheSecurityOfficersAlone(t *testing.T) {
	for _, r := range store.Roles {
		for _, p := range []Permission{ManageEscrow, OpenEscrow} {
			if Can(r, p) && (r != store.RoleSecurity || Can(r, ManageUsers) || Can(r, ManageConfig) || Can(r, ManageOrg)) {
				t.Errorf("role %s holds %s", r, p)
			}
		}
	}
}
