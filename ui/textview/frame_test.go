package textview

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ohdash/ohdash/backend/logbuf"
)

var pieces = []string{
	"a", "b", "Z", " ", "0", "-", "[", "é", "e\u0301", "漢", "字", "😀", "👨\u200d👩\u200d👧",
	"\x1b[31m", "\x1b[1;32m", "\x1b[0m", "\x1b[m", "\x1b[38;2;1;2;3m", "\x1b[0;33m", "ß", "İ",
}

func randomLine(rng *rand.Rand) logbuf.Line {
	var b strings.Builder
	n := rng.IntN(60)
	if rng.IntN(10) == 0 {
		n = 300 + rng.IntN(300)
	}
	for range n {
		b.WriteString(pieces[rng.IntN(len(pieces))])
	}
	l := mk(b.String())
	if rng.IntN(4) == 0 {
		l.Stream = logbuf.Stderr
	}
	return l
}

// Every frame, whatever the content and the sequence of operations, is
// exactly Height rows of exactly Width cells, and renders the same twice.
func TestRandomFramesHaveExactGeometry(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := newView(40, 10, WithMaxLines(200), WithMaxBytes(20_000))
	ops := []func(Model) Model{
		func(m Model) Model { return m.ScrollUp(rng.IntN(30)) },
		func(m Model) Model { return m.ScrollDown(rng.IntN(30)) },
		func(m Model) Model { return m.PageUp() },
		func(m Model) Model { return m.HalfPageDown() },
		func(m Model) Model { return m.GotoTop() },
		func(m Model) Model { return m.GotoBottom() },
		func(m Model) Model { return m.SetWrap(!m.Wrapping()) },
		func(m Model) Model { return m.SetTimestamps(!m.Timestamps()) },
		func(m Model) Model { return m.ScrollRight() },
		func(m Model) Model { return m.ScrollLeft() },
		func(m Model) Model { return m.SetSize(1+rng.IntN(80), 1+rng.IntN(20)) },
		func(m Model) Model { return m.Search(pieces[rng.IntN(len(pieces))]) },
		func(m Model) Model { return m.NextMatch() },
		func(m Model) Model { return m.PrevMatch() },
		func(m Model) Model { return m.ClearSearch() },
		func(m Model) Model {
			for range rng.IntN(40) {
				m = m.Append(randomLine(rng))
			}
			return m
		},
	}
	for i := range 3000 {
		m = ops[rng.IntN(len(ops))](m)
		checkFrame(t, m)
		if t.Failed() {
			t.Fatalf("after op %d", i)
		}
	}
}

// rowCount (used for scrolling) and the renderer (used for frames) must
// agree on how many rows a line takes, or scrolling would skip or repeat.
func TestRowCountMatchesRenderer(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	w := rowWriter{pens: newPens(Styles{})}
	for range 2000 {
		l := randomLine(rng)
		textW := 1 + rng.IntN(50)
		got := len(w.wrapped(nil, l.Text, textW, 0, 1<<30, hlCursor{}))
		if want := rowCount(&l, textW); got != want {
			t.Fatalf("textW %d: renderer made %d rows, rowCount says %d: %q", textW, got, want, l.Text)
		}
	}
}

// The plain text the matcher searches and the offsets the renderer tracks
// must agree, or highlights would drift off their matches.
func TestPlainOffsetsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 2000 {
		l := randomLine(rng)
		plain := 0
		for i := 0; i < len(l.Text); {
			kind, j, _ := nextToken(l.Text, i)
			if kind == tokText || kind == tokCtl {
				plain += j - i
			}
			i = j
		}
		if p := plainText(l.Text); len(p) != plain {
			t.Fatalf("plainText is %d bytes, walker counted %d: %q", len(p), plain, l.Text)
		}
	}
}
