// Package bulk runs one action on many rows (the marked sandboxes or
// conversations) with bounded parallelism, off the update loop: workers
// run in goroutines and report each row as a message, so the dashboard
// shows progress (k/N) and a per-row result while input stays live.
package bulk

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
)

// Parallel is how many rows a batch acts on at once: enough to delete a
// hundred containers quickly, few enough not to flood an engine or an
// agent-server.
const Parallel = 4

// Item is one row of a batch.
type Item struct {
	// Key is the row's stable key (its mark); Label names it for a person
	// (already sanitised by the caller).
	Key, Label string
	// Run acts on the row; it is called from a worker goroutine with a
	// context bounded by the batch's per-row timeout.
	Run func(ctx context.Context) error
}

// ResultMsg reports one row done. The owner of the batch updates its
// Progress and calls Next for the following row.
type ResultMsg struct {
	Batch      int
	Key, Label string
	Err        error
	results    <-chan ResultMsg
}

// DoneMsg reports that every row of a batch is done.
type DoneMsg struct{ Batch int }

// Start returns a command that starts the batch's workers and delivers its
// first result. Each row gets its own timeout; ctx ends them all.
func Start(ctx context.Context, batch int, items []Item, timeout time.Duration) tea.Cmd {
	return func() tea.Msg {
		ch := make(chan ResultMsg, len(items)) // workers never wait on the UI
		jobs := make(chan Item)
		var wg sync.WaitGroup
		for range min(Parallel, max(1, len(items))) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for it := range jobs {
					ch <- ResultMsg{Batch: batch, Key: it.Key, Label: it.Label, Err: run(ctx, it, timeout), results: ch}
				}
			}()
		}
		go func() {
			for _, it := range items {
				jobs <- it
			}
			close(jobs)
			wg.Wait()
			close(ch)
		}()
		return next(batch, ch)
	}
}

func run(ctx context.Context, it Item, timeout time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// The row is reported at its timeout even when its action does not
	// look at ctx (a call stuck on a lock): the worker moves on, the row
	// fails and stays marked. The abandoned call ends when it ends; its
	// result is dropped.
	done := make(chan error, 1)
	go func() { done <- it.Run(ctx) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return ctx.Err()
		}
		return fmt.Errorf("no answer in %v (it may still complete): %w", timeout, ctx.Err())
	}
}

func next(batch int, ch <-chan ResultMsg) tea.Msg {
	r, ok := <-ch
	if !ok {
		return DoneMsg{Batch: batch}
	}
	return r
}

// Next returns the command that waits for the batch's next result.
func Next(r ResultMsg) tea.Cmd {
	ch, batch := r.results, r.Batch
	return func() tea.Msg { return next(batch, ch) }
}

// Progress is what a batch has done so far.
type Progress struct {
	// ID is the batch; Op the host's action id the message line shows.
	ID, Op int
	// Verb is the action ("delete"), Noun the rows ("sandboxes"), Past
	// what a done row is ("deleted").
	Verb, Noun, Past string
	N                int
	Done             int
	// Failed lists the rows that failed, as "label: reason".
	Failed []string
	// Last is the latest row's result, shown beside the count.
	Last string
}

// Add records one row's result.
func (p Progress) Add(r ResultMsg) Progress {
	p.Done++
	if r.Err != nil {
		// Errors carry what a backend said: sanitised and masked here,
		// where they become screen text.
		p.Failed = append(p.Failed[:len(p.Failed):len(p.Failed)], r.Label+": "+backend.SafeText(r.Err.Error()))
		p.Last = r.Label + " failed"
	} else {
		p.Last = p.Past + " " + r.Label
	}
	return p
}

// noun is Noun, singular for one row ("1 sandbox").
func (p Progress) noun() string {
	if p.N == 1 {
		return strings.TrimSuffix(strings.TrimSuffix(p.Noun, "es"), "s")
	}
	return p.Noun
}

// Status is the line shown while the batch runs: "deleting 12 sandboxes:
// 5/12, 1 failed (deleted oh-agent-server-x)".
func (p Progress) Status(ing string) string {
	s := fmt.Sprintf("%s %d %s: %d/%d", ing, p.N, p.noun(), p.Done, p.N)
	if len(p.Failed) > 0 {
		s += fmt.Sprintf(", %d failed", len(p.Failed))
	}
	if p.Last != "" {
		s += " (" + p.Last + ")"
	}
	return s
}

// Summary is the line shown at the end, naming the first failures; the
// failed rows stay marked.
func (p Progress) Summary() string {
	ok := p.Done - len(p.Failed)
	s := fmt.Sprintf("%s %d of %d %s", p.Past, ok, p.N, p.noun())
	if len(p.Failed) == 0 {
		return s
	}
	shown := p.Failed
	const most = 3
	if len(shown) > most {
		shown = shown[:most]
	}
	s += fmt.Sprintf("; %d failed (left marked): %s", len(p.Failed), strings.Join(shown, "; "))
	if len(p.Failed) > most {
		s += fmt.Sprintf("; and %d more", len(p.Failed)-most)
	}
	return s
}

// SkipText says how many rows a bulk action leaves out, by reason, in a
// stable order: "2 already running, 1 missing".
func SkipText(skipped map[string]int) string {
	whys := make([]string, 0, len(skipped))
	for why := range skipped {
		whys = append(whys, why)
	}
	sort.Strings(whys)
	parts := make([]string, len(whys))
	for i, why := range whys {
		parts[i] = fmt.Sprintf("%d %s", skipped[why], why)
	}
	return strings.Join(parts, ", ")
}
