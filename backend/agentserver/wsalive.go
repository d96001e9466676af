package agentserver

import (
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// alive proves that the server behind an events socket answers.
//
// A socket that stops carrying bytes without closing (a wedged proxy, a
// dead network path, a stopped container) gives no error: only silence.
// So while the socket is quiet the client pings every PingInterval; any
// byte, frame, ping or pong from the server is an answer. A ping left
// unanswered for AnswerDeadline makes the stream not answering (the
// socket stays open, and the pings go on, so the first answer turns it
// live again at once); IdleTimeout without any answer drops the socket
// (the reader's deadline) and the stream redials.
//
// The silence counts only while the reader is reading: when it waits for
// the stream to take a frame (a slow consumer pushing back), the server's
// pongs sit unread in the socket, and that silence is ours.
type alive struct {
	every, deadline time.Duration

	mu         sync.Mutex
	lastAnswer time.Time // the server's last byte, frame, ping or pong
	listenFrom time.Time // the reader went back to reading
	handing    bool      // the reader waits for the stream, not for the server
	pingAt     time.Time // the last ping sent
	silent     bool      // reported as not answering

	// onSilent is called at every check while a ping is overdue (the
	// receiver ignores repeats), with the time of the last answer;
	// onAnswer once, at the first answer after that.
	onSilent func(last time.Time)
	onAnswer func(at time.Time)
}

func newAlive(t StreamTuning, onSilent func(time.Time), onAnswer func(time.Time)) *alive {
	now := time.Now() // the handshake was an answer
	return &alive{every: t.PingInterval, deadline: t.AnswerDeadline, lastAnswer: now, listenFrom: now,
		onSilent: onSilent, onAnswer: onAnswer}
}

// answered records that the server spoke.
func (a *alive) answered() {
	now := time.Now()
	a.mu.Lock()
	a.lastAnswer = now
	was := a.silent
	a.silent = false
	a.mu.Unlock()
	if was && a.onAnswer != nil {
		a.onAnswer(now)
	}
}

// handingOff marks the reader as waiting for the stream (true) or back
// to reading (false).
func (a *alive) handingOff(on bool) {
	a.mu.Lock()
	a.handing = on
	if !on {
		a.listenFrom = time.Now()
	}
	a.mu.Unlock()
}

// check decides, at now, whether to ping and whether the server is
// overdue, and returns when to check again.
func (a *alive) check(now time.Time) (next time.Duration, ping, overdue bool, last time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.handing {
		return a.every, false, false, time.Time{}
	}
	heard := a.lastAnswer
	if a.listenFrom.After(heard) {
		heard = a.listenFrom
	}
	if !a.pingAt.After(heard) {
		// Nothing is out: ping once the socket has been quiet a while.
		if due := heard.Add(a.every); now.Before(due) {
			return due.Sub(now), false, false, time.Time{}
		}
		a.pingAt = now
		return a.deadline, true, false, time.Time{}
	}
	if due := a.pingAt.Add(a.deadline); now.Before(due) {
		return due.Sub(now), false, false, time.Time{}
	}
	a.silent = true
	// Ping again every interval while silent: cheap, and the first
	// answer after a thaw is then prompt.
	if again := a.pingAt.Add(a.every); now.Before(again) {
		return again.Sub(now), false, true, a.lastAnswer
	}
	a.pingAt = now
	return a.deadline, true, true, a.lastAnswer
}

// keepAlive pings while the socket is quiet and reports a server that
// does not answer. It runs apart from the stream's own loop, which may be
// busy loading history for a while.
func (w *wsConn) keepAlive() {
	defer w.wg.Done()
	t := time.NewTimer(w.alive.every)
	defer t.Stop()
	for {
		select {
		case <-w.done:
			return
		case <-t.C:
		}
		next, ping, overdue, last := w.alive.check(time.Now())
		if ping {
			// A failed write needs no action here: the reader notices a
			// broken socket, and the idle deadline a silent one.
			_ = w.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(w.alive.deadline))
		}
		if overdue && w.alive.onSilent != nil {
			w.alive.onSilent(last)
		}
		t.Reset(next)
	}
}
