package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// errUsage marks a mistake in the command line; it exits with 2.
var errUsage = errors.New("usage")

func exitCode(err error) int {
	if errors.Is(err, errUsage) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

const usage = `govchat — 政务即时通讯与通知 / secure chat and notices for government offices

Usage: govchat <command> [flags]

Commands:
  serve            start the server (default command)
  migrate          apply database migrations and exit
  config           print the effective configuration (secrets masked)
  user             manage accounts: add, list, passwd, set-role, disable, enable, reset-totp
  org              the org tree: tree, import FILE.csv [--dry-run], dept-add, party-add
  audit verify     check the hash chain of the audit trail; names the first altered entry
  login            log in to a running server (--url, --username; password from the terminal or stdin) and print the bearer token
  e2e              file encryption offline: keygen, seal, open, wrap, unwrap (the escrow key, cross tests)
  loadgen          load test a running server (loopback only): latency, fan-out, memory per connection
  version          print the version

Every command takes the server's flags (--data, --database, …); "govchat serve -h" lists them.
Every flag also reads a GOVCHAT_* environment variable, e.g. GOVCHAT_ADDR for --addr.
`

// run is the whole program: it parses the command and runs it until ctx is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, stdout, stderr, getenv)
	case "migrate":
		return migrate(ctx, args, stdout, stderr, getenv)
	case "config":
		return printConfig(args, stdout, stderr, getenv)
	case "user":
		return userCmd(ctx, args, stdout, stderr, getenv)
	case "org":
		return orgCmd(ctx, args, stdout, stderr, getenv)
	case "audit":
		return auditCmd(ctx, args, stdout, stderr, getenv)
	case "loadgen":
		return loadgenCmd(ctx, args, stdout, stderr)
	case "e2e":
		return e2eCmd(args, stdout, stderr)
	case "login":
		return loginCmd(ctx, args, os.Stdin, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "govchat", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: unknown command %q", errUsage, cmd)
	}
}
