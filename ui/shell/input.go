package shell

import (
	"errors"
	"io"
	"sync"

	"github.com/muesli/cancelreader"
)

// input reads the user's terminal for a process in a sandbox until
// stopped. Stopping must leave nothing reading the terminal behind: a
// read still waiting would take the next key meant for the dashboard,
// and closing the reader's descriptors while a read is about to wait on
// them could, once the dashboard opens new ones under the same numbers,
// leave it waiting on the dashboard's. So stop cancels, waits until no
// read is in progress, and only then closes.
type input struct {
	cr cancelreader.CancelReader
	// wait: reads can be cancelled (a terminal or another file); a read
	// of anything else cannot, and never takes a terminal's keys.
	wait bool
	mu   sync.Mutex
	busy int
	idle *sync.Cond
}

func newInput(r io.Reader) (*input, error) {
	cr, err := cancelreader.NewReader(r)
	if err != nil {
		return nil, err
	}
	_, file := r.(cancelreader.File)
	in := &input{cr: cr, wait: file}
	in.idle = sync.NewCond(&in.mu)
	return in, nil
}

// Read reads the terminal; after stop it reports io.EOF.
func (in *input) Read(p []byte) (int, error) {
	in.mu.Lock()
	in.busy++
	in.mu.Unlock()
	n, err := in.cr.Read(p)
	in.mu.Lock()
	in.busy--
	if in.busy == 0 {
		in.idle.Broadcast()
	}
	in.mu.Unlock()
	if errors.Is(err, cancelreader.ErrCanceled) {
		err = io.EOF
	}
	return n, err
}

// stop ends every read and releases the reader.
func (in *input) stop() {
	in.cr.Cancel()
	in.mu.Lock()
	for in.wait && in.busy > 0 {
		in.idle.Wait()
	}
	in.mu.Unlock()
	_ = in.cr.Close()
}
