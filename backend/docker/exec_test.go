package docker

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

// TestExecCommand runs commands in a real sandbox without a terminal:
// stdout and stderr apart, the exit code passed through, 127 for a
// command that does not exist, stdin copied with -i.
func TestExecCommand(t *testing.T) {
	e := dockertest.New(t)
	_, name := e.Run(t, dockertest.RunOptions{Image: dockertest.ShellImage(t, e.Client)})
	b := testBackend(t, e, "")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	var out, errb bytes.Buffer
	code, err := b.Exec(ctx, name, backend.ExecRequest{Cmd: []string{"sh", "-c", "echo out; echo err >&2; exit 7"}, Stdout: &out, Stderr: &errb})
	if err != nil || code != 7 || out.String() != "out\n" || errb.String() != "err\n" {
		t.Fatalf("exec: code %d, err %v, stdout %q, stderr %q; want 7, nil, out, err", code, err, out.String(), errb.String())
	}

	code, err = b.Exec(ctx, name, backend.ExecRequest{Cmd: []string{"no-such-command"}, Stdout: io.Discard, Stderr: io.Discard})
	if err != nil || code != 127 && code != 126 {
		t.Fatalf("missing command: code %d, err %v; want 126 or 127 as docker exec", code, err)
	}

	out.Reset()
	code, err = b.Exec(ctx, name, backend.ExecRequest{Cmd: []string{"cat"}, Stdin: strings.NewReader("typed\n"), Stdout: &out, Stderr: io.Discard})
	if err != nil || code != 0 || out.String() != "typed\n" {
		t.Fatalf("cat with stdin: code %d, err %v, out %q", code, err, out.String())
	}
}

// TestExecShellTTYResize runs the default shell with a terminal: it is
// bash (the image has it), it sees the initial size, and a resize sent
// while it runs reaches it (stty size afterwards).
func TestExecShellTTYResize(t *testing.T) {
	e := dockertest.New(t)
	_, name := e.Run(t, dockertest.RunOptions{Image: dockertest.ShellImage(t, e.Client)})
	b := testBackend(t, e, "")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	inR, inW := io.Pipe()
	var out syncBuffer
	resize := make(chan backend.TermSize, 1)
	done := make(chan struct{})
	var code int
	var err error
	go func() {
		defer close(done)
		code, err = b.Exec(ctx, name, backend.ExecRequest{TTY: true, Stdin: inR, Stdout: &out, Size: backend.TermSize{Rows: 30, Cols: 100}, Resize: resize})
	}()
	write := func(s string) {
		if _, err := io.WriteString(inW, s); err != nil {
			t.Fatal(err)
		}
	}
	write("echo shell=$0\n")
	waitOutput(t, &out, "shell=bash")
	// Before API 1.42 the first size comes from a resize right after the
	// attach, and a resize is applied a moment after it is sent: ask
	// until the shell sees it.
	waitSize := func(want string) {
		t.Helper()
		for range 40 {
			write("stty size\n")
			time.Sleep(250 * time.Millisecond)
			if strings.Contains(out.String(), want) {
				return
			}
		}
		t.Fatalf("the shell never saw the size %s:\n%s", want, out.String())
	}
	waitSize("30 100")
	resize <- backend.TermSize{Rows: 42, Cols: 133}
	waitSize("42 133")
	write("exit 3\n")
	<-done
	_ = inW.Close()
	if err != nil || code != 3 {
		t.Fatalf("shell: code %d, err %v; want 3", code, err)
	}
}

// TestExecNotRunning: a paused sandbox is a conflict, not a hang.
func TestExecNotRunning(t *testing.T) {
	e := dockertest.New(t)
	id, name := e.Run(t, dockertest.RunOptions{Image: dockertest.ShellImage(t, e.Client)})
	if _, err := e.Client.ContainerPause(context.Background(), id, client.ContainerPauseOptions{}); err != nil {
		t.Fatal(err)
	}
	b := testBackend(t, e, "")
	_, err := b.Exec(context.Background(), name, backend.ExecRequest{Cmd: []string{"true"}})
	if !errors.Is(err, backend.ErrConflict) {
		t.Fatalf("exec in a paused sandbox: %v, want ErrConflict", err)
	}
	if _, err := b.Exec(context.Background(), e.V1Prefix+"nosuch", backend.ExecRequest{Cmd: []string{"true"}}); !errors.Is(err, backend.ErrNotFound) {
		t.Fatalf("exec in a missing sandbox: %v, want ErrNotFound", err)
	}
}

func waitOutput(t *testing.T, b *syncBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(b.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the output:\n%s", want, b.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
