package resource

import (
	"math"
	"strconv"

	"github.com/ohdash/ohdash/backend"
)

// Bytes writes a size in binary units, short enough for a cell:
// "0", "512K", "1.5M", "123M", "2.0G", "12G".
func Bytes(n uint64) string { return compact(float64(n)) }

// Rate writes bytes per second like Bytes (the column header says /s).
func Rate(f float64) string {
	if math.IsNaN(f) || f < 0 {
		return "?"
	}
	return compact(f)
}

func compact(f float64) string {
	const units = "KMGTPE"
	if f < 1024 {
		return strconv.FormatFloat(f, 'f', 0, 64)
	}
	u := -1
	for f >= 1024 && u < len(units)-1 {
		f /= 1024
		u++
	}
	if f < 10 {
		s := strconv.FormatFloat(f, 'f', 1, 64)
		if s != "10.0" {
			return s + units[u:u+1]
		}
	}
	return strconv.FormatFloat(f, 'f', 0, 64) + units[u:u+1]
}

// Percent writes a share: one decimal under 100, none above.
func Percent(f float64) string {
	if f < 99.95 {
		return strconv.FormatFloat(math.Max(0, f), 'f', 1, 64)
	}
	return strconv.FormatFloat(f, 'f', 0, 64)
}

// Cells are a row's resource cells, in the table's order.
type Cells struct{ CPU, Mem, Net, Block, PIDs string }

// Marks for what is not a number.
const (
	MarkPending     = "…"
	MarkStopped     = "-"
	MarkUnavailable = "n/a"
)

// CellsOf writes a row's resource cells.
func CellsOf(smp backend.ResourceSample, st State) Cells {
	mark := func(m string) Cells { return Cells{m, m, m, m, m} }
	switch st {
	case Stopped:
		return mark(MarkStopped)
	case Unavailable:
		return mark(MarkUnavailable)
	case Pending:
		return mark(MarkPending)
	}
	c := mark(MarkPending)
	if smp.HasCPU {
		c.CPU = Percent(smp.CPUPercent)
	}
	if smp.HasMem {
		c.Mem = Bytes(smp.MemUsed)
		if smp.MemLimit > 0 {
			c.Mem += "/" + Bytes(smp.MemLimit)
		}
	}
	if smp.HasRates {
		c.Net = Rate(smp.NetRxRate) + "/" + Rate(smp.NetTxRate)
		c.Block = Rate(smp.BlkReadRate) + "/" + Rate(smp.BlkWriteRate)
	}
	if smp.HasPIDs {
		c.PIDs = strconv.FormatUint(smp.PIDs, 10)
	}
	return c
}
