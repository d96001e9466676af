package logbuf

import (
	"bytes"

	"github.com/charmbracelet/x/ansi"
)

// displayWidth measures sanitised text in terminal cells, skipping its SGR
// sequences. It segments grapheme clusters exactly as ansi.StringWidth (and
// so lipgloss) does, so a width stored in a Line matches what the UI
// measures: clusters never span an escape sequence, wide clusters count 2
// and combining marks 0.
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
		if isASCII(run) {
			w += len(run)
			continue
		}
		for len(run) > 0 {
			cl, cw := ansi.FirstGraphemeCluster(run, ansi.GraphemeWidth)
			if len(cl) == 0 {
				break
			}
			w += cw
			run = run[len(cl):]
		}
	}
	return w
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
