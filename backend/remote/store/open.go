package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

func (s *Store) update(ctx context.Context, fn func(*bolt.Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.with(ctx, false, func(db *bolt.DB) error { return db.Update(fn) })
}

func (s *Store) view(ctx context.Context, fn func(*bolt.Tx) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.with(ctx, true, func(db *bolt.DB) error { return db.View(fn) })
}

// with opens the file for one transaction. Reads take a shared lock, writes
// an exclusive one; either waits at most the lock timeout (or until ctx's
// deadline, if sooner).
func (s *Store) with(ctx context.Context, readOnly bool, fn func(*bolt.DB) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	timeout := s.lockTimeout
	if dl, ok := ctx.Deadline(); ok {
		if left := time.Until(dl); left < timeout {
			timeout = left
		}
	}
	if timeout <= 0 {
		return context.DeadlineExceeded
	}
	db, err := bolt.Open(s.path, 0o600, &bolt.Options{Timeout: timeout, ReadOnly: readOnly})
	if errors.Is(err, bolt.ErrTimeout) {
		return s.lockedError(timeout)
	}
	if err != nil {
		return fmt.Errorf("opening store %s: %w", s.path, err)
	}
	err = fn(db)
	if cerr := db.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("closing store %s: %w", s.path, cerr)
	}
	return err
}

func (s *Store) lockedError(waited time.Duration) error {
	who := "another ohdash"
	if pid := lockHolder(s.path); pid > 0 {
		who += " (pid " + strconv.Itoa(pid) + ")"
	}
	return fmt.Errorf("%s holds the store %s and did not let go within %s; try again, or give this ohdash another state file: %w",
		who, s.path, waited.Round(time.Millisecond), ErrLocked)
}

// createIfMissing makes a fresh, fully initialised bbolt file appear at path
// atomically. bbolt initialises a new file in place, and a process killed
// half-way through would leave a file every later open rejects; building it
// under a temporary name and linking it into place rules that out. Two
// processes racing here both succeed: the link of the slower one fails with
// "exists" and it uses the winner's file.
func createIfMissing(path string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("store: %w", err)
	}
	tmp := fmt.Sprintf("%s.new-%d", path, os.Getpid())
	_ = os.Remove(tmp) // a leftover of a process that died here earlier
	db, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return fmt.Errorf("creating store %s: %w", path, err)
	}
	if err := db.Close(); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("creating store %s: %w", path, err)
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("creating store %s: %w", path, err)
	}
	return syncDir(filepath.Dir(path))
}

// syncDir makes a new directory entry durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("store: syncing %s: %w", dir, err)
	}
	return nil
}
