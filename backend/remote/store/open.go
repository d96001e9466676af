package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
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

// with runs fn on the file, and when the file turns out to be damaged,
// moves it aside, starts an empty one and runs fn again on that: a
// damaged state file costs the records in it, never the command.
func (s *Store) with(ctx context.Context, readOnly bool, fn func(*bolt.DB) error) error {
	for range 3 {
		err := s.withOnce(ctx, readOnly, fn)
		var d *damageError
		switch {
		case errors.As(err, &d):
			if err := s.quarantine(d); err != nil {
				return err
			}
		case errors.Is(err, os.ErrNotExist):
			// Deleted while ohdash runs: a new, empty one, without fuss.
			if err := createIfMissing(s.path); err != nil {
				return err
			}
		default:
			return err
		}
	}
	return fmt.Errorf("store %s: still unusable after replacing it: %w", s.path, ErrDamaged)
}

// withOnce opens the file for one transaction. Reads take a shared lock,
// writes an exclusive one; either waits at most the lock timeout (or until
// ctx's deadline, if sooner). The file's layout is checked under that lock
// before bbolt maps it, and bbolt runs with faults turned into panics and
// panics recovered, so that no damage it meets can crash the process.
func (s *Store) withOnce(ctx context.Context, readOnly bool, fn func(*bolt.DB) error) (err error) {
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
	var (
		file *os.File
		info os.FileInfo // of the file judged, to move aside only that one
	)
	opts := &bolt.Options{Timeout: timeout, ReadOnly: readOnly, OpenFile: func(name string, flag int, perm os.FileMode) (*os.File, error) {
		// Never let bbolt create (and initialise in place) a missing file:
		// createIfMissing makes new files appear whole.
		f, err := os.OpenFile(name, flag&^os.O_CREATE, perm)
		if err != nil {
			return nil, err
		}
		if err := lockFile(f, !readOnly, timeout); err != nil {
			_ = f.Close()
			return nil, err
		}
		info, err = f.Stat()
		if err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("store: %w", err)
		}
		if err := checkLayout(f); err != nil {
			_ = f.Close()
			return nil, damaged(info, err)
		}
		file = f
		return f, nil
	}}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			// bbolt's state is unknown after a panic (its locks may be
			// held), so it is not closed: the lock is dropped and the
			// descriptor closed by hand, and its mapping is left behind.
			err = damaged(info, fmt.Errorf("%w: the store library failed on it: %s", ErrDamaged, printable(fmt.Sprint(r))))
			if file != nil {
				unlockFile(file)
				_ = file.Close()
			}
		}
	}()
	db, err := bolt.Open(s.path, 0o600, opts)
	switch {
	case errors.Is(err, errLockTimeout) || errors.Is(err, bolt.ErrTimeout):
		return s.lockedError(timeout)
	case errors.Is(err, os.ErrNotExist):
		return err
	case isBoltDamage(err):
		// bbolt has closed the file already.
		return damaged(info, fmt.Errorf("%w: %w", ErrDamaged, err))
	case err != nil:
		var d *damageError
		if errors.As(err, &d) {
			return err
		}
		return fmt.Errorf("opening store %s: %w", s.path, err)
	}
	err = fn(db)
	if errors.Is(err, ErrDamaged) {
		err = damaged(info, err)
	}
	if cerr := db.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("closing store %s: %w", s.path, cerr)
	}
	return err
}

// isBoltDamage reports errors by which bbolt refuses a file as not a
// valid database.
func isBoltDamage(err error) bool {
	return errors.Is(err, bolt.ErrInvalid) || errors.Is(err, bolt.ErrChecksum) ||
		errors.Is(err, bolt.ErrVersionMismatch) || errors.Is(err, bolt.ErrInvalidMapping)
}

func (s *Store) lockedError(waited time.Duration) error {
	who := "another ohdash"
	if pid := lockHolder(s.path); pid > 0 {
		who += " (pid " + strconv.Itoa(pid) + ")"
	}
	return fmt.Errorf("%s holds the store %s and did not let go within %s; try again, or give this ohdash another state file: %w",
		who, s.path, waited.Round(time.Millisecond), ErrLocked)
}

// createIfMissing makes a fresh, fully initialised store file appear at
// path atomically. bbolt initialises a new file in place, and a process
// killed half-way through would leave a file every later open rejects;
// building it (buckets and schema included) under a temporary name and
// linking it into place rules that out. Two processes racing here both
// succeed: the link of the slower one fails with "exists" and it uses the
// winner's file.
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
	err = db.Update(initSchema)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
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
