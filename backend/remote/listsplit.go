package remote

import (
	"bytes"
	"errors"
)

// errSplit means the fast splitter gave up; encoding/json decides then.
var errSplit = errors.New("not split")

// maxSplitDepth bounds nesting, as encoding/json does, so hostile input
// cannot grow the stack without limit.
const maxSplitDepth = 1000

// splitRuntimesFast finds the elements of the top-level "runtimes" array
// of a /list answer without decoding anything. It validates the whole
// body against the JSON grammar as it walks (strings and their escapes,
// numbers, literals, separators), but allocates nothing per element: at a
// thousand runtimes it is several times faster than encoding/json, which
// is what keeps a refresh where one runtime changed cheap. The elements
// are sub-slices of body. On anything it does not handle (invalid JSON, a
// key written with escapes) it returns errSplit and the caller falls back
// to encoding/json, which also produces the precise error.
func splitRuntimesFast(body []byte) ([][]byte, error) {
	s := splitter{b: body}
	var elems [][]byte
	found := false
	s.ws()
	ok := s.object(func(key []byte) bool {
		if !bytes.Equal(key, []byte("runtimes")) {
			if foldsToRuntimes(key) {
				return false // encoding/json's case folding decides
			}
			return s.value()
		}
		found, elems = true, elems[:0]
		return s.array(func() bool {
			start := s.i
			if !s.value() {
				return false
			}
			elems = append(elems, body[start:s.i])
			return true
		})
	})
	s.ws()
	if !ok || !found || s.i != len(body) {
		return nil, errSplit
	}
	return elems, nil
}

// foldsToRuntimes reports whether encoding/json, which matches keys
// without regard to case (and folds a few non-ASCII letters onto ASCII
// ones), might take key for "runtimes".
func foldsToRuntimes(key []byte) bool {
	if bytes.EqualFold(key, []byte("runtimes")) {
		return true
	}
	for _, c := range key {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

type splitter struct {
	b     []byte
	i     int
	depth int
}

func (s *splitter) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *splitter) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *splitter) value() bool {
	switch c := s.peek(); {
	case c == '{':
		return s.object(func([]byte) bool { return s.value() })
	case c == '[':
		return s.array(s.value)
	case c == '"':
		_, ok := s.str()
		return ok
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	}
	for _, lit := range []string{"true", "false", "null"} {
		if bytes.HasPrefix(s.b[s.i:], []byte(lit)) {
			s.i += len(lit)
			return true
		}
	}
	return false
}

// object walks {"key": value, ...}; member must consume the value.
func (s *splitter) object(member func(key []byte) bool) bool {
	return s.seq('{', '}', func() bool {
		key, ok := s.str()
		if !ok || bytes.IndexByte(key, '\\') >= 0 {
			return false
		}
		s.ws()
		if s.peek() != ':' {
			return false
		}
		s.i++
		s.ws()
		return member(key)
	})
}

// array walks [value, ...]; elem must consume one value.
func (s *splitter) array(elem func() bool) bool { return s.seq('[', ']', elem) }

// seq walks open item, item, ... close, with whitespace anywhere between.
func (s *splitter) seq(open, close byte, item func() bool) bool {
	if s.peek() != open || s.depth >= maxSplitDepth {
		return false
	}
	s.i++
	s.depth++
	defer func() { s.depth-- }()
	s.ws()
	if s.peek() == close {
		s.i++
		return true
	}
	for {
		s.ws()
		if !item() {
			return false
		}
		s.ws()
		switch s.peek() {
		case ',':
			s.i++
		case close:
			s.i++
			return true
		default:
			return false
		}
	}
}

// str walks a string and returns its raw content (escapes unresolved).
func (s *splitter) str() ([]byte, bool) {
	if s.peek() != '"' {
		return nil, false
	}
	s.i++
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return s.b[start : s.i-1], true
		case c < 0x20:
			return nil, false
		case c == '\\':
			if s.i+1 >= len(s.b) {
				return nil, false
			}
			switch s.b[s.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i += 2
			case 'u':
				if s.i+6 > len(s.b) || !isHex4(s.b[s.i+2:s.i+6]) {
					return nil, false
				}
				s.i += 6
			default:
				return nil, false
			}
		default:
			s.i++
		}
	}
	return nil, false
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// number walks -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *splitter) number() bool {
	if s.peek() == '-' {
		s.i++
	}
	switch c := s.peek(); {
	case c == '0':
		s.i++
	case c >= '1' && c <= '9':
		s.digits()
	default:
		return false
	}
	if s.peek() == '.' {
		s.i++
		if !s.digits() {
			return false
		}
	}
	if c := s.peek(); c == 'e' || c == 'E' {
		s.i++
		if c := s.peek(); c == '+' || c == '-' {
			s.i++
		}
		if !s.digits() {
			return false
		}
	}
	return true
}

func (s *splitter) digits() bool {
	start := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i > start
}
