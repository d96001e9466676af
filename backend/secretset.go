package backend

import (
	"encoding/binary"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// minKnownSecret is the shortest value remembered as a secret. Shorter
// values ("dev", "1234") also occur as ordinary words, and masking them
// everywhere would mangle output without protecting anything real.
const minKnownSecret = 8

// maxKnownSecrets bounds the set (a runtime API may list thousands of
// sandboxes, each with its own key); past it the oldest are forgotten.
const maxKnownSecrets = 8192

// SecretSet is a set of secret values (session keys, API keys, URL
// passwords) to mask wherever they occur in text, whatever name they
// appear under. It is safe for concurrent use.
type SecretSet struct {
	mu    sync.RWMutex
	order []string            // insertion order, for eviction
	index map[uint64][]string // by the first 8 bytes, longest first
	first [256]bool           // first bytes of known values: a cheap reject
	size  int
}

// NewSecretSet returns an empty set.
func NewSecretSet() *SecretSet { return &SecretSet{index: map[uint64][]string{}} }

// known is the process's set. A process-wide set is deliberate: secrets
// are learned deep inside backends (NewSecret, URL passwords in the
// configuration), and must be masked in every output path, including the
// log file and the dashboard, which are built in other packages. Feeding
// it from NewSecret means no code path can learn a key and forget to
// register it. It only grows (up to its bound) and is guarded by a lock.
var known = NewSecretSet()

// RememberSecret adds v to the values masked in all text ohdash shows.
func RememberSecret(v string) { known.Add(v) }

// RememberURLSecrets remembers the userinfo password and credential query
// parameters of a URL (a configured runtime API URL, a Docker host).
func RememberURLSecrets(raw string) {
	if raw == "" {
		return
	}
	for _, v := range urlSecrets(raw) {
		known.Add(v)
	}
}

// MaskKnown replaces every remembered secret value in s by its masked form.
func MaskKnown(s string) string { return known.Replace(s) }

// urlSecrets returns the credential values a URL carries.
func urlSecrets(raw string) []string {
	var out []string
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		if m := userinfoPassword.FindStringSubmatch(raw); m != nil {
			out = append(out, m[2])
		}
		return out
	}
	if u.User != nil {
		if p, ok := u.User.Password(); ok {
			out = append(out, p)
		}
	}
	for k, vs := range u.Query() {
		if isSecretParam(k) {
			out = append(out, vs...)
		}
	}
	return out
}

// Add remembers v; short values are ignored (see minKnownSecret).
func (s *SecretSet) Add(v string) {
	v = strings.TrimSpace(v)
	if len(v) < minKnownSecret {
		return
	}
	k := prefixKey(v)
	s.mu.RLock()
	have := slices.Contains(s.index[k], v)
	s.mu.RUnlock()
	if have {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if slices.Contains(s.index[k], v) {
		return
	}
	if s.size >= maxKnownSecrets {
		s.removeLocked(s.order[0])
		s.order = s.order[1:]
	}
	s.order = append(s.order, v)
	// Copy on write: Replace iterates a bucket after releasing the lock.
	b := append(slices.Clone(s.index[k]), v)
	slices.SortFunc(b, func(x, y string) int { return len(y) - len(x) })
	s.index[k] = b
	s.first[v[0]] = true
	s.size++
}

func (s *SecretSet) removeLocked(v string) {
	k := prefixKey(v)
	b := slices.DeleteFunc(slices.Clone(s.index[k]), func(x string) bool { return x == v })
	if len(b) == 0 {
		delete(s.index, k)
	} else {
		s.index[k] = b
	}
	s.size--
}

// Len is the number of values remembered.
func (s *SecretSet) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.size
}

// Replace returns text with every remembered value replaced by Mask of
// it. The cost is one table probe per byte, whatever the set's size.
func (s *SecretSet) Replace(text string) string {
	if len(text) < minKnownSecret {
		return text
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.size == 0 {
		return text
	}
	var b strings.Builder
	last := 0
	for i := 0; i+minKnownSecret <= len(text); {
		if !s.first[text[i]] {
			i++
			continue
		}
		match := ""
		for _, v := range s.index[prefixKey(text[i:])] {
			if strings.HasPrefix(text[i:], v) {
				match = v // the bucket is longest first
				break
			}
		}
		if match == "" {
			i++
			continue
		}
		b.WriteString(text[last:i])
		b.WriteString(Mask(match))
		i += len(match)
		last = i
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// prefixKey reads the first 8 bytes of s (len(s) >= 8).
func prefixKey(s string) uint64 {
	return binary.LittleEndian.Uint64([]byte(s[:minKnownSecret]))
}
