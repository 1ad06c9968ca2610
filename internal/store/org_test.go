package store_test

import (
	"context"
	"slices"
	"testing"

	"govchat/internal/store"
	"govchat/internal/store/storetest"
)

// treeOps adapts departments and party organisations to one shape, because the
// rules on the two trees are the same and so are their tests.
type treeOps struct {
	create    func(ctx context.Context, s store.Store, parent int64, name string) (int64, error)
	update    func(ctx context.Context, s store.Store, id, parent int64, name string) error
	get       func(ctx context.Context, s store.Store, id int64) (parent int64, name string, err error)
	delete    func(ctx context.Context, s store.Store, id int64) error
	list      func(ctx context.Context, s store.Store) ([]int64, error)
	addMember func(ctx context.Context, s store.Store, userID, id int64) error
}

func treeCases() map[string]treeOps {
	return map[string]treeOps{
		"departments": {
			create: func(ctx context.Context, s store.Store, parent int64, name string) (int64, error) {
				d := store.Department{ParentID: parent, Name: name}
				err := s.CreateDepartment(ctx, &d)
				return d.ID, err
			},
			update: func(ctx context.Context, s store.Store, id, parent int64, name string) error {
				return s.UpdateDepartment(ctx, store.Department{ID: id, ParentID: parent, Name: name})
			},
			get: func(ctx context.Context, s store.Store, id int64) (int64, string, error) {
				d, err := s.GetDepartment(ctx, id)
				return d.ParentID, d.Name, err
			},
			delete: func(ctx context.Context, s store.Store, id int64) error { return s.DeleteDepartment(ctx, id) },
			list: func(ctx context.Context, s store.Store) ([]int64, error) {
				ds, err := s.ListDepartments(ctx)
				var out []int64
				for _, d := range ds {
					out = append(out, d.ID)
				}
				return out, err
			},
			addMember: func(ctx context.Context, s store.Store, userID, id int64) error {
				return s.SetUserDepartments(ctx, userID, []store.DeptMembership{{DepartmentID: id}})
			},
		},
		"party orgs": {
			create: func(ctx context.Context, s store.Store, parent int64, name string) (int64, error) {
				p := store.PartyOrg{ParentID: parent, Name: name, Kind: store.PartyBranch}
				if parent != 0 {
					p.Kind = store.PartyGroup
				}
				err := s.CreatePartyOrg(ctx, &p)
				return p.ID, err
			},
			update: func(ctx context.Context, s store.Store, id, parent int64, name string) error {
				return s.UpdatePartyOrg(ctx, store.PartyOrg{ID: id, ParentID: parent, Name: name, Kind: store.PartyGroup})
			},
			get: func(ctx context.Context, s store.Store, id int64) (int64, string, error) {
				p, err := s.GetPartyOrg(ctx, id)
				return p.ParentID, p.Name, err
			},
			delete: func(ctx context.Context, s store.Store, id int64) error { return s.DeletePartyOrg(ctx, id) },
			list: func(ctx context.Context, s store.Store) ([]int64, error) {
				ps, err := s.ListPartyOrgs(ctx)
				var out []int64
				for _, p := range ps {
					out = append(out, p.ID)
				}
				return out, err
			},
			addMember: func(ctx context.Context, s store.Store, userID, id int64) error {
				return s.SetPartyMembership(ctx, userID, &store.PartyMembership{PartyOrgID: id, PartyRole: "党员"})
			},
		},
	}
}

