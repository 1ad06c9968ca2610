package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"sort"
	"strings"
	"text/tabwriter"

	"govchat/internal/account"
	"govchat/internal/audit"
	"govchat/internal/config"
	"govchat/internal/org"
	"govchat/internal/orgimport"
	"govchat/internal/passwd"
	"govchat/internal/store"
	"govchat/protocol"
)

// openForCommand loads the configuration for an admin command and opens the app. The
// command's own flags are parsed from what config.Load leaves.
func openForCommand(ctx context.Context, name string, args []string, stderr io.Writer, getenv func(string) string, flags ...func(*flag.FlagSet)) (*app, []string, error) {
	cfg, rest, err := config.Load(name, args, getenv, stderr, flags...)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	a, err := openApp(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return nil, nil, err
	}
	return a, rest, nil
}

// cliActor names the operator in the audit trail: commands run on the server itself, by
// whoever holds a shell there.
func cliActor() account.Actor {
	name := "cli"
	if u, err := user.Current(); err == nil {
		name = "cli:" + u.Username
	}
	return account.Actor{Name: name, Console: true}
}

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	a, _, err := openForCommand(ctx, "migrate", args, stderr, getenv)
	if err != nil {
		return err
	}
	defer a.Close()
	v, err := a.store.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database schema is at version %d (%s)\n", v, a.store.Backend())
	return nil
}

func printConfig(args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	cfg, _, err := config.Load("config", args, getenv, stderr)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	cfg.Print(stdout)
	return nil
}

const userUsage = `Usage:
  govchat user list
  govchat user add --username NAME --name 姓名 [--role staff|leader|security|auditor|admin] [--title 职务] [--department ID] [--password-stdin]
  govchat user passwd USERNAME          give a one-time password (printed once; changed at next login)
  govchat user set-role USERNAME ROLE
  govchat user disable USERNAME | enable USERNAME
  govchat user reset-totp USERNAME      remove a lost second factor
`

func userCmd(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, userUsage)
		return fmt.Errorf("%w: user needs a subcommand", errUsage)
	}
	sub := args[0]
	switch sub {
	case "list", "add", "passwd", "set-role", "disable", "enable", "reset-totp":
	default:
		// Checked before anything is opened, so a typo cannot create a database.
		fmt.Fprint(stderr, userUsage)
		return fmt.Errorf("%w: unknown user subcommand %q", errUsage, sub)
	}
	req := protocol.CreateUserRequest{}
	var dept int64
	var stdin, legacyOnly bool
	addFlags := func(fs *flag.FlagSet) {
		if sub == "list" {
			fs.BoolVar(&legacyOnly, "legacy", false, "only accounts still on a password hash from before issue 12 (prelogin shows they exist until their next login)")
		}
		if sub != "add" {
			return
		}
		fs.StringVar(&req.Username, "username", "", "login name (lower-case letters, digits, . _ -)")
		fs.StringVar(&req.DisplayName, "name", "", "姓名 as written")
		fs.StringVar(&req.Role, "role", "staff", "staff, leader, security, auditor or admin")
		fs.StringVar(&req.Title, "title", "", "职务")
		fs.Int64Var(&dept, "department", 0, "primary department id (see govchat org tree)")
		fs.BoolVar(&stdin, "password-stdin", false, "read the password from standard input instead of generating a one-time password")
	}
	a, rest, err := openForCommand(ctx, "user "+sub, args[1:], stderr, getenv, addFlags)
	if err != nil {
		return err
	}
	defer a.Close()
	actor := cliActor()
	byName := func() (store.User, error) {
		if len(rest) < 1 {
			return store.User{}, fmt.Errorf("%w: user %s needs a USERNAME", errUsage, sub)
		}
		return a.store.GetUserByUsername(ctx, strings.ToLower(rest[0]))
	}
	switch sub {
	case "list":
		users, err := a.store.ListUsers(ctx, store.UserFilter{})
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tUSERNAME\t姓名\tROLE\t职务\tSTATUS")
		for _, u := range users {
			if legacyOnly && passwd.IsCredential(u.PasswordHash) {
				continue
			}
			status := "active"
			if u.Disabled {
				status = "disabled"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Username, u.DisplayName, u.Role, u.Title, status)
		}
		return tw.Flush()
	case "add":
		if dept != 0 {
			req.Departments = []protocol.UserDept{{DepartmentID: dept, Primary: true}}
		}
		if stdin {
			raw, err := io.ReadAll(io.LimitReader(os.Stdin, 1024))
			if err != nil {
				return err
			}
			req.Password = strings.TrimRight(string(raw), "\r\n")
		}
		u, oneTime, err := a.accounts.Create(ctx, actor, req)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created %s (%s, id %d, role %s)\n", u.Username, u.DisplayName, u.ID, u.Role)
		if oneTime != "" {
			fmt.Fprintf(stdout, "one-time password (change at first login): %s\n", oneTime)
		}
		return nil
	case "passwd":
		u, err := byName()
		if err != nil {
			return err
		}
		_, oneTime, err := a.accounts.ResetPassword(ctx, actor, u.ID, nil)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "one-time password for %s (change at next login): %s\n", u.Username, oneTime)
		return nil
	case "set-role", "disable", "enable":
		u, err := byName()
		if err != nil {
			return err
		}
		var req protocol.UpdateUserRequest
		switch sub {
		case "set-role":
			if len(rest) < 2 {
				return fmt.Errorf("%w: user set-role USERNAME ROLE", errUsage)
			}
			req.Role = &rest[1]
		case "disable", "enable":
			v := sub == "disable"
			req.Disabled = &v
		}
		if _, err := a.accounts.Update(ctx, actor, u.ID, req); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %s done\n", u.Username, sub)
		return nil
	case "reset-totp":
		u, err := byName()
		if err != nil {
			return err
		}
		if err := a.accounts.ResetTOTP(ctx, actor, u.ID); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: second factor removed; they can enrol again\n", u.Username)
		return nil
	default:
		fmt.Fprint(stderr, userUsage)
		return fmt.Errorf("%w: unknown user subcommand %q", errUsage, sub)
	}
}

