// Package store is govchat's system of record. One interface, one implementation
// written over database/sql, and two dialects (embedded SQLite and PostgreSQL) that
// supply only what differs: their DDL, placeholders and locking. The conformance
// suite in storetest runs against both.
package store

import (
	"context"
	"errors"
	"time"
)

// Errors returned (wrapped) by every Store method. Callers test with errors.Is.
var (
	ErrNotFound = errors.New("store: not found")
	// ErrConflict is a uniqueness or referential conflict: a taken username, a
	// department that still has children or members, a duplicate name among siblings.
	ErrConflict = errors.New("store: conflict")
	// ErrSchemaTooNew means the database was migrated by a newer govchat.
	ErrSchemaTooNew = errors.New("store: database schema is newer than this binary")
)

// Role is a user's single role. Keeping exactly one role per account is what makes the
// three-role separation (三员分立) hold by construction: nobody is both the system
// administrator and the auditor.
type Role string

const (
	RoleStaff    Role = "staff"    // 干部职工
	RoleLeader   Role = "leader"   // 领导
	RoleSecurity Role = "security" // 安全保密管理员 / 保密员
	RoleAuditor  Role = "auditor"  // 安全审计员
	RoleAdmin    Role = "admin"    // 系统管理员
)

// Roles lists every role in display order.
var Roles = []Role{RoleStaff, RoleLeader, RoleSecurity, RoleAuditor, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, k := range Roles {
		if k == r {
			return true
		}
	}
	return false
}

// Privileged roles may be required to use a second factor.
func (r Role) Privileged() bool {
	return r == RoleAdmin || r == RoleSecurity || r == RoleAuditor
}

// User is an account and the person behind it.
type User struct {
	ID          int64
	Username    string // login name, lower-case ASCII
	DisplayName string // 姓名, as written: 王建国
	Title       string // 职务: 局长, 股长, 科员
	Position    string // 岗位: 预算编制岗
	Role        Role
	Phone       string
	Email       string
	Disabled    bool

	PasswordHash       string // PHC-format argon2id; never logged
	MustChangePassword bool
	PasswordChangedAt  time.Time

	TOTPSecret   string // base32; empty when not enrolled; never logged
	TOTPEnabled  bool
	TOTPLastStep int64 // last accepted time step, to refuse replays

	FailedLogins int       // consecutive failures
	LockedUntil  time.Time // zero when not locked

	// KeyLocked: an administrator reset the password after the key pair was wrapped
	// (Me.key_state "locked" while HasKey). HasKey: the person has a key pair.
	KeyLocked bool
	HasKey    bool

	CreatedAt time.Time
	UpdatedAt time.Time
}

// UserFilter narrows ListUsers. Zero values mean "any".
type UserFilter struct {
	Query        string // substring of username or display name
	Role         Role
	DepartmentID int64
	Limit        int // 0 means no limit
	Offset       int
}

// Session is a login. Only the SHA-256 of the bearer token is stored.
type Session struct {
	ID        int64
	TokenHash []byte
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
	IP        string
	UserAgent string
	// TOTPPending marks a privileged user's session that may only enrol a second
	// factor, because the configuration requires one and none is set up yet.
	TOTPPending bool
}

// Department is a node of the administrative tree (局 → 股/科 → 组).
type Department struct {
	ID        int64
	ParentID  int64 // 0 for a top-level department
	Name      string
	SortOrder int
	CreatedAt time.Time
}

// PartyOrgKind tells a party branch from a party group.
type PartyOrgKind string

const (
	PartyBranch PartyOrgKind = "branch" // 党支部
	PartyGroup  PartyOrgKind = "group"  // 党小组
)

// PartyOrg is a node of the party tree, separate from the administrative tree.
type PartyOrg struct {
	ID        int64
	ParentID  int64 // 0 for a branch at the top
	Name      string
	Kind      PartyOrgKind
	SortOrder int
	CreatedAt time.Time
}

// DeptMembership places a user in a department. A user has at most one primary department.
type DeptMembership struct {
	UserID       int64
	DepartmentID int64
	Primary      bool
}

// PartyMembership places a user in one party organisation with a party role
// (书记, 副书记, 组织委员, 组长, 党员).
type PartyMembership struct {
	UserID     int64
	PartyOrgID int64
	PartyRole  string
}

// AuditEvent is one entry of the append-only trail. It names who did what to which
// resource; it never carries message content, passwords or tokens.
type AuditEvent struct {
	ID         int64
	At         time.Time
	ActorID    int64  // 0 when unauthenticated (a failed login for an unknown name)
	ActorName  string // username as given, for failed logins too
	Action     string // dotted verb: auth.login, auth.login_failed, admin.user_create …
	TargetType string // user, session, department, party_org, import …
	TargetID   string
	Outcome    string // ok, denied, failed
	IP         string
	RequestID  string
	Detail     string // small JSON object of non-secret facts
	PrevHash   []byte // hash of the previous entry; nil for the first
	Hash       []byte // over this entry's fields and PrevHash (audit.Hash)
}

// AuditMatch names the entries HasAudit looks for: every field must match exactly, and
// the entry must have occurred at or after Since.
type AuditMatch struct {
	ActorID    int64
	Action     string
	TargetType string
	TargetID   string
	Outcome    string
	Since      time.Time
}

// AuditFilter narrows ListAudit; results are newest first.
type AuditFilter struct {
	ActorID  int64
	Action   string // exact action, or a prefix ending in "." (auth.)
	Since    time.Time
	Until    time.Time
	BeforeID int64 // paging: only entries with ID < BeforeID
	Limit    int   // 0 means the store default (100); capped at 1000
}

