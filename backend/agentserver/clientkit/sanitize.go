package clientkit

import (
	"strings"
	"unicode/utf8"
)

// Agent output, titles, error details and file paths come from the sandbox
// and are attacker-controlled. Everything the clients put into a display
// string goes through SanitizeLine (or SanitizeText for a line they cut
// themselves).

// scanLimit bounds how much of a huge text is looked at for its first line.
const scanLimit = 64 << 10

// SanitizeLine returns the first non-blank line of untrusted text, made
// safe for a terminal (no escape or control sequences, valid UTF-8, colour
// stripped) and cut to at most max bytes. The result never shares memory
// with s, so a short summary does not pin a multi-megabyte observation.
func SanitizeLine(s string, max int) string {
	if len(s) > scanLimit {
		s = s[:scanLimit]
	}
	for s != "" {
		line, rest, _ := strings.Cut(s, "\n")
		s = rest
		// Bound the work per line: a summary never needs more.
		if len(line) > 4*max+256 {
			line = line[:4*max+256]
		}
		if clean := strings.TrimSpace(SanitizeText(line)); clean != "" {
			return strings.Clone(Truncate(clean, max))
		}
	}
	return ""
}

// SanitizeText makes one line of untrusted text terminal-safe (colour
// stripped). It is the single point to switch to the shared sanitiser.
func SanitizeText(line string) string {
	// A carriage return rewinds the line: what a terminal would finally
	// show is the text after the last one (for a summary, close enough).
	if i := strings.LastIndexByte(strings.TrimRight(line, "\r"), '\r'); i >= 0 {
		line = line[i+1:]
	}
	var b strings.Builder
	b.Grow(len(line))
	for i := 0; i < len(line); {
		c := line[i]
		switch {
		case c == 0x1b:
			i = skipEscape(line, i)
			continue
		case c == '\t':
			b.WriteByte(' ')
		case c < 0x20 || c == 0x7f:
			// Other C0 controls: dropped.
		case c < utf8.RuneSelf:
			b.WriteByte(c)
		default:
			r, size := utf8.DecodeRuneInString(line[i:])
			switch {
			case r == utf8.RuneError && size == 1:
				b.WriteRune(utf8.RuneError)
			case r >= 0x80 && r <= 0x9f, isBidiControl(r):
				// C1 controls (8-bit CSI/OSC) and bidi overrides.
			default:
				b.WriteString(line[i : i+size])
			}
			i += size
			continue
		}
		i++
	}
	return b.String()
}

// skipEscape returns the index just past the escape sequence at s[i].
func skipEscape(s string, i int) int {
	i++ // ESC
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[': // CSI: parameters and intermediates, then one final byte.
		for i++; i < len(s); i++ {
			if s[i] >= 0x40 && s[i] <= 0x7e {
				return i + 1
			}
		}
		return i
	case ']', 'P', 'X', '^', '_': // OSC, DCS, SOS, PM, APC: up to BEL or ST.
		for i++; i < len(s); i++ {
			if s[i] == 0x07 {
				return i + 1
			}
			if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
		}
		return i
	default: // Two-byte sequences (ESC 7, ESC c, charset selection).
		if s[i] >= 0x20 && s[i] <= 0x2f && i+1 < len(s) {
			return i + 2
		}
		return i + 1
	}
}

func isBidiControl(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f
}

// Truncate cuts s to at most max bytes on a rune boundary, marking the cut.
func Truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.TrimRight(s[:cut], " ") + "…"
}
