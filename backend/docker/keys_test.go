package docker

import (
	"testing"

	"github.com/ohdash/ohdash/backend"
)

func TestDeriveV0KeyKnownVectors(t *testing.T) {
	// Computed independently with Python:
	// base64.urlsafe_b64encode(hashlib.sha256(f"{s}:{c}".encode()).digest()).rstrip(b"=")
	cases := []struct{ secret, conv, want string }{
		{"my-jwt-secret", "0123456789abcdef0123456789abcdef", "mF2h-Od7mXQZVWxwiGlEpUf82RB0HSXPPhqYWUxn8Uc"},
		{"s", "c", "l6mpBHjeE2ulPJYWLJLnE5yUrMZzpAGYz_LTJvy4Wo4"},
	}
	for _, c := range cases {
		got := deriveV0Key(c.secret, c.conv)
		if got != c.want || len(got) != 43 {
			t.Errorf("deriveV0Key(%q, %q) = %q, want %q", c.secret, c.conv, got, c.want)
		}
	}
}

func TestSessionKeyPrecedence(t *testing.T) {
	const conv = "0123456789abcdef0123456789abcdef"
	derived := deriveV0Key("jwt", conv)
	cases := []struct {
		name           string
		flavor         backend.Flavor
		env            map[string]string
		secret         string
		want, wantNote string
	}{
		{"v1 indexed key", backend.FlavorAgentServer, map[string]string{"OH_SESSION_API_KEYS_0": "a", "SESSION_API_KEY": "b"}, "", "a", ""},
		{"v1 legacy fallback", backend.FlavorAgentServer, map[string]string{"SESSION_API_KEY": "b"}, "", "b", ""},
		{"v1 none", backend.FlavorAgentServer, map[string]string{}, "jwt", "", ""},
		{"v0 derived", backend.FlavorNestedV0, map[string]string{}, "jwt", derived, "derived from the JWT secret"},
		{"v0 env agrees", backend.FlavorNestedV0, map[string]string{"SESSION_API_KEY": derived}, "jwt", derived, ""},
		{"v0 env differs", backend.FlavorNestedV0, map[string]string{"SESSION_API_KEY": "other"}, "jwt", "other", "differs from the key derived from the JWT secret"},
		{"v0 without secret", backend.FlavorNestedV0, map[string]string{"SESSION_API_KEY": "x"}, "", "x", ""},
	}
	for _, c := range cases {
		got, note := sessionKey(c.flavor, c.env, c.secret, conv)
		if got != c.want || note != c.wantNote {
			t.Errorf("%s: got %q %q, want %q %q", c.name, got, note, c.want, c.wantNote)
		}
	}
}

func TestEnvSensitivity(t *testing.T) {
	vars, m := parseEnv([]string{
		"OH_SESSION_API_KEYS_0=k", "LLM_API_KEY=x", "GITHUB_TOKEN=t", "DB_PASSWORD=p", "JWT_SECRET=s",
		"PATH=/bin", "port=30000", "WORKDIR=/w", "EMPTY=", "=bad", "A=b=c",
	})
	sensitive := map[string]bool{}
	for _, v := range vars {
		sensitive[v.Name] = v.Sensitive
	}
	for _, name := range []string{"OH_SESSION_API_KEYS_0", "LLM_API_KEY", "GITHUB_TOKEN", "DB_PASSWORD", "JWT_SECRET"} {
		if !sensitive[name] {
			t.Errorf("%s should be sensitive", name)
		}
	}
	for _, name := range []string{"PATH", "port", "WORKDIR", "EMPTY"} {
		if sensitive[name] {
			t.Errorf("%s should not be sensitive", name)
		}
	}
	if m["A"] != "b=c" || m["EMPTY"] != "" || len(vars) != 10 {
		t.Errorf("parse: %v (%d vars)", m, len(vars))
	}
}
