package protocol

import "time"

// User is an account as administrators see it (GET /api/v1/admin/users…).
type User struct {
	ID                 int64      `json:"id"`
	Username           string     `json:"username"`
	DisplayName        string     `json:"display_name"`
	Title              string     `json:"title,omitempty"`
	Position           string     `json:"position,omitempty"`
	Role               string     `json:"role"`
	Phone              string     `json:"phone,omitempty"`
	Email              string     `json:"email,omitempty"`
	Disabled           bool       `json:"disabled"`
	TOTPEnabled        bool       `json:"totp_enabled"`
	MustChangePassword bool       `json:"must_change_password"`
	LockedUntil        *time.Time `json:"locked_until,omitempty"`
	CreatedAt          time.Time  `json:"created_at"`
	Departments        []UserDept `json:"departments"`
	Party              *UserParty `json:"party,omitempty"`
}

// UserDept is a department membership in admin requests and responses.
type UserDept struct {
	DepartmentID int64 `json:"department_id"`
	Primary      bool  `json:"primary"`
}

// UserParty is a party membership in admin requests and responses.
type UserParty struct {
	PartyOrgID int64  `json:"party_org_id"`
	PartyRole  string `json:"party_role,omitempty"` // 书记, 副书记, 组织委员, 宣传委员, 纪检委员, 组长, 党员
}

// UserList answers GET /api/v1/admin/users.
type UserList struct {
	Users []User `json:"users"`
}

// CreateUserRequest is the body of POST /api/v1/admin/users. Without a password the
// server makes a one-time password, returned once, that must be changed at first login.
type CreateUserRequest struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Title       string `json:"title,omitempty"`
	Position    string `json:"position,omitempty"`
	Role        string `json:"role,omitempty"` // default staff
	Phone       string `json:"phone,omitempty"`
	Email       string `json:"email,omitempty"`
	Password    string `json:"password,omitempty"`
	// Credential instead of Password: derived by the administrator's tool (the load
	// generator makes many accounts with one). The server cannot check the policy then.
	Credential  *Credential `json:"credential,omitempty"`
	Departments []UserDept  `json:"departments,omitempty"`
	Party       *UserParty  `json:"party,omitempty"`
}

// ResetPasswordRequest is the optional body of POST /api/v1/admin/users/{id}/reset-password:
// without one (or without Credential) the server makes a one-time password.
type ResetPasswordRequest struct {
	Credential *Credential `json:"credential,omitempty"`
}

// UserWithPassword answers user creation and password reset.
type UserWithPassword struct {
	User            User   `json:"user"`
	OneTimePassword string `json:"one_time_password,omitempty"`
}

// UpdateUserRequest is the body of PATCH /api/v1/admin/users/{id}; absent fields stay.
// Disabling an account revokes its sessions.
type UpdateUserRequest struct {
	DisplayName *string `json:"display_name,omitempty"`
	Title       *string `json:"title,omitempty"`
	Position    *string `json:"position,omitempty"`
	Role        *string `json:"role,omitempty"`
	Phone       *string `json:"phone,omitempty"`
	Email       *string `json:"email,omitempty"`
	Disabled    *bool   `json:"disabled,omitempty"`
}

// MembershipsRequest is the body of PUT /api/v1/admin/users/{id}/memberships: it
// replaces both memberships. A null party removes the party membership.
type MembershipsRequest struct {
	Departments []UserDept `json:"departments"`
	Party       *UserParty `json:"party"`
}

// Department is a node of the administrative tree.
type Department struct {
	ID        int64  `json:"id"`
	ParentID  int64  `json:"parent_id,omitempty"` // absent at the top
	Name      string `json:"name"`
	Path      string `json:"path"` // 预算股/预算编制组
	SortOrder int    `json:"sort_order"`
}

// DepartmentRequest is the body of POST /api/v1/admin/departments and PUT …/{id}
// (which replaces all three fields: a missing parent_id moves it to the top).
type DepartmentRequest struct {
	Name      string `json:"name"`
	ParentID  int64  `json:"parent_id,omitempty"`
	SortOrder int    `json:"sort_order,omitempty"`
}

// PartyOrg is a node of the party tree: a branch (党支部) or a group (党小组) in a branch.
type PartyOrg struct {
	ID        int64  `json:"id"`
	ParentID  int64  `json:"parent_id,omitempty"`
	Name      string `json:"name"`
	Kind      string `json:"kind"` // branch or group
	Path      string `json:"path"`
	SortOrder int    `json:"sort_order"`
}

// PartyOrgRequest is the body of POST /api/v1/admin/party-orgs and PUT …/{id}
// (which replaces name, parent and sort order; the kind cannot change).
// A branch has no parent; a group's parent is a branch.
type PartyOrgRequest struct {
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	ParentID  int64  `json:"parent_id,omitempty"`
	SortOrder int    `json:"sort_order,omitempty"`
}

// OrgTree answers GET /api/v1/org: both trees, for every logged-in user.
type OrgTree struct {
	Departments []Department `json:"departments"`
	PartyOrgs   []PartyOrg   `json:"party_orgs"`
}

// Person is a directory entry (GET /api/v1/org/people), visible to every logged-in user.
type Person struct {
	ID          int64      `json:"id"`
	Username    string     `json:"username"`
	DisplayName string     `json:"display_name"`
	Title       string     `json:"title,omitempty"`
	Position    string     `json:"position,omitempty"`
	Phone       string     `json:"phone,omitempty"`
	Departments []UserDept `json:"departments"`
	Party       *UserParty `json:"party,omitempty"`
}

// People answers GET /api/v1/org/people.
type People struct {
	People []Person `json:"people"`
}

// ImportResult answers POST /api/v1/admin/import (text/csv body; ?dry_run=true checks
// without applying). A rejected file answers import_invalid with every bad row.
type ImportResult struct {
	DryRun             bool              `json:"dry_run"`
	Rows               int               `json:"rows"`
	UsersCreated       int               `json:"users_created"`
	UsersUpdated       int               `json:"users_updated"`
	DepartmentsCreated int               `json:"departments_created"`
	PartyOrgsCreated   int               `json:"party_orgs_created"`
	OneTimePasswords   []OneTimePassword `json:"one_time_passwords,omitempty"`
}

// OneTimePassword is a generated first password for a newly created account. It is
// shown once and must be changed at first login.
type OneTimePassword struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// AuditEvent is one entry of the trail (GET /api/v1/audit/events).
type AuditEvent struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	ActorID    int64     `json:"actor_id,omitempty"`
	ActorName  string    `json:"actor_name,omitempty"`
	Action     string    `json:"action"`
	TargetType string    `json:"target_type,omitempty"`
	TargetID   string    `json:"target_id,omitempty"`
	Outcome    string    `json:"outcome"`
	IP         string    `json:"ip,omitempty"`
	RequestID  string    `json:"request_id,omitempty"`
	Detail     string    `json:"detail,omitempty"` // JSON object
	Hash       string    `json:"hash"`             // hex
}

// AuditEvents answers GET /api/v1/audit/events, newest first; pass next_before_id as
// before_id to page on.
type AuditEvents struct {
	Events       []AuditEvent `json:"events"`
	NextBeforeID int64        `json:"next_before_id,omitempty"`
}
