package faults

import (
	"net"
	"sync"
)

// Freezer freezes connections without closing them, as a stopped engine
// (SIGSTOP), a wedged API or a network path that silently drops packets
// does: while frozen, no byte arrives or leaves on a connection accepted
// through Listener, new connections are still accepted (the kernel would
// complete the handshake anyway), and every socket stays open, so a client
// sees neither an error nor an end — only silence. Thaw delivers whatever
// was held back, in order. The zero value is thawed and ready to use.
type Freezer struct {
	mu     sync.Mutex
	frozen bool
	thawed chan struct{} // closed by Thaw; waited on while frozen
}

// Freeze stops every connection's traffic until Thaw.
func (f *Freezer) Freeze() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.frozen {
		f.frozen, f.thawed = true, make(chan struct{})
	}
}

// Thaw lets traffic flow again.
func (f *Freezer) Thaw() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.frozen {
		f.frozen = false
		close(f.thawed)
	}
}

// Frozen reports whether traffic is stopped.
func (f *Freezer) Frozen() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.frozen
}

// wait blocks while frozen, until Thaw or until the connection is closed.
func (f *Freezer) wait(closed <-chan struct{}) bool {
	f.mu.Lock()
	frozen, thawed := f.frozen, f.thawed
	f.mu.Unlock()
	if !frozen {
		return true
	}
	select {
	case <-thawed:
		return true
	case <-closed:
		return false
	}
}

// Listener wraps l so the connections it accepts obey the freezer.
func (f *Freezer) Listener(l net.Listener) net.Listener { return &freezeListener{Listener: l, f: f} }

type freezeListener struct {
	net.Listener
	f *Freezer
}

func (l *freezeListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &frozenConn{Conn: c, f: l.f, closed: make(chan struct{})}, nil
}

// frozenConn holds back reads and writes while its freezer is frozen.
type frozenConn struct {
	net.Conn
	f      *Freezer
	once   sync.Once
	closed chan struct{}
}

// Read returns what arrived only once thawed: data that came in while
// frozen is held, as a stalled peer would never have sent it.
func (c *frozenConn) Read(p []byte) (int, error) {
	if !c.f.wait(c.closed) {
		return 0, net.ErrClosed
	}
	n, err := c.Conn.Read(p)
	if !c.f.wait(c.closed) {
		return 0, net.ErrClosed
	}
	return n, err
}

// Write sends only once thawed.
func (c *frozenConn) Write(p []byte) (int, error) {
	if !c.f.wait(c.closed) {
		return 0, net.ErrClosed
	}
	return c.Conn.Write(p)
}

// Close releases a read or write held by the freeze.
func (c *frozenConn) Close() error {
	c.once.Do(func() { close(c.closed) })
	return c.Conn.Close()
}
