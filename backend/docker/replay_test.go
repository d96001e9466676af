package docker

import (
	"bytes"
	"encoding/binary"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func frame(stream byte, ts time.Time, text string) []byte {
	payload := ts.UTC().Format(time.RFC3339Nano) + " " + text
	h := make([]byte, 8)
	h[0] = stream
	binary.BigEndian.PutUint32(h[4:], uint32(len(payload)))
	return append(h, payload...)
}

func TestReplayFilterDropsReplayedEntries(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(us int) time.Time { return t0.Add(time.Duration(us) * time.Microsecond) }
	var in, want bytes.Buffer
	keep := func(b []byte) { in.Write(b); want.Write(b) }
	keep(frame(1, at(10), "line 1\n"))
	keep(frame(2, at(12), "line 2\n"))
	keep(frame(1, at(11), "line 3\n")) // stdout stamped before the stderr line: not a replay
	keep(frame(1, at(20), "long part a"))
	keep(frame(1, at(20), "long part b\n")) // parts of a long line share a stamp
	keep(frame(1, at(30), "line 5\n"))
	in.Write(frame(1, at(11), "line 3\n")) // the engine re-reads an earlier stretch
	in.Write(frame(1, at(20), "long part a"))
	in.Write(frame(1, at(20), "long part b\n"))
	in.Write(frame(1, at(30), "line 5\n"))
	keep(frame(1, at(40), "line 6\n"))
	keep(frame(2, at(41), "line 7\n"))
	keep([]byte{1, 0, 0, 0, 0, 0, 0}) // a truncated header passes through

	for name, r := range map[string]func(io.Reader) io.Reader{
		"whole": func(r io.Reader) io.Reader { return r }, "bytewise": iotest.OneByteReader, "halves": iotest.HalfReader,
	} {
		f := newReplayFilter(io.NopCloser(r(bytes.NewReader(in.Bytes()))), true)
		got, err := io.ReadAll(f)
		if err != nil || !bytes.Equal(got, want.Bytes()) || f.dropped != 4 {
			t.Errorf("%s: dropped %d, err %v, output equal %v", name, f.dropped, err, bytes.Equal(got, want.Bytes()))
		}
	}
}

func TestReplayFilterTTY(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	line := func(us int, text string) string {
		return t0.Add(time.Duration(us)*time.Microsecond).Format(time.RFC3339Nano) + " " + text + "\n"
	}
	in := line(1, "a") + line(2, "b") + line(3, "c") + line(2, "b") + line(3, "c") + line(4, "d") + "untimed tail"
	want := line(1, "a") + line(2, "b") + line(3, "c") + line(4, "d") + "untimed tail"
	f := newReplayFilter(io.NopCloser(iotest.HalfReader(bytes.NewReader([]byte(in)))), false)
	got, err := io.ReadAll(f)
	if err != nil || string(got) != want || f.dropped != 2 {
		t.Errorf("dropped %d, err %v\ngot  %q\nwant %q", f.dropped, err, got, want)
	}
}

// An ordered stream passes unchanged however it is cut into reads, and a
// stream followed by a replay of any stretch of itself comes out as the
// stream alone. (Not covered, because it cannot be told apart: a replay of
// only the parts of a long line that is still unfinished.)
func FuzzReplayFilter(f *testing.F) {
	f.Add([]byte("\x01\x02\x03hello\nworld"), uint8(3), uint8(1))
	f.Add([]byte("\x02\x02long line with no end"), uint8(1), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, chunk, replayFrom uint8) {
		t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		var stream []byte
		var frames [][]byte
		var st byte
		ts, open := t0, false
		for i := 0; i+1 < len(data); i += 8 {
			end := min(i+8, len(data))
			// A new entry gets a later stamp and a stream from its first
			// byte; the continuation of an unfinished long line keeps
			// both (Docker stamps every part of a line alike).
			if !open {
				st, ts = 1+data[i]&1, ts.Add(time.Millisecond)
			}
			text := string(data[i+1 : end])
			// The last line is finished: a replay of nothing but the first
			// parts of an unfinished line would be ambiguous.
			if data[i]&2 == 0 || i+9 >= len(data) {
				text += "\n"
			}
			open = !strings.HasSuffix(text, "\n")
			fr := frame(st, ts, text)
			frames = append(frames, fr)
			stream = append(stream, fr...)
		}
		in := append([]byte(nil), stream...)
		if len(frames) > 0 {
			for _, fr := range frames[int(replayFrom)%len(frames):] {
				in = append(in, fr...)
			}
		}
		r := io.Reader(bytes.NewReader(in))
		if chunk > 0 {
			r = &chunkReader{r: r, n: int(chunk)}
		}
		got, err := io.ReadAll(newReplayFilter(io.NopCloser(r), true))
		if err != nil || !bytes.Equal(got, stream) {
			t.Fatalf("err %v; %d bytes out, want the %d of the stream", err, len(got), len(stream))
		}
	})
}

// chunkReader returns at most n bytes per read.
type chunkReader struct {
	r io.Reader
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(p) > c.n {
		p = p[:c.n]
	}
	return c.r.Read(p)
}
