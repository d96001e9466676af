package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend/docker/dockertest"
	"github.com/ohdash/ohdash/ui"
)

// BenchmarkStartupPaint50 is the start-up budget, measured as a
// user sees it: the real binary in a 160×50 tmux terminal, 50 running
// agentsim sandboxes on the test engine, the time from launch until the
// first sandbox name is on screen, and the resident memory after 10 s
// idle. Two baselines in the same run: a bare Bubble Tea program at the
// same frame rate painting the same names in the same terminal
// (testdata/barepaint: the floor any Bubble Tea dashboard starts from;
// paint/bare is the ratio to watch), and `docker ps` listing the same
// containers, launch to exit. Sub-benchmarks with the resource columns
// off (the budget: under 100 ms and 25 MiB) and on, and a static build
// with them off.
//
// Slow (10 s idle per iteration, 50 containers to start): run it alone,
//
//	go test -run '^$' -bench StartupPaint50 -benchtime 3x ./cmd/ohdash/
func BenchmarkStartupPaint50(b *testing.B) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		b.Fatal("tmux is needed to measure the real binary in a terminal")
	}
	dockerCLI, err := exec.LookPath("docker")
	if err != nil {
		b.Fatal("the docker command line is the baseline")
	}
	bin := buildOhdash(b)
	bare := filepath.Join(b.TempDir(), "barepaint")
	if out, err := goBuild("./testdata/barepaint", bare); err != nil {
		b.Fatalf("go build barepaint: %v\n%s", err, out)
	}
	e := dockertest.New(b)
	names := e.RunN(b, 50, dockertest.RunOptions{Ports: []int{8000}})
	home := b.TempDir()
	conf := filepath.Join(home, "c", "ohdash", "config.toml")
	if err := os.MkdirAll(filepath.Dir(conf), 0o700); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(conf, []byte("[[docker]]\nname = \"local\"\nv1_prefixes = [\""+e.V1Prefix+"\"]\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	// A static build (CGO_ENABLED=0, as release binaries are built) maps
	// no libc: about 2 MiB less resident.
	static := filepath.Join(b.TempDir(), "ohdash-static")
	if out, err := goBuild(".", static, "CGO_ENABLED=0"); err != nil {
		b.Fatalf("go build (static): %v\n%s", err, out)
	}
	for _, cols := range []struct{ name, interval, bin string }{
		{"columns=off", "off", bin}, {"columns=on", "2s", bin}, {"columns=off,static", "off", static},
	} {
		b.Run(cols.name, func(b *testing.B) {
			var paint, floor, ps time.Duration
			var rssKiB, floorKiB int
			env := "env HOME=" + home + " XDG_CONFIG_HOME=" + home + "/c XDG_STATE_HOME=" + home + "/s TERM=xterm-256color OHDASH_STATS_INTERVAL=" + cols.interval
			for range b.N {
				ps += timeDockerPS(b, dockerCLI, e.V1Prefix, len(names))
				p, kib := paintAndIdle(b, tmux, env+" "+cols.bin, e.V1Prefix)
				paint += p
				rssKiB += kib
				p, kib = paintAndIdle(b, tmux, "env TERM=xterm-256color "+bare+" "+strconv.Itoa(ui.DefaultFPS)+" "+strings.Join(names, " "), e.V1Prefix)
				floor += p
				floorKiB += kib
			}
			n := float64(b.N)
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(float64(paint.Microseconds())/1e3/n, "paint-ms")
			b.ReportMetric(float64(floor.Microseconds())/1e3/n, "bare-paint-ms")
			b.ReportMetric(float64(paint)/float64(floor), "paint/bare")
			b.ReportMetric(float64(ps.Microseconds())/1e3/n, "docker-ps-ms")
			b.ReportMetric(float64(rssKiB)/1024/n, "idle-RSS-MiB")
			b.ReportMetric(float64(floorKiB)/1024/n, "bare-RSS-MiB")
		})
	}
}

// timeDockerPS is how long `docker ps` takes to list the n containers
// named with prefix.
func timeDockerPS(b *testing.B, dockerCLI, prefix string, n int) time.Duration {
	b.Helper()
	start := time.Now()
	out, err := exec.Command(dockerCLI, "ps", "--filter", "name="+prefix, "--format", "{{.Names}}").Output()
	d := time.Since(start)
	if err != nil {
		b.Fatalf("docker ps: %v", err)
	}
	if got := bytes.Count(out, []byte("\n")); got != n {
		b.Fatalf("docker ps listed %d containers, want %d", got, n)
	}
	return d
}

// benchServers counts the tmux servers paintAndIdle started.
var benchServers int

// paintAndIdle launches command (exec'd by the shell, so the pane's
// process is the program's) in its own 160×50 tmux server and returns the
// time until a sandbox named with prefix shows, and the process's VmRSS
// (KiB) after 10 s idle.
func paintAndIdle(b *testing.B, tmux, command, prefix string) (time.Duration, int) {
	b.Helper()
	// A server of its own each time: reusing a name races with the last
	// one's exit.
	benchServers++
	server := fmt.Sprintf("ohdash-bench-%d-%d", os.Getpid(), benchServers)
	capture := func() []byte {
		out, _ := exec.Command(tmux, "-L", server, "capture-pane", "-p").Output()
		return out
	}
	defer func() { _ = exec.Command(tmux, "-L", server, "kill-server").Run() }()
	start := time.Now()
	cmd := exec.Command(tmux, "-L", server, "new-session", "-d", "-x", "160", "-y", "50", "exec "+command)
	cmd.Env = append(os.Environ(), "TMUX=")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("tmux: %v\n%s", err, out)
	}
	for !bytes.Contains(capture(), []byte(prefix)) {
		if time.Since(start) > 10*time.Second {
			b.Fatalf("no sandbox on screen 10 s after launch:\n%s", capture())
		}
		time.Sleep(2 * time.Millisecond)
	}
	paint := time.Since(start)
	time.Sleep(10 * time.Second)
	out, err := exec.Command(tmux, "-L", server, "display-message", "-p", "#{pane_pid}").Output()
	if err != nil {
		b.Fatalf("tmux pane pid: %v", err)
	}
	kib, err := vmRSS(strings.TrimSpace(string(out)))
	if err != nil {
		b.Fatal(err)
	}
	return paint, kib
}

// vmRSS reads a process's resident set size in KiB.
func vmRSS(pid string) (int, error) {
	f, err := os.Open("/proc/" + pid + "/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			return strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		}
	}
	return 0, fmt.Errorf("no VmRSS for pid %s", pid)
}
