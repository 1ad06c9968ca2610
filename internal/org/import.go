package org

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"govchat/internal/account"
	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/orgimport"
	"govchat/internal/store"
	"govchat/protocol"
)

// PolicyChecker applies the password policy to passwords given in the file.
type PolicyChecker interface {
	CheckPolicy(password, username, field string) error
}

// errDryRun rolls a dry run back after it has done everything a real import does.
var errDryRun = errors.New("dry run")

// Row error codes the applier adds to the parser's (PROTOCOL.md, "CSV import").
const (
	CodePasswordPolicy = "password_policy" // a new account's initial password breaks the policy
	CodeWatcherAccount = "watcher_account" // over the API: a security officer or auditor account, or such a role
	CodeOwnRole        = "own_role"        // the file would change the importing administrator's own role
)

// Import applies a parsed file in one transaction: missing departments and party
// organisations are created, people are created or updated by username, each row's
// department becomes the person's primary department (other memberships stay), and its
// party organisation their party membership. Cells left empty leave an existing
// person's value alone. A password column sets the first password of new accounts only;
// accounts created without one get a one-time password, returned once. With dryRun
// everything is checked and counted, then rolled back.
func (s *Service) Import(ctx context.Context, actor account.Actor, plan orgimport.Plan, policy PolicyChecker, dryRun bool) (protocol.ImportResult, error) {
	res := protocol.ImportResult{DryRun: dryRun, Rows: len(plan.Rows)}

	existing, err := s.existingRoles(ctx, plan.Rows)
	if err != nil {
		return res, err
	}
	if rowErrs := checkRows(plan.Rows, existing, actor, policy); len(rowErrs) > 0 {
		return res, &apperr.Error{Code: protocol.CodeImportInvalid, Message: fmt.Sprintf("%d rows are invalid; nothing was imported", len(rowErrs)), Rows: rowErrs}
	}

	// Hash new accounts' passwords before the transaction: argon2id is slow on purpose,
	// and holding the write lock through it would stall every other writer.
	hashes, oneTime, err := s.hashNewAccounts(ctx, plan.Rows, existing, dryRun)
	if err != nil {
		return res, err
	}

	err = s.store.InTx(ctx, func(tx Tx) error {
		deptIDs, created, err := ensurePaths(ctx, tx, plan.Departments, s.now, deptKind())
		if err != nil {
			return err
		}
		res.DepartmentsCreated = created
		partyIDs, created, err := ensurePaths(ctx, tx, plan.PartyOrgs, s.now, partyKind())
		if err != nil {
			return err
		}
		res.PartyOrgsCreated = created

		dms, err := tx.ListDeptMemberships(ctx)
		if err != nil {
			return err
		}
		deptsOf := map[int64][]store.DeptMembership{}
		for _, m := range dms {
			deptsOf[m.UserID] = append(deptsOf[m.UserID], m)
		}
		rec := s.audit.In(tx)
		for _, r := range plan.Rows {
			a := applier{tx: tx, rec: rec, actor: actor, deptIDs: deptIDs, partyIDs: partyIDs, deptsOf: deptsOf, s: s}
			createdUser, err := a.upsert(ctx, r, hashes[r.Username])
			if err != nil {
				return fmt.Errorf("line %d (%s): %w", r.Line, r.Username, err)
			}
			if createdUser {
				res.UsersCreated++
				if pw, ok := oneTime[r.Username]; ok {
					res.OneTimePasswords = append(res.OneTimePasswords, protocol.OneTimePassword{Username: r.Username, Password: pw})
				}
			} else {
				res.UsersUpdated++
			}
		}
		if dryRun {
			return errDryRun
		}
		return rec.Record(ctx, audit.Event{ActorID: actor.ID, ActorName: actor.Name, Action: audit.OrgImported, TargetType: "import",
			Detail: map[string]any{"rows": res.Rows, "users_created": res.UsersCreated, "users_updated": res.UsersUpdated,
				"departments_created": res.DepartmentsCreated, "party_orgs_created": res.PartyOrgsCreated}})
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return protocol.ImportResult{}, fmt.Errorf("org: import: %w", err)
	}
	return res, nil
}

// existingRoles looks up which usernames already have accounts, and their roles.
func (s *Service) existingRoles(ctx context.Context, rows []orgimport.Row) (map[string]store.Role, error) {
	out := map[string]store.Role{}
	for _, r := range rows {
		u, err := s.store.GetUserByUsername(ctx, r.Username)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("org: import: look up %s: %w", r.Username, err)
		}
		out[r.Username] = u.Role
	}
	return out, nil
}

