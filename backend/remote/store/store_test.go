package store

import (
	"bufio"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests check the store's two promises: an acknowledged record
// survives a SIGKILL at any moment with the file intact, and two processes
// can share one file (taking turns, or failing with a clear ErrLocked).

func child(t *testing.T, mode, path string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{helperEnv + "=" + mode, "OHDASH_PATH=" + path}, env...)...)
	cmd.Stderr = os.Stderr
	return cmd
}

// TestFaultStoreKilledWriter SIGKILLs a writer mid-transaction, again and
// again: every acknowledged record must survive, and a file left by a
// killed writer must never be taken for a damaged one and moved aside.
func TestFaultStoreKilledWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "remote.db")
	acked := map[string]bool{}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 6 {
		cmd := child(t, "writer", path, "OHDASH_PREFIX=r"+strconv.Itoa(round), "OHDASH_BATCH=3")
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill after a random number of acknowledgements, i.e. at a random
		// point of some later transaction.
		killAfter := 5 + rng.IntN(60)
		sc := bufio.NewScanner(out)
		n := 0
		for sc.Scan() {
			acked[sc.Text()] = true
			n++
			if n == killAfter {
				if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
			}
		}
		// Lines printed before the kill landed are acknowledged too.
		_ = cmd.Wait()
		if n < killAfter {
			t.Fatalf("round %d: child stopped after %d records before being killed", round, n)
		}

		s, err := Open(context.Background(), path, Options{})
		if err != nil {
			t.Fatalf("round %d: reopen after SIGKILL: %v", round, err)
		}
		if err := s.Check(context.Background()); err != nil {
			t.Fatalf("round %d: integrity check: %v", round, err)
		}
		if aside, _ := filepath.Glob(path + ".damaged-*"); len(aside) > 0 || len(s.Damages()) > 0 {
			t.Fatalf("round %d: a killed writer's file was taken for damaged: %v %v", round, aside, s.Damages())
		}
		recs, err := s.List(context.Background(), "https://runtime.example")
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for _, r := range recs {
			have[r.ID] = true
			if r.RuntimeID != "rt-"+r.ID || len(r.Command) != 2 {
				t.Fatalf("round %d: record %s came back damaged: %+v", round, r.ID, r)
			}
		}
		for id := range acked {
			if !have[id] {
				t.Fatalf("round %d: acknowledged record %s lost (%d acknowledged, %d stored)", round, id, len(acked), len(recs))
			}
		}
	}
}

func TestTwoProcessesShareOneStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "remote.db")
	var cmds []*exec.Cmd
	for _, p := range []string{"a", "b"} {
		cmd := child(t, "writer", path, "OHDASH_PREFIX="+p, "OHDASH_COUNT=60", "OHDASH_BATCH=1")
		cmd.Stdout = io.Discard
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	// This process reads concurrently, as a second dashboard would.
	s, err := Open(context.Background(), path, Options{LockTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		if _, err := s.List(context.Background(), "https://runtime.example"); err != nil {
			t.Fatalf("concurrent read: %v", err)
		}
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("writer failed: %v", err)
		}
	}
	if err := s.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	recs, err := s.List(context.Background(), "https://runtime.example")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 120 {
		t.Fatalf("stored %d records, want 120 from two writers", len(recs))
	}
}

func TestLockedStoreFailsClearlyWithHolderPID(t *testing.T) {
	path := filepath.Join(t.TempDir(), "remote.db")
	s, err := Open(context.Background(), path, Options{LockTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	cmd := child(t, "holder", path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "locked\n" {
		t.Fatalf("holder did not lock: %q %v", line, err)
	}

	err = s.Put(context.Background(), testRecord("x"))
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("Put on a locked store: %v, want ErrLocked", err)
	}
	if want := "pid " + strconv.Itoa(cmd.Process.Pid); !strings.Contains(err.Error(), want) {
		t.Errorf("error does not name the holder (%s): %v", want, err)
	}
	if _, err := s.List(context.Background(), "https://runtime.example"); !errors.Is(err, ErrLocked) {
		t.Errorf("List on a locked store: %v, want ErrLocked", err)
	}

	_ = stdin.Close() // the holder lets go
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(context.Background(), testRecord("x")); err != nil {
		t.Fatalf("Put after the holder left: %v", err)
	}
}

func TestRecordsRoundTripAndDelete(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "sub", "remote.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, b := testRecord("a"), testRecord("b")
	b.APIURL = "https://other.example"
	if err := s.Put(ctx, a, b); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.Get(ctx, a.APIURL, "a")
	if err != nil || !ok || got.RuntimeID != "rt-a" || !got.CreatedAt.Equal(a.CreatedAt) {
		t.Fatalf("Get = %+v %v %v", got, ok, err)
	}
	if recs, _ := s.List(ctx, a.APIURL); len(recs) != 1 {
		t.Fatalf("records of one API leak into another: %d", len(recs))
	}
	if err := s.Delete(ctx, a.APIURL, "a", "unknown"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Get(ctx, a.APIURL, "a"); ok {
		t.Fatal("deleted record still there")
	}
	if err := s.Put(ctx, Record{ID: "x"}); err == nil {
		t.Fatal("record without API URL accepted")
	}
	fi, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("store file mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestDefaultPathFollowsXDG(t *testing.T) {
	home := func() (string, error) { return "/home/u", nil }
	env := func(v string) func(string) string { return func(string) string { return v } }
	cases := []struct{ xdg, want string }{
		{"/state", "/state/ohdash/remote.db"},
		{"", "/home/u/.local/state/ohdash/remote.db"},
		{"relative", "/home/u/.local/state/ohdash/remote.db"},
	}
	for _, c := range cases {
		got, err := defaultPath(env(c.xdg), home)
		if err != nil || got != c.want {
			t.Errorf("XDG_STATE_HOME=%q: %q %v, want %q", c.xdg, got, err, c.want)
		}
	}
}
