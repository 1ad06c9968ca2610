// Command govchat is the govchat server and its administration tool. main is a thin
// shell over run, which the tests call directly.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "govchat:", err)
		stop()
		os.Exit(exitCode(err))
	}
}
