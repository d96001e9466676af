package logbuf

import (
	"reflect"
	"strings"
	"testing"
)

// TestFaultOverlongLinePiecesMarked: a line longer than MaxLineBytes is
// delivered in pieces, every piece but the last marked Continues, so a
// lossless consumer (the command line) can write the line back whole
// instead of breaking it into several (a 20 MB JSON log line came out of
// `ohdash logs` as 20 lines). Lines that fit are never marked.
func TestFaultOverlongLinePiecesMarked(t *testing.T) {
	line := strings.Repeat("ab€", 10) // 50 bytes, cut into 4 pieces of at most 16
	in := frame(1, entry(at(1), line+"\n")) + frame(1, entry(at(2), line[:20])) + frame(1, entry(at(2), line[20:]+"\n")) +
		frame(1, entry(at(3), "short\n"))
	want := []bool{true, true, true, false, true, true, true, false, false}
	for _, got := range [][]Line{
		decodeChunks([]byte(in), true, Options{MaxLineBytes: 16}), decodeBytewise([]byte(in), true, Options{MaxLineBytes: 16}),
	} {
		if cont := each(got, func(l Line) bool { return l.Continues }); !reflect.DeepEqual(cont, want) {
			t.Fatalf("Continues %v, want %v (pieces %q)", cont, want, texts(got))
		}
		joined := ""
		for _, l := range got[:4] {
			joined += l.Text
		}
		if joined != line {
			t.Fatalf("pieces join to %q, want %q", joined, line)
		}
	}
}