// checkRows finds what only the applier can know is wrong, so the administrator gets
// it in the same list as the parser's findings.
func checkRows(rows []orgimport.Row, existing map[string]store.Role, actor account.Actor, policy PolicyChecker) []protocol.ImportRowError {
	var out []protocol.ImportRowError
	for _, r := range rows {
		old, exists := existing[r.Username]
		switch {
		case exists && !actor.MayManage(old):
			out = append(out, protocol.ImportRowError{Line: r.Line, Column: "用户名", Code: CodeWatcherAccount, Value: r.Username,
				Message: "security officer and auditor accounts are managed at the server console, not by import"})
		case r.Role != "" && !actor.MayManage(r.Role):
			out = append(out, protocol.ImportRowError{Line: r.Line, Column: "角色", Code: CodeWatcherAccount, Value: string(r.Role),
				Message: "the security officer and auditor roles are given at the server console, not by import"})
		case exists && r.Username == actor.Name && r.Role != "" && r.Role != old:
			out = append(out, protocol.ImportRowError{Line: r.Line, Column: "角色", Code: CodeOwnRole, Value: string(r.Role),
				Message: "the file would change your own role"})
		}
		if r.Password != "" && !exists {
			if err := policy.CheckPolicy(r.Password, r.Username, "password"); err != nil {
				out = append(out, protocol.ImportRowError{Line: r.Line, Column: "初始密码", Code: CodePasswordPolicy, Message: apperr.From(err).Message})
			}
		}
	}
	return out
}

// applier writes one row inside the import's transaction.
type applier struct {
	s        *Service
	tx       Tx
	rec      *audit.Recorder
	actor    account.Actor
	deptIDs  map[string]int64
	partyIDs map[string]int64
	deptsOf  map[int64][]store.DeptMembership
}

func (a applier) upsert(ctx context.Context, r orgimport.Row, hash string) (created bool, err error) {
	now := a.s.now()
	u, err := a.tx.GetUserByUsername(ctx, r.Username)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if hash == "" {
			return false, apperr.New(protocol.CodeConflict, "account %s was created by someone else during the import; run the import again", r.Username)
		}
		created = true
		u = store.User{Username: r.Username, Role: store.RoleStaff, PasswordHash: hash, MustChangePassword: r.Password == "", PasswordChangedAt: now, CreatedAt: now}
	case err != nil:
		return false, err
	case !a.actor.MayManage(u.Role):
		return false, apperr.New(protocol.CodeForbidden, "account %s is a security officer's or auditor's", r.Username)
	}
	oldRole := u.Role
	u.DisplayName = r.DisplayName
	for _, f := range []struct {
		dst *string
		v   string
	}{{&u.Title, r.Title}, {&u.Position, r.Position}, {&u.Phone, r.Phone}, {&u.Email, r.Email}} {
		if f.v != "" {
			*f.dst = f.v
		}
	}
	if r.Role != "" {
		u.Role = r.Role
	}
	if err := account.ValidateProfile(u); err != nil {
		return false, err
	}
	if created {
		if err := a.tx.CreateUser(ctx, &u); err != nil {
			return false, err
		}
	} else if err := a.tx.UpdateUser(ctx, u); err != nil {
		return false, err
	}
	if len(r.Department) > 0 {
		if err := a.setPrimary(ctx, u.ID, a.deptIDs[key(r.Department)]); err != nil {
			return false, err
		}
	}
	if len(r.Party) > 0 {
		m := &store.PartyMembership{UserID: u.ID, PartyOrgID: a.partyIDs[key(r.Party)], PartyRole: r.PartyRole}
		if err := a.tx.SetPartyMembership(ctx, u.ID, m); err != nil {
			return false, err
		}
	}
	// Each account created and each role changed gets its own entry, as if done by hand.
	target := strconv.FormatInt(u.ID, 10)
	switch {
	case created:
		return true, a.rec.Record(ctx, audit.Event{ActorID: a.actor.ID, ActorName: a.actor.Name, Action: audit.UserCreated, TargetType: "user", TargetID: target,
			Detail: map[string]any{"username": u.Username, "role": u.Role, "via": "import"}})
	case u.Role != oldRole:
		return false, a.rec.Record(ctx, audit.Event{ActorID: a.actor.ID, ActorName: a.actor.Name, Action: audit.UserUpdated, TargetType: "user", TargetID: target,
			Detail: map[string]any{"fields": []string{"role"}, "role": u.Role, "previous_role": oldRole, "via": "import"}})
	}
	return false, nil
}

