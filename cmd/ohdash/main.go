// Command ohdash is a terminal dashboard for OpenHands sandboxes and the
// agent conversations inside them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker"
	"github.com/ohdash/ohdash/backend/remote"
	"github.com/ohdash/ohdash/backend/remote/store"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ohdash", flag.ContinueOnError)
	fs.SetOutput(stderr)
	readOnly := fs.Bool("readonly", false, "disable every action that changes a sandbox or a conversation")
	image := fs.String("image", "", "image that \"create sandbox\" starts (default: the OpenHands agent-server image)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	// The dashboard owns the terminal: nothing may write to stdout or
	// stderr while it runs.
	slog.SetDefault(slog.New(slog.DiscardHandler))

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	hub, err := buildHub(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "ohdash:", err)
		return 1
	}
	cfg := ui.Config{Hub: hub, Theme: theme.New(true), ReadOnly: *readOnly, Start: backend.StartRequest{Image: *image}}
	opts := []tea.ProgramOption{tea.WithContext(ctx)}
	if os.Getenv("NO_COLOR") != "" {
		// no-color.org: any non-empty value disables colour (colorprofile
		// alone only honours values strconv.ParseBool accepts).
		opts = append(opts, tea.WithColorProfile(colorprofile.Ascii))
	}
	if _, err := tea.NewProgram(ui.New(ctx, cfg), opts...).Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		fmt.Fprintln(stderr, "ohdash:", err)
		return 1
	}
	return 0
}

// buildHub creates the local Docker backend and, when OpenHands' runtime
// API variables are set, a remote one.
func buildHub(ctx context.Context) (*backend.Hub, error) {
	d, err := docker.New(docker.Options{})
	if err != nil {
		return nil, err
	}
	backends := []backend.Backend{d}
	if ro := remote.OptionsFromEnv(os.Getenv); ro.URL != "" {
		path, err := store.DefaultPath()
		if err != nil {
			return nil, err
		}
		st, err := store.Open(ctx, path, store.Options{})
		if err != nil {
			return nil, err
		}
		ro.Store = st
		r, err := remote.New(ro)
		if err != nil {
			return nil, err
		}
		backends = append(backends, r)
	}
	return backend.NewHub(backends...), nil
}
