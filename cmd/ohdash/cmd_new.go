package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/openhands"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/guard"
)

// startPoll is how often a start task is read while it is under way.
const startPoll = 500 * time.Millisecond

// startTaskTimeout bounds the wait for a start task: on OpenHands Cloud
// a sandbox and a repository clone can take minutes, far longer than one
// action (action_timeout bounds the POST alone).
const startTaskTimeout = 15 * time.Minute

// newConvJSON is what `ohdash new --json` prints.
type newConvJSON struct {
	ID          string `json:"id"`
	SandboxID   string `json:"sandbox_id"`
	Backend     string `json:"backend"`
	StartTaskID string `json:"start_task_id"`
	Status      string `json:"status"`
}

func setupNew(fs *flag.FlagSet) runner {
	var req openhands.NewConversation
	fs.StringVar(&req.Repository, "repo", "", "the `REPOSITORY` to clone into the sandbox (owner/name)")
	fs.StringVar(&req.Branch, "branch", "", "the `BRANCH` of the repository to check out")
	fs.StringVar(&req.Model, "model", "", "the LLM `MODEL` (default: the user's setting on the app-server)")
	fs.StringVar(&req.SandboxID, "sandbox", "", "start in this `SANDBOX` of the app-server instead of a new one")
	asJSON := fs.Bool("json", false, "print the new conversation as a JSON object")
	follow := fs.Bool("follow", false, "then print its events as they come, like 'ohdash events -f'")
	return func(ctx context.Context, a *app, args []string) error {
		text, err := messageText(a, args[0])
		if err != nil {
			return err
		}
		req.Text = text
		b, err := a.appServer(ctx)
		if err != nil {
			return err
		}
		if req.SandboxID != "" {
			// A prefix or suffix names a sandbox as everywhere else.
			f, err := a.resolveSandbox(ctx, req.SandboxID)
			if err != nil {
				return err
			}
			if f.backend.Name() != b.Name() {
				return usagef("sandbox %s is on %s, not on the app-server %s", f.sandbox.ID, f.backend.Name(), b.Name())
			}
			req.SandboxID = f.sandbox.ID
		}
		began := time.Now()
		task, err := a.startConversation(ctx, b, req, func(t openhands.StartTask) {
			line := fmt.Sprintf("%s: new conversation: %s (%.1fs)", b.Name(), t.Status, time.Since(began).Seconds())
			if t.Status == "ERROR" && t.Detail != "" {
				line += ": " + t.Detail
			}
			fmt.Fprintln(a.io.err, safeMessage(line))
		})
		if err != nil {
			if ctx.Err() != nil {
				// The start task keeps running on the app-server: say
				// what it may still create.
				fmt.Fprintln(a.io.err, interruptedNewNote(b.Name(), task))
				return fmt.Errorf("%w: %w", errInterrupted, err)
			}
			return err
		}
		if *asJSON {
			if err := writeJSON(a.io.out, newConvJSON{ID: task.ConversationID, SandboxID: task.SandboxID, Backend: b.Name(), StartTaskID: task.ID, Status: task.Status}); err != nil {
				return err
			}
		} else {
			fmt.Fprintln(a.io.out, task.ConversationID)
		}
		if !*follow {
			return nil
		}
		f, err := a.resolveConversation(ctx, task.ConversationID, task.SandboxID)
		if err != nil {
			return err
		}
		return eventPrinter{a: a, w: bufio.NewWriterSize(a.io.out, 64<<10), f: f, o: eventsOpts{follow: true, asJSON: *asJSON}}.follow(ctx)
	}
}

// appServer is the app-server backend `new` starts on: the one selected
// with --backend, or the only one configured.
func (a *app) appServer(ctx context.Context) (*openhands.Backend, error) {
	bs, err := a.Selected(ctx)
	if err != nil {
		return nil, err
	}
	var found []*openhands.Backend
	for _, b := range bs {
		if ob, ok := guard.Unwrap(b).(*openhands.Backend); ok {
			found = append(found, ob)
		}
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(found) > 1:
		names := make([]string, len(found))
		for i, b := range found {
			names[i] = b.Name()
		}
		return nil, usagef("%d OpenHands app-servers are configured (%v): choose one with --backend", len(found), names)
	case a.cfg.Backend != "":
		return nil, usagef("backend %q is not an OpenHands app-server: conversations start on [[openhands]] backends", a.cfg.Backend)
	}
	return nil, usagef("no OpenHands app-server is configured: add an [[openhands]] backend, or set OPENHANDS_CLOUD_API_KEY")
}

