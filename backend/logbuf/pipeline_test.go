package logbuf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// waitTimeout bounds how long a test waits for the pipeline; it is a
// deadline for a hang, not a timing assertion.
const waitTimeout = 10 * time.Second

// consume reads every batch until Batches is closed.
func consume(t *testing.T, p *Pipeline) <-chan []Batch {
	t.Helper()
	done := make(chan []Batch, 1)
	go func() {
		var all []Batch
		for b := range p.Batches() {
			all = append(all, b)
		}
		done <- all
	}()
	return done
}

func await(t *testing.T, done <-chan []Batch) []Batch {
	t.Helper()
	select {
	case all := <-done:
		return all
	case <-time.After(waitTimeout):
		t.Fatal("Batches was not closed")
		return nil
	}
}

func nextBatch(t *testing.T, p *Pipeline) Batch {
	t.Helper()
	select {
	case b, ok := <-p.Batches():
		if !ok {
			t.Fatal("Batches closed early")
		}
		return b
	case <-time.After(waitTimeout):
		t.Fatal("no batch delivered")
		return Batch{}
	}
}

func allLines(batches []Batch) []Line {
	var out []Line
	for _, b := range batches {
		out = append(out, b.Lines...)
	}
	return out
}

// numbered builds n multiplexed stdout lines "line 0000001" … with
// timestamps one microsecond apart.
func numbered(n int) []byte {
	var b bytes.Buffer
	for i := 1; i <= n; i++ {
		b.WriteString(frame(1, entry(at(i), fmt.Sprintf("line %07d\n", i))))
	}
	return b.Bytes()
}

func TestPipelineBatchesNotLines(t *testing.T) {
	const n = 100000
	input := numbered(n)
	p := NewPipeline(context.Background(), Options{MaxLines: n, MaxBytes: 1 << 30})
	done := consume(t, p)
	start := time.Now()
	if err := p.Feed(context.Background(), bytes.NewReader(input), true); err != nil {
		t.Fatal(err)
	}
	p.Close(nil)
	batches := await(t, done)
	elapsed := time.Since(start)
	lines := allLines(batches)
	if len(lines) != n {
		t.Fatalf("delivered %d lines, want %d", len(lines), n)
	}
	for i, l := range lines {
		if l.Seq != uint64(i+1) || l.Text != fmt.Sprintf("line %07d", i+1) || !l.Time.Equal(at(i+1)) {
			t.Fatalf("line %d = %+v", i, l)
		}
	}
	// At most one batch per interval, plus the final one from Close.
	if limit := int(elapsed/DefaultFlushInterval) + 2; len(batches) > limit {
		t.Errorf("%d batches in %v, want at most %d", len(batches), elapsed, limit)
	}
	last := batches[len(batches)-1]
	if last.State != Ended || last.Err != nil || last.Dropped != 0 {
		t.Errorf("final batch %v %v dropped %d", last.State, last.Err, last.Dropped)
	}
	t.Logf("%d lines in %d batches, %v", n, len(batches), elapsed)
}

func TestPipelineSlowConsumerDropsAreCounted(t *testing.T) {
	const n = 10000
	p := NewPipeline(context.Background(), Options{MaxLines: 100, FlushInterval: time.Millisecond})
	// Nobody reads while the lines go in.
	if err := p.Feed(context.Background(), bytes.NewReader(numbered(n)), true); err != nil {
		t.Fatal(err)
	}
	p.Close(nil)
	batches := await(t, consume(t, p))
	lines := allLines(batches)
	final := batches[len(batches)-1]
	if uint64(len(lines))+final.Dropped != n {
		t.Fatalf("%d delivered + %d dropped != %d", len(lines), final.Dropped, n)
	}
	if len(lines) > 2*100 || lines[len(lines)-1].Seq != n {
		t.Errorf("delivered %d lines ending at seq %d", len(lines), lines[len(lines)-1].Seq)
	}
	for i := 1; i < len(lines); i++ {
		if lines[i].Seq <= lines[i-1].Seq {
			t.Fatalf("seq %d after %d", lines[i].Seq, lines[i-1].Seq)
		}
	}
}

