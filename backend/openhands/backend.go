package openhands

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// ErrPartial marks a refresh whose rows are real but incomplete (a row
// with an impossible id was left out).
var ErrPartial = errors.New("partial answer")

// maxPages bounds a listing: a server whose next_page_id never ends must
// not hold a refresh forever.
const maxPages = 1000

// Backend watches and controls the sandboxes of one app-server. It
// implements backend.Backend and backend.SandboxGetter, and is safe for
// concurrent use.
type Backend struct {
	opts Options
	api  *client
	host string

	refreshMu sync.Mutex

	mu        sync.Mutex
	sandboxes []backend.Sandbox
	conn      backend.ConnState
	listed    bool

	seq  atomic.Uint64
	kick chan struct{}

	convs convCache
}

var (
	_ backend.Backend       = (*Backend)(nil)
	_ backend.SandboxGetter = (*Backend)(nil)
)

// New returns a backend for opts; it makes no request.
func New(opts Options) (*Backend, error) {
	opts.setDefaults()
	base, err := checkURL(opts.URL)
	if err != nil {
		return nil, err
	}
	u, _ := url.Parse(base)
	return &Backend{
		opts: opts, host: u.Host, kick: make(chan struct{}, 1),
		api: &client{base: base, key: opts.APIKey, http: opts.HTTPClient, timeout: opts.RequestTimeout, attempts: opts.Attempts, retry: opts.RetryBase},
	}, nil
}

// Name is the source name rows carry.
func (b *Backend) Name() string { return b.opts.Name }

// URL is the app-server's base URL.
func (b *Backend) URL() string { return b.api.base }

// List refreshes once and returns every sandbox, newest first.
func (b *Backend) List(ctx context.Context) ([]backend.Sandbox, error) {
	err := b.refresh(ctx)
	if err != nil && !errors.Is(err, ErrPartial) {
		return nil, err
	}
	return b.snapshot().Sandboxes, err
}

// listAll reads every page of GET /sandboxes/search. Pages are offsets,
// so a sandbox created between two pages can shift one into the next:
// rows are de-duplicated by id.
func (b *Backend) listAll(ctx context.Context) ([]sandboxInfo, error) {
	var all []sandboxInfo
	seen := map[string]bool{}
	pageID := ""
	for range maxPages {
		q := url.Values{"limit": {"100"}}
		if pageID != "" {
			q.Set("page_id", pageID)
		}
		var p sandboxPage
		if err := b.api.do(ctx, call{method: "GET", path: "/sandboxes/search", query: q, idempotent: true}, &p); err != nil {
			return nil, err
		}
		for _, si := range p.Items {
			if !seen[si.ID] {
				seen[si.ID] = true
				all = append(all, si)
			}
		}
		if p.NextPageID == nil || *p.NextPageID == "" || *p.NextPageID == pageID {
			return all, nil
		}
		pageID = *p.NextPageID
	}
	return nil, fmt.Errorf("app-server GET /sandboxes/search: more than %d pages: %w", maxPages, ErrMalformed)
}

// refresh lists every sandbox and replaces the known ones.
func (b *Backend) refresh(ctx context.Context) error {
	b.refreshMu.Lock()
	defer b.refreshMu.Unlock()
	began := time.Now()
	infos, err := b.listAll(ctx)
	if err != nil {
		b.failed(err)
		return err
	}
	sbs := make([]backend.Sandbox, 0, len(infos))
	var bad error
	for _, si := range infos {
		if err := checkID(si.ID); err != nil {
			bad = errors.Join(bad, err)
			continue
		}
		sbs = append(sbs, b.toSandbox(si))
	}
	slices.SortFunc(sbs, newestFirst)
	b.mu.Lock()
	b.sandboxes, b.listed = sbs, true
	b.mu.Unlock()
	b.succeeded(began)
	if bad != nil {
		return fmt.Errorf("%w: %w", ErrPartial, bad)
	}
	return nil
}

func (b *Backend) succeeded(began time.Time) {
	now := time.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.conn.Phase != backend.ConnLive {
		b.conn.Since = now
	}
	b.conn.Phase, b.conn.Attempt, b.conn.Err, b.conn.NextRetry = backend.ConnLive, 0, nil, time.Time{}
	b.conn.Latency, b.conn.LastRefresh, b.conn.LastAnswer = now.Sub(began), now, now
}

