package resource

import (
	"testing"

	"github.com/ohdash/ohdash/backend"
)

func TestBytesAndRates(t *testing.T) {
	cases := map[uint64]string{0: "0", 1023: "1023", 1024: "1.0K", 1536: "1.5K", 10 << 10: "10K",
		512 << 20: "512M", 1023 << 20: "1023M", 2 << 30: "2.0G", 12 << 30: "12G", 10239: "10K"}
	for n, want := range cases {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
	if got := Rate(-1); got != "?" {
		t.Errorf("negative rate: %q", got)
	}
	for f, want := range map[float64]string{0: "0.0", 12.34: "12.3", 99.96: "100", 250: "250", -3: "0.0"} {
		if got := Percent(f); got != want {
			t.Errorf("Percent(%v) = %q, want %q", f, got, want)
		}
	}
}

func TestCellsSayWhatIsKnown(t *testing.T) {
	full := backend.ResourceSample{CPUPercent: 150, HasCPU: true, MemUsed: 1 << 30, HasMem: true,
		NetRxRate: 2048, NetTxRate: 0, BlkReadRate: 1 << 20, BlkWriteRate: 0, HasRates: true, PIDs: 7, HasPIDs: true}
	if c := CellsOf(full, Known); c != (Cells{"150", "1.0G", "2.0K/0", "1.0M/0", "7"}) {
		t.Errorf("no limit: %+v", c)
	}
	full.MemLimit = 4 << 30
	if c := CellsOf(full, Known); c.Mem != "1.0G/4.0G" {
		t.Errorf("with limit: %q", c.Mem)
	}
	// A first sample: memory and processes, no CPU share or rates yet.
	first := backend.ResourceSample{MemUsed: 5 << 20, HasMem: true, PIDs: 2, HasPIDs: true}
	if c := CellsOf(first, Known); c != (Cells{"…", "5.0M", "…", "…", "2"}) {
		t.Errorf("first sample: %+v", c)
	}
	for st, mark := range map[State]string{Stopped: "-", Unavailable: "n/a", Pending: "…"} {
		if c := CellsOf(full, st); c != (Cells{mark, mark, mark, mark, mark}) {
			t.Errorf("state %d: %+v", st, c)
		}
	}
}

func TestStoreStates(t *testing.T) {
	s := NewStore()
	run := backend.Sandbox{ID: "a", Source: "docker", Status: backend.StatusRunning}
	failingRunning := backend.Sandbox{ID: "b", Source: "docker", Status: backend.StatusError, RawState: "running"}
	paused := backend.Sandbox{ID: "c", Source: "docker", Status: backend.StatusPaused, RawState: "paused"}
	if _, st := s.Of(run); st != Pending {
		t.Fatal("not sampled yet must be pending")
	}
	s.Apply(SampledMsg{Source: "docker", Asked: []string{"a", "b"}, Samples: map[string]backend.ResourceSample{"a": {HasCPU: true, CPUPercent: 3}}})
	if _, st := s.Of(run); st != Known {
		t.Fatal("sampled")
	}
	if _, st := s.Of(failingRunning); st != Pending {
		t.Fatal("asked and absent: no figures")
	}
	if _, st := s.Of(paused); st != Stopped {
		t.Fatal("paused")
	}
	tot := s.Totals([]backend.Sandbox{run, paused})
	if tot[""].N != 1 || tot["docker"].CPU != 3 {
		t.Fatalf("totals %+v", tot)
	}
	s.Prune(nil)
	if _, st := s.Of(run); st != Pending {
		t.Fatal("pruned")
	}
	s.Apply(SampledMsg{Source: "docker", Unsupported: true})
	if _, st := s.Of(run); st != Unavailable {
		t.Fatal("unsupported")
	}
}
