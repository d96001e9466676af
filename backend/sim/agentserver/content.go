package agentserver

import (
	"strings"

	"github.com/ohdash/ohdash/backend/sim/wire"
)

// hostileText is agent output a malicious or broken sandbox could produce:
// screen clearing, a window-title OSC, a hyperlink, a clipboard write, a
// cursor move, colour, a C1 CSI (U+009B), a bidi override (U+202E), and
// two bytes that are not UTF-8.
const hostileText = "\x1b[2J\x1b[H\x1b]0;pwned\x07\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\ " +
	"\x1b]52;c;cHduZWQ=\x07\x1b[10A\x1b[31mred\x1b[0m c1:\u009b2J bidi:\u202eevil\u202c invalid:\xff\xfe end"

// loneSurrogate is a JSON escape for half a UTF-16 pair: valid JSON
// syntax, invalid Unicode.
const loneSurrogate = `\ud83d`

// observationOutput is the text of a terminal observation under the
// current content knobs: plain, hostile (escape sequences, raw invalid
// bytes and a lone surrogate escape, hence a wire.Verbatim), and padded
// to OversizedBytes.
func observationOutput(out string, content Content) any {
	if content.OversizedBytes > len(out) {
		var b strings.Builder
		b.Grow(content.OversizedBytes + 64)
		b.WriteString(out)
		line := "\n" + strings.Repeat("0123456789abcdef", 7) + " oversized output line"
		for b.Len() < content.OversizedBytes {
			b.WriteString(line)
		}
		out = b.String()
	}
	if !content.Hostile {
		return out
	}
	esc := wire.AppendString(nil, out+"\n"+hostileText+" surrogate:")
	// Strip the quotes AppendString added, then add the lone surrogate.
	return wire.Verbatim(string(esc[1:len(esc)-1]) + loneSurrogate)
}
