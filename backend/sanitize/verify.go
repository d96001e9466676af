package sanitize

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Verify returns an error for the first thing in s that may not reach a
// terminal: invalid UTF-8, a control character, a C1 control, a bidi
// control or another invisible format character, or an escape sequence other than "ESC [ digits/; m".
func Verify(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("invalid UTF-8")
	}
	for i := 0; i < len(s); {
		if s[i] == esc {
			j := i + 1
			if j >= len(s) || s[j] != '[' {
				return fmt.Errorf("escape other than CSI at %d", i)
			}
			for j++; j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ';'); j++ {
			}
			if j >= len(s) || s[j] != 'm' {
				return fmt.Errorf("CSI other than SGR at %d", i)
			}
			i = j + 1
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
			return fmt.Errorf("control %U at %d", r, i)
		case dropRune(r):
			return fmt.Errorf("format character %U at %d", r, i)
		}
		i += size
	}
	if i := strings.LastIndex(s, "\x1b["); i >= 0 && !strings.HasPrefix(s[i:], "\x1b[m") && !strings.HasPrefix(s[i:], "\x1b[0m") {
		return fmt.Errorf("style left open at the end")
	}
	return nil
}
