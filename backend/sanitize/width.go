package sanitize

import (
	"bytes"

	"github.com/charmbracelet/x/ansi"
	"github.com/clipperhouse/displaywidth"
	"github.com/clipperhouse/uax29/v2/graphemes"
)

// widthOptions measure grapheme clusters as ansi.StringWidth (and so
// lipgloss) does. ansi makes ambiguous East Asian characters wide when
// RUNEWIDTH_EASTASIAN says so; asking it about one ('±') keeps the two in
// step without reading the environment a second time.
var widthOptions = displaywidth.Options{EastAsianWidth: ansi.StringWidth("±") == 2}

// displayWidth measures sanitised text in terminal cells, skipping its SGR
// sequences, exactly as ansi.StringWidth does, so a width stored in a Line
// matches what the UI measures: clusters never span an escape sequence,
// wide clusters count 2 and combining marks 0.
func displayWidth(b []byte) int {
	w := 0
	for len(b) > 0 {
		if b[0] == esc {
			// Sanitised text holds only SGR sequences, which end in 'm'.
			end := bytes.IndexByte(b, 'm')
			if end < 0 {
				return w
			}
			b = b[end+1:]
			continue
		}
		run := b
		if i := bytes.IndexByte(b, esc); i >= 0 {
			run = b[:i]
		}
		b = b[len(run):]
		w += widthOptions.Bytes(run)
	}
	return w
}

// eachCluster calls fn with every grapheme cluster of b and its width.
func eachCluster(b []byte, fn func(cluster []byte, width int) bool) {
	g := graphemes.FromBytes(b)
	for g.Next() {
		v := g.Value()
		if !fn(v, widthOptions.Bytes(v)) {
			return
		}
	}
}