func TestPipelineStateChanges(t *testing.T) {
	p := NewPipeline(context.Background(), Options{FlushInterval: time.Millisecond})
	errGone := errors.New("container stopped")
	errConn := errors.New("engine unreachable")
	for _, c := range []struct {
		state State
		err   error
	}{{Waiting, errGone}, {Reconnecting, errConn}, {Streaming, nil}} {
		p.SetState(c.state, c.err)
		b := nextBatch(t, p)
		if b.State != c.state || b.Err != c.err || len(b.Lines) != 0 {
			t.Fatalf("batch %v %v with %d lines, want %v %v", b.State, b.Err, len(b.Lines), c.state, c.err)
		}
	}
	errEnd := errors.New("container removed")
	p.Close(errEnd)
	p.SetState(Streaming, nil) // ignored after Close
	batches := await(t, consume(t, p))
	if len(batches) != 1 || batches[0].State != Ended || batches[0].Err != errEnd {
		t.Fatalf("after Close got %+v, want one Ended batch", batches)
	}
}

func TestPipelineClose(t *testing.T) {
	p := NewPipeline(context.Background(), Options{})
	if err := p.Feed(context.Background(), bytes.NewReader(numbered(3)), true); err != nil {
		t.Fatal(err)
	}
	errEnd := errors.New("done")
	p.Close(errEnd)
	p.Close(nil) // a second Close changes nothing
	batches := await(t, consume(t, p))
	if got := texts(allLines(batches)); strings.Join(got, ",") != "line 0000001,line 0000002,line 0000003" {
		t.Errorf("lines %q", got)
	}
	if final := batches[len(batches)-1]; final.State != Ended || final.Err != errEnd {
		t.Errorf("final batch %v %v", final.State, final.Err)
	}
	if err := p.Feed(context.Background(), bytes.NewReader(numbered(1)), true); !errors.Is(err, ErrClosed) {
		t.Errorf("Feed after Close = %v, want ErrClosed", err)
	}
}

func TestPipelineContextDone(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	p := NewPipeline(ctx, Options{})
	done := consume(t, p)
	cancel()
	batches := await(t, done)
	if len(batches) > 1 || len(batches) == 1 && batches[0].State != Ended {
		t.Errorf("after cancel got %+v", batches)
	}
	if err := p.Feed(context.Background(), bytes.NewReader(nil), true); !errors.Is(err, ErrClosed) {
		t.Errorf("Feed after cancel = %v, want ErrClosed", err)
	}
}

func TestFeedCancelUnblocksRead(t *testing.T) {
	p := NewPipeline(context.Background(), Options{})
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- p.Feed(ctx, pr, true) }()
	if _, err := pw.Write([]byte(frame(1, entry(at(1), "before cancel\n")))); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Feed = %v, want context.Canceled", err)
		}
	case <-time.After(waitTimeout):
		t.Fatal("Feed stayed blocked in Read after cancel")
	}
	p.Close(nil)
	if got := texts(allLines(await(t, consume(t, p)))); len(got) != 1 || got[0] != "before cancel" {
		t.Errorf("lines %q", got)
	}
}

// failingReader returns its data, then err.
type failingReader struct {
	data []byte
	err  error
}

func (r *failingReader) Read(b []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(b, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestFeedReadErrorIsWrapped(t *testing.T) {
	errBoom := errors.New("connection reset")
	p := NewPipeline(context.Background(), Options{})
	err := p.Feed(context.Background(), &failingReader{[]byte(frame(1, entry(at(1), "unfinished"))), errBoom}, true)
	if !errors.Is(err, errBoom) {
		t.Fatalf("Feed = %v, want it to wrap %v", err, errBoom)
	}
	p.Close(nil)
	if got := texts(allLines(await(t, consume(t, p)))); len(got) != 1 || got[0] != "unfinished" {
		t.Errorf("the unfinished line was not delivered: %q", got)
	}
}
