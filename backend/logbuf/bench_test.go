package logbuf

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
)

// The throughput budget: the pipeline (multiplexed input with timestamps,
// decoded, sanitised, pushed through the ring and drained by a consumer)
// runs at least 500,000 lines/s of 100-byte lines and within 1.5x of the
// plain approach peers use: stdcopy.StdCopy into a pipe, bufio.Scanner
// making a string per line. BenchmarkPipelineVsBaseline measures both in
// the same run and reports the ratio. The per-line benchmarks take b.N as
// a line count; the others work on whole corpora:
//
//	go test -run '^$' -bench 'Stdcopy|Pipeline$|DefaultCaps' -benchtime 2000000x -count 5 ./backend/logbuf
//	go test -run '^$' -bench 'VsBaseline' -benchtime 10x -count 5 ./backend/logbuf
//	go test -run '^$' -bench 'Decode|Sanitize' -count 5 ./backend/logbuf

// benchCorpus is a multiplexed log stream with timestamps: 10,000 lines of
// 100 bytes, every fourth with SGR colour, every tenth on stderr.
type benchCorpus struct {
	data    []byte
	offsets []int // where each line's frame starts
}

const corpusLines = 10000

var corpus = newBenchCorpus()

func newBenchCorpus() *benchCorpus {
	c := &benchCorpus{}
	var b bytes.Buffer
	for i := range corpusLines {
		var msg string
		switch {
		case i%4 == 0:
			msg = fmt.Sprintf("\x1b[32mINFO\x1b[0m \x1b[2m%8d\x1b[0m request handled", i)
		case i%10 == 1:
			msg = fmt.Sprintf("WARN %8d slow response from upstream", i)
		default:
			msg = fmt.Sprintf("INFO %8d GET /api/conversations/%d 200", i, i)
		}
		msg += strings.Repeat(".", 100-len(msg))
		stream := byte(1)
		if i%10 == 1 {
			stream = 2
		}
		c.offsets = append(c.offsets, b.Len())
		b.WriteString(frame(stream, entry(at(i), msg+"\n")))
	}
	c.data = b.Bytes()
	return c
}

// reader serves n lines of the corpus, repeating it as often as needed.
func (c *benchCorpus) reader(n int) io.Reader {
	var parts []io.Reader
	for ; n >= corpusLines; n -= corpusLines {
		parts = append(parts, bytes.NewReader(c.data))
	}
	if n > 0 {
		parts = append(parts, bytes.NewReader(c.data[:c.offsets[n]]))
	}
	return io.MultiReader(parts...)
}

var sinkString string

// runBaseline is what the peers do: StdCopy demultiplexes into a pipe read
// by a bufio.Scanner, one string per line.
func runBaseline(r io.Reader) int {
	pr, pw := io.Pipe()
	go func() {
		_, err := stdcopy.StdCopy(pw, pw, r)
		pw.CloseWithError(err)
	}()
	sc := bufio.NewScanner(pr)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		sinkString = sc.Text()
		n++
	}
	return n
}

// benchOptions keeps every line (the caps hold well over one flush interval
// of lines), so the consumer drains all of them.
var benchOptions = Options{MaxLines: 1 << 22, MaxBytes: 1 << 32}

// runPipeline feeds r through a Pipeline while a consumer takes batches,
// and returns once the consumer has received the final one.
func runPipeline(r io.Reader, opts Options) (lines int, dropped uint64) {
	p := NewPipeline(context.Background(), opts)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for b := range p.Batches() {
			lines += len(b.Lines)
			dropped = b.Dropped
		}
	}()
	if err := p.Feed(context.Background(), r, true); err != nil {
		panic(err)
	}
	p.Close(nil)
	<-done
	return lines, dropped
}

func reportLines(b *testing.B, lines int, d time.Duration) {
	b.ReportMetric(float64(lines)/d.Seconds(), "lines/s")
	b.ReportMetric(float64(d.Nanoseconds())/float64(lines), "ns/line")
}

func BenchmarkBaselineStdcopy(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(corpus.data) / corpusLines))
	start := time.Now()
	if n := runBaseline(corpus.reader(b.N)); n != b.N {
		b.Fatalf("baseline read %d lines, want %d", n, b.N)
	}
	reportLines(b, b.N, time.Since(start))
}

func BenchmarkPipeline(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(corpus.data) / corpusLines))
	start := time.Now()
	if n, dropped := runPipeline(corpus.reader(b.N), benchOptions); n != b.N || dropped != 0 {
		b.Fatalf("pipeline delivered %d lines (dropped %d), want %d", n, dropped, b.N)
	}
	reportLines(b, b.N, time.Since(start))
}

// BenchmarkPipelineDefaultCaps runs the pipeline with its default 10,000
// line ring: a consumer that drains every 50 ms cannot keep up with this
// rate, so most lines are dropped (and counted). It shows the reader's cost
// under overload.
func BenchmarkPipelineDefaultCaps(b *testing.B) {
	b.ReportAllocs()
	start := time.Now()
	n, dropped := runPipeline(corpus.reader(b.N), Options{})
	if uint64(n)+dropped != uint64(b.N) {
		b.Fatalf("%d delivered + %d dropped != %d", n, dropped, b.N)
	}
	reportLines(b, b.N, time.Since(start))
	b.ReportMetric(float64(dropped)/float64(b.N), "dropped/line")
}

// BenchmarkPipelineVsBaseline alternates the baseline and the pipeline over
// the same 100,000 lines and reports the ratio of their times per line
// (pipeline/baseline; the budget is at most 1.5).
func BenchmarkPipelineVsBaseline(b *testing.B) {
	const lines = 10 * corpusLines
	var base, pipe time.Duration
	for b.Loop() {
		start := time.Now()
		if n := runBaseline(corpus.reader(lines)); n != lines {
			b.Fatalf("baseline read %d lines", n)
		}
		mid := time.Now()
		if n, _ := runPipeline(corpus.reader(lines), benchOptions); n != lines {
			b.Fatalf("pipeline delivered %d lines", n)
		}
		base, pipe = base+mid.Sub(start), pipe+time.Since(mid)
	}
	total := float64(b.N * lines)
	b.ReportMetric(total/base.Seconds(), "baseline-lines/s")
	b.ReportMetric(total/pipe.Seconds(), "pipeline-lines/s")
	b.ReportMetric(pipe.Seconds()/base.Seconds(), "ratio")
}

// BenchmarkDecode is the decoder and sanitiser alone, without the ring and
// the delivery goroutine.
func BenchmarkDecode(b *testing.B) {
	b.ReportAllocs()
	p := newTestFeeder(Options{})
	b.SetBytes(int64(len(corpus.data)))
	for b.Loop() {
		p.dec.reset(true, resumePoint{})
		p.dec.write(corpus.data)
		p.dec.finish(true)
		p.pending = p.pending[:0]
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*corpusLines), "ns/line")
}
