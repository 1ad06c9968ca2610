// Package account is the administrator's management of accounts: create, edit, disable,
// reset a forgotten password or a lost second factor, and place people in the two org
// trees. Every change and its audit entry commit in one transaction.
package account

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/orgimport"
	"govchat/internal/store"
	"govchat/protocol"
)

// Hasher derives and stores the credential of a password the server made or was given
// (internal/passwd): the server never keeps the password itself.
type Hasher interface {
	NewCredential(ctx context.Context, password string) (string, error)
}

// PolicyChecker applies the password policy (field names the request field), and
// checks and stores a credential an administrator's tool derived (internal/auth).
type PolicyChecker interface {
	CheckPolicy(password, username, field string) error
	HashCredential(ctx context.Context, field string, c protocol.Credential) (string, error)
}

// Tx is the part of the store the account service calls; it calls it only inside a
// transaction.
type Tx interface {
	CreateUser(ctx context.Context, u *store.User) error
	GetUser(ctx context.Context, id int64) (store.User, error)
	UpdateUser(ctx context.Context, u store.User) error
	SetPassword(ctx context.Context, userID int64, hash string, mustChange bool, at time.Time) error
	SetTOTP(ctx context.Context, userID int64, secret string, enabled bool) error
	ResetLoginFailures(ctx context.Context, userID int64) error
	SetKeyLocked(ctx context.Context, userID int64, locked bool) error
	DeleteUserSessions(ctx context.Context, userID int64, keepID int64) (int, error)
	GetDepartment(ctx context.Context, id int64) (store.Department, error)
	GetPartyOrg(ctx context.Context, id int64) (store.PartyOrg, error)
	SetUserDepartments(ctx context.Context, userID int64, ms []store.DeptMembership) error
	SetPartyMembership(ctx context.Context, userID int64, m *store.PartyMembership) error
	audit.Appender
}

// Store is what the account service is given: transactions that see only Tx
// (store.Narrow makes one).
type Store interface {
	InTx(ctx context.Context, fn func(tx Tx) error) error
}

// Service manages accounts.
type Service struct {
	store  Store
	hasher Hasher
	policy PolicyChecker
	audit  *audit.Recorder
	now    func() time.Time
}

// New returns a Service.
func New(s Store, h Hasher, policy PolicyChecker, rec *audit.Recorder, now func() time.Time) *Service {
	return &Service{store: s, hasher: h, policy: policy, audit: rec, now: now}
}

// Actor is who performs an administrative action.
type Actor struct {
	ID   int64
	Name string
	// Console marks the operator at the server itself (the govchat CLI), as opposed to
	// an administrator over the API.
	Console bool
}

// MayManage reports whether the actor may create, change or reset an account holding
// role. Over the API the system administrator may not touch the security officers'
// and auditors' accounts, nor hand out those roles: otherwise the one being watched
// could reset the watchers' passwords and read the trail as them (三员分立). Those
// accounts are managed at the server console, which is itself audited.
func (a Actor) MayManage(role store.Role) bool {
	return a.Console || (role != store.RoleSecurity && role != store.RoleAuditor)
}

func errWatcher() error {
	return apperr.New(protocol.CodeForbidden, "security officer and auditor accounts are managed at the server console (govchat user …), not by the system administrator")
}

// target loads the account an action is about and checks the actor may manage it.
func target(ctx context.Context, tx Tx, actor Actor, id int64) (store.User, error) {
	u, err := tx.GetUser(ctx, id)
	if err != nil {
		return store.User{}, err
	}
	if !actor.MayManage(u.Role) {
		return store.User{}, errWatcher()
	}
	return u, nil
}

func (a Actor) event(action, targetType string, targetID int64, detail map[string]any) audit.Event {
	return audit.Event{ActorID: a.ID, ActorName: a.Name, Action: action, TargetType: targetType, TargetID: strconv.FormatInt(targetID, 10), Detail: detail}
}

