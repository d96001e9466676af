package backend_test

import (
	"testing"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/fake"
)

// bare hides every optional interface of the fake backend.
type bare struct{ backend.Backend }

// reporter claims logs it does not implement: Supports must believe the
// report, not the method set.
type reporter struct{ backend.Backend }

func (reporter) Supports(c backend.Capability) bool { return c == backend.CapLogs }

func TestSupports(t *testing.T) {
	fb := fake.New("docker")
	cases := []struct {
		name string
		b    backend.Backend
		c    backend.Capability
		want bool
	}{
		{"fake has logs", fb, backend.CapLogs, true},
		{"bare has no logs", bare{fb}, backend.CapLogs, false},
		{"bare cannot stop", bare{fb}, backend.CapStop, false},
		{"bare does not explain", bare{fb}, backend.CapExplain, false},
		{"reporter says logs", reporter{fb}, backend.CapLogs, true},
		{"reporter says no stop", reporter{fb}, backend.CapStop, false},
	}
	for _, c := range cases {
		if got := backend.Supports(c.b, c.c); got != c.want {
			t.Errorf("%s: Supports(%s) = %v, want %v", c.name, c.c, got, c.want)
		}
	}
}
