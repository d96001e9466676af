package config

import (
	"strings"

	"github.com/BurntSushi/toml"
)

// locator finds the line a key was written on. The TOML decoder knows
// positions but does not export them for keys it did not decode, and an
// unknown key is exactly what a person needs the line of.
type locator struct {
	lines []string
}

func newLocator(data []byte) locator {
	return locator{lines: strings.Split(string(data), "\n")}
}

// line returns the 1-based line of key's first definition, or 0. Keys of
// arrays of tables carry no index, so the first table that has the key
// wins, which is the one the decoder complains about first as well.
func (l locator) line(key toml.Key) int {
	want := strings.Join(key, ".")
	var table []string
	for i, raw := range l.lines {
		s := strings.TrimSpace(raw)
		if s == "" || s[0] == '#' {
			continue
		}
		if s[0] == '[' {
			name := strings.Trim(stripComment(s), "[] \t")
			table = splitKey(name)
			if strings.Join(table, ".") == want {
				return i + 1
			}
			continue
		}
		k, _, ok := strings.Cut(s, "=")
		if !ok {
			continue
		}
		full := append(append([]string{}, table...), splitKey(strings.TrimSpace(k))...)
		joined := strings.Join(full, ".")
		if joined == want || strings.HasPrefix(joined, want+".") {
			return i + 1
		}
	}
	return 0
}

// splitKey splits a dotted TOML key, honouring quoted parts ("a.b".c).
func splitKey(k string) []string {
	var parts []string
	var cur strings.Builder
	quote := byte(0)
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '"' || c == '\'':
			quote = c
		case c == '.':
			parts = append(parts, strings.TrimSpace(cur.String()))
			cur.Reset()
		case c == ' ' || c == '\t':
		default:
			cur.WriteByte(c)
		}
	}
	return append(parts, strings.TrimSpace(cur.String()))
}

// stripComment drops a trailing "# comment" outside quotes.
func stripComment(s string) string {
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == '"' || c == '\''):
			quote = c
		case quote == 0 && c == '#':
			return s[:i]
		}
	}
	return s
}