// setPrimary makes deptID the person's primary department and keeps their other
// departments as secondary ones.
func (a applier) setPrimary(ctx context.Context, userID, deptID int64) error {
	ms := []store.DeptMembership{{UserID: userID, DepartmentID: deptID, Primary: true}}
	for _, m := range a.deptsOf[userID] {
		if m.DepartmentID != deptID {
			ms = append(ms, store.DeptMembership{UserID: userID, DepartmentID: m.DepartmentID})
		}
	}
	return a.tx.SetUserDepartments(ctx, userID, ms)
}

// treeKind is what ensurePaths needs of one of the two trees.
type treeKind struct {
	what  string
	index func(ctx context.Context, tx Tx) (map[string]int64, error)
	make  func(ctx context.Context, tx Tx, segs []string, parentID int64, now time.Time) (int64, error)
}

func deptKind() treeKind {
	return treeKind{
		what: "department",
		index: func(ctx context.Context, tx Tx) (map[string]int64, error) {
			ds, err := tx.ListDepartments(ctx)
			return pathIndex(DeptTree(ds)), err
		},
		make: func(ctx context.Context, tx Tx, segs []string, parentID int64, now time.Time) (int64, error) {
			d := store.Department{Name: segs[len(segs)-1], ParentID: parentID, CreatedAt: now}
			err := tx.CreateDepartment(ctx, &d)
			return d.ID, err
		},
	}
}

func partyKind() treeKind {
	return treeKind{
		what: "party organisation",
		index: func(ctx context.Context, tx Tx) (map[string]int64, error) {
			ps, err := tx.ListPartyOrgs(ctx)
			return pathIndex(PartyTree(ps)), err
		},
		make: func(ctx context.Context, tx Tx, segs []string, parentID int64, now time.Time) (int64, error) {
			p := store.PartyOrg{Name: segs[len(segs)-1], Kind: store.PartyBranch, ParentID: parentID, CreatedAt: now}
			if len(segs) > 1 {
				p.Kind = store.PartyGroup
			}
			err := tx.CreatePartyOrg(ctx, &p)
			return p.ID, err
		},
	}
}

// ensurePaths creates the tree nodes the file names that do not exist yet, parents
// first (the parser orders them so), and returns the id of every path.
func ensurePaths(ctx context.Context, tx Tx, paths [][]string, now func() time.Time, kind treeKind) (map[string]int64, int, error) {
	ids, err := kind.index(ctx, tx)
	if err != nil {
		return nil, 0, err
	}
	n := 0
	for _, segs := range paths {
		if _, ok := ids[key(segs)]; ok {
			continue
		}
		id, err := kind.make(ctx, tx, segs, ids[key(segs[:len(segs)-1])], now())
		if err != nil {
			return nil, 0, fmt.Errorf("%s %s: %w", kind.what, key(segs), err)
		}
		ids[key(segs)] = id
		n++
	}
	return ids, n, nil
}

// hashNewAccounts makes the password hashes of rows whose username is not yet taken,
// using every core. A dry run, which is rolled back, gets placeholders instead of the
// slow hashing.
func (s *Service) hashNewAccounts(ctx context.Context, rows []orgimport.Row, existing map[string]store.Role, dryRun bool) (hashes, oneTime map[string]string, err error) {
	type job struct{ username, password string }
	var jobs []job
	oneTime = map[string]string{}
	for _, r := range rows {
		if _, ok := existing[r.Username]; ok {
			continue
		}
		pw := r.Password
		if dryRun {
			pw = "dry-run"
		} else if pw == "" {
			if pw, err = account.OneTimePassword(); err != nil {
				return nil, nil, err
			}
			oneTime[r.Username] = pw
		}
		jobs = append(jobs, job{r.Username, pw})
	}
	hashes = make(map[string]string, len(jobs))
	var mu sync.Mutex
	var firstErr error
	work := make(chan job)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				h, err := "dry-run", error(nil)
				if !dryRun {
					h, err = s.hasher.NewCredential(ctx, j.password)
				}
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				hashes[j.username] = h
				mu.Unlock()
			}
		}()
	}
	for _, j := range jobs {
		if ctx.Err() != nil {
			break
		}
		work <- j
	}
	close(work)
	wg.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	if firstErr != nil {
		return nil, nil, fmt.Errorf("org: hash imported passwords: %w", firstErr)
	}
	return hashes, oneTime, nil
}

func key(segs []string) string { return strings.Join(segs, "/") }

func pathIndex[T any](t Tree[T]) map[string]int64 {
	m := make(map[string]int64, len(t.byPath))
	for k, v := range t.byPath {
		m[k] = v
	}
	return m
}
