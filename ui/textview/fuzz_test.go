package textview

import "testing"

// FuzzFrameGeometry feeds arbitrary text, including unsanitised escapes and
// invalid UTF-8, and requires every frame to keep its exact geometry and
// no escape other than SGR to reach the output.
func FuzzFrameGeometry(f *testing.F) {
	f.Add("plain ascii line", uint8(20), uint8(3), true, uint8(0))
	f.Add("\x1b[31mred\x1b[0m 漢字 😀 e\u0301", uint8(9), uint8(4), true, uint8(0))
	f.Add("\x1b]8;;http://x\x07link\x1b]8;;\x07 \x1b[2J\x1b[1A", uint8(7), uint8(2), false, uint8(3))
	f.Add("\xff\xfe\x1b[38;5;1mbad utf8\x1b", uint8(5), uint8(5), true, uint8(1))
	f.Fuzz(func(t *testing.T, text string, w, h uint8, wrap bool, right uint8) {
		m := newView(1+int(w%100), 1+int(h%20), WithWrap(wrap), WithMaxLines(8))
		m = m.Append(mk(text), mk(text+" "+text), mk(""))
		for range right % 4 {
			m = m.ScrollRight()
		}
		if len(text) > 0 {
			m = m.Search(text[:1+len(text)/3])
		}
		for _, v := range []Model{m, m.ScrollUp(2), m.GotoTop(), m.SetTimestamps(true)} {
			for _, row := range checkFrame(t, v) {
				for i := 0; i < len(row); i++ {
					if row[i] == esc {
						kind, end, _ := scanEscape(row, i)
						if kind != tokSGR {
							t.Fatalf("non-SGR escape %q in output row %q", row[i:end], row)
						}
						i = end - 1
					} else if row[i] < 0x20 || row[i] == 0x7f {
						t.Fatalf("control byte %#x in output row %q", row[i], row)
					}
				}
			}
		}
	})
}
