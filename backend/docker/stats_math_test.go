package docker

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
)

func reading(at time.Duration, cpu, rx, tx, rd, wr uint64) counters {
	return counters{
		At: time.Unix(1000, 0).Add(at), Instance: "c1", CPUNanos: cpu, HasCPU: true,
		MemUsed: 100 << 20, HasMem: true, NetRx: rx, NetTx: tx, HasNet: true,
		BlkRead: rd, BlkWrite: wr, HasBlk: true, PIDs: 3, HasPIDs: true,
	}
}

func TestSampleFirstReadingHasNoCPU(t *testing.T) {
	s := sampleFrom(nil, reading(0, 5e9, 1, 1, 1, 1))
	if s.HasCPU || s.HasRates || s.Interval != 0 || !s.HasMem || s.MemUsed != 100<<20 || !s.HasPIDs || s.PIDs != 3 {
		t.Fatalf("first sample %+v", s)
	}
}

func TestSampleCPUAndRates(t *testing.T) {
	prev := reading(0, 10e9, 1000, 2000, 0, 0)
	for _, c := range []struct {
		name    string
		cpu     uint64
		wantCPU float64
	}{
		{"half a core", 10e9 + 1e9, 50},
		{"idle", 10e9, 0},
		{"three cores", 10e9 + 6e9, 300}, // multi-core: percent of one core
	} {
		cur := reading(2*time.Second, c.cpu, 1000+4096, 2000+1024, 2048, 8192)
		s := sampleFrom(&prev, cur)
		if !s.HasCPU || math.Abs(s.CPUPercent-c.wantCPU) > 1e-9 || s.Interval != 2*time.Second {
			t.Errorf("%s: cpu %v (has %v), want %v", c.name, s.CPUPercent, s.HasCPU, c.wantCPU)
		}
		if !s.HasRates || s.NetRxRate != 2048 || s.NetTxRate != 512 || s.BlkReadRate != 1024 || s.BlkWriteRate != 4096 {
			t.Errorf("%s: rates %+v", c.name, s)
		}
	}
}

func TestSampleCounterWrapOrResetGivesNoNumber(t *testing.T) {
	prev := reading(0, 10e9, 5000, 5000, 5000, 5000)
	// CPU counter went backwards (restarted cgroup, wrap): no CPU;
	// network went backwards: no rates. Memory is still known.
	s := sampleFrom(&prev, reading(time.Second, 1e9, 10, 6000, 6000, 6000))
	if s.HasCPU || s.HasRates || !s.HasMem || s.Interval != 0 {
		t.Errorf("reset: %+v", s)
	}
	s = sampleFrom(&prev, reading(time.Second, 11e9, 5000, 5000, 4000, 5000))
	if !s.HasCPU || s.HasRates {
		t.Errorf("block counter reset: %+v", s)
	}
	// A recreated container (same name, new id) starts over.
	cur := reading(time.Second, 11e9, 6000, 6000, 6000, 6000)
	cur.Instance = "c2"
	if s := sampleFrom(&prev, cur); s.HasCPU || s.HasRates {
		t.Errorf("new instance: %+v", s)
	}
	// A clock that did not move cannot divide.
	if s := sampleFrom(&prev, reading(0, 11e9, 6000, 6000, 6000, 6000)); s.HasCPU || s.HasRates {
		t.Errorf("zero interval: %+v", s)
	}
	if _, ok := delta(math.MaxUint64-5, 3); ok {
		t.Error("a wrapped counter gave a delta")
	}
}

func TestMemoryRules(t *testing.T) {
	if got := memUsed(1000, map[string]uint64{"total_inactive_file": 300, "inactive_file": 10}); got != 700 {
		t.Errorf("v1: %d", got)
	}
	if got := memUsed(1000, map[string]uint64{"inactive_file": 300}); got != 700 {
		t.Errorf("v2: %d", got)
	}
	if got := memUsed(1000, map[string]uint64{"total_inactive_file": 2000}); got != 1000 {
		t.Errorf("cache above usage: %d", got)
	}
	if got := memUsed(1000, nil); got != 1000 {
		t.Errorf("no stat: %d", got)
	}
	const host = 8 << 30
	for _, c := range []struct{ limit, want uint64 }{
		{0, 0}, {512 << 20, 512 << 20}, {host, 0}, {host + 1, 0}, {9223372036854771712, 0},
	} {
		if got := memLimit(c.limit, host); got != c.want {
			t.Errorf("memLimit(%d) = %d, want %d", c.limit, got, c.want)
		}
	}
	if got := memLimit(9223372036854771712, 0); got != 0 {
		t.Errorf("v1 unlimited without host memory: %d", got)
	}
	for _, c := range []struct {
		nano, quota, period int64
		want                float64
	}{{0, 0, 0, 0}, {1.5e9, 0, 0, 1.5}, {0, 50000, 100000, 0.5}, {0, 200000, 0, 2}, {0, -1, 100000, 0}} {
		if got := cpuLimit(c.nano, c.quota, c.period); got != c.want {
			t.Errorf("cpuLimit(%d, %d, %d) = %v, want %v", c.nano, c.quota, c.period, got, c.want)
		}
	}
}

func TestCountersFromAPI(t *testing.T) {
	var r container.StatsResponse
	if _, ok := countersFromAPI(r, "c1", 0, false); ok {
		t.Fatal("an answer with no read time (a stopped container) gave counters")
	}
	r.Read = time.Unix(2000, 0)
	r.CPUStats.CPUUsage.TotalUsage = 42e9
	r.MemoryStats = container.MemoryStats{Usage: 300 << 20, Limit: 16 << 30, Stats: map[string]uint64{"inactive_file": 100 << 20}}
	r.PidsStats.Current = 9
	r.Networks = map[string]container.NetworkStats{"eth0": {RxBytes: 10, TxBytes: 20}, "eth1": {RxBytes: 1, TxBytes: 2}}
	r.BlkioStats.IoServiceBytesRecursive = []container.BlkioStatEntry{
		{Op: "Read", Value: 100}, {Op: "Write", Value: 200}, {Op: "read", Value: 1}, {Op: "write", Value: 2}, {Op: "Total", Value: 303},
	}
	c, ok := countersFromAPI(r, "c1", 1.5, false)
	want := counters{
		At: r.Read, Instance: "c1", CPUNanos: 42e9, HasCPU: true, MemUsed: 200 << 20, HasMem: true,
		NetRx: 11, NetTx: 22, HasNet: true, BlkRead: 101, BlkWrite: 202, HasBlk: true, PIDs: 9, HasPIDs: true, CPULimit: 1.5,
	}
	if !ok || c != want {
		t.Fatalf("\n got %+v\nwant %+v", c, want)
	}
	// The API reports the host's memory as the limit of an unlimited
	// container; only a container given a limit has one.
	r.MemoryStats.Limit = 256 << 20
	if c, _ := countersFromAPI(r, "c1", 0, true); c.MemLimit != 256<<20 {
		t.Errorf("limited: %d", c.MemLimit)
	}
}

func TestFirstError(t *testing.T) {
	a, b := errors.New("a"), errors.New("b")
	if firstError(nil) != nil || firstError([]error{nil}) != nil || firstError([]error{nil, a}) != a {
		t.Error("one or no error")
	}
	if err := firstError([]error{a, nil, b, b}); !errors.Is(err, a) || err.Error() != "a (and 2 more)" {
		t.Errorf("several: %v", err)
	}
}
