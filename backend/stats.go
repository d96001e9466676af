package backend

import (
	"context"
	"time"
)

// ResourceSample is one sandbox's resource use, as measured at Time. Rates
// and the CPU share need two readings of the same counters, so the first
// sample of a sandbox may carry memory and processes but no CPU or rates:
// the Has* fields say which numbers are known. A sandbox that is not
// running has no sample at all (absent from the result), never zeros.
type ResourceSample struct {
	Time time.Time
	// Interval is the time between the two readings the CPU share and
	// the rates were computed from; zero when they are unknown.
	Interval time.Duration

	// CPUPercent is the CPU used over Interval, in percent of one core
	// (200 = two cores busy). Valid when HasCPU.
	CPUPercent float64
	HasCPU     bool
	// CPULimit is the sandbox's CPU limit in cores; zero when unlimited.
	CPULimit float64

	// MemUsed and MemLimit are in bytes; MemLimit is zero when the
	// sandbox has no limit of its own. Valid when HasMem.
	MemUsed, MemLimit uint64
	HasMem            bool

	// Network and block I/O rates in bytes per second over Interval.
	// Valid when HasRates.
	NetRxRate, NetTxRate      float64
	BlkReadRate, BlkWriteRate float64
	HasRates                  bool

	// PIDs is the number of processes; valid when HasPIDs.
	PIDs    uint64
	HasPIDs bool
}

// StatsReader is an optional backend capability (CapStats): it samples
// the resource use of the named sandboxes once. Asking only for what is
// on screen is the caller's job; a reader must cost nothing between
// calls (no stream per container). Sandboxes that are not running, or
// unknown, are absent from the map. ErrUnsupported means the backend
// exposes no resource figures at all (say so once, not per row).
type StatsReader interface {
	Stats(ctx context.Context, ids []string) (map[string]ResourceSample, error)
}
