package clientkit

import (
	"context"
	"net/url"
	"slices"
	"sync"
)

// maxSuperseded bounds the old base URLs a Locator remembers.
const maxSuperseded = 8

// Locator holds a server's base URL and finds it again after a failure: a
// restarted container publishes its ports anew, so the address a client
// was built with can go dead while the server lives on elsewhere. It is
// safe for concurrent use.
type Locator struct {
	mu   sync.Mutex
	base *url.URL
	old  []string // superseded bases, newest last
	find func(ctx context.Context) (string, error)
}

// NewLocator starts at base; find returns the current base URL (an empty
// string: not known now).
func NewLocator(base *url.URL, find func(ctx context.Context) (string, error)) *Locator {
	return &Locator{base: base, find: find}
}

// Base is the base URL in use.
func (l *Locator) Base() *url.URL {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.base
}

// Knows reports whether raw is the base in use or one it replaced: a
// caller still holding an old address is talking about this server.
func (l *Locator) Knows(raw string) bool {
	u, err := ParseBase(raw)
	if err != nil {
		return false
	}
	s := u.String()
	l.mu.Lock()
	defer l.mu.Unlock()
	return s == l.base.String() || slices.Contains(l.old, s)
}

// Refresh asks for the current base and switches to it; it reports
// whether the base changed.
func (l *Locator) Refresh(ctx context.Context) (bool, error) {
	raw, err := l.find(ctx)
	if err != nil || raw == "" {
		return false, err
	}
	u, err := ParseBase(raw)
	if err != nil {
		return false, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if u.String() == l.base.String() {
		return false, nil
	}
	l.old = append(l.old, l.base.String())
	if len(l.old) > maxSuperseded {
		l.old = l.old[1:]
	}
	l.base = u
	return true, nil
}
