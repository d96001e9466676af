//go:build unix

package shell

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/ohdash/ohdash/backend"
)

// watchSize delivers the terminal's size after every SIGWINCH until stop
// is called.
func watchSize(of any) (<-chan backend.TermSize, func()) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGWINCH)
	out := make(chan backend.TermSize, 1)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-sig:
				s := Size(of)
				select {
				case <-out: // keep only the newest size
				default:
				}
				out <- s
			}
		}
	}()
	return out, func() {
		signal.Stop(sig)
		close(done)
	}
}
