package logbuf

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

var errCut = errors.New("connection lost")

// attach is one Feed of a re-attach test: what Docker sends, whether the
// connection breaks after it, and the ResumeFrom expected afterwards.
type attach struct {
	input       string
	multiplexed bool
	cut         bool
	resume      time.Time
}

// runAttachments feeds each attachment into one pipeline and returns the
// texts delivered in total.
func runAttachments(t *testing.T, attachments ...attach) []string {
	t.Helper()
	p := NewPipeline(context.Background(), Options{})
	done := consume(t, p)
	if !p.ResumeFrom().IsZero() {
		t.Fatalf("ResumeFrom before any line = %v", p.ResumeFrom())
	}
	for i, a := range attachments {
		var r io.Reader = strings.NewReader(a.input)
		if a.cut {
			r = &failingReader{data: []byte(a.input), err: errCut}
		}
		err := p.Feed(context.Background(), r, a.multiplexed)
		if a.cut && !errors.Is(err, errCut) || !a.cut && err != nil {
			t.Fatalf("attachment %d: Feed = %v", i, err)
		}
		if got := p.ResumeFrom(); !got.Equal(a.resume) {
			t.Fatalf("attachment %d: ResumeFrom = %v, want %v", i, got, a.resume)
		}
	}
	p.Close(nil)
	lines := allLines(await(t, done))
	for i, l := range lines {
		if l.Seq != uint64(i+1) {
			t.Fatalf("line %d has seq %d", i, l.Seq)
		}
	}
	return texts(lines)
}

func checkTexts(t *testing.T, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("delivered %q\n      want %q", got, want)
	}
}

func TestResumeSkipsReplayedEntries(t *testing.T) {
	t1, t2, t3 := at(1), at(2), at(3)
	got := runAttachments(t,
		attach{input: frames(t1, "A") + frames(t2, "B", "C"), multiplexed: true, resume: t2},
		// since=t2 replays B and C; A is older (as with a since of second
		// precision); D is a new line in the same nanosecond; then E.
		attach{input: frames(t1, "A") + frames(t2, "B", "C", "D") + frames(t3, "E"), multiplexed: true, resume: t3},
		// stderr entries at the same time count too.
		attach{input: frames(t3, "E") + frame(2, entry(t3, "F on stderr\n")), multiplexed: true, resume: t3},
		attach{input: frames(t3, "E") + frame(2, entry(t3, "F on stderr\n")) + frames(t3, "G"), multiplexed: true, resume: t3},
	)
	checkTexts(t, got, "A", "B", "C", "D", "E", "F on stderr", "G")
}

func TestResumeEmptyReplay(t *testing.T) {
	got := runAttachments(t,
		attach{input: frames(at(1), "A"), multiplexed: true, resume: at(1)},
		attach{input: "", multiplexed: true, resume: at(1)},
		attach{input: frames(at(1), "A") + frames(at(2), "B"), multiplexed: true, resume: at(2)},
	)
	checkTexts(t, got, "A", "B")
}

func TestResumeAfterCutEntry(t *testing.T) {
	whole := frame(1, entry(at(5), "partial line\n"))
	t.Run("cut inside the message", func(t *testing.T) {
		got := runAttachments(t,
			attach{input: frames(at(4), "before") + whole[:len(whole)-4], multiplexed: true, cut: true, resume: at(5)},
			attach{input: whole + frames(at(6), "next"), multiplexed: true, resume: at(6)},
		)
		checkTexts(t, got, "before", "partial l", "ine", "next")
	})
	t.Run("cut before the newline", func(t *testing.T) {
		got := runAttachments(t,
			attach{input: whole[:len(whole)-1], multiplexed: true, cut: true, resume: at(5)},
			attach{input: whole + frames(at(6), "next"), multiplexed: true, resume: at(6)},
		)
		checkTexts(t, got, "partial line", "next")
	})
	t.Run("cut inside the timestamp", func(t *testing.T) {
		got := runAttachments(t,
			attach{input: frames(at(4), "before") + whole[:20], multiplexed: true, cut: true, resume: at(4)},
			attach{input: frames(at(4), "before") + whole, multiplexed: true, resume: at(5)},
		)
		checkTexts(t, got, "before", "partial line")
	})
	t.Run("tty", func(t *testing.T) {
		got := runAttachments(t,
			attach{input: entry(at(1), "a\r\n") + entry(at(2), "cc"), cut: true, resume: at(2)},
			attach{input: entry(at(2), "ccc\r\n") + entry(at(3), "d\r\n"), resume: at(3)},
		)
		checkTexts(t, got, "a", "cc", "c", "d")
	})
}

func TestResumeInsideSplitLine(t *testing.T) {
	line, pieces := longLine(20000)
	first := frame(1, entry(at(7), pieces[0]))
	second := frame(1, entry(at(7), pieces[1]))
	got := runAttachments(t,
		// The connection breaks after Docker's first 16 KiB piece.
		attach{input: first, multiplexed: true, cut: true, resume: at(7)},
		attach{input: first + second + frames(at(8), "after"), multiplexed: true, resume: at(8)},
	)
	checkTexts(t, got, line[:partialSize], line[partialSize:], "after")
}

func TestResumePointBookkeeping(t *testing.T) {
	var r resumePoint
	r.record(stamp{sec: 5})
	r.record(stamp{sec: 5})
	r.record(stamp{sec: 4}) // out of order: Docker's since already filters it
	r.recordPartial(stamp{sec: 5}, 7)
	if r != (resumePoint{last: stamp{sec: 5}, set: true, n: 2, partial: 7}) {
		t.Fatalf("%+v", r)
	}
	r.record(stamp{sec: 5})
	if r.n != 3 || r.partial != 0 {
		t.Fatalf("completing the cut entry: %+v", r)
	}
	f := newResumeFilter(resumePoint{last: stamp{sec: 5}, set: true, n: 1, partial: 3})
	for _, c := range []struct {
		ts   int64
		want int
	}{{4, skipEntry}, {5, skipEntry}, {5, skipPrefix}, {5, keepEntry}, {4, keepEntry}} {
		if got := f.check(stamp{sec: c.ts}); got != c.want {
			t.Fatalf("check(%d) = %d, want %d", c.ts, got, c.want)
		}
	}
}

func TestResumeSkipsWholeReplay(t *testing.T) {
	p := newTestFeeder(Options{})
	p.dec.reset(true, resumePoint{last: stampOf(at(1000)), set: true, n: 1})
	p.dec.write(numbered(1000))
	p.dec.finish(true)
	if len(p.pending) != 0 {
		t.Fatalf("%d replayed lines delivered again", len(p.pending))
	}
}