// Create makes an account. Without a password it generates a one-time one.
func (s *Service) Create(ctx context.Context, actor Actor, req protocol.CreateUserRequest) (store.User, string, error) {
	u := store.User{
		Username:    strings.ToLower(strings.TrimSpace(req.Username)),
		DisplayName: strings.TrimSpace(req.DisplayName),
		Title:       strings.TrimSpace(req.Title),
		Position:    strings.TrimSpace(req.Position),
		Role:        store.Role(req.Role),
		Phone:       strings.TrimSpace(req.Phone),
		Email:       strings.TrimSpace(req.Email),
	}
	if u.Role == "" {
		u.Role = store.RoleStaff
	}
	if err := ValidateProfile(u); err != nil {
		return store.User{}, "", err
	}
	if !actor.MayManage(u.Role) {
		return store.User{}, "", errWatcher()
	}
	if req.Credential != nil && req.Password != "" {
		return store.User{}, "", apperr.BadField("credential", "send password or credential, not both")
	}
	var hash, oneTime string
	var err error
	if req.Credential != nil {
		// Derived by the administrator's tool: the policy cannot be checked here.
		if hash, err = s.policy.HashCredential(ctx, "credential", *req.Credential); err != nil {
			return store.User{}, "", err
		}
	} else {
		password := req.Password
		if password == "" {
			if password, err = OneTimePassword(); err != nil {
				return store.User{}, "", err
			}
			oneTime = password
		} else if err := s.policy.CheckPolicy(password, u.Username, "password"); err != nil {
			return store.User{}, "", err
		}
		if hash, err = s.hasher.NewCredential(ctx, password); err != nil {
			return store.User{}, "", fmt.Errorf("account: derive credential: %w", err)
		}
	}
	now := s.now()
	u.PasswordHash, u.MustChangePassword, u.PasswordChangedAt, u.CreatedAt = hash, oneTime != "", now, now

	err = s.store.InTx(ctx, func(tx Tx) error {
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		if err := setMemberships(ctx, tx, u.ID, req.Departments, req.Party); err != nil {
			return err
		}
		return s.audit.In(tx).Record(ctx, actor.event(audit.UserCreated, "user", u.ID, map[string]any{"username": u.Username, "role": u.Role}))
	})
	if err != nil {
		return store.User{}, "", fmt.Errorf("account: create %q: %w", u.Username, err)
	}
	return u, oneTime, nil
}

