package shell

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ohdash/ohdash/backend"
)

// TestFaultSafeWriterLongLineSplit: a line longer than the writer holds
// is written in pieces; a secret, an OSC 52 sequence or a multi-byte
// character (C1 CSI, bidi override) across a piece's edge must not come
// out unmasked, live or mangled.
func TestFaultSafeWriterLongLineSplit(t *testing.T) {
	backend.RememberSecret(plantedKey)
	for _, planted := range []string{plantedKey, "\x1b]52;c;aGk=\a", "\u009b2J", "\u202e", "é"} {
		for cut := 1; cut < len(planted); cut++ {
			pad := strings.Repeat("ab ", maxLine/3+1)
			line := pad[:maxLine-cut] + planted + "z\n"
			var out bytes.Buffer
			w := NewSafeWriter(&out, false, false)
			// Output arrives in pieces: the first ends inside the planted text.
			for _, part := range []string{line[:maxLine], line[maxLine:]} {
				if _, err := w.Write([]byte(part)); err != nil {
					t.Fatal(err)
				}
			}
			got := out.String()
			for _, bad := range []string{plantedKey, plantedKey[:len(plantedKey)/2+2], "\x1b", "\u009b", "\u202e", "\ufffd", "]52;"} {
				if strings.Contains(got, bad) {
					t.Fatalf("%q cut after %d bytes: the output carries %q", planted, cut, bad)
				}
			}
			if planted == "é" && !strings.Contains(got, "é") {
				t.Fatalf("é cut after %d bytes was mangled", cut)
			}
		}
	}
}

// TestFaultSafeWriterNoSpaceLine: a line without a space is held up to
// maxHeld, then cut at a character's edge (not inside é), and written
// whole in the end.
func TestFaultSafeWriterNoSpaceLine(t *testing.T) {
	for cut := 1; cut < len("é"); cut++ {
		line := strings.Repeat("a", maxHeld-cut) + "é" + strings.Repeat("b", 100) + "\n"
		var out bytes.Buffer
		w := NewSafeWriter(&out, false, false)
		for i := 0; i < len(line); i += 32 << 10 {
			if _, err := w.Write([]byte(line[i:min(i+32<<10, len(line))])); err != nil {
				t.Fatal(err)
			}
			if len(w.buf) > maxHeld+32<<10 {
				t.Fatalf("held %d bytes", len(w.buf))
			}
		}
		if out.String() != line {
			t.Fatalf("cut %d: %d bytes written of %d; é whole: %v", cut, out.Len(), len(line), strings.Contains(out.String(), "é"))
		}
	}
}
