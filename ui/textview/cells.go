package textview

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// tokKind classifies the next piece of a line's text.
type tokKind uint8

const (
	// tokText is one grapheme cluster with a display width.
	tokText tokKind = iota
	// tokSGR is a Select Graphic Rendition sequence (colour, bold, ...).
	tokSGR
	// tokEsc is any other escape sequence: dropped, and not part of the
	// plain (searchable) text.
	tokEsc
	// tokCtl is a C0 control, DEL or an invalid UTF-8 byte: dropped from
	// output, but part of the plain text so offsets agree with plainText.
	tokCtl
)

const esc = 0x1b

// nextToken scans the token that starts at s[i] and returns its kind, the
// index just past it and, for text, its width in cells.
//
// Pure ASCII is the overwhelmingly common case in logs, so a printable ASCII
// byte followed by another ASCII byte (or the end) is taken as a one-cell
// cluster without calling the grapheme segmenter: no Unicode grapheme rule
// joins two ASCII characters other than CR LF, and CR never survives
// sanitising.
func nextToken(s string, i int) (kind tokKind, end, width int) {
	b := s[i]
	switch {
	case b == esc:
		return scanEscape(s, i)
	case b < 0x20 || b == 0x7f:
		return tokCtl, i + 1, 0
	case b < utf8.RuneSelf && (i+1 == len(s) || s[i+1] < utf8.RuneSelf):
		return tokText, i + 1, 1
	}
	if r, size := utf8.DecodeRuneInString(s[i:]); r == utf8.RuneError && size <= 1 {
		// Invalid UTF-8 (the sanitiser replaces it; this is defence):
		// dropped like a control, so no terminal guesses its width.
		return tokCtl, i + 1, 0
	}
	cluster, w := ansi.FirstGraphemeCluster(s[i:], ansi.GraphemeWidth)
	if !utf8.ValidString(cluster) {
		// The segmenter can glue an invalid byte onto a cluster; emitted,
		// it would swallow the next escape in the terminal's decoder.
		// Keep the valid prefix; the invalid byte is dropped next time.
		cluster = validPrefix(cluster)
		_, w = ansi.FirstGraphemeCluster(cluster, ansi.GraphemeWidth)
	}
	if cluster == "" {
		return tokCtl, i + 1, 0
	}
	return tokText, i + len(cluster), w
}

// scanEscape scans an escape sequence starting at s[i] == ESC. Only CSI
// sequences ending in 'm' are kept (as SGR); everything else is consumed and
// dropped, so an unsanitised line cannot move the cursor or set a title.
func scanEscape(s string, i int) (kind tokKind, end, width int) {
	if i+1 >= len(s) {
		return tokEsc, len(s), 0
	}
	switch c := s[i+1]; {
	case c == '[':
		j := i + 2
		params := true
		for j < len(s) && s[j] >= 0x20 && s[j] <= 0x3f {
			if s[j] < 0x30 {
				params = false // intermediate byte: not a plain SGR
			}
			j++
		}
		if j < len(s) && s[j] >= 0x40 && s[j] <= 0x7e {
			if s[j] == 'm' && params {
				return tokSGR, j + 1, 0
			}
			return tokEsc, j + 1, 0
		}
		return tokEsc, j, 0
	case c >= utf8.RuneSelf:
		// Never split a multi-byte rune: drop the lone ESC only.
		return tokEsc, i + 1, 0
	default:
		return tokEsc, i + 2, 0
	}
}

// sgrResets reports whether an SGR sequence starts by resetting every
// attribute ("ESC[m", "ESC[0m", "ESC[0;31m"), so the attributes accumulated
// before it no longer matter.
func sgrResets(seq string) bool {
	p := seq[2 : len(seq)-1] // strip "ESC[" and "m"
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '0':
			continue
		case ';':
			return true
		default:
			return false
		}
	}
	return true
}

// plainText returns s without escape sequences: the text that search runs
// over. Offsets into it are what match spans use.
func plainText(s string) string {
	if strings.IndexByte(s, esc) < 0 {
		return s
	}
	return string(appendPlain(make([]byte, 0, len(s)), s))
}

// appendPlain appends s without escape sequences to dst.
func appendPlain(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		if s[i] == esc {
			_, i, _ = scanEscape(s, i)
			continue
		}
		j := strings.IndexByte(s[i:], esc)
		if j < 0 {
			return append(dst, s[i:]...)
		}
		dst = append(dst, s[i:i+j]...)
		i += j
	}
	return dst
}

func onlyZeros(p string) bool {
	for i := 0; i < len(p); i++ {
		if p[i] != '0' {
			return false
		}
	}
	return true
}

// validPrefix returns the longest prefix of s that is valid UTF-8.
func validPrefix(s string) string {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			return s[:i]
		}
		i += size
	}
	return s
}
