//go:build unix

package guard

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive advisory lock on f, so that checking how the
// file ends and appending to it is one step among ohdash processes: two
// writers must not both see a cut line, nor one see the other's line half
// written. It returns the unlock.
func lockFile(f *os.File) func() {
	fd := int(f.Fd())
	if err := syscall.Flock(fd, syscall.LOCK_EX); err != nil {
		// Without the lock the append is still one O_APPEND write; only
		// the repair of a cut line may misjudge.
		return func() {}
	}
	return func() { _ = syscall.Flock(fd, syscall.LOCK_UN) }
}
