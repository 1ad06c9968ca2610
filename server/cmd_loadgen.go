package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"

	"govchat/internal/loadgen"
)

const loadgenUsage = `Usage: govchat loadgen --admin NAME --admin-password PASS [flags]

Creates test users (lg<run>-0001…) and work groups over the REST API, opens
WebSocket connections, measures the server's memory per idle connection, sends
messages at a fixed rate and reports ack and delivery latency. Only loopback
targets unless --allow-remote. The test users are disabled afterwards.

"govchat loadgen office -h": the office-day mode (simulated people).

Example:
  govchat loadgen --url http://127.0.0.1:8080 --conns 2000 --channels 10 \
    --members-per-channel 20 --rate 200 --duration 10s --admin zhoutao --admin-password 'Govchat#2026'

Flags:
`

// loadgenCmd runs a load test against a govchat server (see internal/loadgen).
func loadgenCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "office" {
		return officeCmd(ctx, args[1:], stdout, stderr)
	}
	var cfg loadgen.Config
	var passwordFile, cpuProfile string
	var asJSON bool
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, loadgenUsage)
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.URL, "url", "http://127.0.0.1:8080", "server base `URL`")
	fs.Func("ws-urls", "comma-separated base `URLs` of the cluster's nodes to spread the WebSocket connections over, round-robin (default: --url); setup and /metrics stay on --url", func(v string) error {
		for u := range strings.SplitSeq(v, ",") {
			if u = strings.TrimSpace(u); u != "" {
				cfg.WSURLs = append(cfg.WSURLs, u)
			}
		}
		return nil
	})
	fs.BoolVar(&cfg.AllowRemote, "allow-remote", false, "allow a target that is not a loopback address")
	fs.StringVar(&cfg.Origin, "origin", "", "Origin header of the WebSocket handshakes (default: the --url origin)")
	fs.IntVar(&cfg.Conns, "conns", loadgen.DefaultConns, "WebSocket connections to open")
	fs.IntVar(&cfg.Channels, "channels", loadgen.DefaultChannels, "work groups to create")
	fs.IntVar(&cfg.MembersPerChannel, "members-per-channel", loadgen.DefaultMembersPerChannel, "members of each group (creator included); connections beyond channels×members reuse the users")
	fs.Float64Var(&cfg.Rate, "rate", loadgen.DefaultRate, "messages per second, in total (0: connect and measure memory only)")
	fs.DurationVar(&cfg.Duration, "duration", loadgen.DefaultDuration, "how long to send")
	fs.IntVar(&cfg.Senders, "senders", 0, "connections that send (default: enough for ≤10 msg/s each, at least one per channel)")
	fs.IntVar(&cfg.MsgBytes, "msg-bytes", loadgen.DefaultMsgBytes, "message text length in bytes")
	fs.StringVar(&cfg.Admin, "admin", "", "administrator `username` that creates the test users")
	fs.StringVar(&cfg.AdminPassword, "admin-password", "", "the administrator's password (or --admin-password-file)")
	fs.StringVar(&passwordFile, "admin-password-file", "", "read the administrator's password from this `file` (keeps it out of ps)")
	fs.StringVar(&cfg.AdminTOTP, "admin-totp", "", "the administrator's current TOTP `code`, if it has a second factor")
	fs.DurationVar(&cfg.Settle, "settle", loadgen.DefaultSettle, "idle time with all connections open before reading the server's memory")
	fs.DurationVar(&cfg.Drain, "drain", loadgen.DefaultDrain, "after sending: longest wait for outstanding acks and deliveries")
	fs.DurationVar(&cfg.SetupTimeout, "setup-timeout", loadgen.DefaultSetupTimeout, "bound on creating users, logging in and creating groups")
	fs.IntVar(&cfg.DialConcurrency, "dial-concurrency", loadgen.DefaultDialConcurrency, "WebSocket handshakes in flight at once")
	fs.IntVar(&cfg.Workers, "workers", loadgen.DefaultWorkers, "REST requests in flight at once during setup and cleanup")
	fs.BoolVar(&cfg.KeepUsers, "keep-users", false, "leave the test users enabled afterwards (their sessions are still logged out)")
	fs.BoolVar(&asJSON, "json", false, "print the report as JSON instead of a table")
	fs.StringVar(&cpuProfile, "cpuprofile", "", "write the load generator's own CPU profile to this `file` (is the generator the bottleneck?)")
	if err := parseLoadFlags(fs, args, &passwordFile, &cfg.AdminPassword); err != nil {
		return err
	}

	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}

	rep, err := loadgen.New(cfg, stderr, loadgen.SystemResolver, loadgen.CanBind).Run(ctx)
	if errors.Is(err, loadgen.ErrConfig) {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if rep != nil && rep.RunID != "" {
		err = printReport(stdout, rep, asJSON, err)
	}
	if err != nil {
		return fmt.Errorf("loadgen: %w", err)
	}
	return nil
}

// parseLoadFlags parses a load mode's flags, refuses stray arguments and, when
// --admin-password-file was given (*passwordFile, set by the parse), reads it into *password.
func parseLoadFlags(fs *flag.FlagSet, args []string, passwordFile, password *string) error {
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	if *passwordFile == "" {
		return nil
	}
	pw, err := readPasswordFile(*passwordFile)
	if err != nil {
		return err
	}
	*password = pw
	return nil
}

// readPasswordFile reads --admin-password-file: the password without its line end.
func readPasswordFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("--admin-password-file: %w", err)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// report is what both load modes print.
type report interface {
	WriteJSON(io.Writer) error
	WriteTable(io.Writer) error
}

// printReport writes a run's report (a run that got as far as creating its users has
// figures worth showing, even when it ended early) and returns runErr, or the write's
// error when the run had none.
func printReport(w io.Writer, rep report, asJSON bool, runErr error) error {
	var werr error
	if asJSON {
		werr = rep.WriteJSON(w)
	} else {
		werr = rep.WriteTable(w)
	}
	if runErr == nil {
		return werr
	}
	return runErr
}
