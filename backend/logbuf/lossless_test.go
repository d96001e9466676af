package logbuf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"testing"
	"time"
)

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// settled waits until Feed has returned or the reader stopped advancing
// (Feed is blocked), and reports which; the deadline catches a hang.
func settled(t *testing.T, cr *countingReader, errc <-chan error) (returned bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	last := int64(-1)
	for time.Now().Before(deadline) {
		select {
		case err := <-errc:
			if err != nil {
				t.Fatalf("Feed = %v", err)
			}
			return true
		case <-time.After(50 * time.Millisecond):
		}
		n := cr.n.Load()
		if n == last {
			return false
		}
		last = n
	}
	t.Fatal("Feed neither returned nor stopped reading")
	return false
}

// A lossless pipeline whose consumer does not read stops reading its input
// at the ring's caps (memory stays bounded), then delivers every line in
// order once the consumer reads, slowly, with nothing dropped.
func TestPipelineLosslessSlowConsumerGetsEveryLine(t *testing.T) {
	const n, maxLines = 20000, 100
	input := numbered(n)
	p := NewPipeline(context.Background(), Options{MaxLines: maxLines, Lossless: true})
	cr := &countingReader{r: bytes.NewReader(input)}
	errc := make(chan error, 1)
	go func() { errc <- p.Feed(context.Background(), cr, true) }()
	if settled(t, cr, errc) {
		t.Fatal("Feed read all its input though nobody consumed: lines were dropped or buffered without bound")
	}
	// The ring (plus one read, the batch handed over and the one waiting
	// to be sent) is all that was read: a few reads' worth, not the input.
	if read := cr.n.Load(); read > 4*readSize+int64(3*maxLines*len(frame(1, entry(at(1), "line 0000001\n")))) {
		t.Fatalf("read %d of %d bytes with no consumer", read, len(input))
	}
	var got []Line
	var final Batch
	for b := range p.Batches() {
		got = append(got, b.Lines...)
		final = b
		if b.Dropped != 0 {
			t.Fatalf("a lossless pipeline dropped %d lines", b.Dropped)
		}
		if len(got) == n && b.State != Ended {
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
			p.Close(nil)
		}
		time.Sleep(time.Millisecond) // a slow consumer
	}
	if len(got) != n || final.State != Ended {
		t.Fatalf("delivered %d of %d lines, final state %v", len(got), n, final.State)
	}
	for i, l := range got {
		if l.Seq != uint64(i+1) || l.Text != fmt.Sprintf("line %07d", i+1) {
			t.Fatalf("line %d = %q (seq %d)", i+1, l.Text, l.Seq)
		}
	}
}

// A Feed waiting for a consumer that never comes ends with its context.
func TestPipelineLosslessFeedEndsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	p := NewPipeline(context.Background(), Options{MaxLines: 10, Lossless: true})
	cr := &countingReader{r: bytes.NewReader(numbered(5000))}
	errc := make(chan error, 1)
	go func() { errc <- p.Feed(ctx, cr, true) }()
	if settled(t, cr, errc) {
		t.Fatal("Feed returned without a consumer")
	}
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Feed = %v, want context.Canceled", err)
		}
	case <-time.After(waitTimeout):
		t.Fatal("Feed stayed blocked after its context ended")
	}
}

// A Feed waiting for room returns ErrClosed when the pipeline's own
// context ends (its delivery goroutine is gone, so room never comes).
func TestPipelineLosslessFeedEndsWithPipeline(t *testing.T) {
	pctx, cancel := context.WithCancel(context.Background())
	p := NewPipeline(pctx, Options{MaxLines: 10, Lossless: true})
	cr := &countingReader{r: bytes.NewReader(numbered(5000))}
	errc := make(chan error, 1)
	go func() { errc <- p.Feed(context.Background(), cr, true) }()
	if settled(t, cr, errc) {
		t.Fatal("Feed returned without a consumer")
	}
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("Feed = %v, want ErrClosed", err)
		}
	case <-time.After(waitTimeout):
		t.Fatal("Feed stayed blocked after the pipeline stopped")
	}
}

// PushWait waits at the caps and never drops; Push drops.
func TestRingPushWaitNeverDrops(t *testing.T) {
	r := NewRing(3, 1<<20)
	ctx := context.Background()
	for i := range 3 {
		if err := r.PushWait(ctx, nil, Line{Seq: uint64(i + 1)}); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan error, 1)
	go func() { done <- r.PushWait(ctx, nil, Line{Seq: 4}, Line{Seq: 5}) }()
	select {
	case err := <-done:
		t.Fatalf("PushWait into a full ring returned %v without waiting", err)
	case <-time.After(20 * time.Millisecond):
	}
	lines, dropped := r.Drain()
	if len(lines) != 3 || dropped != 0 {
		t.Fatalf("drained %d lines, %d dropped", len(lines), dropped)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(waitTimeout):
		t.Fatal("PushWait did not resume after Drain")
	}
	if lines, dropped = r.Drain(); len(lines) != 2 || lines[0].Seq != 4 || dropped != 0 {
		t.Fatalf("after the wait: %v, %d dropped", seqs(lines), dropped)
	}
	stop := make(chan struct{})
	_ = r.PushWait(ctx, nil, Line{}, Line{}, Line{})
	close(stop)
	if err := r.PushWait(ctx, stop, Line{}); !errors.Is(err, ErrClosed) {
		t.Fatalf("PushWait after stop = %v, want ErrClosed", err)
	}
}
