package logs

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/ohdash/ohdash/backend/logbuf"
)

// TestMemoryBoundedUnderFlood streams 5,000,000 realistic ~100-byte lines
// (a chatty container at 100k lines/s, in 50 ms batches of 5,000) through
// the real path — channel, wait Cmd, Update — with the default caps, and
// checks that the live heap stays far under the whole TUI's 64 MiB budget.
//
// The producer cuts each batch's lines out of one shared buffer, as a log
// reader slicing its read buffer would: if the pane kept those substrings,
// every kept line would pin a whole batch and the byte cap would be a lie.
//
// Not timed: it asserts memory only. The figures are logged (go test -v).
func TestMemoryBoundedUnderFlood(t *testing.T) {
	const (
		total     = 5_000_000
		batchSize = 5_000
		liveLimit = 16 << 20 // far under 64 MiB, with room for the test itself
	)
	f := &fakeStreamer{}
	m, cmd := newPane(200, 50).Open(context.Background(), f, "flood", "flood")
	m, wait := m.Update(cmd())
	s := f.stream(t, 0)

	// One batch worth of text, rendered once; each batch copies it into a
	// fresh buffer (so every batch has its own backing array, like reads
	// do) and stamps its sequence numbers, which keeps the producer cheap
	// even under the race detector.
	var tmpl strings.Builder
	ends := make([]int, 0, batchSize)
	for i := range batchSize {
		writeLine(&tmpl, i)
		ends = append(ends, tmpl.Len())
	}
	template := tmpl.String()
	go func() {
		defer close(s.ch)
		for seq := 0; seq < total; seq += batchSize {
			buf := []byte(template)
			stampSeq(buf, ends, seq)
			all := string(buf)
			lines := make([]logbuf.Line, batchSize)
			start := 0
			for i, end := range ends {
				text := all[start:end]
				lines[i] = logbuf.Line{Seq: uint64(seq + i + 1), Time: t0, Stream: logbuf.Stdout, Text: text, Width: len(text)}
				if i%3 == 0 {
					lines[i].Width -= len("\x1b[32m\x1b[0m")
				}
				start = end
			}
			select {
			case s.ch <- logbuf.Batch{Lines: lines}:
			case <-s.ctx.Done():
				return
			}
		}
	}()

	var peak uint64
	batches := 0
	for wait != nil {
		msg := wait()
		m, wait = m.Update(msg)
		if batches++; batches%100 == 0 {
			_ = m.View() // render as the program would
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
	}
	if got := m.view.Len() + m.view.Evicted(); got != total {
		t.Fatalf("pane saw %d lines, want %d", got, total)
	}
	if m.view.Len() != 10_000 {
		t.Fatalf("pane holds %d lines, want the default cap of 10,000", m.view.Len())
	}
	mustContain(t, header(t, m), "4,990,000 evicted")

	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("lines held %d (%d bytes of text), evicted %d", m.view.Len(), m.view.Bytes(), m.view.Evicted())
	t.Logf("live heap after GC: %.1f MiB; peak heap sampled during the flood: %.1f MiB; RSS: %s",
		mib(ms.HeapAlloc), mib(peak), rss())
	if ms.HeapAlloc > liveLimit {
		t.Fatalf("live heap %.1f MiB exceeds %.0f MiB", mib(ms.HeapAlloc), mib(liveLimit))
	}
	runtime.KeepAlive(m)
}

// writeLine writes a ~100-byte log line; a third are coloured. The eight
// digits after "id=" are the sequence number (stampSeq rewrites them).
func writeLine(b *strings.Builder, i int) {
	level := "INFO"
	if i%3 == 0 {
		level = "\x1b[32mINFO\x1b[0m"
	}
	fmt.Fprintf(b, "2026-05-01T09:30:%02d.%03dZ %s request id=%08d path=/api/conversations/%06d/events status=200 took=%dms",
		i/1000%60, i%1000, level, i, i*7919%999_983, i%97)
}

// stampSeq writes base+i into the id field of line i of a batch buffer.
func stampSeq(buf []byte, ends []int, base int) {
	start := 0
	for i, end := range ends {
		line := buf[start:end]
		if k := bytesIndex(line, "id="); k >= 0 {
			n := base + i
			for d := k + 3 + 7; d >= k+3; d-- {
				line[d] = byte('0' + n%10)
				n /= 10
			}
		}
		start = end
	}
}

func bytesIndex(b []byte, sub string) int {
	return strings.Index(string(b), sub) // converted for the search only
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }

// rss reads the resident set size from /proc/self/statm (Linux).
func rss() string {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return "n/a (" + err.Error() + ")"
	}
	fields := strings.Fields(string(data))
	if len(fields) < 2 {
		return "n/a"
	}
	pages, err := strconv.ParseUint(fields[1], 10, 64)
	if err != nil {
		return "n/a"
	}
	return fmt.Sprintf("%.1f MiB", mib(pages*uint64(os.Getpagesize())))
}
