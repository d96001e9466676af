package sshdial

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/ohdash/ohdash/backend"
)

// newSigner returns a fresh ed25519 key.
func newSigner(t testing.TB) ssh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return signerOf(t, priv)
}

func newECDSASigner(t testing.TB) ssh.Signer {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return signerOf(t, priv)
}

func signerOf(t testing.TB, priv crypto.PrivateKey) ssh.Signer {
	t.Helper()
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var testRemote = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 2222}

func TestKnownHostsVerdicts(t *testing.T) {
	server, other, ecKey := newSigner(t), newSigner(t), newECDSASigner(t)
	dir := t.TempDir()
	user := filepath.Join(dir, "known_hosts")
	system := filepath.Join(dir, "ssh_known_hosts")
	writeFile(t, user, strings.Join([]string{
		"# comment",
		knownhosts.Line([]string{"[box]:2222"}, server.PublicKey()),
		knownhosts.Line([]string{knownhosts.HashHostname(knownhosts.Normalize("hashed.example:2222"))}, server.PublicKey()),
		knownhosts.Line([]string{"plain.example"}, server.PublicKey()),
		knownhosts.Line([]string{"key-alias"}, server.PublicKey()),
		knownhosts.Line([]string{"mixed"}, ecKey.PublicKey()),
		"@revoked * " + string(ssh.MarshalAuthorizedKey(other.PublicKey())),
	}, "\n"))
	writeFile(t, system, knownhosts.Line([]string{"[sys]:2222"}, server.PublicKey())+"\n")
	hk, err := loadHostKeys([]string{user, filepath.Join(dir, "missing")}, []string{system})
	if err != nil {
		t.Fatal(err)
	}
	st := func(host string, port int) Settings {
		return Settings{Alias: host, HostName: host, Port: port, User: "me"}
	}
	for _, s := range []Settings{
		st("box", 2222), st("hashed.example", 2222), st("plain.example", 22), st("sys", 2222),
		{Alias: "a", HostName: "10.1.1.1", Port: 22, HostKeyAlias: "key-alias", User: "me"},
	} {
		if err := hk.check(s, "me@"+s.Alias, testRemote, server.PublicKey()); err != nil {
			t.Errorf("%s should be known: %v", s.KnownHostsName(), err)
		}
	}

	err = hk.check(st("new.example", 2222), "me@new.example:2222", testRemote, server.PublicKey())
	if !errors.Is(err, ErrHostKeyUnknown) || !errors.Is(err, backend.ErrUnauthorized) {
		t.Fatalf("an unknown host: %v", err)
	}
	for _, want := range []string{"[new.example]:2222", "is unknown", ssh.FingerprintSHA256(server.PublicKey()),
		"ssh-keyscan -p 2222 new.example >> " + user, "ssh -p 2222 me@new.example"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the unknown-host message lacks %q: %v", want, err)
		}
	}

	err = hk.check(st("plain.example", 22), "plain.example", testRemote, newSigner(t).PublicKey())
	if !errors.Is(err, ErrHostKeyChanged) || !errors.Is(err, backend.ErrUnauthorized) {
		t.Fatalf("a changed key: %v", err)
	}
	for _, want := range []string{"CHANGED", user + ":4", ssh.FingerprintSHA256(server.PublicKey()), "ssh-keygen -R plain.example -f " + user} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the changed-key message lacks %q: %v", want, err)
		}
	}
	if err := hk.check(st("box", 2222), "box", testRemote, other.PublicKey()); !errors.Is(err, ErrHostKeyRevoked) {
		t.Errorf("a revoked key: %v", err)
	}
	// A hashed entry is matched, and a mismatch against it is a change.
	if err := hk.check(st("hashed.example", 2222), "h", testRemote, newSigner(t).PublicKey()); !errors.Is(err, ErrHostKeyChanged) {
		t.Errorf("a changed key for a hashed entry: %v", err)
	}
	// The same host on another port is another host.
	if err := hk.check(st("box", 22), "box", testRemote, server.PublicKey()); !errors.Is(err, ErrHostKeyUnknown) {
		t.Errorf("box:22 is not [box]:2222: %v", err)
	}
	// With HostKeyAlias, ssh-keyscan would file the key under the wrong name.
	s := Settings{Alias: "a", HostName: "10.9.9.9", Port: 22, HostKeyAlias: "fresh-alias", User: "me"}
	if err := hk.check(s, "a", testRemote, server.PublicKey()); !errors.Is(err, ErrHostKeyUnknown) ||
		strings.Contains(err.Error(), "ssh-keyscan") || !strings.Contains(err.Error(), "record it: connect once with ssh me@a and accept it") {
		t.Errorf("unknown alias: %v", err)
	}
}

