package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// TestFaultTopFrozenBackend: `top` on a terminal whose backend freezes
// (connections open, nothing answered) keeps drawing, says once on stderr
// and in every block that the backend is not answering (it used to print nothing at all for up to
// the 45 s a listing may take), says when it answers again, and still
// ends at once on Ctrl-C.
func TestFaultTopFrozenBackend(t *testing.T) {
	h := newHarness(t)
	f, fr := startFrozenFleet(t, h)
	id := f.withStatus(t, backend.StatusRunning)
	var out, errb syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"top", "--interval", "300ms"}, stdio{
			in: strings.NewReader(""), out: &out, err: &errb, outTTY: true,
			getenv: func(k string) string { return h.env[k] }, home: h.home,
		})
	}()
	waitText(t, &out, id, 10*time.Second)

	fr.Freeze()
	waitText(t, &errb, "backend eval: not answering", 6*time.Second)
	blocks := strings.Count(out.String(), "BACKEND")
	waitFor(t, 6*time.Second, "a block drawn while the backend is frozen", func() bool {
		return strings.Count(out.String(), "BACKEND") > blocks
	})
	// On a terminal the redraw clears what stderr said: the block says it.
	waitText(t, &out, "! backend eval: not answering", 3*time.Second)
	if n := strings.Count(errb.String(), "not answering"); n != 1 {
		t.Errorf("said %d times that the backend is not answering, want once:\n%s", n, errb.String())
	}
	fr.Thaw()
	waitText(t, &errb, "backend eval: answering again", 6*time.Second)
	drawn := len(out.String())
	waitFor(t, 6*time.Second, "the sandbox after the thaw", func() bool { return strings.Contains(out.String()[drawn:], id) })

	fr.Freeze() // a frozen backend does not hold up the end either
	stopped := time.Now()
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Fatalf("top exited %d: %s", code, errb.String())
		}
		if d := time.Since(stopped); d > 2*time.Second {
			t.Errorf("top took %s to end after Ctrl-C", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("top did not end after Ctrl-C with its backend frozen")
	}
}

// TestFaultExecExitCodeOutOfRange: a bash-API server may report any exit
// code; one the OS would truncate to 0 (256, 512) or a negative one must
// not end ohdash exec with 0, a failed command reported as a success.
func TestFaultExecExitCodeOutOfRange(t *testing.T) {
	for _, code := range []int{256, 512, -1, -256, 1 << 40} {
		if got := exitCode(execResult(code, nil)); got == exitOK || got&0xff == 0 {
			t.Errorf("exit code %d from the server: ohdash exits %d (as the OS sees it: %d)", code, got, got&0xff)
		}
	}
	for _, code := range []int{0, 1, 3, 126, 127, 130, 255} {
		if got := exitCode(execResult(code, nil)); got != code {
			t.Errorf("exit code %d passed through as %d", code, got)
		}
	}
}