// Users keeps accounts, credentials and lockout state.
type Users interface {
	CreateUser(ctx context.Context, u *User) error // sets u.ID, CreatedAt, UpdatedAt from u.CreatedAt if set
	GetUser(ctx context.Context, id int64) (User, error)
	GetUserByUsername(ctx context.Context, username string) (User, error)
	ListUsers(ctx context.Context, f UserFilter) ([]User, error)
	// UpdateUser writes the profile fields: DisplayName, Title, Position, Role, Phone,
	// Email, Disabled. Credentials have their own methods.
	UpdateUser(ctx context.Context, u User) error
	SetPassword(ctx context.Context, userID int64, hash string, mustChange bool, at time.Time) error
	SetTOTP(ctx context.Context, userID int64, secret string, enabled bool) error
	// AcceptTOTPStep records step as used if it is newer than the last one, and
	// reports whether it was; a replayed code is refused atomically across nodes.
	AcceptTOTPStep(ctx context.Context, userID int64, step int64) (bool, error)
	// RecordLoginFailure atomically counts a failure. When the count reaches
	// maxFailures the account is locked until now+lockFor and the count restarts.
	// It returns the user's lock state after the update.
	RecordLoginFailure(ctx context.Context, userID int64, now time.Time, maxFailures int, lockFor time.Duration) (lockedUntil time.Time, err error)
	ResetLoginFailures(ctx context.Context, userID int64) error
	// SetKeyLocked sets or clears User.KeyLocked.
	SetKeyLocked(ctx context.Context, userID int64, locked bool) error
}

// Sessions keeps logins.
type Sessions interface {
	CreateSession(ctx context.Context, s *Session) error // sets s.ID
	// GetSessionByTokenHash returns ErrNotFound for unknown and expired sessions alike.
	GetSessionByTokenHash(ctx context.Context, hash []byte, now time.Time) (Session, error)
	DeleteSession(ctx context.Context, id int64) error
	// DeleteUserSessions revokes every session of the user except keepID (0 keeps none)
	// and returns how many were revoked.
	DeleteUserSessions(ctx context.Context, userID int64, keepID int64) (int, error)
	SetSessionTOTPPending(ctx context.Context, id int64, pending bool) error
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error)
}

// Org keeps the administrative tree, the party tree and memberships in both.
type Org interface {
	CreateDepartment(ctx context.Context, d *Department) error // sets d.ID; ErrConflict on a sibling with the same name
	GetDepartment(ctx context.Context, id int64) (Department, error)
	UpdateDepartment(ctx context.Context, d Department) error // name, parent, sort; ErrConflict on a cycle
	DeleteDepartment(ctx context.Context, id int64) error     // ErrConflict while it has children or members
	ListDepartments(ctx context.Context) ([]Department, error)

	CreatePartyOrg(ctx context.Context, p *PartyOrg) error
	GetPartyOrg(ctx context.Context, id int64) (PartyOrg, error)
	UpdatePartyOrg(ctx context.Context, p PartyOrg) error
	DeletePartyOrg(ctx context.Context, id int64) error
	ListPartyOrgs(ctx context.Context) ([]PartyOrg, error)

	// SetUserDepartments replaces the user's department memberships.
	SetUserDepartments(ctx context.Context, userID int64, ms []DeptMembership) error
	// SetPartyMembership replaces the user's party membership; nil removes it.
	SetPartyMembership(ctx context.Context, userID int64, m *PartyMembership) error
	ListDeptMemberships(ctx context.Context) ([]DeptMembership, error)
	ListPartyMemberships(ctx context.Context) ([]PartyMembership, error)
}

// AuditHash computes an entry's hash from its content and the previous entry's hash
// (nil for the first). internal/audit defines the chain (audit.Hash); the store only
// applies it where the chain's head is known.
type AuditHash func(e AuditEvent, prev []byte) []byte

// Audit keeps the trail. There is deliberately no method that deletes or edits.
type Audit interface {
	// AppendAudit sets e.ID, e.PrevHash and e.Hash = hash(e, PrevHash), chaining to
	// the latest entry under a lock so concurrent appends on any node form one chain.
	AppendAudit(ctx context.Context, e *AuditEvent, hash AuditHash) error
	ListAudit(ctx context.Context, f AuditFilter) ([]AuditEvent, error)
	// ScanAudit calls fn for every entry in ID order, for verification and export.
	ScanAudit(ctx context.Context, fn func(AuditEvent) error) error
	// HasAudit reports whether an entry matches m: where an entry is itself a grant
	// (the security officer's escrow open lets them download that file for a while).
	HasAudit(ctx context.Context, m AuditMatch) (bool, error)
}

// Store is everything govchat keeps.
type Store interface {
	Users
	Sessions
	Org
	Audit
	Chat
	Notices
	Collections
	Push
	Alerts
	Quiet
	Reactions
	Keys
	Attachments
	Files
	Holds
	Retention
	Secrecy
	Todos
	Recoveries

	// InTx runs fn with a Store bound to one transaction, committed when fn returns nil
	// and rolled back otherwise. Nested InTx calls join the outer transaction.
	InTx(ctx context.Context, fn func(tx Store) error) error
	// Meta reads and writes small settings (schema facts, generated keys).
	GetMeta(ctx context.Context, key string) (string, error) // ErrNotFound when unset
	SetMeta(ctx context.Context, key, value string) error
	// EnsureMeta sets key to value unless it is set, and returns the value it has: two
	// nodes making a secret at once agree on one.
	EnsureMeta(ctx context.Context, key, value string) (string, error)
	// Backend names the dialect: "sqlite" or "postgres".
	Backend() string
	Ping(ctx context.Context) error
	Close() error
}
