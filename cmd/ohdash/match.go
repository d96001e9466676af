package main

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ohdash/ohdash/backend"
)

// matches collects the candidates a name could mean: exact ones, and
// partial ones (a prefix or suffix) that count only when nothing matched
// exactly.
type matches[T any] struct {
	exact, partial []T
	// unasked joins the failures of places that could not be searched.
	unasked error
	// near are the closest names that did not match, for "did you mean".
	near nearest
}

// one returns the single match, or says why there is none: ambiguity is a
// usage error (hint says how to be precise), absence is ErrNotFound, and
// absence while some place could not be asked is that place's error
// (usually ErrUnavailable), since the thing may well be there.
func (m matches[T]) one(kind, name string, describe func(T) string, hint string) (T, error) {
	var zero T
	list := m.exact
	if len(list) == 0 {
		list = m.partial
	}
	switch {
	case len(list) == 1:
		return list[0], nil
	case len(list) > 1:
		// A few are enough to see why; thousands would bury the hint.
		names := make([]string, 0, min(len(list), maxNamedMatches+1))
		for _, x := range list[:min(len(list), maxNamedMatches)] {
			names = append(names, describe(x))
		}
		if more := len(list) - len(names); more > 0 {
			names = append(names, fmt.Sprintf("and %d more", more))
		}
		return zero, usagef("%q matches %s: %s (%s)", name, plural(len(list), kind, pluralOf(kind)), strings.Join(names, ", "), hint)
	case m.unasked != nil:
		return zero, fmt.Errorf("%s %q not found, but not everything could be asked: %w", kind, name, m.unasked)
	}
	if hint := m.near.hint(); hint != "" {
		return zero, fmt.Errorf("%s %q: %w; did you mean %s?", kind, name, backend.ErrNotFound, hint)
	}
	return zero, fmt.Errorf("%s %q: %w", kind, name, backend.ErrNotFound)
}

// consider notes name (shown as shown) as a "did you mean" candidate for
// what the user typed, when it is close.
func (m *matches[T]) consider(typed, name, shown string) { m.near.add(typed, name, shown) }

// maxNamedMatches is how many candidates an ambiguity error names.
const maxNamedMatches = 10

// Limits of what the command line accepts as a sandbox or conversation
// reference. Real ids are far shorter (a container name, 22 base62
// digits, a UUID); the caps only refuse what cannot be one.
const (
	maxIDLen      = 256
	maxBackendLen = 64
	// quotedPrefix is how much of a refused argument the error quotes.
	quotedPrefix = 24
)

// checkSandboxRef refuses a sandbox reference ("ID", a part of one, or
// "BACKEND/ID") that cannot name a sandbox, before anything is asked.
func checkSandboxRef(s string) error {
	r := parseRef(s)
	if r.backend != "" && (utf8.RuneCountInString(r.backend) > maxBackendLen || !printableName(r.backend)) {
		return refused("sandbox", s, "a backend name is printable, without spaces, at most 64 characters")
	}
	if !plausibleID(r.id) {
		return refused("sandbox", s, "an id is letters, digits, '-', '_' and '.', at most 256 of them")
	}
	return nil
}

// checkConversationRef refuses a conversation reference that cannot be (a
// part of) a conversation id.
func checkConversationRef(s string) error {
	if !plausibleID(strings.TrimSpace(s)) {
		return refused("conversation", s, "an id is letters, digits, '-', '_' and '.', at most 256 of them")
	}
	return nil
}

// plausibleID reports whether s could be (a part of) an id.
func plausibleID(s string) bool {
	if s == "" || len(s) > maxIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// printableName reports whether s has only printable characters and no
// spaces, as the configuration requires of backend names.
func printableName(s string) bool {
	for _, r := range s {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) || r == utf8.RuneError {
			return false
		}
	}
	return true
}

// refused is the usage error for an implausible argument: it quotes a
// short prefix, escaped (%q shows no control character raw), and says how
// long the argument was when that is the trouble.
func refused(kind, s, want string) error {
	return usagef("%s is not a plausible %s id: %s", quoteArg(s), kind, want)
}

// quoteArg quotes a command-line argument for an error message: at most
// quotedPrefix characters of it, escaped (%q shows no control character
// raw), with its length when it was cut.
func quoteArg(s string) string {
	quoted := s
	if utf8.RuneCountInString(s) > quotedPrefix {
		quoted = string([]rune(s)[:quotedPrefix])
	}
	q := fmt.Sprintf("%q", quoted)
	if quoted != s {
		q += fmt.Sprintf("… (%d bytes)", len(s))
	}
	return q
}

// pluralOf is the plural of a kind of thing the command line names.
func pluralOf(kind string) string {
	if strings.HasSuffix(kind, "x") || strings.HasSuffix(kind, "s") {
		return kind + "es" // sandboxes
	}
	return kind + "s"
}
