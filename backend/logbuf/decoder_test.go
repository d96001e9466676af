package logbuf

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
)

// wantLine is what a test expects of a Line (Seq is checked separately).
type wantLine struct {
	stream Stream
	time   time.Time
	text   string
}

func checkLines(t *testing.T, got []Line, want []wantLine) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d lines %q, want %d", len(got), texts(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Stream != w.stream || !g.Time.Equal(w.time) || g.Text != w.text || g.Seq != uint64(i+1) {
			t.Errorf("line %d = {seq %d %v %v %q}, want {seq %d %v %v %q}",
				i, g.Seq, g.Stream, g.Time, g.Text, i+1, w.stream, w.time, w.text)
		}
	}
}

// checkEverySplit decodes input whole, byte by byte and cut at every
// position, and requires the same lines each time.
func checkEverySplit(t *testing.T, input string, multiplexed bool, want []wantLine) {
	t.Helper()
	checkLines(t, decodeChunks([]byte(input), multiplexed, Options{}), want)
	checkLines(t, decodeBytewise([]byte(input), multiplexed, Options{}), want)
	for i := 1; i < len(input); i++ {
		got := decodeChunks([]byte(input), multiplexed, Options{}, i)
		if !reflect.DeepEqual(texts(got), texts(decodeChunks([]byte(input), multiplexed, Options{}))) {
			t.Fatalf("cut at %d: got %q", i, texts(got))
		}
	}
}

func TestDecodeMultiplexedEverySplit(t *testing.T) {
	input := frames(at(1), "first", "\x1b[32mgreen\x1b[0m") +
		frame(1, entry(at(2), "partial ")) + // a long line cut by Docker…
		frame(2, entry(at(3), "stderr in between\n")) + // …interleaved with stderr…
		frame(1, entry(at(2), "rest\n")) + // …and finished.
		frame(2, entry(at(4), "tty style\r\n")) +
		frame(1, entry(at(5), "bad \xff utf8\n")) +
		frame(2, entry(at(6), "no final newline"))
	checkEverySplit(t, input, true, []wantLine{
		{Stdout, at(1), "first"},
		{Stdout, at(1), "\x1b[32mgreen\x1b[m"},
		{Stderr, at(3), "stderr in between"},
		{Stdout, at(2), "partial rest"},
		{Stderr, at(4), "tty style"},
		{Stdout, at(5), "bad \uFFFD utf8"},
		{Stderr, at(6), "no final newline"},
	})
}

func TestDecodeRawEverySplit(t *testing.T) {
	input := entry(at(1), "tty line\r\n") + entry(at(2), "\x1b[1mbold\x1b[0m\r\n") +
		entry(at(3), "\r\n") + entry(at(4), "last, no newline")
	checkEverySplit(t, input, false, []wantLine{
		{Stdout, at(1), "tty line"},
		{Stdout, at(2), "\x1b[1mbold\x1b[m"},
		{Stdout, at(3), ""},
		{Stdout, at(4), "last, no newline"},
	})
}

// longLine is a line Docker cuts into 16 KiB pieces, each logged with the
// same timestamp (moby daemon/logger/copier.go) and written with its own
// prefix.
func longLine(n int) (line string, pieces []string) {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		b.WriteString("long line ")
		b.WriteByte(byte('a' + i%26))
	}
	line = b.String()[:n]
	for rest := line; ; {
		if len(rest) <= partialSize {
			pieces = append(pieces, rest+"\n")
			return line, pieces
		}
		pieces = append(pieces, rest[:partialSize])
		rest = rest[partialSize:]
	}
}

func TestDecodeRejoins16KiBSplits(t *testing.T) {
	line, pieces := longLine(40000)
	var mux, raw strings.Builder
	for _, p := range pieces {
		mux.WriteString(frame(1, entry(at(7), p)))
		raw.WriteString(entry(at(7), p))
	}
	// A piece exactly 16 KiB long followed by just the newline.
	exact, _ := longLine(partialSize)
	mux.WriteString(frame(2, entry(at(8), exact)) + frame(2, entry(at(8), "\n")))
	raw.WriteString(entry(at(8), exact) + entry(at(8), "\n"))
	// The stderr line carries stream 2 only when multiplexed.
	for name, c := range map[string]struct {
		in          string
		multiplexed bool
		stream      Stream
	}{"multiplexed": {mux.String(), true, Stderr}, "tty": {raw.String(), false, Stdout}} {
		t.Run(name, func(t *testing.T) {
			want := []wantLine{{Stdout, at(7), line}, {c.stream, at(8), exact}}
			checkLines(t, decodeChunks([]byte(c.in), c.multiplexed, Options{}), want)
			checkLines(t, decodeBytewise([]byte(c.in), c.multiplexed, Options{}), want)
			checkLines(t, decodeChunks([]byte(c.in), c.multiplexed, Options{}, 1000, 16407, 3, 8191), want)
		})
	}
}

func TestDecodeInterleavedPartials(t *testing.T) {
	input := frame(1, entry(at(1), "out a ")) + frame(2, entry(at(2), "err a ")) +
		frame(1, entry(at(1), "out b ")) + frame(2, entry(at(2), "err b\n")) +
		frame(1, entry(at(1), "out c\n"))
	checkEverySplit(t, input, true, []wantLine{
		{Stderr, at(2), "err a err b"},
		{Stdout, at(1), "out a out b out c"},
	})
}

