package spend

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
)

const childEnv = "OHDASH_SPEND_KILL_CHILD"

// TestMain lets the test binary act as the child that TestFaultSIGKILL
// kills in the middle of its writes.
func TestMain(m *testing.M) {
	if path := os.Getenv(childEnv); path != "" {
		os.Exit(writeForever(path))
	}
	os.Exit(m.Run())
}

// writeForever records a snapshot with one more cent each minute of
// simulated time, and says "n" on stdout after each is acknowledged.
func writeForever(path string) int {
	ctx := context.Background()
	h, err := OpenHistory(ctx, path, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	c := conv("docker", "sb", "a", "m", 0, 0)
	for i := 0; ; i++ {
		c.Cost = float64(i) / 100
		c.Tokens.Prompt = int64(i)
		if _, err := h.Record(ctx, t0.Add(time.Duration(i)*time.Minute), []backend.Conversation{c}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Println(i)
	}
}

func TestFaultSIGKILLDuringWrites(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), FileName)
	for round := range 3 {
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		last := -1
		for sc.Scan() {
			if last, err = strconv.Atoi(strings.TrimSpace(sc.Text())); err != nil {
				t.Fatal(err)
			}
			if last >= 30+round*7 {
				break
			}
		}
		// Killed mid-write: the child is in the middle of its next
		// transaction.
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		if last < 0 {
			t.Fatalf("the child wrote nothing: %s", stderr.String())
		}
		var notes []string
		h, err := OpenHistory(context.Background(), path, func(d Damage) { notes = append(notes, d.String()) })
		if err != nil {
			t.Fatal(err)
		}
		r, err := h.Read(context.Background(), t0.Add(24*time.Hour), t0.Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		var total float64
		for _, d := range r.Days {
			total += d.Cost
		}
		// Each round starts again from a cost of 0 (a reset) and reaches
		// last/100: every acknowledged snapshot is there.
		if total < float64(last)/100-1e-9 || len(notes) > 0 || r.Last.Before(t0.Add(time.Duration(last)*time.Minute)) {
			t.Fatalf("round %d: after SIGKILL at snapshot %d the history holds $%v (last %v), damage %q", round, last, total, r.Last, notes)
		}
	}
}
