package convtab

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/fake"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/composer"
	"github.com/ohdash/ohdash/ui/internal/testkit"
	"github.com/ohdash/ohdash/ui/keymap"
	"github.com/ohdash/ohdash/ui/pane"
)

// listSource lists a fixed set of conversations; the tab needs nothing
// else of its Source in these tests (the embedded nil interface would
// panic if it did).
type listSource struct {
	Source
	list []backend.Conversation
}

func (s *listSource) Conversations(_ context.Context, sb backend.Sandbox) ([]backend.Conversation, error) {
	var out []backend.Conversation
	for _, c := range s.list {
		if c.SandboxKey() == sb.Key() {
			out = append(out, c)
		}
	}
	return out, nil
}

func (s *listSource) AllConversations(ctx context.Context, sbs []backend.Sandbox) []backend.SandboxConversations {
	out := make([]backend.SandboxConversations, len(sbs))
	for i, sb := range sbs {
		out[i].Sandbox = sb
		out[i].Conversations, _ = s.Conversations(ctx, sb)
	}
	return out
}

// scriptedStarter walks through statuses, then makes the conversation
// (listed by src from then on) or fails.
type scriptedStarter struct {
	src      *listSource
	sb       backend.Sandbox
	statuses []string
	err      error
	texts    []string
}

func (s *scriptedStarter) CanStart(source string) bool { return source == s.sb.Source }

func (s *scriptedStarter) Start(_ context.Context, source, text string, progress func(string)) (string, string, error) {
	s.texts = append(s.texts, text)
	for _, st := range s.statuses {
		progress(st)
	}
	if s.err != nil {
		return "", "", s.err
	}
	const id = "4f1c2d3e-0000-4000-8000-0000000000aa"
	s.src.list = append(s.src.list, backend.Conversation{ID: id, SandboxID: s.sb.ID, Source: source, Title: text, Status: backend.ExecRunning})
	return s.sb.ID, id, nil
}

func newTab(t *testing.T, readOnly bool, st Starter, src *listSource, sb backend.Sandbox) (pane.Pane, *pane.Host) {
	t.Helper()
	host := pane.NewHost()
	c := pane.Context{
		Ctx: t.Context(), Theme: theme.New(true), Now: func() time.Time { return testkit.Now }, Keys: keymap.Default(),
		Hub: backend.NewHub(fake.New(sb.Source, sb)), ReadOnly: readOnly, ActionTimeout: time.Minute, Host: host,
	}
	var p pane.Pane = New(c, Config{Source: src, Starter: st})
	p = p.SetSize(100, 30)
	p, _ = p.Show()
	p, _ = p.Select(pane.World{Selected: sb, OK: true, Sandboxes: []backend.Sandbox{sb}, Settled: true})
	return p, host
}

var cloudSandbox = backend.Sandbox{ID: "oh-agent-server-1Ab2Cd3Ef4Gh5Ij6Kl7Mn8", Source: "cloud", Status: backend.StatusRunning, Flavor: backend.FlavorAgentServer}

// step runs cmd and hands its message to the pane.
func step(t *testing.T, p pane.Pane, cmd tea.Cmd) (pane.Pane, tea.Cmd, tea.Msg) {
	t.Helper()
	if cmd == nil {
		t.Fatal("no command to run")
	}
	msg := cmd()
	p, next := p.Update(msg)
	return p, next, msg
}

