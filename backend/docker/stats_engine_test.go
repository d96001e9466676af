package docker

import (
	"context"
	"encoding/json"
	"math"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

// engineReading is the engine's own stats answer for a container.
func engineReading(t *testing.T, cli *client.Client, id string) container.StatsResponse {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := cli.ContainerStats(ctx, id, client.ContainerStatsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var r container.StatsResponse
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	return r
}

func within(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*math.Abs(want)
}

func statsOf(t *testing.T, b *Backend, ids ...string) map[string]backend.ResourceSample {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m, err := b.Stats(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestDockerStatsMatchesEngine runs a sandbox that burns CPU under a
// quarter-core limit (a limit, so the load is steady on a busy machine) and holds 96 MiB, and checks that both sources (the
// cgroup files and the stats API) report what the engine's own stats
// answers say over the same interval, within 20%; and that a paused and a
// stopped sandbox have no figures at all.
func TestDockerStatsMatchesEngine(t *testing.T) {
	e := dockertest.New(t)
	const limit = 256 << 20
	id, name := e.Run(t, dockertest.RunOptions{
		Env:      map[string]string{"AGENTSIM_BURN_CPU": "1", "AGENTSIM_ALLOC_MB": "96"},
		NanoCPUs: 25e7, Memory: limit,
	})
	for _, src := range []struct {
		name   string
		source statsSource
	}{{"cgroup", sourceCgroup}, {"api", sourceAPI}} {
		t.Run(src.name, func(t *testing.T) {
			proxy := dockertest.NewProxy(t)
			b := testBackend(t, e, proxy.Host())
			b.stats.source = src.source
			if src.source == sourceCgroup && b.statsHost() == nil {
				t.Fatalf("cgroup files not usable on this host: %v", b.stats.hostErr)
			}
			first := statsOf(t, b, name)[name]
			if !first.HasMem || first.HasCPU || first.HasRates || !first.HasPIDs {
				t.Fatalf("first sample: want memory and processes only, got %+v", first)
			}
			// The engine's readings are taken at the same moments as
			// ours (both wait for its collector's tick on the API path).
			both := func() (backend.ResourceSample, container.StatsResponse) {
				ch := make(chan container.StatsResponse, 1)
				go func() { ch <- engineReading(t, e.Client, id) }()
				s := statsOf(t, b, name)[name]
				return s, <-ch
			}
			_, ref1 := both()
			time.Sleep(3 * time.Second)
			s, ref2 := both()
			if !s.HasCPU || !s.HasRates || s.Interval <= 0 {
				t.Fatalf("second sample: want CPU and rates, got %+v", s)
			}
			refCPU := float64(ref2.CPUStats.CPUUsage.TotalUsage-ref1.CPUStats.CPUUsage.TotalUsage) /
				float64(ref2.Read.Sub(ref1.Read).Nanoseconds()) * 100
			t.Logf("%s: CPU %.1f%% (engine %.1f%%), memory %d (engine %.0f)", src.name, s.CPUPercent, refCPU, s.MemUsed, float64(memUsed(ref2.MemoryStats.Usage, ref2.MemoryStats.Stats)))
			if !within(s.CPUPercent, refCPU, 0.2) || refCPU < 5 {
				t.Errorf("CPU %.1f%%, engine says %.1f%% over the same interval", s.CPUPercent, refCPU)
			}
			refMem := float64(memUsed(ref2.MemoryStats.Usage, ref2.MemoryStats.Stats))
			if !within(float64(s.MemUsed), refMem, 0.2) || s.MemUsed < 80<<20 {
				t.Errorf("memory %d, engine says %.0f (96 MiB held)", s.MemUsed, refMem)
			}
			if s.MemLimit != limit || s.CPULimit != 0.25 {
				t.Errorf("limits %d bytes, %.2f cores; want %d, 0.25", s.MemLimit, s.CPULimit, limit)
			}
			if s.PIDs == 0 || !within(float64(s.PIDs), float64(ref2.PidsStats.Current), 0.2) {
				t.Errorf("pids %d, engine says %d", s.PIDs, ref2.PidsStats.Current)
			}
			// The cgroup path asks the engine for nothing but the one
			// inspect that finds the container's process.
			calls, inspects := proxy.Count("GET", `/stats$`), proxy.Count("GET", `/containers/[^/]+/json$`)
			if src.source == sourceCgroup && (calls != 0 || inspects != 1) || src.source == sourceAPI && calls != 3 {
				t.Errorf("%d stats calls and %d inspects for three samples", calls, inspects)
			}
		})
	}

	b := testBackend(t, e, "")
	statsOf(t, b, name)
	ctx := context.Background()
	if _, err := e.Client.ContainerPause(ctx, id, client.ContainerPauseOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, src := range []statsSource{sourceCgroup, sourceAPI} {
		b.stats.source = src
		if m := statsOf(t, b, name); len(m) != 0 {
			t.Errorf("paused sandbox (source %d): want no figures, got %+v", src, m)
		}
	}
	if _, err := e.Client.ContainerUnpause(ctx, id, client.ContainerUnpauseOptions{}); err != nil {
		t.Fatal(err)
	}
	timeout := 1
	if _, err := e.Client.ContainerStop(ctx, id, client.ContainerStopOptions{Timeout: &timeout}); err != nil {
		t.Fatal(err)
	}
	for _, src := range []statsSource{sourceCgroup, sourceAPI} {
		b.stats.source = src
		if m := statsOf(t, b, name, e.V1Prefix+"nosuchsandbox", "not-a-sandbox"); len(m) != 0 {
			t.Errorf("stopped, unknown and foreign names (source %d): want no figures, got %+v", src, m)
		}
	}
}

// TestDockerStatsOverSSHHost: an ssh:// engine is not local, so its
// figures come from the stats API through the connection the dialer
// makes (here a dialer that reaches the engine's own socket, standing in
// for the SSH tunnel): CPU, memory and rates are there all the same.
func TestDockerStatsOverSSHHost(t *testing.T) {
	e := dockertest.New(t)
	_, name := e.Run(t, dockertest.RunOptions{Env: map[string]string{"AGENTSIM_BURN_CPU": "1", "AGENTSIM_ALLOC_MB": "32"}})
	socket := strings.TrimPrefix(e.Client.DaemonHost(), "unix://")
	var dials atomic.Int32
	b := testBackend(t, e, "ssh://tester@engine.invalid", func(o *Options) {
		o.Dialers = map[string]Dialer{"ssh": func(ctx context.Context, _ Endpoint) (net.Conn, error) {
			dials.Add(1)
			var d net.Dialer
			return d.DialContext(ctx, "unix", socket)
		}}
	})
	statsOf(t, b, name)
	if b.statsHost() != nil {
		t.Fatal("an ssh:// engine's containers were read from this host's cgroup files")
	}
	time.Sleep(time.Second)
	s := statsOf(t, b, name)[name]
	if !s.HasCPU || s.CPUPercent < 5 || !s.HasMem || s.MemUsed < 24<<20 || !s.HasRates || dials.Load() == 0 {
		t.Fatalf("over the dialer: %+v (dials %d)", s, dials.Load())
	}
}

// TestDockerStatsFallsBackToAPI: on a host where the engine's processes
// are not visible (the engine in a VM, ohdash in a container: here a
// /proc without them), the cgroup files are given up for the stats API,
// for good, and the figures are there all the same.
func TestDockerStatsFallsBackToAPI(t *testing.T) {
	e := dockertest.New(t)
	_, name := e.Run(t, dockertest.RunOptions{})
	h, _ := fixtureHost(t, "v1")
	b := testBackend(t, e, "")
	b.stats.probed, b.stats.host = true, h
	s, ok := statsOf(t, b, name)[name]
	if !ok || !s.HasMem || s.MemUsed == 0 {
		t.Fatalf("no figures after the fallback: %+v", s)
	}
	if b.statsHost() != nil {
		t.Error("the backend kept the unusable cgroup files")
	}
	time.Sleep(time.Second)
	if s := statsOf(t, b, name)[name]; !s.HasCPU || !s.HasRates {
		t.Errorf("second sample through the API: %+v", s)
	}
}

// TestDockerStatsAcrossRestart: a restarted sandbox has a new main process
// and a new cgroup (the old one's open files fail to read): its first
// sample after the restart has memory but no CPU (no rate spans two
// processes), the next one has CPU again.
func TestDockerStatsAcrossRestart(t *testing.T) {
	e := dockertest.New(t)
	id, name := e.Run(t, dockertest.RunOptions{Env: map[string]string{"AGENTSIM_BURN_CPU": "1"}, NanoCPUs: 25e7})
	b := testBackend(t, e, "")
	b.stats.source = sourceCgroup
	statsOf(t, b, name)
	timeout := 1
	if _, err := e.Client.ContainerRestart(context.Background(), id, client.ContainerRestartOptions{Timeout: &timeout}); err != nil {
		t.Fatal(err)
	}
	s, ok := statsOf(t, b, name)[name]
	if !ok || !s.HasMem || s.HasCPU {
		t.Fatalf("first sample after the restart: %+v (present %v)", s, ok)
	}
	time.Sleep(time.Second)
	if s := statsOf(t, b, name)[name]; !s.HasCPU || s.CPUPercent < 1 || s.CPUPercent > 40 {
		t.Errorf("second sample after the restart: %+v", s)
	}
}
