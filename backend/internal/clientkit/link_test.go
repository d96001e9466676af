package clientkit

import (
	"errors"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// A live link reported silent becomes unresponsive once (repeats are not
// delivered again), goes back to live at the first answer, and, when
// dropped while unresponsive, is stale since its last answer.
func TestLinkSilentAnsweredAndDown(t *testing.T) {
	box := NewOutbox(8)
	l := NewLink(box, backend.NewBackoff())
	l.Up()
	box.take()
	last := time.Now().Add(-6 * time.Second)
	l.Silent(last)
	u, ok := box.take()
	if !ok || u.Conn.Phase != backend.ConnUnresponsive || !u.Conn.LastAnswer.Equal(last) {
		t.Fatalf("after Silent: %v %+v", ok, u.Conn)
	}
	if got := u.Conn.Describe(last.Add(6 * time.Second)); got != "not answering for 6s" {
		t.Errorf("Describe = %q", got)
	}
	l.Silent(last)
	if _, ok := box.take(); ok {
		t.Error("a repeated Silent was delivered again")
	}
	now := time.Now()
	l.Answered(now)
	if u, ok := box.take(); !ok || u.Conn.Phase != backend.ConnLive || !u.Conn.LastAnswer.Equal(now) {
		t.Fatalf("after Answered: %v %+v", ok, u.Conn)
	}
	l.Answered(now)
	if _, ok := box.take(); ok {
		t.Error("Answered on a live link was delivered")
	}
	l.Silent(last)
	l.Down(errors.New("events socket silent"))
	if u, _ := box.take(); u.Conn.Phase != backend.ConnReconnecting || !u.Conn.Since.Equal(last) {
		t.Fatalf("dropped while unresponsive: %+v, want stale since %v", u.Conn, last)
	}
	// Silent on a link that is not live changes nothing.
	l.Silent(time.Now())
	if _, ok := box.take(); ok {
		t.Error("Silent changed a reconnecting link")
	}
}
