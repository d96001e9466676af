package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/config"
)

// engineTimeout bounds asking one engine what it is for `ohdash config`.
const engineTimeout = 3 * time.Second

// printEngines writes, as TOML comments after the configuration, which
// engine answers for each [[docker]] backend (Docker or Podman, with its
// version) and where it was found. An engine that does not answer is said
// so; it is not an error of the configuration.
func printEngines(ctx context.Context, w io.Writer, cfg *config.Config, getenv func(string) string) error {
	for _, d := range cfg.Docker {
		line := engineLine(ctx, cfg, d, getenv)
		if _, err := fmt.Fprintf(w, "# engine of [[docker]] %s: %s\n", backend.CleanText(d.Name), line); err != nil {
			return err
		}
	}
	return nil
}

func engineLine(ctx context.Context, cfg *config.Config, d config.DockerConfig, getenv func(string) string) string {
	b, err := docker.New(dockerOptions(cfg, d, getenv))
	if err != nil {
		return "none (" + backend.SafeText(err.Error()) + ")"
	}
	defer b.Close()
	ep := b.Endpoint()
	where := backend.SafeText(backend.MaskURL(ep.Host)) + " (" + backend.CleanText(ep.Source) + ")"
	ctx, cancel := context.WithTimeout(ctx, engineTimeout)
	defer cancel()
	e, err := b.Engine(ctx)
	if err != nil {
		return "not answering at " + where
	}
	return fmt.Sprintf("%s (API %s) at %s", e, e.APIVersion, where)
}
