package agentserver

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	sim "github.com/ohdash/ohdash/backend/sim/agentserver"
)

// TestRunBash runs commands through the simulator's bash API: output in
// order and once, stdout and stderr apart, the exit code passed through,
// 127 for an unknown command.
func TestRunBash(t *testing.T) {
	_, c := newSim(t, sim.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	code, err := c.RunBash(ctx, backend.CommandRequest{Command: "echo hello; nosuch; exit 3", Stdout: &out, Stderr: &errb})
	if err != nil || code != 3 {
		t.Fatalf("RunBash: code %d, err %v; want 3", code, err)
	}
	if out.String() != "hello\n" || errb.String() != "bash: nosuch: command not found\n" {
		t.Fatalf("stdout %q, stderr %q", out.String(), errb.String())
	}
	code, err = c.RunBash(ctx, backend.CommandRequest{Command: "nosuch", Stdout: &out, Stderr: &errb})
	if err != nil || code != 127 {
		t.Fatalf("unknown command: code %d, err %v; want 127", code, err)
	}
}

// TestRunBashManyPieces: a long output comes in many pieces over several
// pages; every line arrives once and in order, also from a server that
// ignores timestamp__gte and sort_order (it answers everything each time).
func TestRunBashManyPieces(t *testing.T) {
	for _, ignore := range [][]string{nil, {"timestamp__gte", "sort_order"}} {
		srv, c := newSim(t, sim.Options{Variant: sim.Variant{IgnoreParams: ignore}})
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		// Another command's output must not leak into this one's.
		if _, err := c.RunBash(ctx, backend.CommandRequest{Command: "echo other"}); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		code, err := c.RunBash(ctx, backend.CommandRequest{Command: "seq 12000", Stdout: &out})
		cancel()
		if err != nil || code != 0 {
			t.Fatalf("ignore %v: code %d, err %v", ignore, code, err)
		}
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if len(lines) != 12000 || lines[0] != "1" || lines[11999] != "12000" {
			t.Fatalf("ignore %v: %d lines, first %q, last %q", ignore, len(lines), lines[0], lines[len(lines)-1])
		}
		for i, l := range lines {
			if l != strconv.Itoa(i+1) {
				t.Fatalf("ignore %v: line %d is %q", ignore, i, l)
			}
		}
		if srv.BashCommands() != 2 {
			t.Fatalf("the server ran %d commands, want 2", srv.BashCommands())
		}
	}
}

// TestRunBashUnauthorized: a wrong key is the backend's ErrUnauthorized,
// and the key is nowhere in the error.
func TestRunBashUnauthorized(t *testing.T) {
	_, good := newSim(t, sim.Options{})
	c, err := New(good.BaseURL(), backend.NewSecret("wrong-key-0123456789"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.RunBash(context.Background(), backend.CommandRequest{Command: "true"})
	if !errors.Is(err, backend.ErrUnauthorized) || strings.Contains(err.Error(), "wrong-key") {
		t.Fatalf("err %v, want ErrUnauthorized without the key", err)
	}
}

// A server without the bash API (404 on its route) is ErrUnsupported,
// not a missing sandbox.
func TestRunBashWithoutTheAPI(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"detail":"Not Found"}`))
	}))
	defer ts.Close()
	c, err := New(ts.URL, backend.NewSecret("k-0123456789"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.RunBash(context.Background(), backend.CommandRequest{Command: "true"})
	if !errors.Is(err, backend.ErrUnsupported) || errors.Is(err, backend.ErrNotFound) {
		t.Fatalf("err %v, want ErrUnsupported only", err)
	}
}
