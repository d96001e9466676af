package agentserver

import (
	"testing"
	"time"
)

// The pinger's schedule: no ping while answers come, a ping after a quiet
// interval, overdue only after the answer deadline, pings repeated while
// silent, and no silence counted while the reader waits for the stream.
func TestAliveSchedule(t *testing.T) {
	var answeredAt []time.Time
	a := newAlive(StreamTuning{PingInterval: 4 * time.Second, AnswerDeadline: 2 * time.Second},
		nil, func(at time.Time) { answeredAt = append(answeredAt, at) })
	t0 := a.lastAnswer
	if next, ping, overdue, _ := a.check(t0.Add(time.Second)); ping || overdue || next != 3*time.Second {
		t.Fatalf("quiet 1s: next %v ping %v overdue %v", next, ping, overdue)
	}
	if next, ping, overdue, _ := a.check(t0.Add(4 * time.Second)); !ping || overdue || next != 2*time.Second {
		t.Fatalf("quiet 4s: next %v ping %v overdue %v", next, ping, overdue)
	}
	if _, ping, overdue, _ := a.check(t0.Add(5 * time.Second)); ping || overdue {
		t.Fatal("overdue before the deadline")
	}
	next, ping, overdue, last := a.check(t0.Add(6 * time.Second))
	if ping || !overdue || !last.Equal(t0) || next != 2*time.Second {
		t.Fatalf("at the deadline: next %v ping %v overdue %v last %v", next, ping, overdue, last)
	}
	if _, ping, overdue, _ := a.check(t0.Add(8 * time.Second)); !ping || !overdue {
		t.Fatal("silent: pinged again every interval, still overdue")
	}
	a.answered()
	if len(answeredAt) != 1 || a.silent {
		t.Fatalf("the first answer after silence: %d reports", len(answeredAt))
	}
	a.answered()
	if len(answeredAt) != 1 {
		t.Fatal("answers while live are not reported")
	}
	// A reader waiting for the stream does not count silence; back to
	// reading, the quiet interval starts again.
	a.handingOff(true)
	if _, ping, overdue, _ := a.check(time.Now().Add(time.Minute)); ping || overdue {
		t.Fatal("silence counted while the reader waits for the stream")
	}
	a.handingOff(false)
	if _, ping, _, _ := a.check(time.Now().Add(time.Second)); ping {
		t.Fatal("pinged right after the reader came back")
	}
}
