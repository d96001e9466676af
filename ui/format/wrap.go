package format

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// WrapWords wraps plain text to w cells at spaces only: an image name, a
// container name or a URL stays whole on one line when it fits (the
// usual wrappers also break after hyphens, splitting
// "ghcr.io/openhands/agent-server:1.43.1-python" in two). A word longer
// than w is cut into w-cell pieces. Newlines in s are kept.
func WrapWords(s string, w int) []string {
	if w <= 0 {
		return []string{s}
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line, lw := "", 0
		flush := func() { out = append(out, line); line, lw = "", 0 }
		for _, word := range strings.Fields(para) {
			ww := ansi.StringWidth(word)
			for ww > w {
				// Too long for any line: it starts on its own and is cut.
				if lw > 0 {
					flush()
				}
				out = append(out, ansi.Truncate(word, w, ""))
				word = ansi.TruncateLeft(word, w, "")
				ww = ansi.StringWidth(word)
			}
			switch {
			case ww == 0:
			case lw == 0:
				line, lw = word, ww
			case lw+1+ww <= w:
				line, lw = line+" "+word, lw+1+ww
			default:
				flush()
				line, lw = word, ww
			}
		}
		if lw > 0 || len(out) == 0 || para == "" {
			flush()
		}
	}
	return out
}
