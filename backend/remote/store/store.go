// Package store keeps ohdash's own record of remote sandboxes in an embedded
// bbolt file, because the runtime API forgets runtimes soon after they stop.
//
// The file is never held open: every operation opens it, takes bbolt's file
// lock (shared for reads, exclusive for writes) with a timeout, runs one
// short transaction and closes it again. Two dashboards on the same file
// therefore take turns instead of one locking the other out for its whole
// lifetime. Every write is one fsynced bbolt transaction, so killing ohdash
// at any moment keeps every acknowledged record and never corrupts the file.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// DefaultLockTimeout is how long an operation waits for another process to
// release the file before giving up with ErrLocked.
const DefaultLockTimeout = 3 * time.Second

// ErrLocked is returned (wrapped, with the holder's pid when it can be told)
// when another process kept the store locked for longer than the timeout.
var ErrLocked = errors.New("store is locked by another process")

var (
	bucketMeta      = []byte("meta")
	bucketSandboxes = []byte("sandboxes")
	keySchema       = []byte("schema")
)

// schemaVersion is written once; a newer, unknown version is refused rather
// than misread.
const schemaVersion = "1"

// Options tunes a Store.
type Options struct {
	// LockTimeout bounds the wait for the file lock (default 3 s).
	LockTimeout time.Duration
	// Notify is told, once, about every damaged file moved aside (the
	// command line prints it; the dashboard logs it).
	Notify func(Damage)
	// Lost says, in the damage notice, what moving a damaged file aside
	// costs; empty says it for the remote sandbox records. Another file
	// opened through this package (the spend history) says its own.
	Lost string
}

// Store is a handle on the store file. It holds no file descriptor between
// operations and is safe for concurrent use.
type Store struct {
	path        string
	lockTimeout time.Duration
	// mu spares goroutines of this process from fighting over the flock.
	mu     sync.RWMutex
	notify func(Damage)
	lost   string

	epoch   atomic.Uint64
	dmu     sync.Mutex
	damages []Damage
}

