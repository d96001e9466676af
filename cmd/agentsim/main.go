// Command agentsim behaves like an OpenHands agent-server for ohdash's
// tests and demo: it answers the server routes (/alive, /health,
// /server_info, /ready), checks X-Session-API-Key against the key in its
// environment, and writes log lines at a configurable rate and shape. It is
// built as a static binary and run in a FROM-scratch image, so tests need no
// registry.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	cfg, err := parseConfig(os.Args[1:], os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "agentsim:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "agentsim:", err)
		os.Exit(1)
	}
}

type config struct {
	addr   string
	keys   []string
	legacy bool
	logs   logConfig
}

func parseConfig(args []string, getenv func(string) string) (config, error) {
	fs := flag.NewFlagSet("agentsim", flag.ContinueOnError)
	port := fs.Int("port", 8000, "port to listen on")
	host := fs.String("host", "0.0.0.0", "address to listen on")
	legacy := fs.Bool("legacy", getenv("AGENTSIM_VERSION") == "1.1.0", "behave like agent-server 1.1.x (/health returns \"OK\")")
	lc, err := logConfigFromEnv(getenv)
	if err != nil {
		return config{}, err
	}
	fs.IntVar(&lc.lines, "log-lines", lc.lines, "log lines to write (-1: forever)")
	fs.Float64Var(&lc.rate, "log-rate", lc.rate, "log lines per second (0: as fast as possible)")
	fs.StringVar(&lc.shape, "log-shape", lc.shape, "numbered, long, hostile or mixed")
	fs.IntVar(&lc.stderrEvery, "log-stderr-every", lc.stderrEvery, "write every Nth line to stderr (0: never)")
	fs.IntVar(&lc.width, "log-width", lc.width, "bytes per numbered line, newline included")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if err := lc.validate(); err != nil {
		return config{}, err
	}
	return config{
		addr:   fmt.Sprintf("%s:%d", *host, *port),
		keys:   sessionKeys(getenv),
		legacy: *legacy,
		logs:   lc,
	}, nil
}

// sessionKeys reads the keys the way the agent-server does: the indexed
// OH_SESSION_API_KEYS_n list, else the legacy SESSION_API_KEY.
func sessionKeys(getenv func(string) string) []string {
	var keys []string
	for i := 0; ; i++ {
		k := getenv(fmt.Sprintf("OH_SESSION_API_KEYS_%d", i))
		if k == "" {
			break
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		if k := getenv("SESSION_API_KEY"); k != "" {
			keys = append(keys, k)
		}
	}
	return keys
}

func run(ctx context.Context, cfg config) error {
	srv := &http.Server{
		Addr:              cfg.addr,
		Handler:           newServer(cfg, time.Now()),
		ReadHeaderTimeout: 10 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	go writeLogs(ctx, cfg.logs, os.Stdout, os.Stderr)
	select {
	case err := <-errc:
		return fmt.Errorf("serve %s: %w", cfg.addr, err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Printf("agentsim: shutdown: %v", err)
	}
	return nil
}
