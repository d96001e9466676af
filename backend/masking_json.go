package backend

import (
	"bytes"
	"encoding/json"
)

// MaskJSON returns JSON text with MaskText applied to every string in it
// (values and keys): known secret values, URL credentials, credential
// assignments and token shapes. Everything else is left byte for byte as
// it was, so an event printed "as the server sent it" keeps its shape and
// order; only the strings that held a credential are re-encoded. Text
// that is not valid JSON is scanned the same way, string by string.
func MaskJSON(b []byte) []byte {
	var out []byte // nil until something changes
	last := 0
	for i := 0; i < len(b); i++ {
		if b[i] != '"' {
			continue
		}
		end := stringEnd(b, i)
		if end < 0 {
			break
		}
		lit := b[i : end+1]
		i = end
		if len(lit) < minKnownSecret+2 {
			continue
		}
		var s string
		if bytes.IndexByte(lit, '\\') < 0 {
			s = string(lit[1 : len(lit)-1]) // nothing to unescape
		} else if json.Unmarshal(lit, &s) != nil {
			continue
		}
		m := MaskText(s)
		if m == s {
			continue
		}
		enc, err := marshalString(m)
		if err != nil {
			continue
		}
		out = append(append(out, b[last:i+1-len(lit)]...), enc...)
		last = end + 1
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// stringEnd returns the index of the quote that closes the JSON string
// starting at b[i], or -1 when it is not closed.
func stringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j
		}
	}
	return -1
}

// marshalString encodes s as a JSON string without HTML escaping, as the
// rest of ohdash's JSON output is written.
func marshalString(s string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
