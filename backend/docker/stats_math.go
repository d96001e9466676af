package docker

import (
	"time"

	"github.com/ohdash/ohdash/backend"
)

// counters is one reading of a container's cumulative counters and
// gauges, from its cgroup files or from one stats API answer. The CPU
// share and the rates are the difference between two readings.
type counters struct {
	// At is when the counters were read (the engine's own time for an
	// API answer, so its latency does not skew the rates).
	At time.Time
	// Instance is the container id: a sandbox recreated under the same
	// name starts its counters again.
	Instance string

	CPUNanos uint64 // cumulative CPU time used, in nanoseconds
	HasCPU   bool

	// MemUsed is what `docker stats` shows: usage less the inactive
	// file cache. MemLimit is zero when there is none.
	MemUsed, MemLimit uint64
	HasMem            bool

	NetRx, NetTx uint64 // cumulative bytes
	HasNet       bool
	BlkRead      uint64 // cumulative bytes
	BlkWrite     uint64
	HasBlk       bool

	PIDs    uint64
	HasPIDs bool

	// CPULimit is the limit in cores, zero when none.
	CPULimit float64
}

// sampleFrom turns the current reading, and the previous one of the same
// container when there is one, into a sample. A counter that went
// backwards (the container restarted, a counter wrapped) gives no number
// for that interval rather than a huge or negative one.
func sampleFrom(prev *counters, cur counters) backend.ResourceSample {
	s := backend.ResourceSample{
		Time: cur.At, CPULimit: cur.CPULimit,
		MemUsed: cur.MemUsed, MemLimit: cur.MemLimit, HasMem: cur.HasMem,
		PIDs: cur.PIDs, HasPIDs: cur.HasPIDs,
	}
	if prev == nil || prev.Instance != cur.Instance {
		return s
	}
	dt := cur.At.Sub(prev.At)
	if dt <= 0 {
		return s
	}
	secs := dt.Seconds()
	if cur.HasCPU && prev.HasCPU {
		if d, ok := delta(prev.CPUNanos, cur.CPUNanos); ok {
			s.CPUPercent, s.HasCPU = float64(d)/float64(dt.Nanoseconds())*100, true
		}
	}
	// Rates are known when every counter that exists moved forwards; a
	// container with no network (network mode none) still has block I/O.
	rx, okRx := delta(prev.NetRx, cur.NetRx)
	tx, okTx := delta(prev.NetTx, cur.NetTx)
	rd, okRd := delta(prev.BlkRead, cur.BlkRead)
	wr, okWr := delta(prev.BlkWrite, cur.BlkWrite)
	netOK := cur.HasNet && prev.HasNet && okRx && okTx
	blkOK := cur.HasBlk && prev.HasBlk && okRd && okWr
	if netOK && blkOK {
		s.NetRxRate, s.NetTxRate = float64(rx)/secs, float64(tx)/secs
		s.BlkReadRate, s.BlkWriteRate = float64(rd)/secs, float64(wr)/secs
		s.HasRates = true
	}
	if s.HasCPU || s.HasRates {
		s.Interval = dt
	}
	return s
}

// delta is cur-prev for a cumulative counter; false when it went
// backwards (a reset or a wrap: the true amount is unknowable).
func delta(prev, cur uint64) (uint64, bool) {
	if cur < prev {
		return 0, false
	}
	return cur - prev, true
}

// memUsed applies `docker stats`' rule to a memory usage figure: the
// inactive file cache is reclaimable and does not count. stat is the
// memory.stat of the cgroup (total_inactive_file on cgroup v1,
// inactive_file on v2).
func memUsed(usage uint64, stat map[string]uint64) uint64 {
	if v, ok := stat["total_inactive_file"]; ok && v < usage {
		return usage - v
	}
	if v, ok := stat["inactive_file"]; ok && v < usage {
		return usage - v
	}
	return usage
}

// memLimit is a cgroup's memory limit as ohdash shows it: zero when the
// container has none. Unlimited shows as a huge number on cgroup v1 and
// as the host's memory in the Docker stats API; a limit at or above the
// host's memory limits nothing.
func memLimit(limit, hostMem uint64) uint64 {
	if limit == 0 || hostMem > 0 && limit >= hostMem || limit >= 1<<62 {
		return 0
	}
	return limit
}

// cpuLimit is a container's CPU limit in cores from its host config
// (--cpus sets NanoCpus; --cpu-quota and --cpu-period the CFS pair),
// zero when it has none.
func cpuLimit(nanoCPUs, quota, period int64) float64 {
	if nanoCPUs > 0 {
		return float64(nanoCPUs) / 1e9
	}
	if quota > 0 {
		if period <= 0 {
			period = 100000 // the kernel's default CFS period, in µs
		}
		return float64(quota) / float64(period)
	}
	return 0
}
