package sshdial

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/ohdash/ohdash/backend"
)

// systemKnownHosts are OpenSSH's GlobalKnownHostsFile defaults; they are
// read when they exist.
var systemKnownHosts = []string{"/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"}

// hostKeys checks server keys against the known_hosts files that exist.
type hostKeys struct {
	// files are the files read.
	files []string
	// addTo is the file the user is told to add a new key to.
	addTo string
	// cb is nil when no file exists: every host is then unknown.
	cb ssh.HostKeyCallback
}

// loadHostKeys reads the user's and the system's known_hosts files;
// missing ones are skipped. A file that exists but cannot be read or
// parsed is an error: refusing beats guessing.
func loadHostKeys(userFiles, systemFiles []string) (*hostKeys, error) {
	h := &hostKeys{}
	if len(userFiles) > 0 {
		h.addTo = userFiles[0]
	}
	for _, f := range slices.Concat(userFiles, systemFiles) {
		if _, err := os.Stat(f); err == nil {
			h.files = append(h.files, f)
		}
	}
	if len(h.files) == 0 {
		return h, nil
	}
	cb, err := knownhosts.New(h.files...)
	if err != nil {
		return nil, err
	}
	h.cb = cb
	return h, nil
}

// check verifies the key a server offered for s, and explains a refusal:
// what is wrong and the command that fixes it.
func (h *hostKeys) check(s Settings, login string, remote net.Addr, key ssh.PublicKey) error {
	name := s.KnownHostsName()
	if h.cb == nil {
		return h.unknown(s, login, key)
	}
	addr := h.address(s)
	if cert, ok := key.(*ssh.Certificate); ok {
		// A host certificate from a trusted @cert-authority passes; else
		// fall back to its plain key, as OpenSSH does.
		if h.cb(addr, remote, key) == nil {
			return nil
		}
		key = cert.Key
	}
	err := h.cb(addr, remote, key)
	var keyErr *knownhosts.KeyError
	var revoked *knownhosts.RevokedError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &revoked):
		return newError(login, "host key", nil, fmt.Sprintf(
			"the host key of %s (%s) is marked @revoked in %s:%d; refusing to connect",
			name, describeKey(key), revoked.Revoked.Filename, revoked.Revoked.Line),
			backend.ErrUnauthorized, ErrHostKeyRevoked)
	case errors.As(err, &keyErr) && len(keyErr.Want) == 0:
		return h.unknown(s, login, key)
	case errors.As(err, &keyErr):
		old := keyErr.Want[0]
		more := ""
		if n := len(keyErr.Want) - 1; n > 0 {
			more = fmt.Sprintf(" (and %d other line(s))", n)
		}
		return newError(login, "host key", nil, fmt.Sprintf(
			"the host key of %s has CHANGED: the server offered %s, but %s:%d has %s%s. "+
				"Someone could be intercepting the connection, or the host was reinstalled. "+
				"If the change is expected, remove the old key (ssh-keygen -R %s -f %s) and record the new one: %s",
			name, describeKey(key), old.Filename, old.Line, describeKey(old.Key), more,
			shellQuote(name), shellQuote(old.Filename), h.addHint(s)),
			backend.ErrUnauthorized, ErrHostKeyChanged)
	default:
		return newError(login, "host key", err, "cannot verify the host key of "+name,
			backend.ErrUnauthorized)
	}
}

// unknown explains a host with no key in known_hosts.
func (h *hostKeys) unknown(s Settings, login string, key ssh.PublicKey) error {
	where := "no known_hosts file exists"
	if len(h.files) > 0 {
		where = "it is not in " + strings.Join(h.files, ", ")
	}
	return newError(login, "host key", nil, fmt.Sprintf(
		"the host key of %s is unknown (%s); the server offered %s. "+
			"Check that fingerprint with the host's administrator, then record it: %s",
		s.KnownHostsName(), where, describeKey(key), h.addHint(s)),
		backend.ErrUnauthorized, ErrHostKeyUnknown)
}

// addHint says how to record the host's key: ssh-keyscan into the user's
// known_hosts, or one interactive ssh login (through the same jump hosts
// for a host behind them).
func (h *hostKeys) addHint(s Settings) string {
	port := ""
	if s.Port != DefaultPort {
		port = "-p " + strconv.Itoa(s.Port) + " "
	}
	jump := ""
	if len(s.ProxyJump) > 0 {
		jump = "-J " + shellQuote(strings.Join(s.ProxyJump, ",")) + " "
	}
	login := "connect once with ssh " + jump + port + shellQuote(s.User+"@"+s.Alias) + " and accept it"
	if s.HostKeyAlias != "" || h.addTo == "" || jump != "" {
		// ssh-keyscan would file the key under the host name, not the
		// alias, and cannot go through jump hosts.
		return login
	}
	return fmt.Sprintf("ssh-keyscan %s%s >> %s (or %s)", port, shellQuote(s.HostName), shellQuote(h.addTo), login)
}

// address is host:port as knownhosts matches it.
func (h *hostKeys) address(s Settings) string {
	name := s.HostName
	if s.HostKeyAlias != "" {
		name = s.HostKeyAlias
	}
	return netJoin(name, s.Port)
}

// probeKey never matches a real host key: checking it lists the keys
// known_hosts holds for a host. Made on first use: deriving it costs
// most of a millisecond, which every invocation would pay at start-up.
var probeKey = sync.OnceValue(func() ssh.PublicKey {
	k, _ := ssh.NewPublicKey(ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)).Public())
	return k
})

// algorithms orders the host-key algorithms so the server's key of a type
// known_hosts already holds is negotiated first (as OpenSSH does);
// otherwise a server with several keys could present one we have never
// seen and read as changed. nil when nothing is known: the defaults.
func (h *hostKeys) algorithms(s Settings) []string {
	if h.cb == nil {
		return nil
	}
	var keyErr *knownhosts.KeyError
	if !errors.As(h.cb(h.address(s), &net.TCPAddr{IP: net.IPv4zero, Port: s.Port}, probeKey()), &keyErr) || len(keyErr.Want) == 0 {
		return nil
	}
	var algos []string
	add := func(a ...string) {
		for _, x := range a {
			if !slices.Contains(algos, x) {
				algos = append(algos, x)
			}
		}
	}
	for _, k := range keyErr.Want {
		if k.Key.Type() == ssh.KeyAlgoRSA {
			add(ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256)
		} else {
			add(k.Key.Type())
		}
	}
	add(ssh.SupportedAlgorithms().HostKeys...)
	return algos
}

// describeKey is "ED25519 key SHA256:...", as ssh prints fingerprints.
func describeKey(k ssh.PublicKey) string {
	t := strings.TrimPrefix(strings.TrimPrefix(k.Type(), "ssh-"), "ecdsa-sha2-")
	return strings.ToUpper(t) + " key " + ssh.FingerprintSHA256(k)
}

// shellQuote quotes s for a POSIX shell when it needs it, so suggested
// commands can be pasted as they are.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@%+=:,./-_", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// netJoin is host:port, with brackets around an IPv6 host.
func netJoin(host string, port int) string {
	return net.JoinHostPort(host, strconv.Itoa(port))
}
