//go:build unix

package guard

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// lockWait bounds the wait for another process's lock on the audit log:
// a process that holds it for ever (stopped with ^Z, hung on a full disk)
// must not stop every action of every other ohdash.
const lockWait = 2 * time.Second

// lockFile takes an exclusive advisory lock on f, so that checking how the
// file ends and appending to it is one step among ohdash processes: two
// writers must not both see a cut line, nor one see the other's line half
// written. It returns the unlock. Past lockWait it goes on without the
// lock: the append is still one O_APPEND write; only the repair of a cut
// line may misjudge.
func lockFile(f *os.File) func() {
	fd := int(f.Fd())
	deadline := time.Now().Add(lockWait)
	for {
		err := syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { _ = syscall.Flock(fd, syscall.LOCK_UN) }
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) || time.Now().After(deadline) {
			return func() {}
		}
		time.Sleep(10 * time.Millisecond)
	}
}
