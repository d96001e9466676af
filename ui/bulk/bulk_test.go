package bulk

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// A batch runs every item, never more than Parallel at once, reports
// each one, then Done; the progress counts and the summary names the
// failures.
func TestBatchBoundedAndComplete(t *testing.T) {
	var running, peak atomic.Int32
	items := make([]Item, 20)
	for i := range items {
		items[i] = Item{Key: string(rune('a' + i)), Label: string(rune('a' + i)), Run: func(context.Context) error {
			n := running.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(5 * time.Millisecond)
			running.Add(-1)
			if i == 7 {
				return errors.New("boom \x1b[2J")
			}
			return nil
		}}
	}
	p := Progress{ID: 1, Noun: "sandboxes", Past: "deleted", N: len(items)}
	msg := Start(context.Background(), 1, items, time.Second)()
	for {
		r, ok := msg.(ResultMsg)
		if !ok {
			break
		}
		p = p.Add(r)
		msg = Next(r)()
	}
	if _, ok := msg.(DoneMsg); !ok {
		t.Fatalf("ended with %T", msg)
	}
	if p.Done != 20 || len(p.Failed) != 1 || peak.Load() > Parallel {
		t.Fatalf("done %d failed %v peak %d", p.Done, p.Failed, peak.Load())
	}
	if s := p.Summary(); s != "deleted 19 of 20 sandboxes; 1 failed (left marked): h: boom " || strings.Contains(s, "\x1b") {
		t.Fatalf("summary %q", s)
	}
	if s := (Progress{N: 1, Noun: "sandboxes", Done: 1}).Status("deleting"); s != "deleting 1 sandbox: 1/1" {
		t.Fatalf("status %q", s)
	}
	var _ tea.Msg = DoneMsg{}
}
