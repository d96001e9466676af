package sshdial

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/ohdash/ohdash/backend"
)

// errEncrypted marks a private key that needs a passphrase.
var errEncrypted = errors.New("encrypted with a passphrase")

// authPlan is the keys offered to the server, in order, and the keys that
// could not be offered, for error messages.
type authPlan struct {
	signers []ssh.Signer
	// offered describes each signer: where it comes from and its
	// fingerprint.
	offered []string
	// skipped are "file: why" for identity files that were not offered.
	skipped []string
	// encrypted are the identity files skipped for want of a passphrase.
	encrypted []string
	// agentNote says why the agent was not used ("" when it was).
	agentNote string
}

// identity is an identity file as far as it could be loaded.
type identity struct {
	path   string
	pub    ssh.PublicKey // nil when unknown
	signer ssh.Signer    // nil when the key cannot be used directly
	err    error
}

// loadIdentity reads a private key file. For an encrypted key the public
// half comes from the key itself (OpenSSH format) or from path.pub, so an
// agent holding it can still be matched.
func loadIdentity(path string) identity {
	id := identity{path: path}
	data, err := os.ReadFile(path)
	if err != nil {
		id.err = err
		return id
	}
	signer, err := ssh.ParsePrivateKey(data)
	var missing *ssh.PassphraseMissingError
	switch {
	case err == nil:
		id.signer, id.pub = signer, signer.PublicKey()
	case errors.As(err, &missing):
		id.err, id.pub = errEncrypted, missing.PublicKey
		if id.pub == nil {
			if pubData, err := os.ReadFile(path + ".pub"); err == nil {
				id.pub, _, _, _, _ = ssh.ParseAuthorizedKey(pubData)
			}
		}
	default:
		id.err = fmt.Errorf("not a private key that can be read: %w", err)
	}
	return id
}

// planAuth orders the keys as OpenSSH does: the agent's keys first (only
// those of the identity files with IdentitiesOnly), then the identity
// files the agent does not hold. Missing default key files are not worth
// a mention; missing configured ones are.
func planAuth(s Settings, agentKeys []ssh.Signer, agentNote string) authPlan {
	p := authPlan{agentNote: agentNote}
	ids := make([]identity, 0, len(s.IdentityFiles))
	for _, f := range s.IdentityFiles {
		id := loadIdentity(f)
		if errors.Is(id.err, fs.ErrNotExist) {
			if s.IdentitiesConfigured {
				p.skipped = append(p.skipped, f+": no such file")
			}
			continue
		}
		ids = append(ids, id)
	}
	used := map[string]bool{}
	add := func(sg ssh.Signer, from string) {
		k := string(sg.PublicKey().Marshal())
		if used[k] {
			return
		}
		used[k] = true
		p.signers = append(p.signers, sg)
		p.offered = append(p.offered, from+" ("+describeKey(sg.PublicKey())+")")
	}
	for _, a := range agentKeys {
		file := ""
		for _, id := range ids {
			if id.pub != nil && string(id.pub.Marshal()) == string(a.PublicKey().Marshal()) {
				file = id.path
				break
			}
		}
		switch {
		case file != "":
			add(a, "agent, for "+file)
		case !s.IdentitiesOnly:
			add(a, "agent")
		}
	}
	for _, id := range ids {
		switch {
		case id.signer != nil:
			add(id.signer, id.path)
		case id.pub != nil && used[string(id.pub.Marshal())]:
			// The agent holds it.
		case errors.Is(id.err, errEncrypted):
			p.encrypted = append(p.encrypted, id.path)
			p.skipped = append(p.skipped, id.path+": encrypted with a passphrase, and no ssh-agent holds it")
		default:
			p.skipped = append(p.skipped, id.path+": "+id.err.Error())
		}
	}
	return p
}

// noKeysError explains why there is nothing to offer, and what to do.
func (p authPlan) noKeysError(login string, s Settings) error {
	var msg string
	if len(p.encrypted) > 0 {
		msg = fmt.Sprintf("%s is encrypted with a passphrase and no ssh-agent holds it (%s); "+
			"start an agent and load the key (eval \"$(ssh-agent)\"; ssh-add %s), then try again",
			strings.Join(p.encrypted, ", "), firstNonEmpty(p.agentNote, "the ssh-agent does not hold it"), shellQuote(p.encrypted[0]))
	} else {
		msg = fmt.Sprintf("no SSH key to offer (%s; none of %s can be used)",
			firstNonEmpty(p.agentNote, "the ssh-agent holds no key"), strings.Join(s.IdentityFiles, ", "))
		msg += "; create one with ssh-keygen and install it on the host with: ssh-copy-id " + shellQuote(s.User+"@"+s.Alias)
	}
	if others := otherThan(p.skipped, p.encrypted); len(others) > 0 {
		msg += "; also skipped: " + strings.Join(others, "; ")
	}
	return newError(login, "authenticate", nil, msg, backend.ErrUnauthorized)
}

// refusedError explains a server that accepted none of the keys.
func (p authPlan) refusedError(login string, s Settings, cause error) error {
	msg := fmt.Sprintf("%s refused every key offered for user %s: %s", s.HostName, s.User, strings.Join(p.offered, "; "))
	if len(p.skipped) > 0 {
		msg += "; not offered: " + strings.Join(p.skipped, "; ")
	}
	msg += fmt.Sprintf(". Add one of these public keys to ~%s/.ssh/authorized_keys on the host (ssh-copy-id), "+
		"or name the right key with IdentityFile in ~/.ssh/config", s.User)
	return newError(login, "authenticate", cause, msg, backend.ErrUnauthorized)
}

// otherThan returns the entries of list that do not start with one of
// the excluded paths.
func otherThan(list, excluded []string) []string {
	var out []string
	for _, l := range list {
		skip := false
		for _, e := range excluded {
			if strings.HasPrefix(l, e+":") {
				skip = true
			}
		}
		if !skip {
			out = append(out, l)
		}
	}
	return out
}

// agentKeys asks the ssh-agent at sock for its keys. The connection must
// stay open while the keys sign, so the caller closes it after the
// handshake. note says why no agent is used ("" when one is).
func agentKeys(ctx context.Context, sock string) (keys []ssh.Signer, note string, closeFn func()) {
	closeFn = func() {}
	if sock == "" {
		return nil, "SSH_AUTH_SOCK is not set", closeFn
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", sock)
	if err != nil {
		return nil, "no ssh-agent answers at SSH_AUTH_SOCK=" + sock, closeFn
	}
	// A wedged agent must not hold the handshake past the caller's deadline.
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	closeFn = func() { stop(); _ = conn.Close() }
	keys, err = agent.NewClient(conn).Signers()
	if err != nil {
		closeFn()
		return nil, "the ssh-agent at SSH_AUTH_SOCK=" + sock + " did not list its keys: " + err.Error(), func() {}
	}
	if len(keys) == 0 {
		note = "the ssh-agent holds no key"
	}
	return keys, note, closeFn
}
