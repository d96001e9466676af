package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/ohdash/ohdash/backend/sim/agentserver"
	"github.com/ohdash/ohdash/backend/sim/nestedv0"
)

// emulator is what both modes serve.
type emulator interface {
	http.Handler
	Close()
}

func newEmulator(cfg config, log *slog.Logger) (emulator, error) {
	if cfg.mode == "v0" {
		key := ""
		if len(cfg.keys) > 0 {
			key = cfg.keys[0]
		}
		srv, err := nestedv0.New(nestedv0.Options{
			ConversationID: cfg.conversationID,
			Key:            key,
			Title:          cfg.title,
			Pace:           cfg.pace,
			StartDelay:     cfg.startDelay,
			StopDelay:      cfg.stopDelay,
			Faults:         cfg.faults,
		})
		if err != nil {
			return nil, err
		}
		if cfg.seed.Events > 0 {
			srv.Generate(cfg.seed.Events)
		}
		return srv, nil
	}
	srv, err := agentserver.New(agentserver.Options{
		Version:      cfg.version,
		Keys:         cfg.keys,
		Pace:         cfg.pace,
		Confirmation: cfg.confirm,
		Model:        cfg.model,
		Faults:       cfg.faults,
		Content:      cfg.content,
		Variant:      cfg.variant,
		Logger:       log,
	})
	if err != nil {
		return nil, err
	}
	for i := range cfg.seedCount {
		spec := cfg.seed
		if i > 0 {
			spec.ID = ""
		}
		if _, err := srv.Seed(spec); err != nil {
			srv.Close()
			return nil, fmt.Errorf("seed conversation %d: %w", i+1, err)
		}
	}
	return srv, nil
}

// run serves until ctx ends (SIGTERM), then closes the websockets and
// drains requests for up to two seconds.
func run(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	log := slog.New(slog.DiscardHandler)
	if cfg.accessLog {
		log = slog.New(slog.NewTextHandler(stderr, nil))
	}
	emu, err := newEmulator(cfg, log)
	if err != nil {
		return err
	}
	defer emu.Close()
	startLoad(ctx, cfg.load)
	var h http.Handler = emu
	if cfg.accessLog {
		h = accessLog(log, h)
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logCtx, stopLogs := context.WithCancel(ctx)
	defer stopLogs()
	logsDone := make(chan struct{})
	go func() {
		defer close(logsDone)
		writeLogs(logCtx, cfg.logs, stdout, stderr)
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("serve %s: %w", cfg.addr, err)
	case <-ctx.Done():
	}
	// Websockets are hijacked connections Shutdown does not wait for:
	// close them (1012) first.
	emu.Close()
	shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdown)
	stopLogs()
	<-logsDone
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// accessLog logs method, path (without the query, which may carry a
// session key) and status of every request.
func accessLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		began := time.Now()
		next.ServeHTTP(rec, r)
		log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "took", time.Since(began))
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Hijack lets the websocket upgrade work behind the access log.
func (r *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := r.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("response writer cannot be hijacked")
	}
	r.status = http.StatusSwitchingProtocols
	return h.Hijack()
}

// Flush passes streaming writes through.
func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