func TestTrees(t *testing.T) {
	for treeName, ops := range treeCases() {
		t.Run(treeName, func(t *testing.T) {
			storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
				t.Parallel()
				ctx := t.Context()
				mk := func(t *testing.T, parent int64, name string) int64 {
					t.Helper()
					id, err := ops.create(ctx, s, parent, name)
					if err != nil {
						t.Fatalf("create(%d, %q): %v", parent, name, err)
					}
					return id
				}
				bureau := mk(t, 0, "财政局")
				office := mk(t, bureau, "办公室")
				budget := mk(t, bureau, "预算股")
				team := mk(t, budget, "一组")

				t.Run("get returns what was created", func(t *testing.T) {
					parent, name, err := ops.get(ctx, s, team)
					must(t, err)
					if parent != budget || name != "一组" {
						t.Fatalf("got parent %d name %q", parent, name)
					}
					parent, _, err = ops.get(ctx, s, bureau)
					must(t, err)
					if parent != 0 {
						t.Fatalf("top-level parent = %d, want 0", parent)
					}
				})

				t.Run("missing node is not found", func(t *testing.T) {
					_, _, err := ops.get(ctx, s, 987654)
					wantErr(t, err, store.ErrNotFound)
					wantErr(t, ops.update(ctx, s, 987654, 0, "x"), store.ErrNotFound)
					wantErr(t, ops.delete(ctx, s, 987654), store.ErrNotFound)
				})

				t.Run("missing parent is not found", func(t *testing.T) {
					_, err := ops.create(ctx, s, 987654, "孤儿")
					wantErr(t, err, store.ErrNotFound)
					wantErr(t, ops.update(ctx, s, office, 987654, "办公室"), store.ErrNotFound)
				})

				conflicts := []struct {
					name   string
					parent int64
					label  string
				}{
					{"duplicate top-level name conflicts", 0, "财政局"},
					{"duplicate sibling name conflicts", bureau, "办公室"},
				}
				for _, c := range conflicts {
					t.Run(c.name, func(t *testing.T) {
						_, err := ops.create(ctx, s, c.parent, c.label)
						wantErr(t, err, store.ErrConflict)
					})
				}

				t.Run("same name under another parent is fine", func(t *testing.T) {
					mk(t, office, "一组")
				})

				t.Run("renaming onto a sibling conflicts", func(t *testing.T) {
					wantErr(t, ops.update(ctx, s, office, bureau, "预算股"), store.ErrConflict)
				})

				cycles := []struct {
					name   string
					id     int64
					parent int64
				}{
					{"under itself", budget, budget},
					{"under its child", budget, team},
					{"under its grandchild", bureau, team},
				}
				for _, c := range cycles {
					t.Run("moving "+c.name+" conflicts", func(t *testing.T) {
						_, name, err := ops.get(ctx, s, c.id)
						must(t, err)
						wantErr(t, ops.update(ctx, s, c.id, c.parent, name), store.ErrConflict)
					})
				}

				t.Run("move and rename", func(t *testing.T) {
					moved := mk(t, budget, "二组")
					must(t, ops.update(ctx, s, moved, office, "综合组"))
					parent, name, err := ops.get(ctx, s, moved)
					must(t, err)
					if parent != office || name != "综合组" {
						t.Fatalf("after move: parent %d name %q", parent, name)
					}
					must(t, ops.update(ctx, s, moved, 0, "独立组"))
					parent, _, err = ops.get(ctx, s, moved)
					must(t, err)
					if parent != 0 {
						t.Fatalf("moved to top: parent %d", parent)
					}
				})

				t.Run("delete with children conflicts", func(t *testing.T) {
					wantErr(t, ops.delete(ctx, s, budget), store.ErrConflict)
				})

				t.Run("delete with members conflicts", func(t *testing.T) {
					u := newUser(t, s, "member", store.RoleStaff)
					leaf := mk(t, office, "有人")
					must(t, ops.addMember(ctx, s, u.ID, leaf))
					wantErr(t, ops.delete(ctx, s, leaf), store.ErrConflict)
				})

				t.Run("delete a bare leaf", func(t *testing.T) {
					leaf := mk(t, office, "临时")
					must(t, ops.delete(ctx, s, leaf))
					_, _, err := ops.get(ctx, s, leaf)
					wantErr(t, err, store.ErrNotFound)
				})

				t.Run("list puts the top level first", func(t *testing.T) {
					got, err := ops.list(ctx, s)
					must(t, err)
					if len(got) < 4 || got[0] != bureau {
						t.Fatalf("list = %v, want %d first", got, bureau)
					}
				})
			})
		})
	}
}

func TestDepartmentFields(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		d := store.Department{Name: "局机关", SortOrder: 7, CreatedAt: t0}
		must(t, s.CreateDepartment(ctx, &d))
		got, err := s.GetDepartment(ctx, d.ID)
		must(t, err)
		if got != d || !got.CreatedAt.Equal(ms(t0)) {
			t.Fatalf("got %+v, want %+v", got, d)
		}
		// Siblings list by sort order, not by id.
		b := store.Department{ParentID: d.ID, Name: "B", SortOrder: 2}
		a := store.Department{ParentID: d.ID, Name: "A", SortOrder: 1}
		must(t, s.CreateDepartment(ctx, &b))
		must(t, s.CreateDepartment(ctx, &a))
		all, err := s.ListDepartments(ctx)
		must(t, err)
		if len(all) != 3 || all[0].ID != d.ID || all[1].ID != a.ID || all[2].ID != b.ID {
			t.Fatalf("ListDepartments = %+v", all)
		}
		d.SortOrder = 9
		must(t, s.UpdateDepartment(ctx, d))
		got, err = s.GetDepartment(ctx, d.ID)
		must(t, err)
		if got.SortOrder != 9 {
			t.Fatalf("SortOrder = %d, want 9", got.SortOrder)
		}
	})
}

func TestPartyOrgFields(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		br := store.PartyOrg{Name: "机关第一党支部", Kind: store.PartyBranch, SortOrder: 3, CreatedAt: t0}
		must(t, s.CreatePartyOrg(ctx, &br))
		gr := store.PartyOrg{ParentID: br.ID, Name: "第一党小组", Kind: store.PartyGroup}
		must(t, s.CreatePartyOrg(ctx, &gr))
		got, err := s.GetPartyOrg(ctx, br.ID)
		must(t, err)
		if got != br {
			t.Fatalf("got %+v, want %+v", got, br)
		}
		all, err := s.ListPartyOrgs(ctx)
		must(t, err)
		if len(all) != 2 || all[0] != br || all[1] != gr {
			t.Fatalf("ListPartyOrgs = %+v", all)
		}
		bad := store.PartyOrg{Name: "x", Kind: "committee"}
		if err := s.CreatePartyOrg(ctx, &bad); err == nil {
			t.Fatal("unknown kind accepted")
		}
	})
}

