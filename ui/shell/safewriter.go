package shell

import (
	"bytes"
	"io"
	"sync"
	"unicode/utf8"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sanitize"
)

// maxLine bounds a line held while waiting for its end: longer ones are
// written in pieces, cut after a space or tab (a secret, a token or an
// escape sequence holds none, so none is cut in two: its halves would be
// neither masked nor dropped, and would meet again on the screen).
// maxHeld bounds a line without a space: it is cut there, at a character's
// edge.
const (
	maxLine = 64 << 10
	maxHeld = 1 << 20
)

// SafeWriter writes command output to a terminal line by line, each line
// sanitised (colour kept; every other escape, control character and bidi
// override dropped, nothing overwritten) and masked (every secret ohdash
// knows, token shapes), unless reveal. It is for output that is not an
// interactive terminal session: a command runner's, or `ohdash exec`
// without -t on a terminal. Flush writes a last unterminated line.
type SafeWriter struct {
	mu     sync.Mutex
	w      io.Writer
	reveal bool
	eol    string
	buf    []byte
}

// NewSafeWriter returns a SafeWriter onto w. raw ends lines with "\r\n",
// for a terminal in raw mode.
func NewSafeWriter(w io.Writer, reveal, raw bool) *SafeWriter {
	eol := "\n"
	if raw {
		eol = "\r\n"
	}
	return &SafeWriter{w: w, reveal: reveal, eol: eol}
}

// Write implements io.Writer; it reports every byte consumed.
func (s *SafeWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			s.buf = append(s.buf, p...)
			if len(s.buf) >= maxLine {
				if err := s.partial(); err != nil {
					return n, err
				}
			}
			return n, nil
		}
		s.buf = append(s.buf, p[:i]...)
		p = p[i+1:]
		if err := s.line(true); err != nil {
			return n, err
		}
	}
	return n, nil
}

// Flush writes what is held of an unterminated last line.
func (s *SafeWriter) Flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.buf) == 0 {
		return nil
	}
	return s.line(true)
}

// partial writes the first part of a long line held, up to its last
// space or tab in the second half, or, past maxHeld, up to the last
// whole character; it keeps the rest.
func (s *SafeWriter) partial() error {
	half := len(s.buf) / 2
	cut := bytes.LastIndexAny(s.buf[half:], " \t") + 1
	if cut > 0 {
		cut += half
	} else {
		if len(s.buf) < maxHeld {
			return nil
		}
		cut = len(s.buf)
		for i := len(s.buf) - 1; i >= 0 && i >= len(s.buf)-utf8.UTFMax; i-- {
			if utf8.RuneStart(s.buf[i]) {
				if !utf8.FullRune(s.buf[i:]) {
					cut = i
				}
				break
			}
		}
	}
	rest := append([]byte(nil), s.buf[cut:]...)
	s.buf = s.buf[:cut]
	err := s.line(false)
	s.buf = append(s.buf, rest...)
	return err
}

func (s *SafeWriter) line(eol bool) error {
	text, _ := sanitize.String(string(s.buf), sanitize.Options{Literal: true})
	s.buf = s.buf[:0]
	if !s.reveal {
		text = backend.MaskText(text)
	}
	if eol {
		text += s.eol
	}
	_, err := io.WriteString(s.w, text)
	return err
}
