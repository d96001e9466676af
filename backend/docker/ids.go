package docker

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"

	"github.com/ohdash/ohdash/backend"
)

// match finds the prefix a container name carries. Docker reports names
// with a leading slash; both forms are accepted.
func match(prefixes []Prefix, name string) (Prefix, bool) {
	name = strings.TrimPrefix(name, "/")
	for _, p := range prefixes {
		if strings.HasPrefix(name, p.Prefix) && len(name) > len(p.Prefix) {
			return p, true
		}
	}
	return Prefix{}, false
}

// checkID refuses ids that are not sandbox container names, as OpenHands'
// sandbox service does, so a typo can never reach an unrelated container.
func checkID(prefixes []Prefix, id string) (Prefix, error) {
	p, ok := match(prefixes, id)
	if !ok || strings.HasPrefix(id, "/") || !validName(id) {
		return Prefix{}, fmt.Errorf("%q is not a sandbox container name (known prefixes: %s): %w",
			id, prefixList(prefixes), backend.ErrInvalidID)
	}
	return p, nil
}

// validName reports whether s is a legal Docker container name.
func validName(s string) bool {
	for i, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			i > 0 && (r == '_' || r == '.' || r == '-')
		if !ok {
			return false
		}
	}
	return s != ""
}

func prefixList(prefixes []Prefix) string {
	names := make([]string, len(prefixes))
	for i, p := range prefixes {
		names[i] = p.Prefix + "*"
	}
	return strings.Join(names, ", ")
}

// containerName picks the first name Docker lists for a container, without
// its leading slash.
func containerName(names []string) string {
	for _, n := range names {
		n = strings.TrimPrefix(n, "/")
		// Links add names like "/other/alias"; the real name has no slash.
		if !strings.Contains(n, "/") {
			return n
		}
	}
	return ""
}

// base62 encodes b as a base-62 number (0-9, a-z, A-Z), the way OpenHands
// turns random bytes into sandbox ids and session keys.
func base62(b []byte) string {
	return new(big.Int).SetBytes(b).Text(62)
}

// randomBase62 returns base62 of n random bytes.
func randomBase62(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random id: %w", err)
	}
	return base62(b), nil
}

// newSandboxName is prefix + base62(16 random bytes), as OpenHands names
// Docker sandboxes.
func newSandboxName(prefix string) (string, error) {
	s, err := randomBase62(16)
	if err != nil {
		return "", err
	}
	return prefix + s, nil
}

// newSessionKey is base62(32 random bytes), as OpenHands makes session keys.
func newSessionKey() (string, error) { return randomBase62(32) }
