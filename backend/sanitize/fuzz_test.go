package sanitize

import (
	"strings"
	"testing"
)

func FuzzSanitize(f *testing.F) {
	for _, cases := range [][]sanitizeCase{hostile, sgrCases, tabCases, overwriteCases, utf8Cases} {
		for _, c := range cases {
			f.Add([]byte(c.in), false, uint8(0))
		}
	}
	f.Add([]byte("\x1b[31mred\r\t\x1b[1mX\b\u0301中"), true, uint8(3))
	f.Fuzz(func(t *testing.T, in []byte, strip bool, tab uint8) {
		opts := Options{StripColor: strip, TabWidth: int(tab % 40)}
		out, w := Bytes(nil, in, opts)
		checkSanitized(t, string(out), w)
		if strip && strings.IndexByte(string(out), esc) >= 0 {
			t.Fatalf("StripColor kept an escape: %q", out)
		}
		again, w2 := Bytes(nil, out, opts)
		if string(again) != string(out) || w2 != w {
			t.Fatalf("not idempotent:\n in  %q\n out %q (%d)\n out2 %q (%d)", in, out, w, again, w2)
		}
		s, ws := String(string(in), opts)
		if s != string(out) || ws != w {
			t.Fatalf("String differs: %q (%d) vs %q (%d)", s, ws, out, w)
		}
	})
}
