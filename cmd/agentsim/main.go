// Command agentsim emulates an OpenHands agent-server (the V1 server inside
// every sandbox) or, with -mode v0, the V0 nested server of an
// openhands-runtime-<id> container, for ohdash's Docker tests and demo. It
// serves the emulators of backend/sim over HTTP and writes numbered log
// lines at a configurable rate and shape, so log-streaming tests can check
// for loss and duplication. It is built as a static binary and run in a
// FROM-scratch image, so tests need no registry. Run agentsim -h for every
// flag and environment variable.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	cfg, err := parseConfig(os.Args[1:], os.Getenv, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "agentsim:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := run(ctx, cfg, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "agentsim:", err)
		os.Exit(1)
	}
}
