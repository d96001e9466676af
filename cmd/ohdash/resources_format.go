package main

import (
	"fmt"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// Cells of the resource columns. A sandbox with no figures shows "-"
// (paused, exited, a figure not known yet), never a zero; a backend that
// exposes none shows "n/a".

// cells are the resource columns of one row: CPU, CPU of the limit,
// memory, memory share, network, block I/O, processes.
type cells struct {
	cpu, cpuLimit, mem, memPct, net, blk, pids string
}

func statsCells(r rowStats) cells {
	if r.na {
		return cells{"n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a"}
	}
	c := cells{"-", "-", "-", "-", "-", "-", "-"}
	if !r.have {
		return c
	}
	s := r.s
	if s.HasCPU {
		c.cpu = fmt.Sprintf("%.1f%%", s.CPUPercent)
		if s.CPULimit > 0 {
			c.cpuLimit = fmt.Sprintf("%.0f%% of %s", s.CPUPercent/s.CPULimit, trimFloat(s.CPULimit))
		}
	}
	if s.HasMem {
		c.mem = iecBytes(float64(s.MemUsed))
		if s.MemLimit > 0 {
			c.mem += " / " + iecBytes(float64(s.MemLimit))
			c.memPct = fmt.Sprintf("%.1f%%", float64(s.MemUsed)/float64(s.MemLimit)*100)
		}
	}
	if s.HasRates {
		c.net = rate(s.NetRxRate) + " / " + rate(s.NetTxRate)
		c.blk = rate(s.BlkReadRate) + " / " + rate(s.BlkWriteRate)
	}
	if s.HasPIDs {
		c.pids = fmt.Sprint(s.PIDs)
	}
	return c
}

// iecBytes is a memory size in binary units, as `docker stats` shows it.
func iecBytes(n float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	i := 0
	for n >= 1024 && i < len(units)-1 {
		n /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%.0f%s", n, units[0])
	}
	return fmt.Sprintf("%.1f%s", n, units[i])
}

// rate is bytes per second in decimal units (network and disks count in
// powers of ten).
func rate(n float64) string {
	units := []string{"B/s", "kB/s", "MB/s", "GB/s"}
	i := 0
	for n >= 1000 && i < len(units)-1 {
		n /= 1000
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%.0f%s", n, units[0])
	}
	return fmt.Sprintf("%.1f%s", n, units[i])
}

func trimFloat(f float64) string { return fmt.Sprintf("%g", float64(int64(f*100+0.5))/100) }

// resourceJSON is the resource part of a JSON row. Every figure is
// absent when unknown (never a zero in its place); units are in the
// names. Fields are only ever added.
type resourceJSON struct {
	// Stats is ok, not_running (no figures: paused, exited, starting),
	// n/a (the backend exposes none) or unknown (reading them failed).
	Stats                 string   `json:"stats"`
	SampledAt             *string  `json:"sampled_at,omitempty"`
	IntervalSeconds       *float64 `json:"interval_seconds,omitempty"`
	CPUPercent            *float64 `json:"cpu_percent,omitempty"`
	CPULimitCores         *float64 `json:"cpu_limit_cores,omitempty"`
	CPULimitPercent       *float64 `json:"cpu_limit_percent,omitempty"`
	MemUsedBytes          *uint64  `json:"mem_used_bytes,omitempty"`
	MemLimitBytes         *uint64  `json:"mem_limit_bytes,omitempty"`
	NetRxBytesPerSec      *float64 `json:"net_rx_bytes_per_sec,omitempty"`
	NetTxBytesPerSec      *float64 `json:"net_tx_bytes_per_sec,omitempty"`
	BlockReadBytesPerSec  *float64 `json:"block_read_bytes_per_sec,omitempty"`
	BlockWriteBytesPerSec *float64 `json:"block_write_bytes_per_sec,omitempty"`
	PIDs                  *uint64  `json:"pids,omitempty"`
}

func ptr[T any](v T) *T { return &v }

func toResourceJSON(r rowStats) resourceJSON {
	switch {
	case r.na:
		return resourceJSON{Stats: "n/a"}
	case r.failed:
		return resourceJSON{Stats: "unknown"}
	case !r.have:
		return resourceJSON{Stats: "not_running"}
	}
	s := r.s
	j := resourceJSON{Stats: "ok", SampledAt: timeJSON(s.Time)}
	if s.Interval > 0 {
		j.IntervalSeconds = ptr(s.Interval.Round(time.Millisecond).Seconds())
	}
	if s.HasCPU {
		j.CPUPercent = ptr(s.CPUPercent)
		if s.CPULimit > 0 {
			j.CPULimitPercent = ptr(s.CPUPercent / s.CPULimit)
		}
	}
	if s.CPULimit > 0 {
		j.CPULimitCores = ptr(s.CPULimit)
	}
	if s.HasMem {
		j.MemUsedBytes = ptr(s.MemUsed)
		if s.MemLimit > 0 {
			j.MemLimitBytes = ptr(s.MemLimit)
		}
	}
	if s.HasRates {
		j.NetRxBytesPerSec, j.NetTxBytesPerSec = ptr(s.NetRxRate), ptr(s.NetTxRate)
		j.BlockReadBytesPerSec, j.BlockWriteBytesPerSec = ptr(s.BlkReadRate), ptr(s.BlkWriteRate)
	}
	if s.HasPIDs {
		j.PIDs = ptr(s.PIDs)
	}
	return j
}

// statsRowJSON is one row of `ohdash top --json`.
type statsRowJSON struct {
	Backend string         `json:"backend"`
	ID      string         `json:"id"`
	Status  backend.Status `json:"status"`
	resourceJSON
}