func TestDecodeMalformedIsText(t *testing.T) {
	t.Run("frame without timestamp", func(t *testing.T) {
		checkEverySplit(t, frame(1, "no stamp here\n")+frame(1, "2026-01-01 not a stamp\n"), true, []wantLine{
			{Stdout, time.Time{}, "no stamp here"},
			{Stdout, time.Time{}, "2026-01-01 not a stamp"},
		})
	})
	t.Run("impossible timestamp", func(t *testing.T) {
		in := frame(1, "2026-02-30T00:00:00.000000000Z feb 30\n")
		checkEverySplit(t, in, true, []wantLine{{Stdout, time.Time{}, "2026-02-30T00:00:00.000000000Z feb 30"}})
	})
	t.Run("bad header switches to raw", func(t *testing.T) {
		in := frames(at(1), "framed") + "\x07\x00\x00\x00junk " + entry(at(2), "raw\n")
		checkEverySplit(t, in, true, []wantLine{
			{Stdout, at(1), "framed"},
			{Stdout, time.Time{}, "junk " + entry(at(2), "raw")},
		})
	})
	t.Run("raw requested but multiplexed", func(t *testing.T) {
		checkEverySplit(t, frames(at(1), "detected")+frame(2, entry(at(2), "err\n")), false, []wantLine{
			{Stdout, at(1), "detected"},
			{Stderr, at(2), "err"},
		})
	})
	t.Run("short stream", func(t *testing.T) {
		checkEverySplit(t, "\x01\x00\x00", true, []wantLine{{Stdout, time.Time{}, ""}})
	})
	t.Run("truncated frame", func(t *testing.T) {
		in := frames(at(1), "whole") + frame(1, entry(at(2), "cut short\n"))[:20]
		checkLines(t, decodeChunks([]byte(in), true, Options{}), []wantLine{
			{Stdout, at(1), "whole"},
			{Stdout, time.Time{}, entry(at(2), "")[:12]},
		})
	})
	t.Run("daemon error and stdin frames", func(t *testing.T) {
		in := frame(3, "Error grabbing logs: boom\n") + frame(0, entry(at(1), "stdin\n")) + frame(3, "no newline")
		checkEverySplit(t, in, true, []wantLine{
			{System, time.Time{}, "Error grabbing logs: boom"},
			{Stdout, at(1), "stdin"},
			{System, time.Time{}, "no newline"},
		})
	})
	t.Run("timestamp with offset", func(t *testing.T) {
		in := "2026-03-14T16:09:26.5+01:00 offset\n2026-03-14T15:09:26Z no fraction\n"
		checkEverySplit(t, in, false, []wantLine{
			{Stdout, time.Date(2026, 3, 14, 15, 9, 26, 500000000, time.UTC), "offset"},
			{Stdout, time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC), "no fraction"},
		})
	})
}

func TestDecodeCutsOverlongLines(t *testing.T) {
	line := strings.Repeat("ab€", 10) // 50 bytes; '€' is 3 bytes
	in := frame(1, entry(at(1), line+"\n")) + frame(1, entry(at(2), line[:20])) + frame(1, entry(at(2), line[20:]+"\n"))
	opts := Options{MaxLineBytes: 16}
	// Cuts fall at 16 bytes, or before a '€' that would straddle them.
	pieces := []string{"ab€ab€ab€a", "b€ab€ab€ab", "€ab€ab€ab", "€"}
	want := append(append([]string{}, pieces...), pieces...)
	for _, got := range [][]Line{
		decodeChunks([]byte(in), true, opts), decodeBytewise([]byte(in), true, opts),
	} {
		if !reflect.DeepEqual(texts(got), want) {
			t.Fatalf("got %q, want %q", texts(got), want)
		}
		for i, l := range got {
			if wantT := at(1 + i/len(pieces)); !l.Time.Equal(wantT) {
				t.Errorf("piece %d has time %v, want %v", i, l.Time, wantT)
			}
		}
	}
}

func TestParseStampMatchesTimeParse(t *testing.T) {
	for _, ts := range []time.Time{
		t0, time.Date(2000, 2, 29, 23, 59, 59, 999999999, time.UTC), time.Date(1970, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC), time.Date(2400, 2, 29, 0, 0, 0, 0, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
	} {
		b := []byte(ts.Format(dockerTime))
		st, ok := parseFixed(b)
		if !ok || !st.time().Equal(ts) {
			t.Errorf("parseFixed(%s) = %v, %v", b, st.time(), ok)
		}
	}
	for _, bad := range []string{
		"2026-02-29T00:00:00.000000000Z", "2026-04-31T00:00:00.000000000Z", "2026-00-01T00:00:00.000000000Z",
		"2026-01-01T24:00:00.000000000Z", "2026-01-01T00:60:00.000000000Z", "2026-01-01T00:00:60.000000000Z",
		"2026-01-01 00:00:00.000000000Z", "2026-01-01T00:00:00.00000000xZ",
	} {
		if _, ok := parseStamp([]byte(bad)); ok {
			t.Errorf("parseStamp(%s) accepted", bad)
		}
	}
}

// TestFrameHelperMatchesStdcopy checks the test helper that builds frames
// against moby's own demultiplexer, so the decoder is tested on the real
// wire format.
func TestFrameHelperMatchesStdcopy(t *testing.T) {
	var out, errs strings.Builder
	in := frame(1, "to stdout\n") + frame(2, "to stderr\n") + frame(1, "again")
	if _, err := stdcopy.StdCopy(&out, &errs, strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	if out.String() != "to stdout\nagain" || errs.String() != "to stderr\n" {
		t.Fatalf("stdcopy read stdout %q, stderr %q", out.String(), errs.String())
	}
}
