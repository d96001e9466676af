package sshdial_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// clientHome is a temporary HOME for the SSH client: ~/.ssh with a key,
// known_hosts and config as a test writes them.
type clientHome struct {
	t   testing.TB
	Dir string
	env map[string]string
}

func newClientHome(t testing.TB) *clientHome {
	h := &clientHome{t: t, Dir: t.TempDir()}
	h.env = map[string]string{"HOME": h.Dir}
	if err := os.MkdirAll(h.SSHDir(), 0o700); err != nil {
		t.Fatal(err)
	}
	return h
}

func (h *clientHome) SSHDir() string { return filepath.Join(h.Dir, ".ssh") }

// Getenv reads the test's environment: HOME, and whatever Setenv set;
// nothing from the real one, so the user's agent and keys stay out.
func (h *clientHome) Getenv(k string) string { return h.env[k] }

func (h *clientHome) Setenv(k, v string) { h.env[k] = v }

// NewKey writes a fresh private key under ~/.ssh (name id_ed25519 for
// the default) and returns its public half.
func (h *clientHome) NewKey(name string) ssh.PublicKey {
	h.t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		h.t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "test client key")
	if err != nil {
		h.t.Fatal(err)
	}
	mustWrite(h.t, filepath.Join(h.SSHDir(), name), string(pem.EncodeToMemory(block)))
	pub, _ := ssh.NewPublicKey(priv.Public())
	return pub
}

// Trust records key as the host key of 127.0.0.1:port in known_hosts,
// hashed like Debian's HashKnownHosts writes it.
func (h *clientHome) Trust(port int, key ssh.PublicKey) {
	name := knownhosts.HashHostname(knownhosts.Normalize("127.0.0.1:" + strconv.Itoa(port)))
	h.Append("known_hosts", knownhosts.Line([]string{name}, key)+"\n")
}

// Append adds text to a file under ~/.ssh.
func (h *clientHome) Append(name, text string) {
	h.t.Helper()
	f, err := os.OpenFile(filepath.Join(h.SSHDir(), name), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		h.t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		h.t.Fatal(err)
	}
}

func mustWrite(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
