package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// listTimeout bounds a listing for scripts: a backend that does not answer
// in time counts as unreachable rather than hanging the script.
const listTimeout = 45 * time.Second

// listing is one backend's answer.
type listing struct {
	backend   backend.Backend
	sandboxes []backend.Sandbox
	err       error
}

// listAll lists every given backend concurrently, keeping their order.
func listAll(ctx context.Context, bs []backend.Backend) []listing {
	out := make([]listing, len(bs))
	var wg sync.WaitGroup
	for i, b := range bs {
		out[i].backend = b
		wg.Go(func() {
			lctx, cancel := context.WithTimeout(ctx, listTimeout)
			defer cancel()
			start := time.Now()
			sbs, err := b.List(lctx)
			if err != nil && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
				// The backend may give up on a deadline of its own,
				// shorter than the listing's: say the time waited.
				waited := listTimeout
				if lctx.Err() == nil {
					waited = time.Since(start).Round(time.Millisecond)
					if waited >= time.Second {
						waited = waited.Round(time.Second)
					}
				}
				err = fmt.Errorf("no answer within %s: %w", waited, backend.ErrUnavailable)
			}
			if err != nil {
				err = fmt.Errorf("backend %s: %w", b.Name(), err)
			}
			out[i].sandboxes, out[i].err = sbs, err
		})
	}
	wg.Wait()
	return out
}

// collect flattens listings into the sandboxes keep accepts (nil: all),
// joining the failures of the backends that did not answer.
func collect(ls []listing, keep func(backend.Sandbox) bool) ([]backend.Sandbox, error) {
	var out []backend.Sandbox
	var failed error
	for _, l := range ls {
		// A backend may return rows with its error: what it could list
		// (a partial answer). They are kept; the error is still said.
		if l.err != nil {
			failed = errors.Join(failed, l.err)
		}
		for _, sb := range l.sandboxes {
			if keep == nil || keep(sb) {
				out = append(out, sb)
			}
		}
	}
	return out, failed
}

// ref is a sandbox as the user names it: "ID", a unique prefix or suffix
// of an id, or "BACKEND/ID" to pick the backend.
type ref struct {
	backend, id string
}

func parseRef(s string) ref {
	if b, id, ok := strings.Cut(s, "/"); ok && b != "" && id != "" {
		return ref{backend: b, id: id}
	}
	return ref{id: s}
}

// found is a resolved sandbox and the backend that holds it.
type found struct {
	backend backend.Backend
	sandbox backend.Sandbox
}

// resolver answers sandbox references from one listing of the selected
// backends, so naming ten sandboxes costs one list, not ten.
type resolver struct {
	listings []listing
}

// resolver lists the selected backends once.
func (a *app) resolver(ctx context.Context) (*resolver, error) {
	bs, err := a.Selected(ctx)
	if err != nil {
		return nil, err
	}
	return &resolver{listings: listAll(ctx, bs)}, nil
}

// resolveSandbox finds the one sandbox name refers to.
func (a *app) resolveSandbox(ctx context.Context, name string) (found, error) {
	if err := checkSandboxRef(name); err != nil {
		return found{}, err
	}
	r, err := a.resolver(ctx)
	if err != nil {
		return found{}, err
	}
	return r.find(name)
}

// find returns the one sandbox a reference names. An exact id wins;
// otherwise a unique prefix or suffix of an id (people copy the distinctive
// end of a long container name). Ambiguity is a usage error. When no
// reachable backend has it and some backend could not be asked, the
// answer is "unreachable", not "not found".
func (r *resolver) find(name string) (found, error) {
	ref := parseRef(name)
	if ref.backend != "" && !r.hasBackend(ref.backend) {
		return found{}, usagef("%q: no backend named %q", name, ref.backend)
	}
	var m matches[found]
	for _, l := range r.listings {
		if ref.backend != "" && l.backend.Name() != ref.backend {
			continue
		}
		if l.err != nil {
			// A partial answer still lists what it could: a sandbox in
			// it is found (one bad entry in a runtime API's /list must
			// not make every other sandbox there unreachable by name).
			m.unasked = errors.Join(m.unasked, l.err)
		}
		for _, sb := range l.sandboxes {
			switch {
			case sb.ID == ref.id:
				m.exact = append(m.exact, found{l.backend, sb})
			case strings.HasPrefix(sb.ID, ref.id) || strings.HasSuffix(sb.ID, ref.id) ||
				(sb.Prefix != "" && strings.HasPrefix(sb.ShortID(), ref.id)):
				// The id after the configured prefix is what people
				// copy: "4YT6" for oh-agent-server-4YT6….
				m.partial = append(m.partial, found{l.backend, sb})
			default:
				m.consider(ref.id, sb.ShortID(), sb.Key())
			}
		}
	}
	return m.one("sandbox", name, func(f found) string { return f.sandbox.Key() }, "name one exactly, or as BACKEND/ID")
}

func (r *resolver) hasBackend(name string) bool {
	for _, l := range r.listings {
		if l.backend.Name() == name {
			return true
		}
	}
	return false
}
