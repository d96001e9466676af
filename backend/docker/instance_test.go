package docker

import (
	"testing"

	"github.com/ohdash/ohdash/backend"
)

// The container id is the sandbox's Instance: a container recreated under
// the same name has a new one, which a log stream watches for.
func TestSandboxInstanceIsContainerID(t *testing.T) {
	var v view
	a := v.sandbox(record{ID: "0123456789abcdef0123", Name: "oh-agent-server-x", State: "running"}, backend.Health{})
	b := v.sandbox(record{ID: "fedcba98765432100123", Name: "oh-agent-server-x", State: "running"}, backend.Health{})
	if a.Key() != b.Key() || a.Instance != "0123456789abcdef0123" || b.Instance == a.Instance {
		t.Fatalf("same name, two containers: keys %q %q, instances %q %q", a.Key(), b.Key(), a.Instance, b.Instance)
	}
}
