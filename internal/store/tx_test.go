package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"govchat/internal/audit"
	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

// writeEverything touches every table through tx, named by tag so each subtest's
// rows are its own.
func writeEverything(ctx context.Context, tx store.Store, tag string) error {
	u := store.User{Username: "tx_" + tag, Role: store.RoleStaff}
	if err := tx.CreateUser(ctx, &u); err != nil {
		return err
	}
	d := store.Department{Name: "dept " + tag}
	if err := tx.CreateDepartment(ctx, &d); err != nil {
		return err
	}
	p := store.PartyOrg{Name: "party " + tag, Kind: store.PartyBranch}
	if err := tx.CreatePartyOrg(ctx, &p); err != nil {
		return err
	}
	if err := tx.SetUserDepartments(ctx, u.ID, []store.DeptMembership{{DepartmentID: d.ID, Primary: true}}); err != nil {
		return err
	}
	if err := tx.SetPartyMembership(ctx, u.ID, &store.PartyMembership{PartyOrgID: p.ID}); err != nil {
		return err
	}
	sess := store.Session{TokenHash: tokenHash(tag), UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)}
	if err := tx.CreateSession(ctx, &sess); err != nil {
		return err
	}
	if err := tx.AppendAudit(ctx, &store.AuditEvent{Action: "test." + tag}, audit.Hash); err != nil {
		return err
	}
	return tx.SetMeta(ctx, "meta_"+tag, "v")
}

// countEverything reports how many of writeEverything's rows for tag exist.
func countEverything(t *testing.T, s store.Store, tag string) int {
	t.Helper()
	ctx := t.Context()
	n := 0
	if _, err := s.GetUserByUsername(ctx, "tx_"+tag); err == nil {
		n++
	}
	ds, err := s.ListDepartments(ctx)
	must(t, err)
	for _, d := range ds {
		if d.Name == "dept "+tag {
			n++
		}
	}
	ps, err := s.ListPartyOrgs(ctx)
	must(t, err)
	for _, p := range ps {
		if p.Name == "party "+tag {
			n++
		}
	}
	if _, err := s.GetSessionByTokenHash(ctx, tokenHash(tag), time.Now()); err == nil {
		n++
	}
	evs, err := s.ListAudit(ctx, store.AuditFilter{Action: "test." + tag})
	must(t, err)
	n += len(evs)
	if _, err := s.GetMeta(ctx, "meta_"+tag); err == nil {
		n++
	}
	return n
}

const everything = 6 // rows countEverything can see after a commit

func TestInTx(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()

		t.Run("commit keeps everything", func(t *testing.T) {
			must(t, s.InTx(ctx, func(tx store.Store) error { return writeEverything(ctx, tx, "commit") }))
			if n := countEverything(t, s, "commit"); n != everything {
				t.Fatalf("%d of %d rows after commit", n, everything)
			}
		})

		t.Run("error rolls back everything", func(t *testing.T) {
			err := s.InTx(ctx, func(tx store.Store) error {
				if err := writeEverything(ctx, tx, "rollback"); err != nil {
					return err
				}
				return errBoom
			})
			wantErr(t, err, errBoom)
			if n := countEverything(t, s, "rollback"); n != 0 {
				t.Fatalf("%d rows left after rollback", n)
			}
		})

		t.Run("panic rolls back and propagates", func(t *testing.T) {
			func() {
				defer func() {
					if recover() == nil {
						t.Fatal("panic swallowed")
					}
				}()
				_ = s.InTx(ctx, func(tx store.Store) error {
					if err := writeEverything(ctx, tx, "panic"); err != nil {
						return err
					}
					panic("boom")
				})
			}()
			if n := countEverything(t, s, "panic"); n != 0 {
				t.Fatalf("%d rows left after panic", n)
			}
		})

		t.Run("nested InTx joins the outer transaction", func(t *testing.T) {
			err := s.InTx(ctx, func(tx store.Store) error {
				if err := tx.InTx(ctx, func(inner store.Store) error {
					return writeEverything(ctx, inner, "nested")
				}); err != nil {
					return err
				}
				// The inner work is visible inside the outer transaction …
				if _, err := tx.GetUserByUsername(ctx, "tx_nested"); err != nil {
					return err
				}
				return errBoom
			})
			wantErr(t, err, errBoom)
			// … and undone with it: the inner InTx did not commit on its own.
			if n := countEverything(t, s, "nested"); n != 0 {
				t.Fatalf("%d rows left after outer rollback", n)
			}
		})

		t.Run("nested commit keeps everything", func(t *testing.T) {
			must(t, s.InTx(ctx, func(tx store.Store) error {
				return tx.InTx(ctx, func(inner store.Store) error { return writeEverything(ctx, inner, "nestedok") })
			}))
			if n := countEverything(t, s, "nestedok"); n != everything {
				t.Fatalf("%d of %d rows after nested commit", n, everything)
			}
		})

		t.Run("store errors pass through with their kind", func(t *testing.T) {
			err := s.InTx(ctx, func(tx store.Store) error {
				_, err := tx.GetUser(ctx, 987654)
				return err
			})
			wantErr(t, err, store.ErrNotFound)
		})

		t.Run("transaction store cannot be closed", func(t *testing.T) {
			must(t, s.InTx(ctx, func(tx store.Store) error {
				if tx.Close() == nil {
					return errors.New("Close inside InTx succeeded")
				}
				return nil
			}))
			must(t, s.Ping(ctx))
		})
	})
}

// metaTx is a consumer's narrow view, as a package would declare it beside itself.
type metaTx interface {
	SetMeta(ctx context.Context, key, value string) error
}

func TestNarrowedInTx(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		n := store.Narrow(s, func(tx store.Store) metaTx { return tx })

		t.Run("commit keeps what the narrow function wrote", func(t *testing.T) {
			must(t, n.InTx(ctx, func(tx metaTx) error { return tx.SetMeta(ctx, "narrow_commit", "v") }))
			if v, err := s.GetMeta(ctx, "narrow_commit"); err != nil || v != "v" {
				t.Fatalf("GetMeta = %q, %v after commit", v, err)
			}
		})

		// A write through the pool would survive the rollback: the function is handed
		// the transaction.
		t.Run("error rolls back what the narrow function wrote", func(t *testing.T) {
			err := n.InTx(ctx, func(tx metaTx) error {
				if err := tx.SetMeta(ctx, "narrow_rollback", "v"); err != nil {
					return err
				}
				return errBoom
			})
			wantErr(t, err, errBoom)
			if _, err := s.GetMeta(ctx, "narrow_rollback"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("GetMeta after rollback: %v, want ErrNotFound", err)
			}
		})

	})
}
