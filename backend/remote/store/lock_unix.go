//go:build unix

package store

import (
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// errLockTimeout is lockFile's timeout; callers turn it into ErrLocked
// with the holder named.
var errLockTimeout = errors.New("lock timeout")

// lockFile takes the same flock bbolt takes (shared for readers,
// exclusive for writers), waiting at most timeout. bbolt locks the
// descriptor it is given again, which for a lock already held is a no-op.
func lockFile(f *os.File, exclusive bool, timeout time.Duration) error {
	how := unix.LOCK_SH
	if exclusive {
		how = unix.LOCK_EX
	}
	deadline := time.Now().Add(timeout)
	for {
		err := unix.Flock(int(f.Fd()), how|unix.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case !errors.Is(err, unix.EWOULDBLOCK):
			return fmt.Errorf("store: locking %s: %w", f.Name(), err)
		case time.Now().After(deadline):
			return errLockTimeout
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// unlockFile drops the lock explicitly. Closing the descriptor is not
// enough while bbolt's mapping of the file lives on: the mapping keeps the
// open file, and with it the lock, alive.
func unlockFile(f *os.File) {
	_ = unix.Flock(int(f.Fd()), unix.LOCK_UN)
}
