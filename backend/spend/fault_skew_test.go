package spend

import (
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// TestFaultServerClockAhead: an agent-server whose clock runs a day ahead
// dates every conversation in the future. A conversation first seen with
// such a creation time cannot be known to be new: its past cost is a
// baseline, not a minute's spend (which would cross every budget and,
// with pause_when_crossed, pause the fleet).
func TestFaultServerClockAhead(t *testing.T) {
	h := openTemp(t)
	record(t, h, t0)
	old := conv("docker", "sb1", "old", "m", 250, 1_000_000)
	old.CreatedAt = t0.Add(24 * time.Hour) // created long ago, by a skewed clock
	if s := record(t, h, t0.Add(time.Minute), old); s.Cost != 0 || s.Tokens.Prompt != 0 {
		t.Fatalf("a future-dated conversation counted %+v as spent now", s)
	}
	// Its spend from then on counts.
	old.Cost = 251
	if s := record(t, h, t0.Add(2*time.Minute), old); !near(s.Cost, 1) {
		t.Fatalf("spent %v, want 1", s.Cost)
	}
	// A genuinely new one (created between the snapshots) still counts in full.
	n := conv("docker", "sb1", "new", "m", 0.5, 10)
	n.CreatedAt = t0.Add(2*time.Minute + time.Second)
	if s := record(t, h, t0.Add(3*time.Minute), old, n); !near(s.Cost, 0.5) {
		t.Fatalf("a new conversation counted %v, want 0.5", s.Cost)
	}
}

// TestFaultDuplicateConversationInASnapshot: a server whose pages overlap
// lists one conversation twice, one row stale (a lower cost). The lower
// one is not a reset: nothing is counted twice, and a snapshot that
// repeats the same rows adds nothing.
func TestFaultDuplicateConversationInASnapshot(t *testing.T) {
	h := openTemp(t)
	c := conv("docker", "sb1", "a", "m", 9, 100)
	record(t, h, t0, c)
	fresh, stale := c, c
	fresh.Cost = 10
	for i := 1; i <= 3; i++ {
		s := record(t, h, t0.Add(time.Duration(i)*time.Minute), fresh, stale)
		want := 0.0
		if i == 1 {
			want = 1
		}
		if !near(s.Cost, want) {
			t.Fatalf("snapshot %d counted %v, want %v", i, s.Cost, want)
		}
	}
}

// TestFaultStatsMissingEveryOtherAnswer: an agent-server that leaves the
// stats out of every other answer (an optional part it skips when busy)
// shows a conversation's cost as 0, then the full amount again. That is
// not a reset followed by new spend: nothing is counted, however often
// it flaps; real spend after it still counts.
func TestFaultStatsMissingEveryOtherAnswer(t *testing.T) {
	h := openTemp(t)
	c := conv("docker", "sb1", "a", "m", 10, 1000)
	record(t, h, t0, c)
	bare := c
	bare.Cost, bare.Tokens = 0, backend.TokenUsage{}
	at := t0
	var total float64
	for range 5 {
		at = at.Add(time.Minute)
		total += record(t, h, at, bare).Cost
		at = at.Add(time.Minute)
		total += record(t, h, at, c).Cost
	}
	if total != 0 {
		t.Fatalf("flapping stats counted %v", total)
	}
	c.Cost = 10.5
	if s := record(t, h, at.Add(time.Minute), c); !near(s.Cost, 0.5) {
		t.Fatalf("spent %v, want 0.5", s.Cost)
	}
}
