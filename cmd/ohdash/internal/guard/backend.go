package guard

import (
	"context"
	"fmt"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/logbuf"
)

// Action names of sandbox lifecycle actions in the audit log; they match
// the dashboard's key-binding action names.
const (
	SandboxStart  = "sandbox.start"
	SandboxPause  = "sandbox.pause"
	SandboxResume = "sandbox.resume"
	SandboxDelete = "sandbox.delete"
	// SandboxStop stops a V0 conversation runtime's container after its
	// conversation stopped (there is no key for it on its own).
	SandboxStop = "sandbox.stop"
)

// Backend wraps b so its lifecycle actions go through g. Reads pass
// straight through. The result implements every optional capability,
// answering ErrUnsupported for those b lacks, and tells which b has through
// backend.Supports: a new capability never vanishes behind the wrapper.
func (g *Guard) Backend(b backend.Backend) backend.Backend {
	return guarded{Backend: b, g: g}
}

// Unwrap returns the backend a guarded backend wraps, or b itself.
func Unwrap(b backend.Backend) backend.Backend {
	if u, ok := b.(interface{ Unwrap() backend.Backend }); ok {
		return u.Unwrap()
	}
	return b
}

type guarded struct {
	backend.Backend
	g *Guard
}

var (
	_ backend.Backend            = guarded{}
	_ backend.Explainer          = guarded{}
	_ backend.SandboxStopper     = guarded{}
	_ backend.LogStreamer        = guarded{}
	_ backend.SandboxGetter      = guarded{}
	_ backend.StatsReader        = guarded{}
	_ backend.CapabilityReporter = guarded{}
)

// Supports reports what the wrapped backend can do.
func (b guarded) Supports(c backend.Capability) bool { return backend.Supports(b.Backend, c) }

func (b guarded) Unwrap() backend.Backend { return b.Backend }

func (b guarded) op(action, target string) Op {
	return Op{Action: action, Backend: b.Name(), Target: target}
}

// Start starts a sandbox; the audit entry names the sandbox created.
func (b guarded) Start(ctx context.Context, req backend.StartRequest) (backend.Sandbox, error) {
	var sb backend.Sandbox
	op := b.op(SandboxStart, "")
	if req.Image != "" {
		op.Detail = "image " + req.Image
	}
	err := b.g.Do(ctx, op, func(ctx context.Context) (string, error) {
		var err error
		sb, err = b.Backend.Start(ctx, req)
		return sb.ID, err
	})
	return sb, err
}

// Pause pauses a sandbox.
func (b guarded) Pause(ctx context.Context, id string) error {
	return b.g.Do(ctx, b.op(SandboxPause, id), func(ctx context.Context) (string, error) { return "", b.Backend.Pause(ctx, id) })
}

// Resume resumes a sandbox.
func (b guarded) Resume(ctx context.Context, id string) error {
	return b.g.Do(ctx, b.op(SandboxResume, id), func(ctx context.Context) (string, error) { return "", b.Backend.Resume(ctx, id) })
}

// Delete deletes a sandbox.
func (b guarded) Delete(ctx context.Context, id string) error {
	return b.g.Do(ctx, b.op(SandboxDelete, id), func(ctx context.Context) (string, error) { return "", b.Backend.Delete(ctx, id) })
}

// Stop stops a sandbox's container without removing it, when the backend
// can (Docker); others say ErrUnsupported.
func (b guarded) Stop(ctx context.Context, id string) error {
	st, ok := b.Backend.(backend.SandboxStopper)
	if !ok {
		return fmt.Errorf("stop %s: the %s backend cannot stop a sandbox: %w", id, b.Name(), backend.ErrUnsupported)
	}
	return b.g.Do(ctx, b.op(SandboxStop, id), func(ctx context.Context) (string, error) { return "", st.Stop(ctx, id) })
}

// Explain forwards to the backend's explanation, if it has one; the UI
// falls back to its own text on "".
func (b guarded) Explain(a backend.Action, sb backend.Sandbox) string {
	if ex, ok := b.Backend.(backend.Explainer); ok {
		return ex.Explain(a, sb)
	}
	return ""
}

// Get reads one sandbox: reading, so never refused; a backend that cannot
// read one alone says ErrUnsupported (callers list instead).
func (b guarded) Get(ctx context.Context, id string) (backend.Sandbox, error) {
	g, ok := b.Backend.(backend.SandboxGetter)
	if !ok {
		return backend.Sandbox{}, fmt.Errorf("get %s: the %s backend cannot read one sandbox alone: %w", id, b.Name(), backend.ErrUnsupported)
	}
	return g.Get(ctx, id)
}

// Logs streams logs: reading, so never refused; a backend without logs
// says ErrUnsupported.
func (b guarded) Logs(ctx context.Context, id string, opts backend.LogOptions) (<-chan logbuf.Batch, error) {
	ls, ok := b.Backend.(backend.LogStreamer)
	if !ok {
		return nil, fmt.Errorf("logs of %s: the %s backend has no container logs: %w", id, b.Name(), backend.ErrUnsupported)
	}
	return ls.Logs(ctx, id, opts)
}

// Stats samples resource use: reading, so never refused; a backend that
// exposes no figures says ErrUnsupported.
func (b guarded) Stats(ctx context.Context, ids []string) (map[string]backend.ResourceSample, error) {
	sr, ok := b.Backend.(backend.StatsReader)
	if !ok {
		return nil, fmt.Errorf("resource use: the %s backend exposes none: %w", b.Name(), backend.ErrUnsupported)
	}
	return sr.Stats(ctx, ids)
}

// String names the wrapper in debug output.
func (b guarded) String() string { return fmt.Sprintf("guarded(%s)", b.Name()) }
