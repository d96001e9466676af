package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/convroute"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/config"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/guard"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/logging"
)

// stdio is the process's standard streams and what they are attached to.
type stdio struct {
	in                    io.Reader
	out, err              io.Writer
	inTTY, outTTY, errTTY bool
	getenv                func(string) string
	home                  string
	// now is the clock of age rules (prune); nil: the wall clock.
	now func() time.Time
	// outSize is the terminal's size in cells when out is one (ok false
	// when unknown); read again at every redraw, so a resize takes.
	outSize func() (width, height int, ok bool)
	// process says out and getenv are the process's own stdout and
	// environment, the ones lipgloss read its colour profile from when
	// the program started.
	process bool
}

// app is one invocation's state: configuration, logger, guard and,
// built on first use, the backends.
type app struct {
	io     stdio
	cfg    *config.Config
	log    *slog.Logger
	guard  *guard.Guard
	origin string

	closers  []io.Closer
	backends []backend.Backend // guarded, in configuration order
	built    bool
	convs    guard.Conversations
	// router is the agent-server side of convs (nil until convs is
	// built).
	router   *convroute.Router
	alerting *alerting
	// inTUI is set while the dashboard owns the terminal.
	inTUI atomic.Bool
	// noSpendHistory keeps the dashboard from opening the spend history
	// (the demo writes no files).
	noSpendHistory bool
}

// newApp loads the configuration and opens the log file.
func newApp(inv *invocation, s stdio, origin string) (*app, error) {
	cfg, err := config.Load(config.LoadOptions{Path: inv.configPath, Getenv: s.getenv, Home: s.home, Flags: inv.flags})
	if err != nil {
		return nil, err
	}
	a := &app{io: s, cfg: cfg, log: logging.Discard(), origin: origin}
	if cfg.LogFile != "" {
		l, c, err := logging.Open(cfg.LogFile, cfg.LogLevel)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", config.ErrConfig, err)
		}
		a.log = l
		a.closers = append(a.closers, c)
	}
	a.guard = &guard.Guard{ReadOnly: cfg.ReadOnly, Why: readOnlyWhy(cfg), Log: a.log}
	if !cfg.AuditDisabled() {
		audit := guard.NewAudit(cfg.AuditLog, origin, guard.CurrentIdentity(s.getenv))
		a.guard.Audit = audit
		a.closers = append(a.closers, audit)
	}
	a.log.Info("start", "origin", origin, "command", inv.path, "config", cfg.Meta.File, "readonly", cfg.ReadOnly, "backends", cfg.BackendNames())
	return a, nil
}

// readOnlyWhy says where read-only mode came from, for refusals.
func readOnlyWhy(cfg *config.Config) string {
	switch src := cfg.Meta.Sources["readonly"]; src {
	case config.SourceFile:
		return "readonly = true in " + cfg.Meta.File
	case "flag --readonly":
		return "started with --readonly"
	default:
		return "set by " + src
	}
}

// close releases backends, the audit log and the log file.
func (a *app) close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		_ = a.closers[i].Close()
	}
}

// Backends returns every configured backend, guarded, building them on
// first use. Building contacts nothing: an engine that is down shows up
// when it is used.
func (a *app) Backends(ctx context.Context) ([]backend.Backend, error) {
	if a.built {
		return a.backends, nil
	}
	raw, closers, err := buildBackends(ctx, a.cfg, a.io.getenv, a.storeNotice, a.storeUnusable)
	a.closers = append(a.closers, closers...)
	if err != nil {
		return nil, err
	}
	for _, b := range raw {
		a.backends = append(a.backends, a.guard.Backend(b))
	}
	a.built = true
	return a.backends, nil
}

// Selected returns the backends a command acts on: the one named by
// --backend / OHDASH_BACKEND / backend =, or all of them.
func (a *app) Selected(ctx context.Context) ([]backend.Backend, error) {
	all, err := a.Backends(ctx)
	if err != nil {
		return nil, err
	}
	if a.cfg.Backend == "" {
		return all, nil
	}
	for _, b := range all {
		if b.Name() == a.cfg.Backend {
			return []backend.Backend{b}, nil
		}
	}
	return nil, usagef("no backend named %q", a.cfg.Backend)
}

// One returns the single backend a creating command acts on.
func (a *app) One(ctx context.Context) (backend.Backend, error) {
	bs, err := a.Selected(ctx)
	if err != nil {
		return nil, err
	}
	switch len(bs) {
	case 0:
		return nil, errors.New("no backend is configured")
	case 1:
		return bs[0], nil
	}
	names := make([]string, len(bs))
	for i, b := range bs {
		names[i] = b.Name()
	}
	return nil, usagef("%d backends are configured (%v): choose one with --backend", len(bs), names)
}

// warnf writes a diagnostic to stderr, prefixed like every ohdash message,
// sanitised and masked (its arguments quote servers and containers).
func (a *app) warnf(format string, args ...any) {
	fmt.Fprintf(a.io.err, "ohdash: %s\n", safeMessage(fmt.Sprintf(format, args...)))
}

// osStdio describes the real process.
func osStdio(isTerminal func(fd uintptr) bool) stdio {
	home, _ := os.UserHomeDir()
	s := stdio{
		in: os.Stdin, out: os.Stdout, err: os.Stderr, getenv: os.Getenv, home: home, process: true,
		inTTY: isTerminal(os.Stdin.Fd()), outTTY: isTerminal(os.Stdout.Fd()), errTTY: isTerminal(os.Stderr.Fd()),
		outSize: func() (int, int, bool) {
			w, h, err := term.GetSize(os.Stdout.Fd())
			return w, h, err == nil && w > 0 && h > 0
		},
	}
	return s
}

// clock is the invocation's clock (tests pin it through stdio.now).
func (a *app) clock() time.Time {
	if a.io.now != nil {
		return a.io.now()
	}
	return time.Now()
}
