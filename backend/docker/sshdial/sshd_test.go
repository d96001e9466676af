package sshdial_test

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/crypto/ssh"

	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// sshdPath is where Debian's openssh-server puts the daemon.
const sshdPath = "/usr/sbin/sshd"

// requireSSHD skips the test without OpenSSH's server, or fails it when
// CI=true: in CI the SSH tests must run.
func requireSSHD(t testing.TB) {
	t.Helper()
	fail := t.Skipf
	if os.Getenv("CI") == "true" {
		fail = t.Fatalf
	}
	if _, err := os.Stat(sshdPath); err != nil {
		fail("no OpenSSH server (%v): apt-get install openssh-server; with CI=true this fails", err)
	}
	// Debian's sshd will not start without its privilege-separation
	// directory, which only the service's start-up script creates.
	if _, err := os.Stat("/run/sshd"); err != nil {
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			fail("sshd needs /run/sshd: %v; with CI=true this fails", err)
		}
	}
}

// sshServer is an OpenSSH server on a random loopback port, with its own
// host key and authorized_keys, running as the current user until the
// test ends (its sessions included, even when the test fails).
type sshServer struct {
	t       testing.TB
	Port    int
	HostKey ssh.PublicKey
	User    string
	config  string

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
	log    *syncBuffer
}

// startSSHD starts sshd trusting the given client keys; extra lines are
// put in its sshd_config, before (so over) the test defaults.
func startSSHD(t testing.TB, authorized []ssh.PublicKey, extra ...string) *sshServer {
	t.Helper()
	requireSSHD(t)
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	_, hostPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(hostPriv, "test host key")
	if err != nil {
		t.Fatal(err)
	}
	hostKeyPath := filepath.Join(dir, "ssh_host_ed25519_key")
	mustWrite(t, hostKeyPath, string(pem.EncodeToMemory(block)))
	hostPub, _ := ssh.NewPublicKey(hostPriv.Public())
	var auth strings.Builder
	for _, k := range authorized {
		auth.Write(ssh.MarshalAuthorizedKey(k))
	}
	authPath := filepath.Join(dir, "authorized_keys")
	mustWrite(t, authPath, auth.String())
	s := &sshServer{t: t, Port: dockertest.FreePort(t), HostKey: hostPub, User: u.Username, log: &syncBuffer{}}
	s.config = filepath.Join(dir, "sshd_config")
	// sshd takes the first value it reads for a keyword: extra lines go
	// first so they override the defaults below.
	mustWrite(t, s.config, strings.Join(append(extra,
		"Port "+strconv.Itoa(s.Port),
		"ListenAddress 127.0.0.1",
		"HostKey "+hostKeyPath,
		"PidFile none",
		"AuthorizedKeysFile "+authPath,
		"AllowStreamLocalForwarding yes",
		"StrictModes no",
		"UsePAM no",
		"PasswordAuthentication no",
		"KbdInteractiveAuthentication no",
		"PermitRootLogin prohibit-password",
		"LogLevel VERBOSE",
	), "\n")+"\n")
	s.Start()
	t.Cleanup(func() {
		s.Kill()
		if t.Failed() {
			t.Logf("sshd log:\n%s", s.log.String())
		}
	})
	return s
}

// Start runs sshd (again, after Kill) and waits until it greets on its
// port.
func (s *sshServer) Start() {
	s.t.Helper()
	cmd := exec.Command(sshdPath, "-D", "-e", "-f", s.config)
	cmd.Stdout, cmd.Stderr = s.log, s.log
	// If the test binary dies, the listener goes with it; its sessions end
	// when their client connections close.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("start sshd: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	s.mu.Lock()
	s.cmd, s.exited = cmd, exited
	s.mu.Unlock()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if greets(s.Port) {
			return
		}
		select {
		case <-exited:
			s.t.Fatalf("sshd exited: %s", s.log.String())
		default:
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("sshd did not listen on port %d within 10s: %s", s.Port, s.log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// greets reports whether an SSH server answers on the port.
func greets(port int) bool {
	c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && strings.HasPrefix(line, "SSH-2.0-")
}

// Kill stops sshd and every session it forked (they run in sessions of
// their own, out of its process group, so they are found through /proc),
// as a crash or a reboot of the host would.
func (s *sshServer) Kill() {
	s.mu.Lock()
	cmd, exited := s.cmd, s.exited
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	pid := cmd.Process.Pid
	// Stopped, the listener cannot fork while its children are collected.
	_ = syscall.Kill(pid, syscall.SIGSTOP)
	for _, child := range descendants(pid) {
		_ = syscall.Kill(child, syscall.SIGKILL)
	}
	_ = cmd.Process.Kill()
	<-exited
}

// descendants lists the processes below pid, from /proc.
func descendants(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	children := map[int][]int{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces and parentheses.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(string(stat[i+1:]))
		if len(fields) < 2 {
			continue
		}
		if ppid, err := strconv.Atoi(fields[1]); err == nil {
			children[ppid] = append(children[ppid], p)
		}
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		out = append(out, children[p]...)
		queue = append(queue, children[p]...)
	}
	return out
}

// syncBuffer is a bytes.Buffer safe for sshd's output and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// sshURL is the ssh:// address of a socket on the test server.
func (s *sshServer) URL(socket string) string {
	return fmt.Sprintf("ssh://%s@127.0.0.1:%d%s", s.User, s.Port, socket)
}
