//go:build !unix

package store

import (
	"errors"
	"os"
	"time"
)

var errLockTimeout = errors.New("lock timeout")

// lockFile is a no-op where flock does not exist; bbolt locks the file
// itself right after.
func lockFile(*os.File, bool, time.Duration) error { return nil }

func unlockFile(*os.File) {}
