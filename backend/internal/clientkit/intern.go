package clientkit

import (
	"strings"
	"sync"
)

// internLimit bounds the intern table: a server inventing a new kind per
// event fills it once, then values are simply not shared.
const internLimit = 1024

var interned = struct {
	sync.Mutex
	m map[string]string
}{m: map[string]string{}}

// Intern returns the sanitised form of a short vocabulary word (an event
// kind, a source), shared between all events that use it: a hundred
// thousand events then hold one "ObservationEvent", not a hundred thousand.
func Intern(s string) string {
	interned.Lock()
	defer interned.Unlock()
	if v, ok := interned.m[s]; ok {
		return v
	}
	clean := SanitizeLine(s, 80)
	if len(interned.m) < internLimit {
		interned.m[strings.Clone(s)] = clean
	}
	return clean
}

// ValidToken accepts what a real server sends as ids and timestamps
// (UUIDs, ISO times): short printable ASCII without spaces. They are sent
// back to the server verbatim, so they are checked rather than sanitised.
func ValidToken(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}
