package sanitize

import (
	"unicode/utf8"
)

// EscapeJSON appends src, a JSON text, to dst with every character a
// terminal could act on escaped as \uXXXX: DEL, C1 controls (U+0080–U+009F)
// and the bidirectional and line-separator format characters the sanitiser
// drops; invalid UTF-8 becomes \ufffd. encoding/json already escapes C0
// controls but passes these through, so JSON printed to a terminal could
// still reorder or take over what is shown.
//
// Outside strings, valid JSON is ASCII without DEL, so every byte changed
// here is inside a string and the document means exactly what it meant.
func EscapeJSON(dst, src []byte) []byte {
	last := 0
	for i := 0; i < len(src); {
		c := src[i]
		if c < 0x7f {
			i++
			continue
		}
		r, size := rune(c), 1
		if c >= 0x80 {
			r, size = utf8.DecodeRune(src[i:])
		}
		switch {
		case r == utf8.RuneError && size == 1:
			r = utf8.RuneError
		case r == 0x7f, r < 0xa0, dropRune(r):
		default:
			i += size
			continue
		}
		dst = append(dst, src[last:i]...)
		dst = appendUnicodeEscape(dst, r)
		i += size
		last = i
	}
	return append(dst, src[last:]...)
}

const hexDigits = "0123456789abcdef"

func appendUnicodeEscape(dst []byte, r rune) []byte {
	return append(dst, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}

// UnsafeRune reports whether r is a character the sanitiser never lets
// through to a terminal: a C0 or C1 control, DEL, or a bidirectional or
// line-separator format character.
func UnsafeRune(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r < 0xa0) || dropRune(r)
}