// Open prepares the store at path (DefaultPath when empty): it creates the
// directory and the file if needed and checks the schema, then releases the
// file again.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if path == "" {
		p, err := DefaultPath()
		if err != nil {
			return nil, err
		}
		path = p
	}
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = DefaultLockTimeout
	}
	s := &Store{path: path, lockTimeout: opts.LockTimeout, notify: opts.Notify, lost: opts.Lost}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating the store directory: %w", err)
	}
	if err := createIfMissing(path); err != nil {
		return nil, err
	}
	// Once per process, the whole file is checked with bbolt's own
	// consistency check: a file whose header is intact but whose pages
	// were overwritten is caught here, before anything is read from it.
	err := s.update(ctx, func(tx *bolt.Tx) error {
		if err := initSchema(tx); err != nil {
			return err
		}
		if err := checkTx(tx); err != nil {
			return fmt.Errorf("%w: bbolt's consistency check: %w", ErrDamaged, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// initSchema creates the buckets and the schema version, or checks the
// version of an existing file: a newer, unknown version is refused rather
// than misread (and not taken for damage).
func initSchema(tx *bolt.Tx) error {
	meta, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return err
	}
	switch v := string(meta.Get(keySchema)); v {
	case "":
		if err := meta.Put(keySchema, []byte(schemaVersion)); err != nil {
			return err
		}
	case schemaVersion:
	default:
		return fmt.Errorf("store %s has schema version %s; this ohdash understands %s", tx.DB().Path(), printable(v), schemaVersion)
	}
	_, err = tx.CreateBucketIfNotExists(bucketSandboxes)
	return err
}

// checkTx runs bbolt's consistency check and joins what it finds.
func checkTx(tx *bolt.Tx) error {
	var errs []error
	for err := range tx.Check() {
		// A few say enough; the rest is drained, not kept.
		if len(errs) < 5 {
			errs = append(errs, errors.New(printable(err.Error())))
		}
	}
	return errors.Join(errs...)
}

// Update runs fn in one fsynced write transaction under the store's
// discipline (exclusive lock with a timeout, layout checked before bbolt
// maps the file, a damaged file moved aside and fn run again on an empty
// one). It lets another record kept in its own file (the spend history)
// reuse that discipline; fn creates the buckets it needs.
func (s *Store) Update(ctx context.Context, fn func(*bolt.Tx) error) error { return s.update(ctx, fn) }

// View runs fn in one read transaction, like Update; buckets fn did not
// create yet are missing (nil).
func (s *Store) View(ctx context.Context, fn func(*bolt.Tx) error) error { return s.view(ctx, fn) }

// Path returns the store file's path.
func (s *Store) Path() string { return s.path }

// Put inserts or replaces records in one transaction. When it returns nil
// every record is on disk.
func (s *Store) Put(ctx context.Context, recs ...Record) error {
	if len(recs) == 0 {
		return nil
	}
	for _, r := range recs {
		if r.ID == "" || r.APIURL == "" {
			return fmt.Errorf("store: record needs an id and an API URL (id %q, api %q)", r.ID, r.APIURL)
		}
	}
	return s.update(ctx, func(tx *bolt.Tx) error {
		for _, r := range recs {
			b, err := tx.Bucket(bucketSandboxes).CreateBucketIfNotExists([]byte(r.APIURL))
			if err != nil {
				return err
			}
			data, err := json.Marshal(r)
			if err != nil {
				return err
			}
			if err := b.Put([]byte(r.ID), data); err != nil {
				return err
			}
		}
		return nil
	})
}

// Delete forgets the given sandboxes of one API; unknown ids are ignored.
func (s *Store) Delete(ctx context.Context, apiURL string, ids ...string) error {
	return s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSandboxes).Bucket([]byte(apiURL))
		if b == nil {
			return nil
		}
		for _, id := range ids {
			if err := b.Delete([]byte(id)); err != nil {
				return err
			}
		}
		return nil
	})
}

// Get returns one record; ok is false when it is not stored.
func (s *Store) Get(ctx context.Context, apiURL, id string) (rec Record, ok bool, err error) {
	err = s.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSandboxes).Bucket([]byte(apiURL))
		if b == nil {
			return nil
		}
		data := b.Get([]byte(id))
		if data == nil {
			return nil
		}
		ok = true
		return decode(data, &rec)
	})
	return rec, ok, err
}

// List returns every record of one API, ordered by id.
func (s *Store) List(ctx context.Context, apiURL string) ([]Record, error) {
	var recs []Record
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSandboxes).Bucket([]byte(apiURL))
		if b == nil {
			return nil
		}
		recs = make([]Record, 0, b.Stats().KeyN)
		return b.ForEach(func(_, v []byte) error {
			var r Record
			if err := decode(v, &r); err != nil {
				return err
			}
			recs = append(recs, r)
			return nil
		})
	})
	return recs, err
}

// Check verifies the file's internal consistency (bbolt's page checks).
func (s *Store) Check(ctx context.Context) error {
	return s.view(ctx, checkTx)
}

// Stamp identifies the file's current content cheaply (size and
// modification time), so a reader can skip reloading an unchanged store.
func (s *Store) Stamp() (Stamp, error) {
	fi, err := os.Stat(s.path)
	if err != nil {
		return Stamp{}, fmt.Errorf("store: %w", err)
	}
	return Stamp{size: fi.Size(), mod: fi.ModTime()}, nil
}

// Stamp is an opaque file version; compare stamps with ==.
type Stamp struct {
	size int64
	mod  time.Time
}

func decode(data []byte, r *Record) error {
	if err := json.Unmarshal(data, r); err != nil {
		return fmt.Errorf("store: undecodable record: %w", err)
	}
	return nil
}
