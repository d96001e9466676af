package clientkit

import (
	"strings"
	"unicode/utf8"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sanitize"
)

// Agent output, titles, error details and file paths come from the sandbox
// and are attacker-controlled. Everything the clients put into a display
// string goes through SanitizeLine (or SanitizeText for a line they cut
// themselves).

// scanLimit bounds how much of a huge text is looked at for its first line.
const scanLimit = 64 << 10

// SanitizeLine returns the first non-blank line of untrusted text, made
// safe for a terminal (no escape or control sequences, valid UTF-8, colour
// stripped), with credentials masked (backend.MaskText: an agent may echo
// a key), and cut to at most max bytes. The result never shares memory
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
			// Masked before the cut, so a cut cannot leave half a key
			// that no longer matches.
			return strings.Clone(Truncate(backend.MaskText(clean), max))
		}
	}
	return ""
}

// SanitizeText makes one line of untrusted text terminal-safe with the
// shared sanitiser: colour stripped, tabs expanded, every character kept
// visible ("\r" and cursor moves never let later text hide earlier text: a
// command awaiting approval must read as what it is), every other control
// and escape sequence dropped, invalid UTF-8 replaced. The result may share
// memory with line.
func SanitizeText(line string) string {
	out, _ := sanitize.String(line, sanitize.Options{StripColor: true, Literal: true})
	return out
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