func (b *Backend) failed(err error) {
	now := time.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.conn.Phase == backend.ConnLive || b.conn.Since.IsZero() {
		b.conn.Since = now
	}
	var ae *APIError
	if errors.As(err, &ae) {
		b.conn.LastAnswer = now // it answered, if only to refuse
	}
	b.conn.Phase, b.conn.Err = backend.ConnReconnecting, err
	b.conn.Attempt++
}

// snapshot renders the current state.
func (b *Backend) snapshot() backend.Snapshot {
	b.mu.Lock()
	defer b.mu.Unlock()
	return backend.Snapshot{Source: b.opts.Name, Seq: b.seq.Add(1), Sandboxes: slices.Clone(b.sandboxes), Conn: b.conn, Listed: b.listed}
}

// Watch refreshes every PollInterval (sooner after an action), sends a
// snapshot after each, says "not answering" when a refresh outlasts
// backend.AnswerDeadline, and backs off while the app-server fails.
func (b *Backend) Watch(ctx context.Context) <-chan backend.Snapshot {
	ch := make(chan backend.Snapshot, 1)
	go func() {
		defer close(ch)
		backend.SendLatest(ch, b.snapshot())
		backend.Poll{
			Interval: b.opts.PollInterval, MaxBackoff: b.opts.MaxBackoff,
			Refresh: b.refresh, Silent: b.notAnswering, Retry: b.retryAt,
			Failed:   func(err error) bool { return !errors.Is(err, ErrPartial) },
			Snapshot: b.snapshot, Kick: b.kick,
		}.Run(ctx, ch)
	}()
	return ch
}

// notAnswering marks the connection as not answering since began (or
// since it went stale, when it already was); false when it already says so.
func (b *Backend) notAnswering(began time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.conn.Phase {
	case backend.ConnUnresponsive:
		return false
	case backend.ConnReconnecting:
		began = b.conn.Since
	}
	b.conn.Phase, b.conn.Since, b.conn.NextRetry = backend.ConnUnresponsive, began, time.Time{}
	return true
}

// retryAt records when the next attempt after a failure happens.
func (b *Backend) retryAt(at time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.conn.NextRetry = at
}

func (b *Backend) poke() {
	select {
	case b.kick <- struct{}{}:
	default:
	}
}

// Get reads one sandbox through the batch route, without listing.
func (b *Backend) Get(ctx context.Context, id string) (backend.Sandbox, error) {
	sbs, err := b.getBatch(ctx, []string{id})
	if err != nil {
		return backend.Sandbox{}, err
	}
	if len(sbs) == 0 || sbs[0].ID == "" {
		return backend.Sandbox{}, fmt.Errorf("%s: sandbox %s: %w", b.opts.Name, id, backend.ErrNotFound)
	}
	return sbs[0], nil
}

// Refresh reads the given sandboxes (the ones on screen) with batch gets
// of up to 100 and updates them in place; a missing one becomes MISSING.
func (b *Backend) Refresh(ctx context.Context, ids []string) error {
	for start := 0; start < len(ids); start += 100 {
		chunk := ids[start:min(start+100, len(ids))]
		got, err := b.getBatch(ctx, chunk)
		if err != nil {
			return err
		}
		b.mu.Lock()
		for i, sb := range got {
			for j := range b.sandboxes {
				if b.sandboxes[j].ID != chunk[i] {
					continue
				}
				if sb.ID == "" {
					b.sandboxes[j].Status, b.sandboxes[j].ExposedURLs, b.sandboxes[j].SessionAPIKey = backend.StatusMissing, nil, backend.Secret{}
				} else {
					b.sandboxes[j] = sb
				}
			}
		}
		b.mu.Unlock()
	}
	return nil
}

// getBatch is GET /sandboxes?id=…; a missing sandbox is the zero Sandbox.
func (b *Backend) getBatch(ctx context.Context, ids []string) ([]backend.Sandbox, error) {
	for _, id := range ids {
		if err := checkID(id); err != nil {
			return nil, err
		}
	}
	var infos []*sandboxInfo
	if err := b.api.do(ctx, call{method: "GET", path: "/sandboxes", query: url.Values{"id": ids}, idempotent: true}, &infos); err != nil {
		return nil, fmt.Errorf("%s: %w", b.opts.Name, err)
	}
	if len(infos) != len(ids) {
		return nil, fmt.Errorf("%s: GET /sandboxes: %d answers for %d ids: %w", b.opts.Name, len(infos), len(ids), ErrMalformed)
	}
	out := make([]backend.Sandbox, len(ids))
	for i, si := range infos {
		if si != nil && si.ID == ids[i] {
			out[i] = b.toSandbox(*si)
		}
	}
	return out, nil
}
