package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sanitize"
	"github.com/ohdash/ohdash/ui"
)

// output is one captured output path: its name and its raw bytes.
type output struct {
	path string
	data []byte
	// sgr allows ESC [ … m (colour kept deliberately); any other ESC fails.
	sgr bool
	// renderer also allows the CSI sequences Bubble Tea draws with.
	renderer bool
}

// captureRun runs ohdash and returns its stdout and stderr as two outputs.
func captureRun(h *harness, args ...string) []output {
	h.t.Helper()
	r := h.run(args...)
	name := "ohdash " + strings.Join(args, " ")
	return []output{{path: name + " (stdout)", data: []byte(r.stdout)}, {path: name + " (stderr)", data: []byte(r.stderr)}}
}

// captureFiles reads every file under dir (log files, audit log, state).
func captureFiles(t *testing.T, dir string) []output {
	t.Helper()
	var out []output
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("reading %s: %v", p, err)
			return nil
		}
		out = append(out, output{path: p, data: b})
		return nil
	})
	return out
}

// captureDetails opens the real dashboard on the app's backends (args
// select them, so that the sandbox showing want is the first row), switches
// to the details tab and returns what the program wrote and the final
// frame, masked mode.
func captureDetails(t *testing.T, h *harness, want, detailsText string, args ...string) []output {
	t.Helper()
	a := h.testApp(args...)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bs, err := a.Selected(ctx)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := a.cfg.UIKeys()
	if err != nil {
		t.Fatal(err)
	}
	tm := teatest.NewTestModel(t, ui.New(ctx, a.uiConfig(backend.NewHub(bs...), keys)), teatest.WithInitialTermSize(160, 120))
	var raw []byte
	waitBytes := func(text string) {
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
			raw = append(raw, b...)
			return strings.Contains(ansi.Strip(string(b)), text)
		}, teatest.WithDuration(20*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	}
	waitBytes(want)
	tm.Type("2")
	waitBytes(detailsText)
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	frame := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).View().Content
	return []output{{path: "dashboard program output", data: raw, sgr: true, renderer: true}, {path: "dashboard details frame", data: []byte(frame), sgr: true}}
}

// checkNoLeaks fails for every output that contains one of the secrets.
func checkNoLeaks(t *testing.T, outs []output, secrets []string) {
	t.Helper()
	for _, o := range outs {
		for _, s := range secrets {
			if strings.Contains(string(o.data), s) {
				t.Errorf("%s shows the planted %q:\n%s", o.path, s, clip(o.data))
			}
		}
	}
}

// checkTerminalSafe fails for every output with a byte or character a
// terminal acts on: ESC (except SGR where allowed), other C0 controls but
// newline and tab, DEL, C1 controls, bidi overrides and isolates, and
// invalid UTF-8.
func checkTerminalSafe(t *testing.T, outs []output) {
	t.Helper()
	for _, o := range outs {
		if i, why := unsafeAt(o.data, o.sgr, o.renderer); i >= 0 {
			t.Errorf("%s: %s at byte %d: %q", o.path, why, i, o.data[max(0, i-40):min(len(o.data), i+40)])
		}
	}
}

func unsafeAt(b []byte, sgr, renderer bool) (int, string) {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return i, "invalid UTF-8"
		case r == 0x1b:
			if !sgr {
				return i, "ESC"
			}
			if n := sgrLen(b[i:]); n > 0 {
				i += n
				continue
			}
			if n := rendererLen(b[i:]); renderer && n > 0 {
				i += n
				continue
			}
			if n := ownOSCLen(b[i:]); renderer && n > 0 {
				i += n
				continue
			}
			return i, "an escape sequence that is not SGR"
		case r == '\n' || r == '\t' || r == '\r' && renderer:
		case sanitize.UnsafeRune(r):
			return i, "control or bidi character"
		}
		i += size
	}
	return -1, ""
}

// sgrLen is the length of an SGR sequence at the start of b, or 0.
func sgrLen(b []byte) int {
	if len(b) < 3 || b[1] != '[' {
		return 0
	}
	for j := 2; j < len(b); j++ {
		c := b[j]
		switch {
		case c >= '0' && c <= '9' || c == ';' || c == ':':
		case c == 'm':
			return j + 1
		default:
			return 0
		}
	}
	return 0
}

// rendererLen accepts, in the program's own output only, the CSI
// sequences Bubble Tea's renderer writes to draw a frame (cursor moves,
// erases, modes: ESC [ params final), never an OSC, DCS or APC, which is
// what planted text would need to act on the terminal beyond the frame.
// Frames (View().Content) are checked with SGR only.
func rendererLen(b []byte) int {
	// The renderer moves the cursor up with reverse index (ESC M), alone
	// or repeated, always followed by another of its own sequences: a
	// planted ESC M followed by text still fails (the sanitiser drops it,
	// backend/sanitize's "reverse index" case).
	if len(b) >= 4 && b[1] == 'M' && b[2] == 0x1b {
		return 2
	}
	if len(b) < 3 || b[1] != '[' {
		return 0
	}
	for j := 2; j < len(b); j++ {
		c := b[j]
		switch {
		case c >= 0x30 && c <= 0x3f || c >= 0x20 && c <= 0x2f:
		case c >= 0x40 && c <= 0x7e:
			return j + 1
		default:
			return 0
		}
	}
	return 0
}

// ownOSCLen accepts the two OSCs the dashboard itself writes: the
// background-colour query and its window title, "ohdash", exactly.
func ownOSCLen(b []byte) int {
	for _, q := range []string{"\x1b]11;?\a", "\x1b]2;ohdash\a"} {
		if strings.HasPrefix(string(b), q) {
			return len(q)
		}
	}
	return 0
}

func clip(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "…"
	}
	return string(b)
}

// The checker takes the renderer's own reverse index only as part of its
// cursor moves; the same bytes before text are a leak.
func TestUnsafeAtRendererReverseIndex(t *testing.T) {
	if i, why := unsafeAt([]byte("quit\x1bM\x1bM\x1b[7G(Docker)"), true, true); i >= 0 {
		t.Errorf("renderer moves refused at %d: %s", i, why)
	}
	for _, leak := range []string{"a\x1bMb", "a\x1bM", "a\x1bM\x1bMb"} {
		if i, _ := unsafeAt([]byte(leak), true, true); i < 0 {
			t.Errorf("%q passed the check", leak)
		}
	}
}
