package main

import (
	"fmt"
	"strings"

	"github.com/ohdash/ohdash/backend"
)

// matches collects the candidates a name could mean: exact ones, and
// partial ones (a prefix or suffix) that count only when nothing matched
// exactly.
type matches[T any] struct {
	exact, partial []T
	// unasked joins the failures of places that could not be searched.
	unasked error
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
		names := make([]string, len(list))
		for i, x := range list {
			names[i] = describe(x)
		}
		return zero, usagef("%q matches %d %ss: %s (%s)", name, len(list), kind, strings.Join(names, ", "), hint)
	case m.unasked != nil:
		return zero, fmt.Errorf("%s %q not found, but not everything could be asked: %w", kind, name, m.unasked)
	}
	return zero, fmt.Errorf("%s %q: %w", kind, name, backend.ErrNotFound)
}