const orgUsage = `Usage:
  govchat org tree                                 print departments and party organisations with their ids
  govchat org import [--dry-run] FILE.csv          import people (see README, "CSV import")
  govchat org dept-add [--parent ID] NAME
  govchat org party-add [--kind branch|group] [--parent ID] NAME
`

func orgCmd(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, orgUsage)
		return fmt.Errorf("%w: org needs a subcommand", errUsage)
	}
	sub := args[0]
	switch sub {
	case "tree", "import", "dept-add", "party-add":
	default:
		fmt.Fprint(stderr, orgUsage)
		return fmt.Errorf("%w: unknown org subcommand %q", errUsage, sub)
	}
	var dry bool
	var parent int64
	var kind string
	orgFlags := func(fs *flag.FlagSet) {
		switch sub {
		case "import":
			fs.BoolVar(&dry, "dry-run", false, "check the file and report what would change, without applying it")
		case "dept-add", "party-add":
			fs.Int64Var(&parent, "parent", 0, "parent id (see govchat org tree)")
			fs.StringVar(&kind, "kind", "branch", "branch or group (party-add)")
		}
	}
	a, rest, err := openForCommand(ctx, "org "+sub, args[1:], stderr, getenv, orgFlags)
	if err != nil {
		return err
	}
	defer a.Close()
	actor := cliActor()
	switch sub {
	case "tree":
		return printTree(ctx, a, stdout)
	case "import":
		if len(rest) != 1 {
			return fmt.Errorf("%w: org import [--dry-run] FILE.csv", errUsage)
		}
		file := rest[0]
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		plan, rows, err := orgimport.Parse(f, orgimport.DefaultLimits())
		if err != nil {
			return fmt.Errorf("import %s: %w", file, err)
		}
		if len(rows) > 0 {
			fmt.Fprintf(stderr, "%s: %d problems; nothing was imported\n", file, len(rows))
			for _, r := range rows {
				fmt.Fprintf(stderr, "  line %d, %s: %s (%s)\n", r.Line, r.Column, r.Message, r.Code)
			}
			return fmt.Errorf("import rejected")
		}
		res, err := a.org.Import(ctx, actor, plan, a.auth, dry)
		if err != nil {
			return err
		}
		verb := "imported"
		if res.DryRun {
			verb = "dry run, nothing applied"
		}
		fmt.Fprintf(stdout, "%s: %d rows, %d people created, %d updated, %d departments and %d party organisations created\n",
			verb, res.Rows, res.UsersCreated, res.UsersUpdated, res.DepartmentsCreated, res.PartyOrgsCreated)
		for _, p := range res.OneTimePasswords {
			fmt.Fprintf(stdout, "  %s\t%s\n", p.Username, p.Password)
		}
		return nil
	case "dept-add", "party-add":
		if len(rest) != 1 {
			return fmt.Errorf("%w: org %s [--parent ID] NAME", errUsage, sub)
		}
		name := rest[0]
		if sub == "dept-add" {
			d, err := a.org.CreateDepartment(ctx, actor, protocol.DepartmentRequest{Name: name, ParentID: parent})
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "department %s created with id %d\n", d.Name, d.ID)
			return nil
		}
		p, err := a.org.CreatePartyOrg(ctx, actor, protocol.PartyOrgRequest{Name: name, Kind: kind, ParentID: parent})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "party organisation %s created with id %d\n", p.Name, p.ID)
		return nil
	default:
		fmt.Fprint(stderr, orgUsage)
		return fmt.Errorf("%w: unknown org subcommand %q", errUsage, sub)
	}
}

func printTree(ctx context.Context, a *app, w io.Writer) error {
	ds, err := a.store.ListDepartments(ctx)
	if err != nil {
		return err
	}
	ps, err := a.store.ListPartyOrgs(ctx)
	if err != nil {
		return err
	}
	dt, pt := org.DeptTree(ds), org.PartyTree(ps)
	fmt.Fprintln(w, "部门 / departments:")
	paths := make([]string, 0, len(ds))
	ids := map[string]int64{}
	for _, d := range ds {
		p := dt.Path(d.ID)
		paths = append(paths, p)
		ids[p] = d.ID
	}
	sort.Strings(paths)
	for _, p := range paths {
		fmt.Fprintf(w, "  %4d  %s\n", ids[p], p)
	}
	fmt.Fprintln(w, "党组织 / party organisations:")
	for _, p := range ps {
		fmt.Fprintf(w, "  %4d  %s (%s)\n", p.ID, pt.Path(p.ID), p.Kind)
	}
	return nil
}

func auditCmd(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 || args[0] != "verify" {
		return fmt.Errorf("%w: audit verify", errUsage)
	}
	a, _, err := openForCommand(ctx, "audit verify", args[1:], stderr, getenv)
	if err != nil {
		return err
	}
	defer a.Close()
	bad, err := audit.Verify(ctx, a.store)
	if err != nil {
		return err
	}
	if bad != 0 {
		return fmt.Errorf("audit trail altered: entry %d does not match the chain", bad)
	}
	fmt.Fprintln(stdout, "audit trail intact")
	return nil
}
