package docker

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

// engineProcs are the processes that do a stats API call's work: dockerd
// answers it, containerd and its shims read the cgroups for it.
var engineProcs = map[string]bool{"dockerd": true, "containerd": true, "containerd-shim": true, "containerd-shim-runc-v2": true}

// engineCPU is the CPU time used so far by dockerd alone and by the
// engine's processes together (/proc/PID/stat utime+stime).
func engineCPU(b *testing.B) (dockerd, all time.Duration) {
	b.Helper()
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	found := false
	for _, d := range dirs {
		comm, err := os.ReadFile(filepath.Join(d, "comm"))
		if err != nil || !engineProcs[strings.TrimSpace(string(comm))] {
			continue
		}
		stat, err := os.ReadFile(filepath.Join(d, "stat"))
		if err != nil {
			continue
		}
		// Fields after the ")" closing the command name: utime and
		// stime are the 12th and 13th.
		f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(f) < 13 {
			continue
		}
		ut, _ := strconv.ParseUint(f[11], 10, 64)
		st, _ := strconv.ParseUint(f[12], 10, 64)
		t := time.Duration(ut+st) * time.Second / 100 // USER_HZ
		all += t
		if strings.TrimSpace(string(comm)) == "dockerd" {
			dockerd += t
			found = true
		}
	}
	if !found {
		b.Fatal("no dockerd process on this host: the engine cost cannot be read")
	}
	return dockerd, all
}

// selfCPU is this process's CPU time so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkStats50 samples 50 running sandboxes through each source: the
// cgroup files (the baseline: no engine work) and the one-shot stats API.
// Besides the wall time per Stats call it reports this process's CPU and
// the engine's (dockerd, and dockerd+containerd+shims) per call.
func BenchmarkStats50(b *testing.B) {
	const n = 50
	if dockertest.IsPodman() {
		b.Fatal("this benchmark reads dockerd's own CPU time: run it against Docker")
	}
	e := dockertest.New(b)
	names := e.RunN(b, n, dockertest.RunOptions{})
	for _, src := range []struct {
		name   string
		source statsSource
	}{{"cgroup", sourceCgroup}, {"api", sourceAPI}} {
		b.Run(src.name, func(b *testing.B) {
			be := testBackend(b, e, "")
			be.stats.source = src.source
			ctx := context.Background()
			if m, err := be.Stats(ctx, names); err != nil || len(m) != n {
				b.Fatalf("%d of %d sampled: %v", len(m), n, err)
			}
			d0, a0 := engineCPU(b)
			c0 := selfCPU()
			b.ResetTimer()
			for b.Loop() {
				if m, err := be.Stats(ctx, names); err != nil || len(m) != n {
					b.Fatalf("%d of %d sampled: %v", len(m), n, err)
				}
			}
			b.StopTimer()
			d1, a1 := engineCPU(b)
			ops := float64(b.N)
			b.ReportMetric(float64((selfCPU()-c0).Microseconds())/1000/ops, "client-cpu-ms/op")
			b.ReportMetric(float64((d1-d0).Microseconds())/1000/ops, "dockerd-cpu-ms/op")
			b.ReportMetric(float64((a1-a0).Microseconds())/1000/ops, "engine-cpu-ms/op")
		})
	}
}

// BenchmarkStatsDockerdCost50 is the dashboard's load on the engine:
// 50 running sandboxes sampled every 2 s, through the cgroup files and
// through the API, and, as the baseline measured in the same run, the
// same time with no sampling at all. The three phases take turns (three
// cycles of five rounds each), so other work on a shared engine falls on
// all of them alike. It reports the CPU of dockerd (and of
// dockerd+containerd+shims) and of this process, in percent of one core,
// per phase.
func BenchmarkStatsDockerdCost50(b *testing.B) {
	const (
		n        = 50
		cycles   = 3
		rounds   = 5
		interval = 2 * time.Second
	)
	if dockertest.IsPodman() {
		b.Fatal("this benchmark reads dockerd's own CPU time: run it against Docker")
	}
	e := dockertest.New(b)
	names := e.RunN(b, n, dockertest.RunOptions{})
	phases := []struct {
		name   string
		source statsSource
		sample bool
	}{{"idle", sourceAuto, false}, {"cgroup", sourceCgroup, true}, {"api", sourceAPI, true}}
	for b.Loop() {
		var dockerd, engine, client, wall [3]time.Duration
		for range cycles {
			for i, ph := range phases {
				be := testBackend(b, e, "")
				be.stats.source = ph.source
				d0, a0 := engineCPU(b)
				c0 := selfCPU()
				start := time.Now()
				tick := time.NewTicker(interval)
				for range rounds {
					if ph.sample {
						if m, err := be.Stats(context.Background(), names); err != nil || len(m) != n {
							b.Fatalf("%d of %d sampled: %v", len(m), n, err)
						}
					}
					<-tick.C
				}
				tick.Stop()
				d1, a1 := engineCPU(b)
				dockerd[i] += d1 - d0
				engine[i] += a1 - a0
				client[i] += selfCPU() - c0
				wall[i] += time.Since(start)
				_ = be.Close()
			}
		}
		for i, ph := range phases {
			pct := func(d time.Duration) float64 { return float64(d) / float64(wall[i]) * 100 }
			b.ReportMetric(pct(dockerd[i]), ph.name+"-dockerd-%core")
			b.ReportMetric(pct(engine[i]), ph.name+"-engine-%core")
			b.ReportMetric(pct(client[i]), ph.name+"-client-%core")
		}
	}
}
