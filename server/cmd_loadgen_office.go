package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"govchat/internal/loadgen"
)

const officeUsage = `Usage: govchat loadgen office --admin NAME --admin-password PASS [flags]

The office-day mode: simulated people, each with one connection, each doing what an
office worker does at a mean pace (--think): read a channel and move the read
position, write in the department group or to a colleague, scroll back, come back
to the app, read and confirm notices, search, go idle; each group's first member
publishes notices now and then. The run climbs through --steps of people online,
--step-duration each, and stops at the first step whose request or delivery p99
passes --limit, or that lost a message or met an error. Against a cluster, give
every node with --url (repeat it): people alternate over the nodes.

Example:
  govchat loadgen office --url http://127.0.0.1:8080 --steps 500,1000,2000,5000 \
    --step-duration 60s --admin zhoutao --admin-password 'Govchat#2026'

Flags:
`

// urlList is a repeatable --url.
type urlList []string

func (u *urlList) String() string     { return strings.Join(*u, ",") }
func (u *urlList) Set(v string) error { *u = append(*u, v); return nil }

// stepList is "500,1000,2000".
type stepList []int

func (s *stepList) String() string {
	parts := make([]string, len(*s))
	for i, n := range *s {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}

func (s *stepList) Set(v string) error {
	*s = nil
	for part := range strings.SplitSeq(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil {
			return fmt.Errorf("%q is not a number of people", part)
		}
		*s = append(*s, n)
	}
	return nil
}

func officeCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg loadgen.OfficeConfig
	var urls urlList
	var steps stepList
	var passwordFile string
	var asJSON bool
	fs := flag.NewFlagSet("loadgen office", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, officeUsage)
		fs.PrintDefaults()
	}
	fs.Var(&urls, "url", "server base `URL`; repeat for each node of a cluster (default http://127.0.0.1:8080)")
	fs.BoolVar(&cfg.AllowRemote, "allow-remote", false, "allow a target that is not a loopback address")
	fs.StringVar(&cfg.Origin, "origin", "", "Origin header of the WebSocket handshakes (default: each URL's origin)")
	fs.Var(&steps, "steps", "people online in each step, ascending, comma-separated (e.g. 500,1000,2000)")
	fs.DurationVar(&cfg.StepDuration, "step-duration", loadgen.DefaultOfficeStepDuration, "how long each step runs")
	fs.DurationVar(&cfg.Think, "think", loadgen.DefaultOfficeThink, "mean pause between one person's actions")
	fs.IntVar(&cfg.GroupSize, "group-size", loadgen.DefaultOfficeGroupSize, "people per department group")
	fs.DurationVar(&cfg.Limit, "limit", loadgen.DefaultOfficeLimit, "the p99 of requests and deliveries a step must keep")
	fs.IntVar(&cfg.MsgBytes, "msg-bytes", loadgen.DefaultMsgBytes, "message text length in bytes")
	fs.StringVar(&cfg.Admin, "admin", "", "administrator `username` that creates the test users")
	fs.StringVar(&cfg.AdminPassword, "admin-password", "", "the administrator's password (or --admin-password-file)")
	fs.StringVar(&passwordFile, "admin-password-file", "", "read the administrator's password from this `file`")
	fs.StringVar(&cfg.AdminTOTP, "admin-totp", "", "the administrator's current TOTP `code`, if it has a second factor")
	fs.DurationVar(&cfg.SetupTimeout, "setup-timeout", loadgen.DefaultSetupTimeout, "bound on creating users, logging in and creating groups")
	fs.IntVar(&cfg.DialConcurrency, "dial-concurrency", loadgen.DefaultDialConcurrency, "WebSocket handshakes in flight at once")
	fs.IntVar(&cfg.Workers, "workers", loadgen.DefaultWorkers, "REST requests in flight at once during setup and cleanup")
	fs.BoolVar(&cfg.KeepUsers, "keep-users", false, "leave the test users enabled afterwards")
	fs.Uint64Var(&cfg.Seed, "seed", 0, "seed of the people's choices (0: random; the report says which)")
	fs.BoolVar(&asJSON, "json", false, "print the report as JSON instead of a table")
	if err := parseLoadFlags(fs, args, &passwordFile, &cfg.AdminPassword); err != nil {
		return err
	}
	cfg.URLs = urls
	if len(cfg.URLs) == 0 {
		cfg.URLs = []string{"http://127.0.0.1:8080"}
	}
	cfg.Steps = steps

	rep, err := loadgen.NewOffice(cfg, stderr, loadgen.SystemResolver, loadgen.CanBind).Run(ctx)
	if errors.Is(err, loadgen.ErrConfig) {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if rep != nil && rep.RunID != "" {
		err = printReport(stdout, rep, asJSON, err)
	}
	if err != nil {
		return fmt.Errorf("loadgen office: %w", err)
	}
	return nil
}
