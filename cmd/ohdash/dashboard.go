package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"runtime"
	"runtime/debug"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/convroute"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/guard"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui"
)

func setupDashboard(*flag.FlagSet) runner {
	return func(ctx context.Context, a *app, _ []string) error {
		keys, err := a.cfg.UIKeys()
		if err != nil {
			return err
		}
		bs, err := a.Selected(ctx)
		if err != nil {
			return err
		}
		return a.runTUI(ctx, backend.NewHub(bs...), &keys)
	}
}

// uiConfig maps the configuration onto the dashboard's.
func (a *app) uiConfig(hub *backend.Hub, keys ui.Keys) ui.Config {
	c := a.cfg
	cfg := ui.Config{
		Hub: hub, Theme: a.startTheme(), FixedTheme: c.Theme != "auto",
		ReadOnly: c.ReadOnly, Start: backend.StartRequest{Image: c.Image}, ActionTimeout: c.ActionTimeout.Std(),
		Mouse: c.Mouse, Keys: keys, LowBandwidth: c.LowBandwidth,
		Logs:          ui.LogConfig{Tail: c.Logs.Tail, MaxLines: c.Logs.MaxLines, MaxBytes: int(c.Logs.MaxBytes)},
		Conversations: a.Conversations(),
		StatsInterval: -1, // "off"
	}
	if every := c.StatsInterval.Std(); every > 0 {
		cfg.StatsInterval = every
	}
	cfg.Shell, cfg.OpenURL = c.Shell, browserOpener(a.io.getenv, runtime.GOOS)
	if st := newAppStarter(a, hub.Backends()); st != nil {
		cfg.ConversationStarter = st
	}
	if c.ReadOnly {
		cfg.ReadOnlyWhy = a.guard.Why
		cfg.OnRefused = func(r ui.Refusal) {
			// Refuse records the refusal; its error is the UI's warning,
			// already shown.
			_ = a.guard.Refuse(guard.Op{Action: auditAction(r), Backend: r.Source, Target: r.Target, Sandbox: r.Sandbox})
		}
	}
	return cfg
}

// auditAction is the audit log's name for an action the dashboard refused
// (the dashboard says "accept" and "message" where the log, like the
// command line, says "approve" and "send").
func auditAction(r ui.Refusal) string {
	switch r.Action {
	case "accept":
		return guard.ConversationApprove
	case "message":
		return guard.ConversationSend
	}
	return r.Kind + "." + r.Action
}

// programOptions are the Bubble Tea options for this terminal and
// configuration.
func (a *app) programOptions(ctx context.Context) []tea.ProgramOption {
	opts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithInput(a.io.in), tea.WithOutput(a.io.out)}
	switch {
	case a.io.getenv("NO_COLOR") != "":
		// no-color.org: any non-empty value disables colour (colorprofile
		// alone only honours values strconv.ParseBool accepts).
		opts = append(opts, tea.WithColorProfile(colorprofile.Ascii))
	case a.io.process:
		// lipgloss detected the profile of this very stdout and
		// environment when the program started. Bubble Tea would detect
		// it again, and inside tmux that runs `tmux info` a second time:
		// 15-25 ms before the first frame.
		opts = append(opts, tea.WithColorProfile(lipgloss.Writer.Profile))
	}
	fps := ui.DefaultFPS
	if a.cfg.LowBandwidth {
		fps = ui.LowBandwidthFPS
	}
	opts = append(opts, tea.WithFPS(fps))
	return opts
}

// runTUI runs the dashboard until the user quits or ctx is done. While it
// runs, the terminal is the program's: logs go to the log file or nowhere.
func (a *app) runTUI(ctx context.Context, hub *backend.Hub, keys *ui.Keys) error {
	if !a.io.inTTY || !a.io.outTTY {
		return usagef("the dashboard needs a terminal on stdin and stdout; in scripts use a command such as 'ohdash ls --json'")
	}
	if a.io.getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(ui.MemoryLimit)
	}
	actx, stop := context.WithCancel(ctx)
	defer stop()
	prev := slog.Default()
	defer slog.SetDefault(prev)
	defer a.inTUI.Store(false)
	p := a.dashboardProgram(ctx, actx, hub, keys)
	// Armed once the program is built: settling closes the connections
	// of the router built with it.
	settle := time.AfterFunc(settleAfter, settler(a.router))
	defer settle.Stop()
	_, err := p.Run()
	if errors.Is(err, tea.ErrProgramKilled) {
		// A signal (SIGTERM, SIGHUP) ended it: that is a normal way out.
		return nil
	}
	return err
}

// dashboardProgram builds the dashboard and hands it the terminal (the
// caller restores the default logger and inTUI). It is a function of its
// own, never inlined, because runTUI stays on the stack below the
// program for the whole session: the configuration and models built here
// take tens of KiB of frame, and a goroutine's stack only shrinks while
// idle if less than a quarter of it is in use (this one grows to 1 MiB
// while rendering).
//
//go:noinline
func (a *app) dashboardProgram(ctx, actx context.Context, hub *backend.Hub, keys *ui.Keys) *tea.Program {
	cfg := a.uiConfig(hub, *keys)
	// Opened before the dashboard owns the terminal: a damaged history
	// is said on stderr, once, like the command line says it.
	cfg.Spend = a.spendMonitor(ctx)
	a.inTUI.Store(true)
	slog.SetDefault(a.log)
	a.log.Info("dashboard up", "backends", len(hub.Backends()), "low_bandwidth", a.cfg.LowBandwidth, "readonly", a.cfg.ReadOnly)
	cfg = a.alertingConfig(actx, cfg, hub)
	return tea.NewProgram(ui.New(ctx, cfg), a.programOptions(ctx)...)
}

// settleAfter is when the dashboard lets go of what starting cost. The
// first seconds decode every sandbox list, inspect and probe each
// sandbox, and list every running sandbox's conversations (the spend
// pane's first snapshot); what that leaves behind would otherwise stay
// resident while the dashboard idles: connections to agent-servers that
// nothing asks again for a minute, and garbage an idle heap does not
// collect for minutes.
const settleAfter = 5 * time.Second

// collectAfter gives the goroutines of closed connections time to end,
// so the collection returns their stacks too.
const collectAfter = time.Second

// settleCollections: a collection halves an idle goroutine's stack at
// most once, and the dashboard's grows to 1-2 MiB while it starts
// (applying the first listing of every sandbox); three bring it back to
// the 64 KiB idling needs.
const settleCollections = 3

// returnMemory runs the settling collections and returns the free memory to
// the system (a few milliseconds of CPU, once).
func returnMemory() {
	for range settleCollections - 1 {
		runtime.GC()
	}
	debug.FreeOSMemory()
}

// settler returns what settles the dashboard: close the start-up sweep's
// idle connections (r may be nil: no conversation service), then collect.
func settler(r *convroute.Router) func() {
	return func() {
		if r != nil {
			r.CloseIdleConnections()
		}
		time.AfterFunc(collectAfter, returnMemory)
	}
}

// startTheme is the configured theme, in reverse video instead of colour
// under NO_COLOR (any non-empty value, as no-color.org says).
func (a *app) startTheme() theme.Theme {
	th := theme.New(a.cfg.Theme != "light")
	if a.io.getenv("NO_COLOR") != "" {
		th = th.Monochrome()
	}
	return th
}
