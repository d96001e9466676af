package agentserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// Bash API tuning. The agent-server runs a command in the background
// (POST /api/bash/start_bash_command) and records its output as
// BashOutput events, numbered by order from 0, the last one carrying the
// exit code; they are read back with /api/bash/bash_events/search.
const (
	// defaultBashTimeout is the server's own default (300 s).
	defaultBashTimeout = 300 * time.Second
	// bashGrace is how long past its timeout a command may go without an
	// exit code before the runner gives up on the server.
	bashGrace = 30 * time.Second
	// bashPollMin and bashPollMax bound the wait between two reads of new
	// output: quick while output flows, slower while the command is quiet.
	bashPollMin = 100 * time.Millisecond
	bashPollMax = time.Second
	// bashMaxPages bounds the pages read in one poll, so a server that
	// ignores page_id cannot keep the runner paging forever.
	bashMaxPages = 100
	// bashMaxPending bounds the pieces held while waiting for a missing
	// order number.
	bashMaxPending = 10000
	// bashMaxPendingBytes bounds the output those pieces hold: a server
	// that withholds one piece and sends big later ones must not fill
	// the memory (a page may be 256 MiB).
	bashMaxPendingBytes = 16 << 20
)

// bashOutput is one BashOutput event.
type bashOutput struct {
	Kind      string  `json:"kind"`
	ID        string  `json:"id"`
	Timestamp string  `json:"timestamp"`
	CommandID string  `json:"command_id"`
	Order     int     `json:"order"`
	ExitCode  *int    `json:"exit_code"`
	Stdout    *string `json:"stdout"`
	Stderr    *string `json:"stderr"`
}

type bashPage struct {
	Items      []bashOutput `json:"items"`
	NextPageID *string      `json:"next_page_id"`
}

