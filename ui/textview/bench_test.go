package textview

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend/logbuf"
)

// benchLines makes n realistic log lines: mostly ~100-byte ASCII, a third
// coloured with SGR, some with wide characters, and one in twenty several
// hundred cells long (so wrapping has real work at 200 columns).
func benchLines(n int) []logbuf.Line {
	rng := rand.New(rand.NewPCG(7, 8))
	words := []string{"GET", "/api/v1/conversations", "200", "latency=12ms", "user=42", "sandbox", "started",
		"worker", "INFO", "DEBUG", "request_id=7f3a9c", "bytes=1832", "cache", "miss", "retry", "ok"}
	start := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	out := make([]logbuf.Line, n)
	for i := range out {
		var b strings.Builder
		size := 80 + rng.IntN(50)
		if i%20 == 7 {
			size = 400 + rng.IntN(600)
		}
		color := i%3 == 0
		for b.Len() < size {
			w := words[rng.IntN(len(words))]
			switch {
			case color && rng.IntN(4) == 0:
				b.WriteString("\x1b[3" + itoa(1+rng.IntN(6)) + "m" + w + "\x1b[0m")
			case i%11 == 0 && rng.IntN(5) == 0:
				b.WriteString("処理完了")
			default:
				b.WriteString(w)
			}
			b.WriteByte(' ')
		}
		if i%100 == 0 {
			b.WriteString("connection timeout")
		}
		text := b.String()
		out[i] = logbuf.Line{Seq: uint64(i + 1), Time: start.Add(time.Duration(i) * time.Millisecond),
			Stream: logbuf.Stream(1 + i%5/4), Text: text, Width: ansi.StringWidth(text)}
	}
	return out
}

// BenchmarkFrame renders one 200×50 frame with wrapping on. The cost must
// not grow with the ring: compare lines=10000 with lines=100000. Both rings
// end with the same lines, so the followed frames show the same text.
func BenchmarkFrame(b *testing.B) {
	all := benchLines(100_000)
	for _, n := range []int{10_000, 100_000} {
		m := newView(200, 50, WithMaxLines(n), WithMaxBytes(1<<30)).Append(all[len(all)-n:]...)
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			for b.Loop() {
				_ = m.View()
			}
		})
		mid := m.SetFollow(false)
		mid.anchor = pos{abs: n / 2}
		b.Run(fmt.Sprintf("lines=%d/middle", n), func(b *testing.B) {
			for b.Loop() {
				_ = mid.View()
			}
		})
		hl := m.Search("request")
		b.Run(fmt.Sprintf("lines=%d/highlight", n), func(b *testing.B) {
			for b.Loop() {
				_ = hl.View()
			}
		})
		m = m.ClearSearch()
		ts := m.SetTimestamps(true)
		b.Run(fmt.Sprintf("lines=%d/timestamps", n), func(b *testing.B) {
			for b.Loop() {
				_ = ts.View()
			}
		})
	}
}

// BenchmarkScroll pages up through a 100k-line ring: each step walks the
// rows it moves over, never the ring.
func BenchmarkScroll(b *testing.B) {
	m := newView(200, 50, WithMaxLines(100_000), WithMaxBytes(1<<30)).Append(benchLines(100_000)...)
	m = m.SetFollow(false)
	m.anchor = pos{abs: 50_000}
	for b.Loop() {
		_ = m.PageUp().PageDown().View()
	}
}

// BenchmarkAppend measures append throughput into a full ring with the
// default caps (every append evicts), with and without an active search.
func BenchmarkAppend(b *testing.B) {
	lines := benchLines(10_000)
	for _, search := range []bool{false, true} {
		b.Run(fmt.Sprintf("search=%v", search), func(b *testing.B) {
			m := newView(200, 50).Append(lines...)
			if search {
				m = m.Search("timeout")
			}
			i := 0
			for b.Loop() {
				m = m.Append(lines[i%len(lines)])
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}

// BenchmarkSearch runs a new search to the end of its counting pass over
// the ring: 10k lines is the default cap, 100k lines (~15 MB of text) is
// the stress case; their ratio shows the pass is linear. The pass runs in
// steps, so this is throughput, not how long the UI waits (see
// BenchmarkSearchLatency).
func BenchmarkSearch(b *testing.B) {
	lines := benchLines(100_000)
	for _, n := range []int{10_000, 100_000} {
		m := newView(200, 50, WithMaxLines(n), WithMaxBytes(1<<30)).Append(lines[:n]...)
		for _, q := range []string{"timeout", "Request_ID", "処理", "zzzz-none"} {
			b.Run(fmt.Sprintf("lines=%d/q=%s", n, q), func(b *testing.B) {
				for b.Loop() {
					s := m.Search(q)
					for s.SearchPending() {
						s = s.SearchStep()
					}
				}
			})
		}
	}
	m := newView(200, 50, WithMaxLines(100_000), WithMaxBytes(1<<30)).Append(lines...)
	s := m.Search("timeout")
	for s.SearchPending() {
		s = s.SearchStep()
	}
	b.Run("lines=100000/next", func(b *testing.B) {
		for b.Loop() {
			s = s.NextMatch()
		}
	})
}

// BenchmarkSearchLatency measures the longest single call a search makes
// on a 100k-line ring: starting it (which resets the per-line counts and
// runs the first step), and one further step. Each is one Update's work.
func BenchmarkSearchLatency(b *testing.B) {
	m := newView(200, 50, WithMaxLines(100_000), WithMaxBytes(1<<30)).Append(benchLines(100_000)...)
	b.Run("start", func(b *testing.B) {
		for b.Loop() {
			_ = m.Search("Request_ID")
		}
	})
	b.Run("step", func(b *testing.B) {
		s := m.Search("Request_ID")
		for b.Loop() {
			if !s.SearchPending() {
				s = m.Search("Request_ID")
			}
			s = s.SearchStep()
		}
	})
}
