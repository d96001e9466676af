package alert

import (
	"fmt"
	"slices"
	"testing"

	"github.com/ohdash/ohdash/backend"
)

// fleet is 1,000 conversations across 50 sandboxes, as listings.
func fleet() []backend.SandboxConversations {
	var out []backend.SandboxConversations
	for s := range 50 {
		sb := backend.Sandbox{ID: fmt.Sprintf("oh-agent-server-%03d", s), Source: "docker"}
		r := backend.SandboxConversations{Sandbox: sb}
		for c := range 20 {
			r.Conversations = append(r.Conversations, backend.Conversation{
				ID: fmt.Sprintf("%08d-0000-4000-8000-%012d", s, c), SandboxID: sb.ID, Source: "docker",
				Status: backend.ExecRunning, Title: "a task",
			})
		}
		out = append(out, r)
	}
	return out
}

// BenchmarkDetectorFleetRefresh is what alert detection adds to one
// refresh of the fleet-wide list (nothing changed, the common case).
func BenchmarkDetectorFleetRefresh(b *testing.B) {
	res := fleet()
	tap := Tap{D: NewDetector(nil), N: Discard{}}
	tap.Fleet(res)
	b.ReportAllocs()
	for b.Loop() {
		tap.Fleet(res)
	}
}

// BenchmarkBaselineCopyFleet is the baseline: copying the listing once,
// which the dashboard does anyway on every refresh.
func BenchmarkBaselineCopyFleet(b *testing.B) {
	res := fleet()
	b.ReportAllocs()
	for b.Loop() {
		var all []backend.Conversation
		for _, r := range res {
			all = append(all, slices.Clone(r.Conversations)...)
		}
		_ = all
	}
}