// RunBash runs one command line through the agent-server's bash API and
// writes its output, in order and exactly once, as it arrives: stdout to
// req.Stdout, stderr to req.Stderr. It returns the command's exit code.
// The bytes are the server's, unfiltered: the caller decides how to show
// them. Cancelling ctx stops the reading, not the command (the API has no
// way to stop one).
func (c *Client) RunBash(ctx context.Context, req backend.CommandRequest) (int, error) {
	timeout := req.Timeout
	if timeout <= 0 {
		timeout = defaultBashTimeout
	}
	body := map[string]any{"command": req.Command, "timeout": int(timeout / time.Second)}
	if req.Cwd != "" {
		body["cwd"] = req.Cwd
	}
	var started struct {
		ID string `json:"id"`
	}
	if err := c.do(ctx, call{Op: "start bash command", Method: http.MethodPost, Path: "/api/bash/start_bash_command", Body: body}, &started); err != nil {
		if errors.Is(err, backend.ErrNotFound) {
			// The route itself is missing: not "no such sandbox".
			return 0, fmt.Errorf("the agent-server at %s has no bash API: %w", c.api.CurrentBase().Host, backend.ErrUnsupported)
		}
		return 0, err
	}
	id, err := backend.ParseConversationID(started.ID)
	if err != nil {
		return 0, fmt.Errorf("start bash command: the server answered command id %q: %w", sanitizeLine(started.ID, 40), ErrBadResponse)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout+bashGrace)
	defer cancel()
	r := bashReader{c: c, id: id, pending: map[int]bashOutput{}, out: orDiscard(req.Stdout), errw: orDiscard(req.Stderr)}
	wait := bashPollMin
	for {
		progressed, code, err := r.poll(ctx)
		if err != nil {
			return 0, err
		}
		if code != nil {
			return *code, nil
		}
		if progressed {
			wait = bashPollMin
		} else {
			wait = min(2*wait, bashPollMax)
		}
		select {
		case <-ctx.Done():
			if ctx.Err() == context.DeadlineExceeded {
				return 0, fmt.Errorf("bash command %s: no exit code %s after its timeout: %w", id, bashGrace, backend.ErrUnavailable)
			}
			return 0, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// bashReader follows one command's output pieces.
type bashReader struct {
	c         *Client
	id        string
	next      int // the order number to write next
	pending   map[int]bashOutput
	held      int    // bytes of output in pending
	since     string // timestamp of the last piece written
	out, errw io.Writer
}

// poll reads the pieces recorded since the last poll and writes those
// that are next in order. It reports whether anything was written and,
// once the last piece is written, the exit code.
func (r *bashReader) poll(ctx context.Context) (bool, *int, error) {
	page, seen, since, progressed := "", map[string]bool{}, r.since, false
	for range bashMaxPages {
		q := url.Values{"command_id__eq": {r.id}, "kind__eq": {"BashOutput"}, "sort_order": {"TIMESTAMP"}, "limit": {"100"}}
		if since != "" {
			q.Set("timestamp__gte", since)
		}
		if page != "" {
			q.Set("page_id", page)
		}
		var p bashPage
		if err := r.c.do(ctx, call{Op: "read bash output", Method: http.MethodGet, Path: "/api/bash/bash_events/search", Query: q}, &p); err != nil {
			return progressed, nil, err
		}
		for _, it := range p.Items {
			r.keep(it)
		}
		// Written page by page, so only pieces out of order are held.
		wrote, code, err := r.flush()
		progressed = progressed || wrote
		if code != nil || err != nil {
			return progressed, code, err
		}
		if err := r.overfull(); err != nil {
			return progressed, nil, err
		}
		if p.NextPageID == nil || *p.NextPageID == "" || seen[*p.NextPageID] {
			break
		}
		seen[*p.NextPageID] = true
		page = *p.NextPageID
	}
	return progressed, nil, nil
}

// overfull reports a server that keeps sending later pieces while the
// next one never comes, once what is held passes the bounds (checked
// page by page: a hundred pages of one poll could hold a lot).
func (r *bashReader) overfull() error {
	if len(r.pending) > bashMaxPending || r.held > bashMaxPendingBytes {
		return fmt.Errorf("bash command %s: piece %d of its output never arrived: %w", r.id, r.next, ErrBadResponse)
	}
	return nil
}

// keep holds a piece of this command's output not written yet. A server
// that ignores the filters sends other commands' pieces and old ones too.
func (r *bashReader) keep(it bashOutput) {
	if it.Kind != "" && it.Kind != "BashOutput" {
		return
	}
	if cid, err := backend.ParseConversationID(it.CommandID); err != nil || cid != r.id {
		return
	}
	if it.Order < r.next || it.Order > r.next+bashMaxPending {
		return
	}
	if old, ok := r.pending[it.Order]; ok {
		r.held -= old.size()
	}
	r.pending[it.Order] = it
	r.held += it.size()
}

// size is the output a piece holds.
func (it bashOutput) size() int {
	n := 0
	if it.Stdout != nil {
		n += len(*it.Stdout)
	}
	if it.Stderr != nil {
		n += len(*it.Stderr)
	}
	return n
}

func (r *bashReader) flush() (bool, *int, error) {
	progressed := false
	for {
		it, ok := r.pending[r.next]
		if !ok {
			return progressed, nil, nil
		}
		delete(r.pending, r.next)
		r.held -= it.size()
		progressed = true
		if it.Stdout != nil {
			if _, err := io.WriteString(r.out, *it.Stdout); err != nil {
				return progressed, nil, fmt.Errorf("bash command output: %w", err)
			}
		}
		if it.Stderr != nil {
			if _, err := io.WriteString(r.errw, *it.Stderr); err != nil {
				return progressed, nil, fmt.Errorf("bash command output: %w", err)
			}
		}
		r.next++
		if it.Timestamp != "" {
			r.since = it.Timestamp
		}
		if it.ExitCode != nil {
			return true, it.ExitCode, nil
		}
	}
}

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}