// C opens the composer; the start task's statuses reword the action on
// the message line one by one; READY says what was made and selects the
// new conversation in the list of all sandboxes.
func TestNewConversationShowsProgressAndOpensIt(t *testing.T) {
	src := &listSource{}
	st := &scriptedStarter{src: src, sb: cloudSandbox, statuses: []string{"WORKING", "WAITING_FOR_SANDBOX", "PREPARING_REPOSITORY", "READY"}}
	p, host := newTab(t, false, st, src, cloudSandbox)
	p, _, ok := p.Act(testkit.Press("C"))
	asks := host.Take()
	if !ok || len(asks) != 1 || asks[0].Kind != pane.AskCompose || !strings.Contains(asks[0].Text, "cloud") {
		t.Fatalf("C asked %+v, want the composer", asks)
	}
	p, cmd := p.Update(composer.SubmitMsg{Text: "Fix the date parser", Payload: asks[0].Payload})
	var seen []string
	for range st.statuses {
		p, cmd, _ = step(t, p, cmd)
		ops := host.Ops()
		if len(ops) != 1 {
			t.Fatalf("ops %+v", ops)
		}
		seen = append(seen, ops[0].Desc)
	}
	if want := "starting a conversation on cloud: WAITING_FOR_SANDBOX"; seen[1] != want {
		t.Fatalf("message line %q, want %q (all: %q)", seen[1], want, seen)
	}
	p, cmd, _ = step(t, p, cmd) // done
	asks = host.Take()
	if len(asks) != 1 || asks[0].Kind != pane.AskInfo || !strings.Contains(asks[0].Text, "4f1c2d3e in "+cloudSandbox.ID) {
		t.Fatalf("after READY: %+v", asks)
	}
	p, _, _ = step(t, p, cmd) // the listing of all sandboxes
	sel, ok := p.(Model).Selected()
	if !ok || sel.ID != "4f1c2d3e-0000-4000-8000-0000000000aa" {
		t.Fatalf("selected %+v, want the new conversation", sel)
	}
	if len(st.texts) != 1 || st.texts[0] != "Fix the date parser" {
		t.Fatalf("started with %q", st.texts)
	}
}

// A start that ends in ERROR fails on the message line and keeps the
// typed task for the next C.
func TestNewConversationErrorKeepsTheTask(t *testing.T) {
	src := &listSource{}
	st := &scriptedStarter{src: src, sb: cloudSandbox, statuses: []string{"WORKING", "ERROR"}, err: errors.New("cloud: conversation did not start: clone failed")}
	p, host := newTab(t, false, st, src, cloudSandbox)
	p, _, _ = p.Act(testkit.Press("C"))
	asks := host.Take()
	p, cmd := p.Update(composer.SubmitMsg{Text: "Fix it", Payload: asks[0].Payload})
	for cmd != nil {
		var msg tea.Msg
		p, cmd, msg = step(t, p, cmd)
		if _, done := msg.(newDoneMsg); done {
			break
		}
	}
	asks = host.Take()
	if len(asks) != 1 || asks[0].Kind != pane.AskFail || !strings.Contains(asks[0].Err.Error(), "clone failed") {
		t.Fatalf("after ERROR: %+v", asks)
	}
	_, _, _ = p.Act(testkit.Press("C"))
	if asks = host.Take(); len(asks) != 1 || asks[0].Draft != "Fix it" {
		t.Fatalf("second C: %+v, want the composer with the kept task", asks)
	}
}

// Read-only mode refuses C (the root audits it); without an app-server
// C says there is none.
func TestNewConversationRefusals(t *testing.T) {
	src := &listSource{}
	st := &scriptedStarter{src: src, sb: cloudSandbox}
	p, host := newTab(t, true, st, src, cloudSandbox)
	_, _, ok := p.Act(testkit.Press("C"))
	asks := host.Take()
	if !ok || len(asks) != 1 || asks[0].Kind != pane.AskRefuse || asks[0].Refusal.Action != "new" || asks[0].Refusal.Source != "cloud" {
		t.Fatalf("read-only C: %+v", asks)
	}
	p, host = newTab(t, false, nil, src, cloudSandbox)
	_, _, _ = p.Act(testkit.Press("C"))
	if asks = host.Take(); len(asks) != 1 || asks[0].Kind != pane.AskWarn || !strings.Contains(asks[0].Text, "[[openhands]]") {
		t.Fatalf("C without an app-server: %+v", asks)
	}
}
