// Package demo seeds a demonstration organisation on a first start: a county finance
// bureau with its departments, its party branch and about twenty people in every role,
// so a newcomer can log in as a leader and as staff within a minute of `make run`.
package demo

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"govchat/internal/e2e"
	"govchat/internal/passwd"
	"govchat/internal/store"
)

// Password is every demo account's password. It is printed on start; a real deployment
// runs with --no-demo.
const Password = "Govchat#2026"

// OrgName is the demo organisation.
const OrgName = "示范县财政局"

// seededKey marks a store that has had its first start.
const seededKey = "first_start_done"

type person struct {
	username, name, title, position string
	role                            store.Role
	dept                            string // department path
	party                           string // party org path, empty for non-members
	partyRole                       string
	phone                           string
}

var departments = []string{
	"局领导", "办公室", "预算股", "预算股/预算编制组", "预算股/预算执行组", "国库股", "农业农村股", "信息中心",
}

var partyOrgs = []string{"机关党支部", "机关党支部/第一党小组", "机关党支部/第二党小组"}

var people = []person{
	{"wangjianguo", "王建国", "局长", "", store.RoleLeader, "局领导", "机关党支部", "书记", "13800000001"},
	{"liufang", "刘芳", "副局长", "分管预算、国库", store.RoleLeader, "局领导", "机关党支部", "副书记", "13800000002"},
	{"chenzhiqiang", "陈志强", "办公室主任", "", store.RoleLeader, "办公室", "机关党支部/第一党小组", "组长", "13800000003"},
	{"zhaomin", "赵敏", "科员", "保密员", store.RoleSecurity, "办公室", "机关党支部/第一党小组", "党员", "13800000004"},
	{"sunli", "孙丽", "科员", "安全审计员", store.RoleAuditor, "办公室", "", "", "13800000005"},
	{"zhouhaiyan", "周海燕", "科员", "文秘", store.RoleStaff, "办公室", "机关党支部/第一党小组", "宣传委员", "13800000006"},
	{"lihua", "李华", "预算股股长", "", store.RoleLeader, "预算股", "机关党支部/第一党小组", "组织委员", "13800000007"},
	{"zhangjing", "张静", "组长", "预算编制岗", store.RoleStaff, "预算股/预算编制组", "机关党支部/第一党小组", "党员", "13800000008"},
	{"wuqiang", "吴强", "科员", "预算编制岗", store.RoleStaff, "预算股/预算编制组", "", "", "13800000009"},
	{"zhengxue", "郑雪", "组长", "预算执行岗", store.RoleStaff, "预算股/预算执行组", "机关党支部/第二党小组", "党员", "13800000010"},
	{"fengyu", "冯宇", "科员", "预算执行岗", store.RoleStaff, "预算股/预算执行组", "", "", "13800000011"},
	{"heping", "何平", "国库股股长", "", store.RoleLeader, "国库股", "机关党支部/第二党小组", "组长", "13800000012"},
	{"xulei", "徐磊", "科员", "国库集中支付岗", store.RoleStaff, "国库股", "机关党支部/第二党小组", "党员", "13800000013"},
	{"gaoyan", "高燕", "科员", "会计核算岗", store.RoleStaff, "国库股", "", "", "13800000014"},
	{"maliang", "马亮", "农业农村股股长", "", store.RoleLeader, "农业农村股", "机关党支部/第二党小组", "纪检委员", "13800000015"},
	{"luojun", "罗军", "科员", "涉农资金岗", store.RoleStaff, "农业农村股", "机关党支部/第二党小组", "党员", "13800000016"},
	{"tangwei", "唐薇", "科员", "惠农补贴岗", store.RoleStaff, "农业农村股", "", "", "13800000017"},
	{"zhoutao", "周涛", "信息中心主任", "系统管理员", store.RoleAdmin, "信息中心", "", "", "13800000018"},
	{"hanxue", "韩雪", "科员", "网络运维岗", store.RoleStaff, "信息中心", "机关党支部/第二党小组", "党员", "13800000019"},
	{"yangfan", "杨帆", "科员", "综合岗", store.RoleStaff, "办公室", "", "", "13800000020"},
}

// Login is a demo account to print.
type Login struct {
	Username, Name, Role string
}

// Logins lists one account per role for the start-up banner.
func Logins() []Login {
	return []Login{
		{"wangjianguo", "王建国 局长", "领导 leader"},
		{"lihua", "李华 预算股股长", "领导 leader"},
		{"zhangjing", "张静 预算编制组", "干部职工 staff"},
		{"zhaomin", "赵敏 保密员", "保密员 security"},
		{"sunli", "孙丽 安全审计员", "审计员 auditor"},
		{"zhoutao", "周涛 信息中心", "系统管理员 admin"},
	}
}

// Hasher derives and stores a password's credential (internal/passwd).
type Hasher interface {
	CredentialFor(ctx context.Context, password string, kdf passwd.KDF) (string, error)
}

// Salt is every demo account's PBKDF2 salt (E2E.md §4.4): their password is printed
// anyway, and one salt lets the seed — and a browser or test logging in as several demo
// people — derive once.
func Salt() []byte {
	s := sha256.Sum256([]byte("govchat demo salt/1"))
	return s[:e2e.SaltSize]
}

