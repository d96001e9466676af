package shell

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/ohdash/ohdash/backend"
)

const plantedKey = "sk-planted-shell-key-0123456789"

// TestFaultSafeWriter: lines are sanitised and masked whatever the
// chunking, an unterminated last line is kept, colour stays.
func TestFaultSafeWriter(t *testing.T) {
	backend.RememberSecret(plantedKey)
	in := "a\x1b]52;c;aGk=\a\x1b[2Jb\u202ec\x1b[31mred\x1b[0m\n" + plantedKey + "\nlast"
	for _, chunk := range []int{1, 3, 7, len(in)} {
		var out bytes.Buffer
		w := NewSafeWriter(&out, false, false)
		for i := 0; i < len(in); i += chunk {
			if _, err := w.Write([]byte(in[i:min(i+chunk, len(in))])); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		got := out.String()
		for _, bad := range []string{"\x1b]52", "\x1b[2J", "\u202e", plantedKey} {
			if strings.Contains(got, bad) {
				t.Fatalf("chunk %d: %q carries %q", chunk, got, bad)
			}
		}
		if !strings.HasPrefix(got, "abc\x1b[31mred\x1b[m\n") || !strings.HasSuffix(got, "\nlast\n") {
			t.Fatalf("chunk %d: %q", chunk, got)
		}
	}
}

// The runner shows its honest header, the command's output cleaned, the
// exit code, and waits for enter before it returns.
func TestRunnerShowsOutputAndExitCode(t *testing.T) {
	backend.RememberSecret(plantedKey)
	var got backend.CommandRequest
	r := NewRunner(context.Background(), "sb-1", "cat x", false, func(_ context.Context, req backend.CommandRequest) (int, error) {
		got = req
		_, _ = io.WriteString(req.Stdout, "out \x1b[2J"+plantedKey+"\n")
		_, _ = io.WriteString(req.Stderr, "err\x1b]0;t\a\n")
		return 5, nil
	})
	var out syncBuf
	pr, pw := io.Pipe()
	r.SetStdin(pr)
	r.SetStdout(&out)
	r.SetStderr(&out)
	done := make(chan error, 1)
	go func() { done <- r.Run() }()
	for !strings.Contains(out.String(), "press enter") {
		// the runner is waiting for its key
		select {
		case err := <-done:
			t.Fatalf("returned before a key: %v\n%s", err, out.String())
		default:
		}
	}
	_, _ = pw.Write([]byte("\n"))
	if err := <-done; err != nil || r.Code != 5 || got.Command != "cat x" {
		t.Fatalf("err %v, code %d, command %q", err, r.Code, got.Command)
	}
	s := out.String()
	for _, want := range []string{"agent-server bash API (a command runner: no terminal, no input", "$ cat x", "exit code 5", "out ", "err"} {
		if !strings.Contains(s, want) {
			t.Fatalf("no %q in %q", want, s)
		}
	}
	for _, bad := range []string{"\x1b[2J", "\x1b]0", plantedKey} {
		if strings.Contains(s, bad) {
			t.Fatalf("%q carries %q", s, bad)
		}
	}
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
