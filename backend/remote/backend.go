package remote

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"os"
	"os/user"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/remote/store"
)

// Backend watches and controls the sandboxes behind one runtime API. It
// implements backend.Backend and is safe for concurrent use.
type Backend struct {
	opts    Options
	api     *client
	apiURL  string // normalised; the store files records under it
	apiHost string

	// refreshMu serialises refreshes (Watch loops and List calls).
	refreshMu sync.Mutex
	// batch is how sandboxes missing from /list are checked.
	batch    batchMode
	stamp    store.Stamp
	loadedAt time.Time
	// storeErr is the last failure to load or save the store.
	storeErr error
	// storeEpoch is the store's Epoch when last loaded.
	storeEpoch uint64

	mu sync.Mutex
	// storeNote says that the store was found damaged and replaced: the
	// Notice of every snapshot since.
	storeNote error
	known     map[string]*entry
	// listIndex maps the hash of each runtime's bytes in the last /list to
	// its sandbox id.
	listIndex map[uint64]string
	// lastList is the last /list answer, when every runtime in it is in
	// listIndex with its current bytes.
	lastList []byte
	hashSeed maphash.Seed
	conn     backend.ConnState
	listed   bool

	seq  atomic.Uint64
	kick chan struct{}
}

type batchMode int

const (
	batchUnknown batchMode = iota
	batchSupported
	batchMissing // the API has no batch route: GET /sessions/{id} each
)

var _ backend.Backend = (*Backend)(nil)

// New returns a backend for opts. It makes no request: the first refresh
// (Watch or List) is the first contact with the API.
func New(opts Options) (*Backend, error) {
	opts.setDefaults()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	u, _ := checkAPIURL(opts.URL, opts.Insecure) // validated above
	if opts.User == "" {
		opts.User = osUser()
	}
	b := &Backend{
		opts:     opts,
		apiURL:   normalizeAPIURL(u),
		apiHost:  u.Host,
		known:    map[string]*entry{},
		hashSeed: maphash.MakeSeed(),
		kick:     make(chan struct{}, 1),
		api: &client{
			base: normalizeAPIURL(u), key: opts.APIKey, http: opts.HTTPClient,
			timeout: opts.RequestTimeout, attempts: opts.Attempts,
			retry: opts.RetryBase, maxWait: opts.MaxRetryAfter,
		},
	}
	return b, nil
}

// Name is the source name rows carry.
func (b *Backend) Name() string { return b.opts.Name }

// APIURL is the runtime API this backend talks to.
func (b *Backend) APIURL() string { return b.apiURL }

// List refreshes once and returns every known sandbox, including those the
// API has forgotten (from the store, with their last known status). When
// /list answered but checking some sandboxes missing from it failed, it
// returns every sandbox (those unchecked with their last known status)
// and an error wrapping ErrPartial: the rows are real, the list is not
// complete.
func (b *Backend) List(ctx context.Context) ([]backend.Sandbox, error) {
	err := b.refresh(ctx)
	if err != nil && !errors.Is(err, ErrPartial) {
		return nil, err
	}
	return b.snapshot().Sandboxes, err
}

// ErrPartial marks a refresh in which /list answered but something after
// it failed: what was listed is current, the rest is as last known.
var ErrPartial = errors.New("partial answer")

// Watch refreshes every PollInterval (sooner after an action), sends a
// snapshot after every refresh, and backs off while the API fails. It
// never gives up; the channel closes when ctx is done.
func (b *Backend) Watch(ctx context.Context) <-chan backend.Snapshot {
	ch := make(chan backend.Snapshot, 1)
	go func() {
		defer close(ch)
		b.loadStore(ctx)
		backend.SendLatest(ch, b.snapshot())
		b.poll().Run(ctx, ch)
	}()
	return ch
}

// poke asks Watch loops to refresh now, after an action changed something.
func (b *Backend) poke() {
	select {
	case b.kick <- struct{}{}:
	default:
	}
}

// snapshot renders the current state, newest sandbox first.
func (b *Backend) snapshot() backend.Snapshot {
	b.mu.Lock()
	defer b.mu.Unlock()
	// Sort the entries, not the rendered values: a Sandbox is large, and
	// moving a thousand of them around costs more than rendering them.
	es := make([]*entry, 0, len(b.known))
	for _, e := range b.known {
		es = append(es, e)
	}
	slices.SortFunc(es, func(x, y *entry) int {
		if c := y.rec.CreatedAt.Compare(x.rec.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(x.rec.ID, y.rec.ID)
	})
	sbs := make([]backend.Sandbox, len(es))
	for i, e := range es {
		sbs[i] = e.sandbox(b.opts.Name, b.apiHost)
	}
	return backend.Snapshot{Source: b.opts.Name, Seq: b.seq.Add(1), Sandboxes: sbs, Conn: b.conn, Listed: b.listed, Notice: b.storeNote}
}

// sandbox returns one sandbox as the last refresh left it.
func (b *Backend) sandbox(id string) (backend.Sandbox, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.known[id]
	if e == nil {
		return backend.Sandbox{}, false
	}
	return e.sandbox(b.opts.Name, b.apiHost), true
}

// entryLocked returns the entry for id, creating it (first seen now).
func (b *Backend) entryLocked(id string, now time.Time) *entry {
	e := b.known[id]
	if e == nil {
		e = &entry{rec: store.Record{ID: id, APIURL: b.apiURL, CreatedAt: now, UpdatedAt: now}, dirty: true}
		b.known[id] = e
	}
	return e
}

func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return fmt.Sprintf("uid %d", os.Getuid())
}
