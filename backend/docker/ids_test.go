package docker

import (
	"errors"
	"strings"
	"testing"

	"github.com/ohdash/ohdash/backend"
)

func TestCheckIDRefusesUnknownPrefixes(t *testing.T) {
	prefixes := DefaultPrefixes()
	good := map[string]backend.Flavor{
		"oh-agent-server-5Zx9QqX1":               backend.FlavorAgentServer,
		"openhands-runtime-0123456789abcdef0123": backend.FlavorNestedV0,
	}
	for id, flavor := range good {
		p, err := checkID(prefixes, id)
		if err != nil || p.Flavor != flavor {
			t.Errorf("checkID(%q) = %+v, %v", id, p, err)
		}
	}
	for _, id := range []string{
		"", "oh-agent-server-", "postgres", "/oh-agent-server-abc", "my-oh-agent-server-abc",
		"oh-agent-server-a/b", "oh-agent-server-a b", "../oh-agent-server-x",
	} {
		if _, err := checkID(prefixes, id); !errors.Is(err, backend.ErrInvalidID) {
			t.Errorf("checkID(%q) = %v, want ErrInvalidID", id, err)
		}
	}
}

func TestContainerNameSkipsLinkAliases(t *testing.T) {
	if got := containerName([]string{"/web/db", "/oh-agent-server-x"}); got != "oh-agent-server-x" {
		t.Errorf("got %q", got)
	}
	if _, ok := match(DefaultPrefixes(), "/oh-agent-server-x"); !ok {
		t.Error("a name with Docker's leading slash should match")
	}
}

func TestBase62AndGeneratedNames(t *testing.T) {
	if got := base62([]byte{1, 0}); got != "48" { // 256 = 4*62 + 8
		t.Errorf("base62(256) = %q", got)
	}
	if got := base62([]byte{0xff}); got != "47" { // 255 = 4*62 + 7
		t.Errorf("base62(255) = %q", got)
	}
	seen := map[string]bool{}
	for range 100 {
		name, err := newSandboxName(DefaultV1Prefix)
		if err != nil {
			t.Fatal(err)
		}
		suffix := strings.TrimPrefix(name, DefaultV1Prefix)
		// 16 random bytes are at most 22 base-62 digits.
		if !strings.HasPrefix(name, DefaultV1Prefix) || len(suffix) < 15 || len(suffix) > 22 || !validName(name) || seen[name] {
			t.Fatalf("bad or repeated name %q", name)
		}
		seen[name] = true
		key, err := newSessionKey()
		if err != nil || len(key) < 38 || len(key) > 43 {
			t.Fatalf("bad key length %d (%v)", len(key), err)
		}
	}
}
