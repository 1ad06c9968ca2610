package org

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"govchat/internal/account"
	"govchat/internal/apperr"
	"govchat/internal/audit"
	"govchat/internal/orgimport"
	"govchat/internal/store"
	"govchat/protocol"
)

// PolicyChecker applies the password policy to passwords given in the file.
type PolicyChecker interface {
	CheckPolicy(password, username string) error
}

// errDryRun rolls a dry run back after it has done everything a real import does.
var errDryRun = errors.New("dry run")

// Import applies a parsed file in one transaction: missing departments and party
// organisations are created, people are created or updated by username, and each row's
// department becomes the person's primary department and its party organisation their
// party membership. Columns left empty leave an existing person's value alone. A
// password column sets the first password of new accounts only; accounts created
// without one get a one-time password, returned once. With dryRun everything is checked
// and counted, then rolled back.
func (s *Service) Import(ctx context.Context, actor account.Actor, plan orgimport.Plan, policy PolicyChecker, dryRun bool) (protocol.ImportResult, error) {
	res := protocol.ImportResult{DryRun: dryRun, Rows: len(plan.Rows)}

	// Check given passwords first so a weak one is reported with its row like any other
	// problem.
	var rowErrs []protocol.ImportRowError
	for _, r := range plan.Rows {
		if r.Password == "" {
			continue
		}
		if err := policy.CheckPolicy(r.Password, r.Username); err != nil {
			rowErrs = append(rowErrs, protocol.ImportRowError{Line: r.Line, Column: "password", Code: "password_policy", Message: apperr.From(err).Message})
		}
	}
	if len(rowErrs) > 0 {
		return res, &apperr.Error{Code: protocol.CodeImportInvalid, Message: fmt.Sprintf("%d rows are invalid; nothing was imported", len(rowErrs)), Rows: rowErrs}
	}

	// Hash new accounts' passwords before the transaction: argon2id is slow on purpose,
	// and holding the write lock through it would stall every other writer.
	hashes, oneTime, err := s.hashNewAccounts(ctx, plan.Rows, dryRun)
	if err != nil {
		return res, err
	}

	now := s.now()
	err = s.store.InTx(ctx, func(tx store.Store) error {
		depts, err := tx.ListDepartments(ctx)
		if err != nil {
			return err
		}
		deptIDs := pathIndex(DeptTree(depts))
		for _, segs := range plan.Departments {
			if _, ok := deptIDs[key(segs)]; ok {
				continue
			}
			d := store.Department{Name: segs[len(segs)-1], ParentID: deptIDs[key(segs[:len(segs)-1])], CreatedAt: now}
			if err := tx.CreateDepartment(ctx, &d); err != nil {
				return fmt.Errorf("department %s: %w", key(segs), err)
			}
			deptIDs[key(segs)] = d.ID
			res.DepartmentsCreated++
		}
		parties, err := tx.ListPartyOrgs(ctx)
		if err != nil {
			return err
		}
		partyIDs := pathIndex(PartyTree(parties))
		for _, segs := range plan.PartyOrgs {
			if _, ok := partyIDs[key(segs)]; ok {
				continue
			}
			p := store.PartyOrg{Name: segs[len(segs)-1], Kind: store.PartyBranch, CreatedAt: now}
			if len(segs) > 1 {
				p.Kind, p.ParentID = store.PartyGroup, partyIDs[key(segs[:1])]
			}
			if err := tx.CreatePartyOrg(ctx, &p); err != nil {
				return fmt.Errorf("party organisation %s: %w", key(segs), err)
			}
			partyIDs[key(segs)] = p.ID
			res.PartyOrgsCreated++
		}

		for _, r := range plan.Rows {
			created, err := s.upsertPerson(ctx, tx, r, hashes[r.Username], deptIDs, partyIDs)
			if err != nil {
				return fmt.Errorf("line %d (%s): %w", r.Line, r.Username, err)
			}
			if created {
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
		return s.audit.In(tx).Record(ctx, audit.Event{ActorID: actor.ID, ActorName: actor.Name, Action: audit.OrgImported, TargetType: "import",
			Detail: map[string]any{"rows": res.Rows, "users_created": res.UsersCreated, "users_updated": res.UsersUpdated,
				"departments_created": res.DepartmentsCreated, "party_orgs_created": res.PartyOrgsCreated}})
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return protocol.ImportResult{}, fmt.Errorf("org: import: %w", err)
	}
	return res, nil
}

// upsertPerson creates or updates one row's person and memberships.
func (s *Service) upsertPerson(ctx context.Context, tx store.Store, r orgimport.Row, hash string, deptIDs, partyIDs map[string]int64) (created bool, err error) {
	u, err := tx.GetUserByUsername(ctx, r.Username)
	switch {
	case errors.Is(err, store.ErrNotFound):
		created = true
		if hash == "" {
			return false, apperr.New(protocol.CodeConflict, "account %s was created by someone else during the import; run the import again", r.Username)
		}
		u = store.User{Username: r.Username, PasswordHash: hash, MustChangePassword: r.Password == "", PasswordChangedAt: s.now(), CreatedAt: s.now()}
	case err != nil:
		return false, err
	}
	u.DisplayName = r.DisplayName
	setIf := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	setIf(&u.Title, r.Title)
	setIf(&u.Position, r.Position)
	setIf(&u.Phone, r.Phone)
	setIf(&u.Email, r.Email)
	if r.Role != "" {
		u.Role = r.Role
	}
	if u.Role == "" {
		u.Role = store.RoleStaff
	}
	if err := account.ValidateProfile(u); err != nil {
		return false, err
	}
	if created {
		if err := tx.CreateUser(ctx, &u); err != nil {
			return false, err
		}
	} else if err := tx.UpdateUser(ctx, u); err != nil {
		return false, err
	}
	if len(r.Department) > 0 {
		ms := []store.DeptMembership{{UserID: u.ID, DepartmentID: deptIDs[key(r.Department)], Primary: true}}
		if err := tx.SetUserDepartments(ctx, u.ID, ms); err != nil {
			return false, err
		}
	}
	if len(r.Party) > 0 {
		role := r.PartyRole
		if role == "" {
			role = "党员"
		}
		m := &store.PartyMembership{UserID: u.ID, PartyOrgID: partyIDs[key(r.Party)], PartyRole: role}
		if err := tx.SetPartyMembership(ctx, u.ID, m); err != nil {
			return false, err
		}
	}
	return created, nil
}

// hashNewAccounts makes the password hashes of rows whose username is not yet taken,
// using every core. A dry run, which is rolled back, gets placeholders instead of the
// slow hashing.
func (s *Service) hashNewAccounts(ctx context.Context, rows []orgimport.Row, dryRun bool) (hashes, oneTime map[string]string, err error) {
	type job struct{ username, password string }
	var jobs []job
	oneTime = map[string]string{}
	for _, r := range rows {
		if _, err := s.store.GetUserByUsername(ctx, r.Username); err == nil {
			continue
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, nil, err
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
					h, err = s.hasher.Hash(j.password)
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