// Tx is the part of the store a first start writes, in one transaction.
type Tx interface {
	GetMeta(ctx context.Context, key string) (string, error)
	SetMeta(ctx context.Context, key, value string) error
	CreateDepartment(ctx context.Context, d *store.Department) error
	CreatePartyOrg(ctx context.Context, p *store.PartyOrg) error
	CreateUser(ctx context.Context, u *store.User) error
	SetUserDepartments(ctx context.Context, userID int64, ms []store.DeptMembership) error
	SetPartyMembership(ctx context.Context, userID int64, m *store.PartyMembership) error
}

// Meta reads the marks this package leaves in the store.
type Meta interface {
	GetMeta(ctx context.Context, key string) (string, error)
}

// Store is what FirstStart is given: the marks, and transactions that see only Tx
// (store.Narrow makes one).
type Store interface {
	Meta
	InTx(ctx context.Context, fn func(tx Tx) error) error
}

// FirstStart reports whether this store has never been started, and marks it started.
// withDemo seeds the demo organisation in the same transaction.
func FirstStart(ctx context.Context, s Store, h Hasher, now time.Time, withDemo bool) (first bool, err error) {
	if _, err := s.GetMeta(ctx, seededKey); err == nil {
		return false, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return false, fmt.Errorf("demo: read first-start mark: %w", err)
	}
	var hash string
	if withDemo {
		// One credential (one salt, one PBKDF2, one argon2id) for the whole demo: every
		// account shares the printed password, and twenty derivations would slow the
		// first start for nothing.
		if hash, err = h.CredentialFor(ctx, Password, passwd.KDF{Salt: Salt(), Iterations: e2e.MinIterations}); err != nil {
			return false, fmt.Errorf("demo: hash password: %w", err)
		}
	}
	err = s.InTx(ctx, func(tx Tx) error {
		// Re-check inside the transaction: two cluster nodes may start together.
		if _, err := tx.GetMeta(ctx, seededKey); err == nil {
			first = false
			return nil
		}
		first = true
		// Claim the first start before seeding: a node starting at the same moment
		// waits on this row, then conflicts on the seed and backs off.
		if err := tx.SetMeta(ctx, seededKey, now.UTC().Format(time.RFC3339)); err != nil {
			return err
		}
		if withDemo {
			if err := seed(ctx, tx, hash, now); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, store.ErrConflict) {
		// Another node seeded at the same moment and committed first.
		if _, merr := s.GetMeta(ctx, seededKey); merr == nil {
			return false, nil
		}
	}
	if err != nil {
		return false, fmt.Errorf("demo: first start: %w", err)
	}
	return first, nil
}

// demoKey marks a store that holds the demo organisation.
const demoKey = "demo_organisation"

// Present reports whether the store holds the demo organisation, so the start-up banner
// can keep showing its logins.
func Present(ctx context.Context, s Meta) (bool, error) {
	_, err := s.GetMeta(ctx, demoKey)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("demo: %w", err)
	}
	return true, nil
}

func seed(ctx context.Context, tx Tx, hash string, now time.Time) error {
	if err := tx.SetMeta(ctx, "org_name", OrgName); err != nil {
		return err
	}
	if err := tx.SetMeta(ctx, demoKey, OrgName); err != nil {
		return err
	}
	deptIDs := map[string]int64{}
	for i, path := range departments {
		d := store.Department{Name: last(path), ParentID: deptIDs[parent(path)], SortOrder: i, CreatedAt: now}
		if err := tx.CreateDepartment(ctx, &d); err != nil {
			return fmt.Errorf("department %s: %w", path, err)
		}
		deptIDs[path] = d.ID
	}
	partyIDs := map[string]int64{}
	for i, path := range partyOrgs {
		p := store.PartyOrg{Name: last(path), ParentID: partyIDs[parent(path)], Kind: store.PartyBranch, SortOrder: i, CreatedAt: now}
		if p.ParentID != 0 {
			p.Kind = store.PartyGroup
		}
		if err := tx.CreatePartyOrg(ctx, &p); err != nil {
			return fmt.Errorf("party org %s: %w", path, err)
		}
		partyIDs[path] = p.ID
	}
	for _, pp := range people {
		u := store.User{Username: pp.username, DisplayName: pp.name, Title: pp.title, Position: pp.position, Role: pp.role,
			Phone: pp.phone, PasswordHash: hash, PasswordChangedAt: now, CreatedAt: now}
		if err := tx.CreateUser(ctx, &u); err != nil {
			return fmt.Errorf("user %s: %w", pp.username, err)
		}
		if err := tx.SetUserDepartments(ctx, u.ID, []store.DeptMembership{{UserID: u.ID, DepartmentID: deptIDs[pp.dept], Primary: true}}); err != nil {
			return err
		}
		if pp.party != "" {
			if err := tx.SetPartyMembership(ctx, u.ID, &store.PartyMembership{UserID: u.ID, PartyOrgID: partyIDs[pp.party], PartyRole: pp.partyRole}); err != nil {
				return err
			}
		}
	}
	return nil
}

func last(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '/' {
			return path[i+1:]
		}
	}
	return path
}

func parent(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '/' {
			return path[:i]
		}
	}
	return ""
}
