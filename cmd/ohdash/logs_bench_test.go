package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

// The performance budget of `ohdash logs`: to a file or /dev/null it takes
// at most 1.2x the time of `docker logs` on the same 100,000-line
// container. BenchmarkLogsVsDockerLogs runs both CLIs, the real ohdash
// binary and the docker CLI, as processes against one container in the
// same run, alternating which goes first, and reports the ratio of their
// total times (ohdash/docker) and each one's mean:
//
//	go test -run '^$' -bench LogsVsDockerLogs -benchtime 5x ./cmd/ohdash
func BenchmarkLogsVsDockerLogs(b *testing.B) {
	dockerCLI, err := exec.LookPath("docker")
	if err != nil {
		b.Skipf("the docker CLI is the baseline and is not installed: %v", err)
	}
	const lines = 100000
	e := dockertest.New(b)
	home := b.TempDir()
	writeBenchConfig(b, home, e)
	id, name := e.Run(b, dockertest.RunOptions{Env: map[string]string{"AGENTSIM_LOG_LINES": fmt.Sprint(lines)}})
	waitLastLine(b, e, id, lines)
	ohdash := buildOhdash(b)
	env := benchEnv(home)
	for _, target := range []string{"devnull", "file"} {
		b.Run(target, func(b *testing.B) {
			out := func() *os.File {
				if target == "devnull" {
					f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
					if err != nil {
						b.Fatal(err)
					}
					return f
				}
				f, err := os.Create(filepath.Join(b.TempDir(), "out"))
				if err != nil {
					b.Fatal(err)
				}
				return f
			}
			var dockerTimes, ohdashTimes []time.Duration
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				runs := []func(){
					func() { dockerTimes = append(dockerTimes, timeCLI(b, out(), env, dockerCLI, "logs", name)) },
					func() { ohdashTimes = append(ohdashTimes, timeCLI(b, out(), env, ohdash, "logs", name)) },
				}
				if i%2 == 1 {
					runs[0], runs[1] = runs[1], runs[0]
				}
				for _, r := range runs {
					r()
				}
			}
			dockerTime, ohdashTime := sum(dockerTimes), sum(ohdashTimes)
			n := float64(b.N)
			b.ReportMetric(ohdashTime.Seconds()/dockerTime.Seconds(), "ohdash/docker")
			// On a shared machine one slow run skews a sum; the medians'
			// ratio shows the typical run.
			b.ReportMetric(median(ohdashTimes).Seconds()/median(dockerTimes).Seconds(), "median-ohdash/docker")
			b.ReportMetric(float64(dockerTime.Milliseconds())/n, "docker-ms")
			b.ReportMetric(float64(ohdashTime.Milliseconds())/n, "ohdash-ms")
		})
	}
}

func sum(ds []time.Duration) time.Duration {
	var t time.Duration
	for _, d := range ds {
		t += d
	}
	return t
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// timeCLI runs a command with stdout to out (closed after) and returns how
// long it took; it fails the benchmark unless the command succeeds.
func timeCLI(b *testing.B, out *os.File, env []string, bin string, args ...string) time.Duration {
	b.Helper()
	defer out.Close()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdout = out
	var errb strings.Builder
	cmd.Stderr = &errb
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("%s %v: %v\n%s", filepath.Base(bin), args, err, errb.String())
	}
	return time.Since(start)
}

// benchEnv is the environment both CLIs run with: the engine of the
// tests, ohdash's configuration under home.
func benchEnv(home string) []string {
	env := []string{
		"HOME=" + home, "PATH=" + os.Getenv("PATH"),
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_STATE_HOME=" + filepath.Join(home, ".local", "state"),
	}
	for _, k := range []string{"DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"} {
		if v := os.Getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	return env
}

func writeBenchConfig(b *testing.B, home string, e *dockertest.Env) {
	b.Helper()
	path := filepath.Join(home, ".config", "ohdash", "config.toml")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		b.Fatal(err)
	}
	body := "[[docker]]\nname = \"local\"\nv1_prefixes = [\"" + e.V1Prefix + "\"]\nv0_prefixes = [\"" + e.V0Prefix + "\"]\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		b.Fatal(err)
	}
}

// waitLastLine waits until the container's log holds its last numbered
// line.
func waitLastLine(tb testing.TB, e *dockertest.Env, id string, n int) {
	tb.Helper()
	want := fmt.Sprintf("line %08d ", n)
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		rc, err := e.Client.ContainerLogs(context.Background(), id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Tail: "1"})
		if err != nil {
			tb.Fatal(err)
		}
		var sb strings.Builder
		_, err = stdcopy.StdCopy(&sb, &sb, rc)
		_ = rc.Close()
		if err != nil {
			tb.Fatal(err)
		}
		if sc := bufio.NewScanner(strings.NewReader(sb.String())); sc.Scan() && strings.HasPrefix(sc.Text(), want) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatalf("the container did not write its %d lines within a minute", n)
}
