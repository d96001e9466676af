package agentserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// hostileBashCmd is the command id the hostile bash servers hand out.
const hostileBashCmd = "0123456789abcdef0123456789abcdef"

// hostileBash is a bash-API server written for these tests (not the
// project's simulator, which shares the client's assumptions): start
// answers hostileBashCmd, and every search is answered by page.
func hostileBash(t *testing.T, page func(r *http.Request, n int) any) (*httptest.Server, *Client) {
	t.Helper()
	var n atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api/bash/start_bash_command":
			_, _ = fmt.Fprintf(w, `{"id":%q}`, hostileBashCmd)
		case "/api/bash/bash_events/search":
			_ = json.NewEncoder(w).Encode(page(r, int(n.Add(1))))
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	t.Cleanup(ts.Close)
	c, err := New(ts.URL, backend.NewSecret("k-0123456789"), Options{Timeout: 8 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return ts, c
}

func bashPiece(order int, stdout string, exit *int) map[string]any {
	m := map[string]any{"kind": "BashOutput", "id": fmt.Sprint("e", order), "command_id": hostileBashCmd,
		"order": order, "stdout": stdout, "timestamp": "2026-01-01T00:00:00"}
	if exit != nil {
		m["exit_code"] = *exit
	}
	return m
}

// TestFaultBashServerIgnoresPaging: a server that ignores every filter and
// page_id, answers the same page with the same next_page_id forever and
// mixes in another command's pieces: the output comes once, in order,
// and the run ends with the exit code.
func TestFaultBashServerIgnoresPaging(t *testing.T) {
	code := 7
	_, c := hostileBash(t, func(*http.Request, int) any {
		other := bashPiece(0, "OTHER\n", nil)
		other["command_id"] = "ffffffffffffffffffffffffffffffff"
		next := "same"
		return map[string]any{"items": []any{bashPiece(2, "c\n", &code), other, bashPiece(0, "a\n", nil), bashPiece(1, "b\n", nil), bashPiece(0, "a-again\n", nil)}, "next_page_id": next}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var out bytes.Buffer
	got, err := c.RunBash(ctx, backend.CommandRequest{Command: "x", Stdout: &out})
	if err != nil || got != 7 || (out.String() != "a\nb\nc\n" && out.String() != "a-again\nb\nc\n") {
		t.Fatalf("code %d, err %v, output %q", got, err, out.String())
	}
}

// TestFaultBashServerWithholdsAPiece: a server that never sends piece 0
// but keeps sending big later pieces must not make the runner hold them
// all (it held up to 10000 pieces, each as big as a 256 MiB page allows):
// the run fails once what is held passes a bound, with little memory.
func TestFaultBashServerWithholdsAPiece(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	_, c := hostileBash(t, func(_ *http.Request, n int) any {
		items := make([]any, 0, 8)
		for i := range 8 {
			items = append(items, bashPiece(1+(n-1)*8+i, big, nil))
		}
		return map[string]any{"items": items}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 9*time.Second)
	defer cancel()
	_, err := c.RunBash(ctx, backend.CommandRequest{Command: "x"})
	if err == nil || ctx.Err() != nil || !errors.Is(err, ErrBadResponse) {
		t.Fatalf("err %v (ctx %v): want the runner to give up on the missing piece", err, ctx.Err())
	}
}

// TestFaultBashServerVanishes: a server that goes away mid-command ends
// the run with an error (unreachable), promptly, with the output so far.
func TestFaultBashServerVanishes(t *testing.T) {
	var ts *httptest.Server
	var gone sync.Once
	ts, c := hostileBash(t, func(_ *http.Request, n int) any {
		if n >= 3 {
			// Gone: no new connections, and the one in use is cut
			// without an answer (a kept-alive connection would otherwise
			// go on being served).
			gone.Do(func() { _ = ts.Listener.Close() })
			panic(http.ErrAbortHandler)
		}
		return map[string]any{"items": []any{bashPiece(0, "first\n", nil)}}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 9*time.Second)
	defer cancel()
	var out bytes.Buffer
	_, err := c.RunBash(ctx, backend.CommandRequest{Command: "x", Stdout: &out})
	if err == nil || ctx.Err() != nil || !errors.Is(err, backend.ErrUnavailable) || out.String() != "first\n" {
		t.Fatalf("err %v (ctx %v), output %q", err, ctx.Err(), out.String())
	}
}

// TestFaultBashServerNeverFinishes: a command that never reports an exit
// code is left (not waited on) as soon as the caller cancels.
func TestFaultBashServerNeverFinishes(t *testing.T) {
	_, c := hostileBash(t, func(*http.Request, int) any {
		return map[string]any{"items": []any{bashPiece(0, "tick\n", nil)}}
	})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(700*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.RunBash(ctx, backend.CommandRequest{Command: "x"})
	if !errors.Is(err, context.Canceled) || time.Since(start) > 3*time.Second {
		t.Fatalf("err %v after %s", err, time.Since(start))
	}
}

// TestFaultBashServerHugeOutput: a huge output in order (more than the
// bound on pieces held out of order, on one page) is written whole, not
// refused.
func TestFaultBashServerHugeOutput(t *testing.T) {
	big, zero := strings.Repeat("y", 1<<20), 0
	_, c := hostileBash(t, func(*http.Request, int) any {
		items := make([]any, 0, 20)
		for i := range 20 {
			var exit *int
			if i == 19 {
				exit = &zero
			}
			items = append(items, bashPiece(i, big, exit))
		}
		return map[string]any{"items": items}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 9*time.Second)
	defer cancel()
	var n countWriter
	code, err := c.RunBash(ctx, backend.CommandRequest{Command: "x", Stdout: &n})
	if err != nil || code != 0 || int(n) != 20<<20 {
		t.Fatalf("code %d, err %v, %d bytes written, want %d", code, err, n, 20<<20)
	}
}

type countWriter int

func (w *countWriter) Write(p []byte) (int, error) { *w += countWriter(len(p)); return len(p), nil }
