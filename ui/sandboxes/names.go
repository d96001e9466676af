package sandboxes

import "github.com/charmbracelet/x/ansi"

// fitName shortens a sandbox id to w cells keeping its distinctive end:
// the part after the prefix every sandbox of its kind shares is what
// tells rows apart and what people type (a unique start or end of it), so
// the prefix is cut first ("oh-agent-se…4kVdr9Xq…"); when even the rest is
// too long, its middle goes, keeping both of its ends.
func fitName(id, prefix string, w int) string {
	if w <= 0 || ansi.StringWidth(id) <= w {
		return id
	}
	r := []rune(id)
	p := len([]rune(prefix))
	if prefix == "" || p > len(r) || string(r[:p]) != prefix {
		p = 0
	}
	rest := r[p:]
	if p > 0 && len(rest)+2 <= w {
		keep := w - 1 - len(rest)
		return string(r[:keep]) + "…" + string(rest)
	}
	if w < 3 {
		return string(rest[:min(w, len(rest))])
	}
	left := (w - 1) / 2
	right := w - 1 - left
	if len(rest) <= w {
		return string(rest)
	}
	return string(rest[:left]) + "…" + string(rest[len(rest)-right:])
}
