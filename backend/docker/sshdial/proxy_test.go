package sshdial_test

import (
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// tcpProxy forwards loopback TCP connections to a target, counts them,
// and can freeze the ones open: they stay open but carry nothing, like a
// peer behind a dead VPN.
type tcpProxy struct {
	l      net.Listener
	target string

	mu       sync.Mutex
	accepted int
	live     int
	open     []*proxied
	wg       sync.WaitGroup
}

type proxied struct {
	a, b   net.Conn
	frozen atomic.Bool
	ended  atomic.Int32 // pipes finished, of two
}

func newProxy(t testing.TB, target string) *tcpProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{l: l, target: target}
	p.wg.Go(p.serve)
	t.Cleanup(p.close)
	return p
}

func (p *tcpProxy) Port() int { return p.l.Addr().(*net.TCPAddr).Port }

// Accepted is the number of connections made through the proxy so far.
func (p *tcpProxy) Accepted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepted
}

// Live is the number of proxied connections still open.
func (p *tcpProxy) Live() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.live
}

// Freeze silences every connection open now; new ones flow normally.
func (p *tcpProxy) Freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.open {
		c.frozen.Store(true)
	}
}

func (p *tcpProxy) serve() {
	for {
		a, err := p.l.Accept()
		if err != nil {
			return
		}
		b, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = a.Close()
			continue
		}
		c := &proxied{a: a, b: b}
		p.mu.Lock()
		p.accepted++
		p.live++
		p.open = append(p.open, c)
		p.mu.Unlock()
		p.wg.Go(func() { c.pipe(b, a); p.ended(c) })
		p.wg.Go(func() { c.pipe(a, b); p.ended(c) })
	}
}

// ended counts a finished pipe; the second one ends the connection.
func (p *tcpProxy) ended(c *proxied) {
	if c.ended.Add(1) == 2 {
		p.mu.Lock()
		p.live--
		p.mu.Unlock()
	}
}

// pipe copies src to dst until either closes; frozen, it swallows.
func (c *proxied) pipe(dst, src net.Conn) {
	defer func() { _ = c.a.Close(); _ = c.b.Close() }()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !c.frozen.Load() {
			if _, err := dst.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *tcpProxy) close() {
	_ = p.l.Close()
	p.mu.Lock()
	for _, c := range p.open {
		_ = c.a.Close()
		_ = c.b.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}