func TestKnownHostsWithoutFiles(t *testing.T) {
	hk, err := loadHostKeys([]string{filepath.Join(t.TempDir(), "known_hosts")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = hk.check(Settings{Alias: "box", HostName: "box", Port: 22, User: "me"}, "box", testRemote, newSigner(t).PublicKey())
	if !errors.Is(err, ErrHostKeyUnknown) || !strings.Contains(err.Error(), "no known_hosts file exists") {
		t.Errorf("no known_hosts: %v", err)
	}
	if algos := hk.algorithms(Settings{HostName: "box", Port: 22}); algos != nil {
		t.Errorf("nothing known: default algorithms, got %v", algos)
	}
}

func TestKnownHostsRejectsAFileItCannotParse(t *testing.T) {
	p := filepath.Join(t.TempDir(), "known_hosts")
	writeFile(t, p, "box ssh-ed25519 not-base64!\n")
	if _, err := loadHostKeys([]string{p}, nil); err == nil || !strings.Contains(err.Error(), p+":1") {
		t.Errorf("a broken known_hosts should be named with its line: %v", err)
	}
}

func TestKnownHostKeyTypesAreNegotiatedFirst(t *testing.T) {
	rsaLine := "rsa.example ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7bA8Wn3sQxM6Ybmz6wbh9MsgzKZ4yQhW0FZ3rTeMrZsVsc4ARDbLuThqQffp9u4wlKEXuLaN6xgkuttO/iQj3vbPNBkE3zCyZXyM71DVfGiqdT9QZNIbz+9c4bCZSfvTP/4QaTm3gYg63mJ2vV8gmVY6SHRaiT3TFctXH2LDaZQ=="
	dir := t.TempDir()
	p := filepath.Join(dir, "known_hosts")
	ec := newECDSASigner(t)
	writeFile(t, p, rsaLine+"\n"+knownhosts.Line([]string{"[ec.example]:2200"}, ec.PublicKey())+"\n")
	hk, err := loadHostKeys([]string{p}, nil)
	if err != nil {
		t.Fatal(err)
	}
	algos := hk.algorithms(Settings{HostName: "rsa.example", Port: 22})
	if len(algos) < 3 || algos[0] != ssh.KeyAlgoRSASHA512 || algos[1] != ssh.KeyAlgoRSASHA256 {
		t.Errorf("an RSA host: %v", algos)
	}
	algos = hk.algorithms(Settings{HostName: "ec.example", Port: 2200})
	if len(algos) < 2 || algos[0] != ssh.KeyAlgoECDSA256 || !containsOnce(algos, ssh.KeyAlgoED25519) {
		t.Errorf("an ECDSA host: %v", algos)
	}
}

func containsOnce(list []string, s string) bool {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n == 1
}

func TestHostCertificateFallsBackToItsPlainKey(t *testing.T) {
	server, ca := newSigner(t), newSigner(t)
	cert := &ssh.Certificate{Key: server.PublicKey(), CertType: ssh.HostCert, ValidPrincipals: []string{"box"}, ValidBefore: ssh.CertTimeInfinity}
	if err := cert.SignCert(rand.Reader, ca); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "known_hosts")
	writeFile(t, p, knownhosts.Line([]string{"box"}, server.PublicKey())+"\n")
	hk, err := loadHostKeys([]string{p}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := Settings{Alias: "box", HostName: "box", Port: 22, User: "me"}
	if err := hk.check(s, "box", testRemote, cert); err != nil {
		t.Errorf("a certificate for a known plain key: %v", err)
	}
	cert2 := &ssh.Certificate{Key: newSigner(t).PublicKey(), CertType: ssh.HostCert, ValidBefore: ssh.CertTimeInfinity}
	if err := cert2.SignCert(rand.Reader, ca); err != nil {
		t.Fatal(err)
	}
	if err := hk.check(s, "box", testRemote, cert2); !errors.Is(err, ErrHostKeyChanged) {
		t.Errorf("a certificate for another key from an untrusted CA: %v", err)
	}
}
