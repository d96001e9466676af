package backend

import (
	"testing"
	"time"
)

// A connection that is open but silent says for how long, counted from
// its last answer, or from when it went stale when it never answered.
func TestDescribeUnresponsive(t *testing.T) {
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	c := ConnState{Phase: ConnUnresponsive, Since: now.Add(-3 * time.Second), LastAnswer: now.Add(-7*time.Second - 400*time.Millisecond)}
	if got := c.Describe(now); got != "not answering for 7s" {
		t.Errorf("Describe = %q", got)
	}
	c.LastAnswer = time.Time{}
	if got := c.Describe(now); got != "not answering for 3s" {
		t.Errorf("without an answer, Describe = %q", got)
	}
	if !c.Stale() || c.Phase.String() != "unresponsive" {
		t.Errorf("stale %v, phase %s", c.Stale(), c.Phase)
	}
}
