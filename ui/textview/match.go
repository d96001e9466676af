package textview

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// matcher finds case-insensitive, non-overlapping occurrences of a needle
// in the plain (escape-free) text of a line.
//
// Folding never changes byte lengths, so offsets in the folded text are
// offsets in the plain text. An ASCII needle folds ASCII letters on the fly
// (no allocation per line); a needle without any cased letter (digits,
// punctuation, CJK) is searched exactly, which is the same thing and
// vectorised; any other needle folds both sides rune by rune, keeping a rune
// as is when its lower case has a different UTF-8 length (a handful of
// exotic letters, which then match case-sensitively).
//
// ASCII candidates are found by the needle's rarest byte with
// strings.IndexByte, which is vectorised: searching "timeout" jumps between,
// say, 'u's and 'U's instead of stopping at every 't'. Which byte is rarest
// is measured on a sample of the lines being searched (see chooseAnchor).
type matcher struct {
	needle string // folded
	mode   matchMode
	rare   int  // index in needle of the anchor byte (foldASCII)
	lo, up byte // the anchor byte in lower and upper case (equal if uncased)
}

type matchMode uint8

const (
	matchExact     matchMode = iota // no cased letter: plain strings.Index
	matchFoldASCII                  // ASCII needle with letters
	matchFoldRunes                  // non-ASCII needle with cased letters
)

func newMatcher(query string) matcher {
	m := matcher{needle: foldString(query), mode: matchExact}
	for _, r := range m.needle {
		switch {
		case r >= utf8.RuneSelf && unicode.SimpleFold(r) != r:
			m.mode = matchFoldRunes
		case r >= 'a' && r <= 'z' && m.mode == matchExact:
			m.mode = matchFoldASCII
		}
	}
	if m.mode == matchFoldASCII {
		for i := 0; i < len(m.needle); i++ {
			if m.needle[i] >= utf8.RuneSelf {
				m.mode = matchFoldRunes // letters mixed with uncased non-ASCII
				break
			}
		}
		m.setAnchor(0)
	}
	return m
}

// setAnchor makes needle[i] the byte candidates are found by.
func (m *matcher) setAnchor(i int) {
	m.rare = i
	m.lo, m.up = m.needle[i], m.needle[i]
	if m.lo >= 'a' && m.lo <= 'z' {
		m.up = m.lo - ('a' - 'A')
	}
}

// chooseAnchor picks the needle byte that is rarest (either case) in a
// sample of the text to search. Log vocabularies vary too much for a fixed
// frequency table: 'm' is rare in prose and everywhere in "12ms".
func (m *matcher) chooseAnchor(sample []string) {
	if m.mode != matchFoldASCII || len(m.needle) < 2 {
		return
	}
	var freq [256]int
	for _, s := range sample {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			freq[c]++
		}
	}
	best := 0
	for i := 1; i < len(m.needle); i++ {
		if freq[m.needle[i]] < freq[m.needle[best]] {
			best = i
		}
	}
	m.setAnchor(best)
}

// index returns the first match in a prepared haystack, or -1.
func (m *matcher) index(h string) int {
	if m.mode == matchFoldASCII {
		return m.indexFoldASCII(h)
	}
	return strings.Index(h, m.needle)
}

// haystack prepares a line's plain text for index.
func (m *matcher) haystack(plain string) string {
	if m.mode == matchFoldRunes {
		return foldString(plain)
	}
	return plain
}

// count returns the number of matches in a line's plain text. It is the hot
// path of a full search pass.
func (m *matcher) count(plain string) int {
	h, n := m.haystack(plain), 0
	for i := 0; ; {
		j := m.index(h[i:])
		if j < 0 {
			return n
		}
		n++
		i += j + len(m.needle)
	}
}

// offsets appends the offsets of the matches in a line's plain text to dst.
func (m *matcher) offsets(dst []int, plain string) []int {
	h := m.haystack(plain)
	for i := 0; ; {
		j := m.index(h[i:])
		if j < 0 {
			return dst
		}
		dst = append(dst, i+j)
		i += j + len(m.needle)
	}
}

// indexFoldASCII finds the needle (lower-case ASCII) in h ignoring ASCII
// case. It remembers the next position of each case of the anchor byte, so
// no stretch of h is scanned twice.
func (m *matcher) indexFoldASCII(h string) int {
	n, k := len(m.needle), m.rare
	// The anchor can only sit at [k, len(h)-n+k].
	limit := len(h) - n + k + 1
	if limit <= k {
		return -1
	}
	lo, up := -1, -1
	if m.lo == m.up {
		up = limit // never a candidate
	}
	for i := k; i < limit; {
		if lo < i {
			lo = nextByte(h, i, limit, m.lo)
		}
		if up < i {
			up = nextByte(h, i, limit, m.up)
		}
		j := min(lo, up)
		if j >= limit {
			return -1
		}
		if equalFoldASCII(h[j-k:j-k+n], m.needle) {
			return j - k
		}
		i = j + 1
	}
	return -1
}

// indexFoldASCII is the matcher's search for a one-off needle.
func indexFoldASCII(h, needle string) int {
	m := newMatcher(needle)
	return m.indexFoldASCII(h)
}

// nextByte is the index of c in h[i:limit], or limit.
func nextByte(h string, i, limit int, c byte) int {
	k := strings.IndexByte(h[i:limit], c)
	if k < 0 {
		return limit
	}
	return i + k
}

// equalFoldASCII reports whether s equals lower (lower-case) ignoring ASCII
// case in s.
func equalFoldASCII(s, lower string) bool {
	for i := 0; i < len(lower); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// foldString lower-cases s without changing its length in bytes.
func foldString(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s) // ASCII lower-casing keeps lengths
	}
	b := []byte(s)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if lr := unicode.ToLower(r); lr != r && utf8.RuneLen(lr) == size {
			utf8.EncodeRune(b[i:], lr)
		}
		i += size
	}
	return string(b)
}