// Update changes profile fields. Disabling revokes every session of the account.
func (s *Service) Update(ctx context.Context, actor Actor, id int64, req protocol.UpdateUserRequest) (store.User, error) {
	var out store.User
	err := s.store.InTx(ctx, func(tx Tx) error {
		u, err := target(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		changed := []string{}
		set := func(name string, dst *string, v *string) {
			if v != nil && strings.TrimSpace(*v) != *dst {
				*dst = strings.TrimSpace(*v)
				changed = append(changed, name)
			}
		}
		set("display_name", &u.DisplayName, req.DisplayName)
		set("title", &u.Title, req.Title)
		set("position", &u.Position, req.Position)
		set("phone", &u.Phone, req.Phone)
		set("email", &u.Email, req.Email)
		if req.Role != nil && store.Role(*req.Role) != u.Role {
			if id == actor.ID {
				return apperr.New(protocol.CodeForbidden, "you cannot change your own role")
			}
			if !actor.MayManage(store.Role(*req.Role)) {
				return errWatcher()
			}
			u.Role = store.Role(*req.Role)
			changed = append(changed, "role")
		}
		revoke := false
		if req.Disabled != nil && *req.Disabled != u.Disabled {
			if id == actor.ID && *req.Disabled {
				return apperr.New(protocol.CodeForbidden, "you cannot disable your own account")
			}
			u.Disabled = *req.Disabled
			revoke = u.Disabled
			changed = append(changed, "disabled")
		}
		if err := ValidateProfile(u); err != nil {
			return err
		}
		if len(changed) == 0 {
			out = u
			return nil
		}
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		detail := map[string]any{"fields": changed}
		if req.Role != nil {
			detail["role"] = u.Role
		}
		if revoke {
			n, err := tx.DeleteUserSessions(ctx, u.ID, 0)
			if err != nil {
				return err
			}
			detail["sessions_revoked"] = n
		}
		out = u
		return s.audit.In(tx).Record(ctx, actor.event(audit.UserUpdated, "user", u.ID, detail))
	})
	if err != nil {
		return store.User{}, fmt.Errorf("account: update user %d: %w", id, err)
	}
	return out, nil
}

// ResetPassword gives the account a one-time password (or the credential cred, when
// given), revokes its sessions and unlocks it. The key pair, wrapped under the old
// password, becomes locked: an administrator restores a login, never a key.
func (s *Service) ResetPassword(ctx context.Context, actor Actor, id int64, cred *protocol.Credential) (store.User, string, error) {
	var password, hash string
	var err error
	if cred != nil {
		if hash, err = s.policy.HashCredential(ctx, "credential", *cred); err != nil {
			return store.User{}, "", err
		}
	} else {
		if password, err = OneTimePassword(); err != nil {
			return store.User{}, "", err
		}
		if hash, err = s.hasher.NewCredential(ctx, password); err != nil {
			return store.User{}, "", fmt.Errorf("account: derive credential: %w", err)
		}
	}
	var u store.User
	err = s.store.InTx(ctx, func(tx Tx) error {
		if u, err = target(ctx, tx, actor, id); err != nil {
			return err
		}
		if err := tx.SetPassword(ctx, id, hash, true, s.now()); err != nil {
			return err
		}
		if err := tx.ResetLoginFailures(ctx, id); err != nil {
			return err
		}
		if err := tx.SetKeyLocked(ctx, id, true); err != nil {
			return err
		}
		n, err := tx.DeleteUserSessions(ctx, id, 0)
		if err != nil {
			return err
		}
		return s.audit.In(tx).Record(ctx, actor.event(audit.UserPasswordReset, "user", id, map[string]any{"sessions_revoked": n, "key_locked": u.HasKey}))
	})
	if err != nil {
		return store.User{}, "", fmt.Errorf("account: reset password of user %d: %w", id, err)
	}
	u.MustChangePassword, u.FailedLogins, u.LockedUntil, u.KeyLocked = true, 0, time.Time{}, true
	return u, password, nil
}

// ResetTOTP removes a lost second factor so the person can enrol again.
func (s *Service) ResetTOTP(ctx context.Context, actor Actor, id int64) error {
	err := s.store.InTx(ctx, func(tx Tx) error {
		if _, err := target(ctx, tx, actor, id); err != nil {
			return err
		}
		if err := tx.SetTOTP(ctx, id, "", false); err != nil {
			return err
		}
		n, err := tx.DeleteUserSessions(ctx, id, 0)
		if err != nil {
			return err
		}
		return s.audit.In(tx).Record(ctx, actor.event(audit.UserTOTPReset, "user", id, map[string]any{"sessions_revoked": n}))
	})
	if err != nil {
		return fmt.Errorf("account: reset totp of user %d: %w", id, err)
	}
	return nil
}

// SetMemberships replaces a person's department and party memberships.
func (s *Service) SetMemberships(ctx context.Context, actor Actor, id int64, req protocol.MembershipsRequest) error {
	err := s.store.InTx(ctx, func(tx Tx) error {
		if _, err := target(ctx, tx, actor, id); err != nil {
			return err
		}
		if err := setMemberships(ctx, tx, id, req.Departments, req.Party); err != nil {
			return err
		}
		detail := map[string]any{"departments": len(req.Departments), "party": req.Party != nil}
		return s.audit.In(tx).Record(ctx, actor.event(audit.MembershipChanged, "user", id, detail))
	})
	if err != nil {
		return fmt.Errorf("account: memberships of user %d: %w", id, err)
	}
	return nil
}

func setMemberships(ctx context.Context, tx Tx, userID int64, depts []protocol.UserDept, party *protocol.UserParty) error {
	if len(depts) > 20 {
		return apperr.BadField("departments", "a person can be in at most 20 departments")
	}
	ms := make([]store.DeptMembership, 0, len(depts))
	primaries := 0
	seen := map[int64]bool{}
	for _, d := range depts {
		if seen[d.DepartmentID] {
			return apperr.BadField("departments", "department %d is listed twice", d.DepartmentID)
		}
		seen[d.DepartmentID] = true
		if _, err := tx.GetDepartment(ctx, d.DepartmentID); err != nil {
			return apperr.BadField("departments", "department %d does not exist", d.DepartmentID)
		}
		if d.Primary {
			primaries++
		}
		ms = append(ms, store.DeptMembership{UserID: userID, DepartmentID: d.DepartmentID, Primary: d.Primary})
	}
	if primaries > 1 {
		return apperr.BadField("departments", "at most one department can be primary")
	}
	if primaries == 0 && len(ms) > 0 {
		ms[0].Primary = true
	}
	if err := tx.SetUserDepartments(ctx, userID, ms); err != nil {
		return err
	}
	if party == nil {
		return tx.SetPartyMembership(ctx, userID, nil)
	}
	if _, err := tx.GetPartyOrg(ctx, party.PartyOrgID); err != nil {
		return apperr.BadField("party", "party organisation %d does not exist", party.PartyOrgID)
	}
	role := strings.TrimSpace(party.PartyRole)
	if role == "" {
		role = "党员"
	}
	if !orgimport.ValidPartyRole(role) {
		return apperr.BadField("party_role", "party role must be 书记, 副书记, 组织委员, 宣传委员, 纪检委员, 组长 or 党员")
	}
	return tx.SetPartyMembership(ctx, userID, &store.PartyMembership{UserID: userID, PartyOrgID: party.PartyOrgID, PartyRole: role})
}

// oneTimeAlphabet avoids look-alikes (0/O, 1/l/I) since these are read off a screen or
// a printed sheet and typed by hand.
const oneTimeAlphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"

// OneTimePassword returns a random 14-character password in groups that satisfy the
// password policy (lower, upper and digit classes all present).
func OneTimePassword() (string, error) {
	limit := big.NewInt(int64(len(oneTimeAlphabet)))
	for {
		out := make([]byte, 0, 14)
		var lower, upper, digit bool
		for i := range 12 {
			if i == 4 || i == 8 {
				out = append(out, '-')
			}
			// rand.Int draws uniformly; taking a random byte modulo 54 would favour
			// the first letters of the alphabet.
			n, err := rand.Int(rand.Reader, limit)
			if err != nil {
				return "", fmt.Errorf("account: random password: %w", err)
			}
			ch := oneTimeAlphabet[n.Int64()]
			switch {
			case ch >= 'a' && ch <= 'z':
				lower = true
			case ch >= 'A' && ch <= 'Z':
				upper = true
			default:
				digit = true
			}
			out = append(out, ch)
		}
		if lower && upper && digit {
			return string(out), nil
		}
	}
}