func TestMemberships(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, s store.Store) {
		t.Parallel()
		ctx := t.Context()
		u := newUser(t, s, "member", store.RoleStaff)
		v := newUser(t, s, "member2", store.RoleStaff)
		a := newDept(t, s, 0, "A")
		b := newDept(t, s, 0, "B")
		c := newDept(t, s, 0, "C")

		listDept := func(t *testing.T) []store.DeptMembership {
			t.Helper()
			ms, err := s.ListDeptMemberships(ctx)
			must(t, err)
			return ms
		}

		t.Run("set and replace departments", func(t *testing.T) {
			must(t, s.SetUserDepartments(ctx, u.ID, []store.DeptMembership{{DepartmentID: a.ID, Primary: true}, {DepartmentID: b.ID}}))
			must(t, s.SetUserDepartments(ctx, v.ID, []store.DeptMembership{{DepartmentID: c.ID, Primary: true}}))
			want := []store.DeptMembership{
				{UserID: u.ID, DepartmentID: a.ID, Primary: true},
				{UserID: u.ID, DepartmentID: b.ID},
				{UserID: v.ID, DepartmentID: c.ID, Primary: true},
			}
			if got := listDept(t); !slices.Equal(got, want) {
				t.Fatalf("memberships = %+v, want %+v", got, want)
			}
			must(t, s.SetUserDepartments(ctx, u.ID, []store.DeptMembership{{DepartmentID: c.ID, Primary: true}}))
			want = []store.DeptMembership{{UserID: u.ID, DepartmentID: c.ID, Primary: true}, {UserID: v.ID, DepartmentID: c.ID, Primary: true}}
			if got := listDept(t); !slices.Equal(got, want) {
				t.Fatalf("after replace = %+v, want %+v", got, want)
			}
		})

		refusals := []struct {
			name   string
			userID int64
			ms     []store.DeptMembership
			want   error
		}{
			{"two primaries conflict", u.ID, []store.DeptMembership{{DepartmentID: a.ID, Primary: true}, {DepartmentID: b.ID, Primary: true}}, store.ErrConflict},
			{"a department twice conflicts", u.ID, []store.DeptMembership{{DepartmentID: a.ID}, {DepartmentID: a.ID}}, store.ErrConflict},
			{"unknown department is not found", u.ID, []store.DeptMembership{{DepartmentID: a.ID}, {DepartmentID: 987654}}, store.ErrNotFound},
			{"unknown user is not found", 987654, []store.DeptMembership{{DepartmentID: a.ID}}, store.ErrNotFound},
		}
		for _, r := range refusals {
			t.Run(r.name+" and changes nothing", func(t *testing.T) {
				before := listDept(t)
				wantErr(t, s.SetUserDepartments(ctx, r.userID, r.ms), r.want)
				if after := listDept(t); !slices.Equal(after, before) {
					t.Fatalf("memberships changed: %+v -> %+v", before, after)
				}
			})
		}

		t.Run("clear departments", func(t *testing.T) {
			must(t, s.SetUserDepartments(ctx, v.ID, nil))
			for _, m := range listDept(t) {
				if m.UserID == v.ID {
					t.Fatalf("membership left: %+v", m)
				}
			}
		})

		t.Run("party membership set, replace, remove", func(t *testing.T) {
			br := store.PartyOrg{Name: "支部", Kind: store.PartyBranch}
			must(t, s.CreatePartyOrg(ctx, &br))
			gr := store.PartyOrg{ParentID: br.ID, Name: "小组", Kind: store.PartyGroup}
			must(t, s.CreatePartyOrg(ctx, &gr))

			must(t, s.SetPartyMembership(ctx, u.ID, &store.PartyMembership{PartyOrgID: br.ID, PartyRole: "书记"}))
			must(t, s.SetPartyMembership(ctx, v.ID, &store.PartyMembership{PartyOrgID: gr.ID, PartyRole: "党员"}))
			must(t, s.SetPartyMembership(ctx, u.ID, &store.PartyMembership{PartyOrgID: gr.ID, PartyRole: "组长"}))
			got, err := s.ListPartyMemberships(ctx)
			must(t, err)
			want := []store.PartyMembership{{UserID: u.ID, PartyOrgID: gr.ID, PartyRole: "组长"}, {UserID: v.ID, PartyOrgID: gr.ID, PartyRole: "党员"}}
			if !slices.Equal(got, want) {
				t.Fatalf("party memberships = %+v, want %+v", got, want)
			}
			wantErr(t, s.SetPartyMembership(ctx, u.ID, &store.PartyMembership{PartyOrgID: 987654}), store.ErrNotFound)
			wantErr(t, s.SetPartyMembership(ctx, 987654, nil), store.ErrNotFound)
			must(t, s.SetPartyMembership(ctx, u.ID, nil))
			got, err = s.ListPartyMemberships(ctx)
			must(t, err)
			if !slices.Equal(got, want[1:]) {
				t.Fatalf("after removal = %+v, want %+v", got, want[1:])
			}
		})
	})
}
