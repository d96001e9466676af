package logbuf

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func seqLines(from, n int, text string) []Line {
	lines := make([]Line, n)
	for i := range lines {
		lines[i] = Line{Seq: uint64(from + i), Text: text}
	}
	return lines
}

func TestRingLineCap(t *testing.T) {
	r := NewRing(3, 1<<20)
	r.Push(seqLines(1, 5, "x")...) // more than the cap in one push
	r.Push(seqLines(6, 1, "x")...)
	lines, dropped := r.Drain()
	if got := seqs(lines); len(got) != 3 || got[0] != 4 || got[2] != 6 {
		t.Fatalf("kept %v, want [4 5 6]", got)
	}
	if dropped != 3 {
		t.Errorf("dropped %d, want 3", dropped)
	}
	if lines, dropped := r.Drain(); len(lines) != 0 || dropped != 3 {
		t.Errorf("second drain: %d lines, dropped %d; want 0 and a cumulative 3", len(lines), dropped)
	}
	for i := range 10 { // one at a time, across compactions
		r.Push(seqLines(7+i, 1, "x")...)
	}
	lines, dropped = r.Drain()
	if got := seqs(lines); len(got) != 3 || got[0] != 14 || dropped != 10 {
		t.Errorf("kept %v dropped %d, want [14 15 16] and 10", got, dropped)
	}
}

func TestRingByteCap(t *testing.T) {
	r := NewRing(100, 10)
	r.Push(seqLines(1, 4, "abcd")...) // 16 bytes: only two fit
	lines, dropped := r.Drain()
	if got := seqs(lines); len(got) != 2 || got[0] != 3 || dropped != 2 {
		t.Fatalf("kept %v dropped %d, want [3 4] and 2", got, dropped)
	}
	r.Push(seqLines(5, 1, "ab")...)
	r.Push(Line{Seq: 6, Text: strings.Repeat("y", 50)}) // alone over the cap: kept
	lines, dropped = r.Drain()
	if got := seqs(lines); len(got) != 1 || got[0] != 6 || dropped != 3 {
		t.Fatalf("kept %v dropped %d, want [6] and 3", got, dropped)
	}
	if r.Len() != 0 || r.Dropped() != 3 {
		t.Errorf("Len %d Dropped %d after drain", r.Len(), r.Dropped())
	}
}

func TestRingReady(t *testing.T) {
	r := NewRing(0, 0)
	select {
	case <-r.Ready():
		t.Fatal("ready before any push")
	default:
	}
	r.Push(seqLines(1, 1, "a")...)
	r.Push(seqLines(2, 1, "b")...)
	<-r.Ready()
	select {
	case <-r.Ready():
		t.Fatal("two pushes woke the consumer twice")
	default:
	}
	r.Push()
	select {
	case <-r.Ready():
		t.Fatal("an empty push woke the consumer")
	default:
	}
}

// TestRingConcurrent runs a producer against a consumer that falls behind:
// every line is either received, in order, or counted as dropped.
func TestRingConcurrent(t *testing.T) {
	const total = 200000
	r := NewRing(500, 1<<20)
	done := make(chan struct{})
	go func() {
		defer close(done)
		rng := rand.New(rand.NewPCG(1, 2))
		for seq := 1; seq <= total; {
			n := min(1+rng.IntN(300), total-seq+1)
			r.Push(seqLines(seq, n, "line")...)
			seq += n
		}
	}()
	var received int
	var last uint64
	var dropped uint64
	drain := func() {
		lines, d := r.Drain()
		for _, l := range lines {
			if l.Seq <= last {
				t.Fatalf("line %d after %d", l.Seq, last)
			}
			last = l.Seq
		}
		received += len(lines)
		dropped = d
	}
	for finished := false; !finished; {
		select {
		case <-r.Ready():
		case <-done:
			finished = true
		}
		drain()
	}
	drain()
	if uint64(received)+dropped != total || last != total {
		t.Fatalf("received %d + dropped %d != %d (last seq %d)", received, dropped, total, last)
	}
	t.Logf("received %d, dropped %d", received, dropped)
}
