package sanitize

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"
)

var jsonHostile = []string{
	"plain",
	"osc0 \x1b]0;pwned\x07 title",
	"c1 csi \u009b2J and nel \u0085",
	"bidi \u202eevil\u202c iso \u2066x\u2069 marks \u200e\u200f\u061c",
	"line sep \u2028 para \u2029",
	"del \x7f bel \x07",
	"wide 中文 and é stay",
}

func TestEscapeJSONEscapesTerminalControls(t *testing.T) {
	for _, s := range jsonHostile {
		enc, err := json.Marshal(map[string]string{"k": s})
		if err != nil {
			t.Fatal(err)
		}
		out := EscapeJSON(nil, enc)
		checkJSONSafe(t, out)
		var back map[string]string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("%q: not JSON any more: %v", out, err)
		}
		if back["k"] != s {
			t.Errorf("%q: round trip gave %q", s, back["k"])
		}
	}
	// Invalid UTF-8 inside a string (as json.Compact passes it) becomes
	// U+FFFD, escaped.
	out := EscapeJSON(nil, []byte("{\"k\":\"a\x9b2Jb\xffc\"}"))
	if want := `{"k":"a\ufffd2Jb\ufffdc"}`; string(out) != want {
		t.Fatalf("got %s, want %s", out, want)
	}
}

func TestUnsafeRune(t *testing.T) {
	for _, r := range []rune{0, 0x1b, 0x7f, 0x80, 0x9b, 0x9f, 0x202e, 0x2066, 0x2069, 0x200e, 0x061c, 0x2028} {
		if !UnsafeRune(r) {
			t.Errorf("UnsafeRune(%U) = false", r)
		}
	}
	for _, r := range []rune{' ', 'a', 0xa0, 0xe9, 0x4e2d, 0xfffd} {
		if UnsafeRune(r) {
			t.Errorf("UnsafeRune(%U) = true", r)
		}
	}
}

// checkJSONSafe fails when out has a byte or rune a terminal acts on.
func checkJSONSafe(t *testing.T, out []byte) {
	t.Helper()
	for i := 0; i < len(out); {
		r, size := utf8.DecodeRune(out[i:])
		if (r == utf8.RuneError && size == 1) || UnsafeRune(r) && r != '\n' {
			t.Fatalf("unsafe %U at %d in %q", r, i, out)
		}
		i += size
	}
}

func FuzzEscapeJSON(f *testing.F) {
	for _, s := range jsonHostile {
		f.Add(s)
	}
	f.Add("a\x9bb\xff\xfe")
	f.Fuzz(func(t *testing.T, s string) {
		enc, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err) // Marshal accepts every string
		}
		out := EscapeJSON(nil, enc)
		checkJSONSafe(t, out)
		var back string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("%q: %v", out, err)
		}
		var want string
		_ = json.Unmarshal(enc, &want)
		if back != want {
			t.Fatalf("meaning changed: %q vs %q", back, want)
		}
		if !bytes.Equal(EscapeJSON(nil, out), out) {
			t.Fatalf("not idempotent: %q", out)
		}
	})
}
