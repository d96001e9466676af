package sshdial

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/ohdash/ohdash/backend"
)

// hop is one SSH server on the way to the engine: a jump host, or the
// target, which is always last.
type hop struct {
	s    Settings
	via  string // hopLabel of a jump host; "" for the target
	keys *hostKeys
	plan authPlan
}

// newHop loads what verifying and logging in to s takes, before anything
// is connected: a hop with an unreadable known_hosts or no key to offer
// fails the whole chain up front.
func newHop(s Settings, via, login string, agentKeys []ssh.Signer, agentNote string) (hop, error) {
	h := hop{s: s, via: via}
	hk, err := loadHostKeys(s.KnownHostsFiles, systemKnownHosts)
	if err != nil {
		return h, h.wrap(newError(login, "host key", err, "cannot read known_hosts; fix or remove the line named", backend.ErrUnauthorized), login)
	}
	h.keys = hk
	h.plan = planAuth(s, agentKeys, agentNote)
	if len(h.plan.signers) == 0 {
		return h, h.wrap(h.plan.noKeysError(login, s), login)
	}
	return h, nil
}

// wrap names the hop in an error about it (nothing for the target).
func (h hop) wrap(err error, login string) error { return onHop(err, login, h.via) }

// dialChain connects to the first hop over TCP and to every further hop
// through a direct-tcpip channel of the one before, running each
// handshake in turn; it returns the clients in that order. hctx bounds it
// all. Channels take no deadlines, but they all ride on the first TCP
// connection: when hctx ends, that connection's deadline moves to the
// past, which fails whichever handshake is under way, however deep.
// On failure everything opened is closed.
func dialChain(ctx, hctx context.Context, timeout time.Duration, login string, hops []hop) (clients []*ssh.Client, err error) {
	defer func() {
		if err != nil {
			closeClients(clients)
			clients = nil
		}
	}()
	timedOut := func(h hop) error {
		if ctx.Err() != nil {
			return ctxErr(ctx, login)
		}
		return h.wrap(newError(login, "connect", nil, fmt.Sprintf("no SSH session with %s within %s", h.s.Addr(), timeout),
			backend.ErrUnavailable), login)
	}
	first := hops[0]
	var nd net.Dialer
	raw, err := nd.DialContext(hctx, "tcp", first.s.Addr())
	if err != nil {
		if hctx.Err() != nil {
			return nil, timedOut(first)
		}
		return nil, first.wrap(newError(login, "connect", err, "cannot reach "+first.s.Addr(), backend.ErrUnavailable), login)
	}
	stop := context.AfterFunc(hctx, func() { _ = raw.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	nc := raw
	for i, h := range hops {
		if i > 0 {
			nc, err = clients[i-1].DialContext(hctx, "tcp", h.s.Addr())
			if err != nil {
				if hctx.Err() != nil {
					return clients, timedOut(h)
				}
				return clients, forwardError(login, hops[i-1], h, err)
			}
		}
		c, err := h.handshake(hctx, nc, login)
		if err != nil {
			_ = nc.Close()
			if hctx.Err() != nil {
				return clients, timedOut(h)
			}
			return clients, err
		}
		clients = append(clients, c)
	}
	if !stop() {
		// hctx ended as the last handshake finished: the deadline may
		// already be in the past.
		return clients, timedOut(hops[len(hops)-1])
	}
	_ = raw.SetDeadline(time.Time{})
	return clients, nil
}

// handshake runs the SSH handshake of h over nc: the host key checked
// against known_hosts, then the planned keys offered.
func (h hop) handshake(hctx context.Context, nc net.Conn, login string) (*ssh.Client, error) {
	var hs handshake
	cfg := &ssh.ClientConfig{
		User: h.s.User,
		Auth: []ssh.AuthMethod{ssh.PublicKeysCallback(func() ([]ssh.Signer, error) {
			hs.tried()
			return h.plan.signers, nil
		})},
		HostKeyCallback: func(_ string, remote net.Addr, key ssh.PublicKey) error {
			return hs.hostKey(h.wrap(h.keys.check(h.s, login, remote, key), login))
		},
		HostKeyAlgorithms: h.keys.algorithms(h.s),
	}
	sc, chans, reqs, err := ssh.NewClientConn(nc, h.s.Addr(), cfg)
	if err != nil {
		verdict, keyOK, authTried := hs.state()
		switch {
		case hctx.Err() != nil:
			return nil, err // the caller reports the timeout
		case verdict != nil:
			return nil, verdict
		case keyOK && authTried && !lostConnection(err):
			return nil, h.wrap(h.plan.refusedError(login, h.s, err), login)
		}
		return nil, h.wrap(newError(login, "connect", err, "SSH handshake with "+h.s.Addr()+" failed", backend.ErrUnavailable), login)
	}
	return ssh.NewClient(sc, chans, reqs), nil
}

// forwardError explains a jump host that could not open a channel to the
// next hop.
func forwardError(login string, from, to hop, err error) error {
	var refused *ssh.OpenChannelError
	if errors.As(err, &refused) && refused.Reason == ssh.Prohibited {
		return to.wrap(newError(login, "connect", refused, fmt.Sprintf(
			"the jump host %s refuses to forward to %s; its sshd_config must allow AllowTcpForwarding yes "+
				"(the default) and permit the address (PermitOpen)", hopLabel(from.s), to.s.Addr()),
			backend.ErrUnauthorized), login)
	}
	if errors.As(err, &refused) {
		return to.wrap(newError(login, "connect", refused, fmt.Sprintf(
			"the jump host %s cannot reach %s", hopLabel(from.s), to.s.Addr()), backend.ErrUnavailable), login)
	}
	return to.wrap(newError(login, "connect", err, fmt.Sprintf(
		"the connection to the jump host %s was lost", hopLabel(from.s)), backend.ErrUnavailable), login)
}

// closeClients closes the clients of a chain, the last (innermost) first,
// so each connection closes before the one it rides on.
func closeClients(clients []*ssh.Client) {
	for i := len(clients) - 1; i >= 0; i-- {
		_ = clients[i].Close()
	}
}
