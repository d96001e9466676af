package main

import (
	"context"
	"fmt"
	"io"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker"
	"github.com/ohdash/ohdash/backend/logbuf"
	"github.com/ohdash/ohdash/backend/openhands"
	"github.com/ohdash/ohdash/backend/remote"
	"github.com/ohdash/ohdash/backend/remote/store"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/config"
)

// buildBackends creates every configured backend, Docker ones first. It
// returns what must be closed at exit even when it fails part-way. A state
// file that cannot be used at all (not damage, which the store repairs:
// a directory in its place, a symlink loop, no permission) is reported
// to unusable, and the remote backends keep their state in memory.
func buildBackends(ctx context.Context, cfg *config.Config, getenv func(string) string, notify func(store.Damage), unusable func(error)) ([]backend.Backend, []io.Closer, error) {
	var out []backend.Backend
	var closers []io.Closer
	for _, d := range cfg.Docker {
		b, err := docker.New(dockerOptions(cfg, d, getenv))
		if err != nil {
			return out, closers, fmt.Errorf("%w: backend %s: %w", config.ErrConfig, d.Name, err)
		}
		out = append(out, b)
		closers = append(closers, b)
	}
	for _, o := range cfg.OpenHands {
		b, err := openhands.New(openhands.Options{Name: o.Name, URL: o.URL, APIKey: o.APIKey.Secret, PollInterval: cfg.Refresh.RemotePoll.Std()})
		if err != nil {
			return out, closers, fmt.Errorf("%w: backend %s: %w", config.ErrConfig, o.Name, err)
		}
		out = append(out, b)
	}
	if len(cfg.Remote) == 0 {
		return out, closers, nil
	}
	st, err := store.Open(ctx, cfg.StateFile, store.Options{Notify: notify})
	switch {
	case err != nil && ctx.Err() != nil:
		return out, closers, fmt.Errorf("remote backends' state file: %w", err)
	case err != nil:
		// Listing and acting need no state file: what it remembers is
		// rebuilt from the runtime APIs, for this run.
		unusable(err)
		st = nil
	}
	for _, r := range cfg.Remote {
		b, err := remote.New(remoteOptions(cfg, r, st))
		if err != nil {
			return out, closers, fmt.Errorf("%w: backend %s: %w", config.ErrConfig, r.Name, err)
		}
		out = append(out, b)
	}
	return out, closers, nil
}

// dockerOptions maps one [[docker]] entry and the shared settings onto the
// backend's options.
func dockerOptions(cfg *config.Config, d config.DockerConfig, getenv func(string) string) docker.Options {
	o := docker.Options{
		Name: d.Name, Host: d.Host, Context: d.Context, URLPattern: d.URLPattern,
		JWTSecret:      d.JWTSecret.Secret,
		Debounce:       cfg.Refresh.DockerDebounce.Std(),
		SafetyRelist:   cfg.Refresh.DockerSafetyRelist.Std(),
		HealthyReprobe: cfg.Refresh.HealthReprobe.Std(),
		Logs:           logbuf.Options{MaxLines: cfg.Logs.MaxLines, MaxBytes: int(cfg.Logs.MaxBytes)},
		// Getenv also feeds the SSH dialer of ssh:// hosts (HOME for
		// ~/.ssh, SSH_AUTH_SOCK for the agent).
		Getenv: getenv,
	}
	for _, p := range d.V1Prefixes {
		o.Prefixes = append(o.Prefixes, docker.Prefix{Prefix: p, Flavor: backend.FlavorAgentServer})
	}
	for _, p := range d.V0Prefixes {
		o.Prefixes = append(o.Prefixes, docker.Prefix{Prefix: p, Flavor: backend.FlavorNestedV0})
	}
	if len(o.Prefixes) > 0 && len(d.V1Prefixes) == 0 {
		// Start names new sandboxes with the first V1 prefix; keep
		// OpenHands' when only V0 prefixes are configured.
		o.Prefixes = append([]docker.Prefix{{Prefix: docker.DefaultV1Prefix, Flavor: backend.FlavorAgentServer}}, o.Prefixes...)
	}
	return o
}

// remoteOptions maps one [[remote]] entry onto the backend's options.
func remoteOptions(cfg *config.Config, r config.RemoteConfig, st *store.Store) remote.Options {
	return remote.Options{
		Name: r.Name, URL: r.URL, APIKey: r.APIKey.Secret, Insecure: r.Insecure, Store: st,
		PollInterval: cfg.Refresh.RemotePoll.Std(),
		Image:        r.Image, ResourceFactor: r.ResourceFactor, RuntimeClass: r.RuntimeClass,
	}
}

// storeUnusable says, once, that the state file cannot be used, in the
// same places as storeNotice.
func (a *app) storeUnusable(err error) {
	a.log.Warn("state file unusable; state kept in memory", "error", err.Error())
	if !a.inTUI.Load() {
		a.warnf("warning: the remote backends' state file cannot be used (%v); remote sandboxes are remembered only while this command runs", err)
	}
}

// storeNotice says, once, that a damaged state file was moved aside: on
// stderr for a command, in the log file always (while the dashboard owns
// the terminal, only there: a line on stderr would tear its screen).
func (a *app) storeNotice(d store.Damage) {
	a.log.Warn("state file damaged; moved aside", "file", d.Path, "moved_to", d.MovedTo, "reason", d.Reason.Error())
	if !a.inTUI.Load() {
		fmt.Fprintln(a.io.err, "ohdash: warning: "+d.String())
	}
}
