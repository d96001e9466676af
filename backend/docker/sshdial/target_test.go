package sshdial

import (
	"errors"
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	cases := []struct {
		in    string
		want  Target
		str   string
		login string
	}{
		{"ssh://box", Target{Host: "box"}, "ssh://box", "box"},
		{"SSH://me@box", Target{User: "me", Host: "box"}, "ssh://me@box", "me@box"},
		{"ssh://me@box:2222", Target{User: "me", Host: "box", Port: 2222}, "ssh://me@box:2222", "me@box:2222"},
		{"ssh://box/", Target{Host: "box"}, "ssh://box", "box"},
		{"ssh://box/run/user/1000//docker.sock", Target{Host: "box", Socket: "/run/user/1000/docker.sock"}, "ssh://box/run/user/1000/docker.sock", "box"},
		{"ssh://[::1]:22/var/run/docker.sock", Target{Host: "::1", Port: 22, Socket: "/var/run/docker.sock"}, "ssh://[::1]:22/var/run/docker.sock", "[::1]:22"},
		{"ssh://[fe80::1]", Target{Host: "fe80::1"}, "ssh://[fe80::1]", "[fe80::1]"},
		{" ssh://build-alias ", Target{Host: "build-alias"}, "ssh://build-alias", "build-alias"},
	}
	for _, c := range cases {
		got, err := ParseURL(c.in)
		if err != nil {
			t.Errorf("ParseURL(%q): %v", c.in, err)
			continue
		}
		if got != c.want || got.String() != c.str || got.Login() != c.login {
			t.Errorf("ParseURL(%q) = %+v (%s, %s), want %+v (%s, %s)", c.in, got, got.String(), got.Login(), c.want, c.str, c.login)
		}
		back, err := ParseURL(got.String())
		if err != nil || back != got {
			t.Errorf("ParseURL(%q.String()) = %+v, %v: no round trip", c.in, back, err)
		}
	}
	for in, why := range map[string]string{
		"":                   "scheme",
		"tcp://box:2375":     "scheme",
		"ssh://":             "no host",
		"ssh:box":            "no host",
		"ssh://me:pw@box":    "passwords",
		"ssh://@box":         "empty user",
		"ssh://box:0":        "invalid port",
		"ssh://box:70000":    "invalid port",
		"ssh://box:ssh":      "does not parse",
		"ssh://box/s?x=1":    "query",
		"ssh://box/s#frag":   "query",
		"ssh://box\x00:22/s": "does not parse",
	} {
		_, err := ParseURL(in)
		if !errors.Is(err, errBadURL) || !strings.Contains(err.Error(), why) || !strings.Contains(err.Error(), "want ssh://[user@]host") {
			t.Errorf("ParseURL(%q) = %v, want an error about %q", in, err, why)
		}
	}
}