// startConversation starts an app conversation and follows its start task
// to READY or ERROR, calling progress with each new status. It goes
// through the guard as one action: refused in read-only mode, its intent
// audited before the POST and its outcome (the conversation, or the start
// task when none was made) after. The task is returned as far as it got,
// also with an error.
func (a *app) startConversation(ctx context.Context, b *openhands.Backend, req openhands.NewConversation, progress func(openhands.StartTask)) (openhands.StartTask, error) {
	var task openhands.StartTask
	op := guard.Op{Action: guard.ConversationNew, Backend: b.Name(), Sandbox: req.SandboxID, Detail: newDetail(req)}
	last := ""
	report := func(t openhands.StartTask) {
		task = t
		if t.Status != last && progress != nil {
			progress(t)
		}
		last = t.Status
	}
	err := a.guard.Do(ctx, op, func(ctx context.Context) (string, error) {
		pctx, cancel := context.WithTimeout(ctx, a.cfg.ActionTimeout.Std())
		t, err := b.StartConversation(pctx, req)
		cancel()
		if err != nil {
			return "", err
		}
		report(t)
		fctx, cancel := context.WithTimeout(ctx, max(startTaskTimeout, a.cfg.ActionTimeout.Std()))
		defer cancel()
		t, err = b.FollowStart(fctx, t.ID, startPoll, report)
		if t.ID != "" {
			task = t
		}
		if task.ConversationID != "" {
			return task.ConversationID, err
		}
		return "start task " + task.ID, err
	})
	return task, err
}

// newDetail describes a start for the audit log; the message itself is
// left out (it is the user's text, possibly long or private).
func newDetail(req openhands.NewConversation) string {
	var parts []string
	for _, kv := range [][2]string{{"repo", req.Repository}, {"branch", req.Branch}, {"model", req.Model}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+" "+kv[1])
		}
	}
	return strings.Join(parts, ", ")
}

// interruptedNewNote is what an interrupted `new` tells the user: the
// app-server's start task keeps going after ohdash stops following it.
func interruptedNewNote(backendName string, t openhands.StartTask) string {
	if t.ID == "" {
		return fmt.Sprintf("interrupted: the request may have started a conversation on %s; check with 'ohdash convs'", backendName)
	}
	where := ""
	if t.SandboxID != "" {
		where = " in sandbox " + t.SandboxID
	}
	return fmt.Sprintf("interrupted at %s: start task %s on %s keeps running and may still create a conversation%s; check with 'ohdash convs'", t.Status, t.ID, backendName, where)
}

// messageText is a message given on the command line, or read from stdin
// when it is "-"; an empty one is a usage error.
func messageText(a *app, arg string) (string, error) {
	text := arg
	if text == "-" {
		b, err := io.ReadAll(io.LimitReader(a.io.in, 1<<20+1))
		if err != nil {
			return "", fmt.Errorf("reading the message from stdin: %w", err)
		}
		if len(b) > 1<<20 {
			return "", usagef("the message on stdin is larger than 1 MiB")
		}
		text = string(b)
	}
	if strings.TrimSpace(text) == "" {
		return "", usagef("the message is empty")
	}
	return text, nil
}

// appStarter starts conversations for the dashboard's new-conversation
// key, through the same guarded, audited path as `ohdash new`.
type appStarter struct {
	a       *app
	servers map[string]*openhands.Backend
}

// newAppStarter finds the app-servers among bs; nil when there are none.
func newAppStarter(a *app, bs []backend.Backend) *appStarter {
	s := &appStarter{a: a, servers: map[string]*openhands.Backend{}}
	for _, b := range bs {
		if ob, ok := guard.Unwrap(b).(*openhands.Backend); ok {
			s.servers[ob.Name()] = ob
		}
	}
	if len(s.servers) == 0 {
		return nil
	}
	return s
}

// CanStart reports whether source is an app-server.
func (s *appStarter) CanStart(source string) bool {
	_, ok := s.servers[source]
	return ok
}

// Start starts a conversation on source and follows its start task.
func (s *appStarter) Start(ctx context.Context, source, text string, progress func(string)) (string, string, error) {
	b, ok := s.servers[source]
	if !ok {
		return "", "", fmt.Errorf("%s is not an OpenHands app-server: %w", source, backend.ErrUnsupported)
	}
	t, err := s.a.startConversation(ctx, b, openhands.NewConversation{Text: text}, func(t openhands.StartTask) { progress(t.Status) })
	return t.SandboxID, t.ConversationID, err
}
