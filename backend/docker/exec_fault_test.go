package docker

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

// TestFaultExecFrozenEngine: an engine that stops answering before the
// process starts fails Exec as unreachable within its setup bound (the
// dashboard's shell used to wait forever with the terminal in raw mode,
// Ctrl-C going nowhere); a process that runs longer than that bound is
// not cut by it.
func TestFaultExecFrozenEngine(t *testing.T) {
	e := dockertest.New(t)
	_, name := e.Run(t, dockertest.RunOptions{Image: dockertest.ShellImage(t, e.Client)})
	proxy := dockertest.NewProxy(t)
	t.Cleanup(proxy.Thaw)
	b := testBackend(t, e, proxy.Host())
	b.execSetup = time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	var out bytes.Buffer
	code, err := b.Exec(ctx, name, backend.ExecRequest{Cmd: []string{"sh", "-c", "sleep 2; echo late"}, Stdout: &out, Stderr: io.Discard})
	if err != nil || code != 0 || out.String() != "late\n" {
		t.Fatalf("a process longer than the setup bound: code %d, err %v, output %q", code, err, out.String())
	}

	proxy.Freeze()
	start := time.Now()
	_, err = b.Exec(ctx, name, backend.ExecRequest{Cmd: []string{"true"}, TTY: true, Stdout: io.Discard})
	if !errors.Is(err, backend.ErrUnavailable) || time.Since(start) > 4*time.Second {
		t.Fatalf("frozen engine: err %v after %s; want unreachable within about 1s", err, time.Since(start).Round(time.Millisecond))
	}
}
