package logbuf

import (
	"strings"
	"testing"
)

func FuzzDecoder(f *testing.F) {
	f.Add([]byte(frames(at(1), "hello", "\x1b[31mworld\x1b[0m")+frame(2, entry(at(2), "err\r\n"))), true, []byte{3, 9, 1})
	f.Add([]byte(entry(at(1), "tty\r\n")+entry(at(2), "no newline")), false, []byte{30, 1})
	f.Add([]byte(frame(1, entry(at(1), "part one "))+frame(2, entry(at(2), "other\n"))+frame(1, entry(at(1), "part two\n"))), true, []byte{40})
	f.Add([]byte(frame(3, "Error grabbing logs: boom\n")+frame(0, "no stamp\n")+"\x07\x00\x00\x00junk"), true, []byte{8, 8})
	f.Add([]byte("2026-03-14T15:09:26.5+01:00 offset\n2026-13-01T00:00:00.000000000Z bad month\n"), false, []byte{5})
	f.Add([]byte(frame(1, entry(at(1), strings.Repeat("é", 120)+"\n"))), true, []byte{7, 13})
	f.Fuzz(func(t *testing.T, in []byte, multiplexed bool, cuts []byte) {
		opts := Options{MaxLineBytes: 100}
		whole := decodeChunks(in, multiplexed, opts)
		sizes := make([]int, len(cuts))
		for i, c := range cuts {
			sizes[i] = int(c)%64 + 1
		}
		chunked := decodeChunks(in, multiplexed, opts, sizes...)
		if len(whole) != len(chunked) {
			t.Fatalf("chunking changed the line count: %d vs %d\n%q\n%q", len(whole), len(chunked), texts(whole), texts(chunked))
		}
		for i := range whole {
			a, b := whole[i], chunked[i]
			if a.Text != b.Text || !a.Time.Equal(b.Time) || a.Stream != b.Stream || a.Width != b.Width || a.Seq != b.Seq {
				t.Fatalf("line %d differs with chunking:\n%+v\n%+v", i, a, b)
			}
			checkSanitized(t, a.Text, a.Width)
		}
	})
}
