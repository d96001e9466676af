package sshdial

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/ohdash/ohdash/backend"
)

// writeKey stores a private key in OpenSSH format, with its .pub beside it.
func writeKey(t *testing.T, path string, key crypto.PrivateKey) ssh.PublicKey {
	t.Helper()
	block, err := ssh.MarshalPrivateKey(key, "test")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, string(pem.EncodeToMemory(block)))
	pub, err := ssh.NewPublicKey(key.(crypto.Signer).Public())
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path+".pub", string(ssh.MarshalAuthorizedKey(pub)))
	return pub
}

// writeEncryptedKey stores TestKeyEncrypted (without a .pub: its public
// half is in the file) and returns the key and its public half.
func writeEncryptedKey(t *testing.T, path string) (crypto.PrivateKey, ssh.PublicKey) {
	t.Helper()
	writeFile(t, path, TestKeyEncrypted)
	key, err := ssh.ParseRawPrivateKey([]byte(TestKeyPlain))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ssh.NewPublicKey(key.(crypto.Signer).Public())
	if err != nil {
		t.Fatal(err)
	}
	return key, pub
}

func newEd25519(t *testing.T) ed25519.PrivateKey {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// keyring returns the signers of an in-memory agent holding keys.
func keyring(t *testing.T, keys ...crypto.PrivateKey) []ssh.Signer {
	t.Helper()
	kr := agent.NewKeyring()
	for _, k := range keys {
		if err := kr.Add(agent.AddedKey{PrivateKey: k}); err != nil {
			t.Fatal(err)
		}
	}
	s, err := kr.Signers()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func pubs(signers []ssh.Signer) []string {
	out := make([]string, len(signers))
	for i, s := range signers {
		out[i] = ssh.FingerprintSHA256(s.PublicKey())
	}
	return out
}

func fp(k ssh.PublicKey) string { return ssh.FingerprintSHA256(k) }

func TestAuthPlan(t *testing.T) {
	home := t.TempDir()
	sshDir := filepath.Join(home, ".ssh")
	edKey := newEd25519(t)
	edPub := writeKey(t, filepath.Join(sshDir, "id_ed25519"), edKey)
	ecPath := filepath.Join(sshDir, "id_ecdsa")
	ecKey, ecPub := writeEncryptedKey(t, ecPath)
	defaults := Settings{User: "me", Alias: "box", HostName: "box", IdentityFiles: []string{
		filepath.Join(sshDir, "id_ed25519"), ecPath, filepath.Join(sshDir, "id_rsa"),
	}}
	unrelated := newEd25519(t)
	unrelatedPub, _ := ssh.NewPublicKey(unrelated.Public())

	t.Run("no agent: usable files, the encrypted one skipped", func(t *testing.T) {
		p := planAuth(defaults, nil, "SSH_AUTH_SOCK is not set")
		if !slices.Equal(pubs(p.signers), []string{fp(edPub)}) || !slices.Equal(p.encrypted, []string{ecPath}) ||
			len(p.skipped) != 1 || !strings.Contains(p.skipped[0], "encrypted") {
			t.Errorf("plan: %+v", p)
		}
	})
	t.Run("agent keys first; the agent unlocks the encrypted file", func(t *testing.T) {
		p := planAuth(defaults, keyring(t, unrelated, ecKey), "")
		if !slices.Equal(pubs(p.signers), []string{fp(unrelatedPub), fp(ecPub), fp(edPub)}) || len(p.skipped) != 0 {
			t.Errorf("plan: %v %+v", pubs(p.signers), p)
		}
		if !strings.HasPrefix(p.offered[1], "agent, for "+ecPath) || !strings.HasPrefix(p.offered[2], filepath.Join(sshDir, "id_ed25519")) {
			t.Errorf("offered: %q", p.offered)
		}
	})
	t.Run("IdentitiesOnly keeps only the agent keys of identity files", func(t *testing.T) {
		s := defaults
		s.IdentitiesOnly = true
		p := planAuth(s, keyring(t, unrelated, ecKey), "")
		if !slices.Equal(pubs(p.signers), []string{fp(ecPub), fp(edPub)}) {
			t.Errorf("plan: %v", pubs(p.signers))
		}
	})
	t.Run("a key in the agent and on disk is offered once", func(t *testing.T) {
		p := planAuth(defaults, keyring(t, edKey), "")
		if !slices.Equal(pubs(p.signers), []string{fp(edPub)}) {
			t.Errorf("plan: %v", pubs(p.signers))
		}
	})
	t.Run("a configured IdentityFile that is missing is mentioned", func(t *testing.T) {
		s := defaults
		s.IdentityFiles, s.IdentitiesConfigured = []string{filepath.Join(sshDir, "nope")}, true
		p := planAuth(s, nil, "SSH_AUTH_SOCK is not set")
		if len(p.signers) != 0 || len(p.skipped) != 1 || !strings.Contains(p.skipped[0], "nope: no such file") {
			t.Errorf("plan: %+v", p)
		}
		err := p.noKeysError("me@box", s)
		if !errors.Is(err, backend.ErrUnauthorized) || !strings.Contains(err.Error(), "ssh-keygen") || !strings.Contains(err.Error(), "nope: no such file") {
			t.Errorf("no keys: %v", err)
		}
	})
	t.Run("only an encrypted key and no agent: a clear error naming it", func(t *testing.T) {
		s := defaults
		s.IdentityFiles = []string{ecPath}
		p := planAuth(s, nil, "SSH_AUTH_SOCK is not set")
		err := p.noKeysError("me@box", s)
		var e *Error
		if !errors.As(err, &e) || e.Op != "authenticate" || !errors.Is(err, backend.ErrUnauthorized) {
			t.Fatalf("want an authenticate error: %v", err)
		}
		for _, want := range []string{ecPath + " is encrypted with a passphrase", "SSH_AUTH_SOCK is not set", "ssh-add " + ecPath} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("the message lacks %q: %v", want, err)
			}
		}
	})
	t.Run("an unreadable key file is reported, not fatal", func(t *testing.T) {
		bad := filepath.Join(sshDir, "garbage")
		writeFile(t, bad, "not a key")
		s := defaults
		s.IdentityFiles = []string{bad, filepath.Join(sshDir, "id_ed25519")}
		p := planAuth(s, nil, "")
		if len(p.signers) != 1 || len(p.skipped) != 1 || !strings.Contains(p.skipped[0], "not a private key") {
			t.Errorf("plan: %+v", p)
		}
		err := p.refusedError("me@box", s, errors.New("no supported methods remain"))
		if !errors.Is(err, backend.ErrUnauthorized) || !strings.Contains(err.Error(), fp(edPub)) || !strings.Contains(err.Error(), "authorized_keys") {
			t.Errorf("refused: %v", err)
		}
	})
}

func TestAgentKeys(t *testing.T) {
	if keys, note, done := agentKeys(t.Context(), ""); keys != nil || note != "SSH_AUTH_SOCK is not set" {
		t.Errorf("no agent: %v %q", keys, note)
	} else {
		done()
	}
	sock := filepath.Join(t.TempDir(), "agent.sock")
	if _, note, _ := agentKeys(t.Context(), sock); !strings.Contains(note, "no ssh-agent answers") {
		t.Errorf("a dead agent socket: %q", note)
	}
	key := newEd25519(t)
	stop := ServeTestAgent(t, sock, key)
	defer stop()
	keys, note, done := agentKeys(t.Context(), sock)
	defer done()
	want, _ := ssh.NewPublicKey(key.Public())
	if note != "" || len(keys) != 1 || fp(keys[0].PublicKey()) != fp(want) {
		t.Errorf("agent keys: %v %q", pubs(keys), note)
	}
}
