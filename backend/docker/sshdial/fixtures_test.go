package sshdial

import (
	"crypto"
	"net"
	"sync"
	"testing"

	"golang.org/x/crypto/ssh/agent"
)

// An ECDSA key, unencrypted and encrypted with the passphrase "secret"
// (ssh-keygen -a 1): encrypting a key with x/crypto costs 16 bcrypt
// rounds, seconds under the race detector, so tests use this pair.
const (
	TestKeyPlain = `-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAaAAAABNlY2RzYS
1zaGEyLW5pc3RwMjU2AAAACG5pc3RwMjU2AAAAQQQJmaMT0A6IWOwdCr+c0bAt36DXnJPW
Bu1XgxgVigoVyNTp8iDsmsDt2ODjU81+t74GbghJdZgiyJt3D+8gBa99AAAAoLreATW63g
E1AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBAmZoxPQDohY7B0K
v5zRsC3foNeck9YG7VeDGBWKChXI1OnyIOyawO3Y4ONTzX63vgZuCEl1mCLIm3cP7yAFr3
0AAAAgAhScXZ4ihNqA/yhoZwfpDg2nu05Y6FlEDX9TkYIu/dMAAAAEdGVzdAECAwQ=
-----END OPENSSH PRIVATE KEY-----
`
	TestKeyEncrypted = `-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABAZ+cm2mE
hinNyf9QEBbuhyAAAAAQAAAAEAAABoAAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlz
dHAyNTYAAABBBAmZoxPQDohY7B0Kv5zRsC3foNeck9YG7VeDGBWKChXI1OnyIOyawO3Y4O
NTzX63vgZuCEl1mCLIm3cP7yAFr30AAACgapN/2LBiyrGfSx41LDF8kl/viiqFmvdbBtNP
BwaM7qmdpI0HvFUUjVJ8SEirEI3nmZiYVLsfaONlKzJzZ+x9QwG6AOZOazxPRQtcI5YxWo
Clm+O1bpwUONUxfLbcELJyEhCX2DVUALn8xuE7YWfML6AlVYWiTjIiagcNMiGlUSeee6k2
XzxNwlY0MCmiZlDpxU2kODHwl+m5un/uZQJ94Q==
-----END OPENSSH PRIVATE KEY-----
`
)

// ServeTestAgent runs an in-memory ssh-agent holding keys on a unix socket;
// stop closes it and waits for its goroutines.
func ServeTestAgent(t testing.TB, sock string, keys ...crypto.PrivateKey) (stop func()) {
	t.Helper()
	kr := agent.NewKeyring()
	for _, k := range keys {
		if err := kr.Add(agent.AddedKey{PrivateKey: k}); err != nil {
			t.Fatal(err)
		}
	}
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	return ServeForTest(t, l, func(c net.Conn) { _ = agent.ServeAgent(kr, c) })
}

// ServeForTest accepts connections on l and runs handle on each in a
// goroutine of its own, until stop is called or the test ends: then the
// listener and every connection are closed (connections stay open after
// handle returns until then) and the goroutines are waited for.
func ServeForTest(t testing.TB, l net.Listener, handle func(net.Conn)) (stop func()) {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns []net.Conn
		once  sync.Once
	)
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() { handle(c) })
		}
	})
	stop = func() {
		once.Do(func() {
			_ = l.Close()
			mu.Lock()
			for _, c := range conns {
				_ = c.Close()
			}
			mu.Unlock()
			wg.Wait()
		})
	}
	t.Cleanup(stop)
	return stop
}
