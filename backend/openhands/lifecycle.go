package openhands

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/ohdash/ohdash/backend"
)

// specInfo is the app-server's SandboxSpecInfo (the fields ohdash uses).
type specInfo struct {
	ID         string `json:"id"`
	WorkingDir string `json:"working_dir"`
}

// Specs lists the sandbox specs the app-server offers, all pages.
func (b *Backend) Specs(ctx context.Context) ([]string, error) {
	var ids []string
	pageID := ""
	for range maxPages {
		q := url.Values{"limit": {"100"}}
		if pageID != "" {
			q.Set("page_id", pageID)
		}
		var p struct {
			Items      []specInfo `json:"items"`
			NextPageID *string    `json:"next_page_id"`
		}
		if err := b.api.do(ctx, call{method: "GET", path: "/sandbox-specs/search", query: q, idempotent: true}, &p); err != nil {
			return nil, fmt.Errorf("%s: %w", b.opts.Name, err)
		}
		for _, s := range p.Items {
			ids = append(ids, s.ID)
		}
		if p.NextPageID == nil || *p.NextPageID == "" || *p.NextPageID == pageID {
			return ids, nil
		}
		pageID = *p.NextPageID
	}
	return ids, nil
}

// Start starts a sandbox with the spec req.SpecID (or req.Image), which
// must be one the app-server offers; with neither, the app-server picks
// its default spec. Other StartRequest fields are the app-server's to
// decide and are refused rather than silently dropped.
func (b *Backend) Start(ctx context.Context, req backend.StartRequest) (backend.Sandbox, error) {
	if len(req.Command) > 0 || len(req.Env) > 0 || len(req.Mounts) > 0 || req.WorkingDir != "" {
		return backend.Sandbox{}, fmt.Errorf("%s: the app-server sets command, environment, mounts and working directory from the sandbox spec: %w", b.opts.Name, backend.ErrUnsupported)
	}
	spec := req.SpecID
	if spec == "" {
		spec = req.Image
	}
	q := url.Values{}
	if spec != "" {
		specs, err := b.Specs(ctx)
		if err != nil {
			return backend.Sandbox{}, err
		}
		found := false
		for _, s := range specs {
			found = found || s == spec
		}
		if !found {
			return backend.Sandbox{}, fmt.Errorf("%s: sandbox spec %q is not offered (offered: %s): %w", b.opts.Name, spec, strings.Join(specs, ", "), backend.ErrNotFound)
		}
		q.Set("sandbox_spec_id", spec)
	}
	var si sandboxInfo
	if err := b.api.do(ctx, call{method: "POST", path: "/sandboxes", query: q}, &si); err != nil {
		return backend.Sandbox{}, fmt.Errorf("%s: start: %w", b.opts.Name, err)
	}
	if err := checkID(si.ID); err != nil {
		return backend.Sandbox{}, fmt.Errorf("%s: start answered: %w", b.opts.Name, err)
	}
	b.poke()
	return b.toSandbox(si), nil
}

// Pause pauses a sandbox.
func (b *Backend) Pause(ctx context.Context, id string) error {
	return b.action(ctx, "POST", "/sandboxes/"+url.PathEscape(id)+"/pause", id, nil)
}

// Resume resumes a paused sandbox.
func (b *Backend) Resume(ctx context.Context, id string) error {
	return b.action(ctx, "POST", "/sandboxes/"+url.PathEscape(id)+"/resume", id, nil)
}

// Delete deletes a sandbox. The id goes in the path and, because the
// upstream handler reads it from there under another name, also as
// ?sandbox_id= (openhands/app_server/sandbox/sandbox_router.py).
func (b *Backend) Delete(ctx context.Context, id string) error {
	return b.action(ctx, "DELETE", "/sandboxes/"+url.PathEscape(id), id, url.Values{"sandbox_id": {id}})
}

func (b *Backend) action(ctx context.Context, method, path, id string, q url.Values) error {
	if err := checkID(id); err != nil {
		return err
	}
	if err := b.api.do(ctx, call{method: method, path: path, query: q}, nil); err != nil {
		return fmt.Errorf("%s: sandbox %s: %w", b.opts.Name, id, err)
	}
	b.poke()
	return nil
}
