package main

import (
	"bufio"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

const sshdPath = "/usr/sbin/sshd"

// testSSHD is an OpenSSH server on a loopback port, run by the test as
// the current user, that forwards unix sockets (what a Docker engine
// reached over ssh:// needs). It trusts one client key, which the harness's
// ~/.ssh holds.
type testSSHD struct {
	port    int
	user    string
	hostKey ssh.PublicKey
}

// startSSHD starts sshd for h, or skips (fails with CI=true) without one.
func startSSHD(t *testing.T, h *harness) *testSSHD {
	t.Helper()
	fail := t.Skipf
	if os.Getenv("CI") == "true" {
		fail = t.Fatalf
	}
	if _, err := os.Stat(sshdPath); err != nil {
		fail("no OpenSSH server (%v): apt-get install openssh-server; with CI=true this fails", err)
	}
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		fail("sshd needs /run/sshd: %v", err)
	}
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	hostPub := writeKeyPair(t, filepath.Join(dir, "host_key"))
	clientPub := writeKeyPair(t, filepath.Join(h.home, ".ssh", "id_ed25519"))
	writeTestFile(t, filepath.Join(dir, "authorized_keys"), string(ssh.MarshalAuthorizedKey(clientPub)))
	s := &testSSHD{port: dockertest.FreePort(t), user: u.Username, hostKey: hostPub}
	config := filepath.Join(dir, "sshd_config")
	writeTestFile(t, config, strings.Join([]string{
		"Port " + strconv.Itoa(s.port), "ListenAddress 127.0.0.1", "HostKey " + filepath.Join(dir, "host_key"),
		"PidFile none", "AuthorizedKeysFile " + filepath.Join(dir, "authorized_keys"), "AllowStreamLocalForwarding yes",
		"StrictModes no", "UsePAM no", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
		"PermitRootLogin prohibit-password",
	}, "\n")+"\n")
	var log lockedBuffer
	cmd := exec.Command(sshdPath, "-D", "-e", "-f", config)
	cmd.Stdout, cmd.Stderr = &log, &log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start sshd: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("sshd log:\n%s", log.String())
		}
	})
	waitFor(t, 10*time.Second, "sshd to listen", func() bool { return sshGreets(s.port) })
	return s
}

// trust writes the server's key to the harness's known_hosts.
func (s *testSSHD) trust(t *testing.T, h *harness) {
	t.Helper()
	line := knownhosts.Line([]string{knownhosts.Normalize("127.0.0.1:" + strconv.Itoa(s.port))}, s.hostKey)
	writeTestFile(t, filepath.Join(h.home, ".ssh", "known_hosts"), line+"\n")
}

// url is the ssh:// DOCKER_HOST of the engine the tests use, via sshd.
func (s *testSSHD) url() string {
	socket := ""
	if host := os.Getenv("DOCKER_HOST"); strings.HasPrefix(host, "unix://") {
		socket = strings.TrimPrefix(host, "unix://")
	}
	return fmt.Sprintf("ssh://%s@127.0.0.1:%d%s", s.user, s.port, socket)
}

func writeKeyPair(t *testing.T, path string) ssh.PublicKey {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, path, string(pem.EncodeToMemory(block)))
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return sshPub
}

func sshGreets(port int) bool {
	c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && strings.HasPrefix(line, "SSH-2.0-")
}

// An ssh:// engine, named by DOCKER_HOST, by the configuration file, or by
// a docker context, is listed and its logs read through ohdash's own SSH
// client; a server whose key known_hosts does not hold is refused.
func TestDockerOverSSH(t *testing.T) {
	h, e := dockerHarness(t)
	delete(h.env, "DOCKER_HOST")
	sshd := startSSHD(t, h)
	_, name := e.Run(t, dockertest.RunOptions{Env: map[string]string{"AGENTSIM_LOG_LINES": "20"}})
	prefixes := "v1_prefixes = [\"" + e.V1Prefix + "\"]\n"

	// Unknown host: refused, with a message that says what to do.
	h.env["DOCKER_HOST"] = sshd.url()
	h.writeConfig("[[docker]]\nname = \"ssh\"\n" + prefixes)
	r := h.run("ls")
	// Refused, not unreachable: retrying cannot help, the user must act.
	if r.code != exitFailed || !strings.Contains(r.stderr, "known_hosts") || strings.Contains(r.stderr, "unreachable") {
		t.Fatalf("an unknown host key was not refused: exit %d\n%s", r.code, r.stderr)
	}
	t.Logf("unknown host: exit %d: %s", r.code, strings.TrimSpace(r.stderr))

	sshd.trust(t, h)
	check := func(how string) {
		t.Helper()
		rows := lsJSON(t, h)
		if _, ok := rows[name]; !ok || len(rows) != 1 {
			t.Fatalf("%s: ls over ssh listed %v, want %s", how, rows, name)
		}
		waitFor(t, 20*time.Second, how+": the container's lines", func() bool {
			return strings.Count(h.must(exitOK, "logs", name).stdout, "\n") == 20
		})
	}
	check("DOCKER_HOST")

	delete(h.env, "DOCKER_HOST")
	h.writeConfig("[[docker]]\nname = \"ssh\"\nhost = \"" + sshd.url() + "\"\n" + prefixes)
	check("host in the configuration file")

	// A docker context that points to ssh://.
	dockerConfig := filepath.Join(h.home, ".docker")
	sum := sha256.Sum256([]byte("over-ssh"))
	writeTestFile(t, filepath.Join(dockerConfig, "contexts", "meta", hex.EncodeToString(sum[:]), "meta.json"),
		`{"Name":"over-ssh","Metadata":{},"Endpoints":{"docker":{"Host":"`+sshd.url()+`","SkipTLSVerify":false}}}`)
	h.writeConfig("[[docker]]\nname = \"ssh\"\ncontext = \"over-ssh\"\n" + prefixes)
	check("docker context")
}
