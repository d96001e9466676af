package config

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

// A configuration file that does not parse is the user's file: ohdash
// refuses it with one error naming the file and the line, and leaves it
// where it is (unlike its own state file, which it moves aside). An empty
// file is an empty configuration. The error never carries the file's raw
// bytes: a damaged file may hold escape sequences, and a line holding a
// credential is not quoted back at all.

// decodeTOML decodes data over c. A parser panic on hostile input is
// turned into an error: a configuration file never crashes ohdash.
func decodeTOML(data []byte, c *Config) (md toml.MetaData, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the TOML parser failed on it (%s)", printable(fmt.Sprint(r)))
		}
	}()
	return toml.Decode(string(data), c)
}

// fileError describes a file that did not decode.
func fileError(path string, data []byte, err error) error {
	hint := ""
	if looksBinary(data) {
		hint = " (the file looks damaged, or is not a configuration file: it holds binary content)"
	}
	var pe toml.ParseError
	if errors.As(err, &pe) {
		msg := pe.Message
		if secretLine(data, pe.Position.Line) {
			msg = quoted.ReplaceAllString(msg, `"…"`)
		}
		return fmt.Errorf("%w: %s: line %d: %s%s", ErrConfig, path, pe.Position.Line, printable(msg), hint)
	}
	return &cleanError{err: err, msg: fmt.Sprintf("%s: %s: %s%s", ErrConfig, path, printable(err.Error()), hint)}
}

// cleanError keeps an error's chain for errors.Is with a message made
// safe to print.
type cleanError struct {
	err error
	msg string
}

func (e *cleanError) Error() string   { return e.msg }
func (e *cleanError) Unwrap() []error { return []error{ErrConfig, e.err} }

// quoted matches the fragments of the file a parser message quotes.
var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// secretWords mark keys whose values are credentials or may carry them
// (a URL's userinfo or token).
var secretWords = []string{"key", "secret", "token", "password", "passwd", "url", "host", "auth"}

// secretLine reports whether line n (1-based) of data sets a key that may
// hold a credential, or cannot be told apart from one.
func secretLine(data []byte, n int) bool {
	lines := bytes.Split(data, []byte("\n"))
	if n < 1 || n > len(lines) {
		return true
	}
	key, _, found := strings.Cut(strings.ToLower(string(lines[n-1])), "=")
	if !found {
		return true
	}
	for _, w := range secretWords {
		if strings.Contains(key, w) {
			return true
		}
	}
	return false
}

// looksBinary reports content no text editor wrote: invalid UTF-8 or NUL
// bytes.
func looksBinary(data []byte) bool {
	return !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0
}

// printable spells control, format (bidi) and invalid characters as U+XXXX
// and keeps a message to one short line.
func printable(s string) string {
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			fmt.Fprintf(&b, "U+%04X", r)
		default:
			b.WriteRune(r)
		}
		if b.Len() > 300 {
			b.WriteString("…")
			break
		}
	}
	return b.String()
}
