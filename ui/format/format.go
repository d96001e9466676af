// Package format renders durations, counts and money compactly for table
// cells, where every column has a few cells to spare.
package format

import (
	"fmt"
	"time"
)

// Age renders a duration as its largest unit: 12s, 5m, 3h, 4d, 2y.
// Zero or negative ages (clock skew) read "now"; an unknown time is "—".
func Age(now, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	d := now.Sub(t)
	switch {
	case d < time.Second:
		return "now"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d/time.Hour))
	case d < 2*365*24*time.Hour:
		return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
	default:
		return fmt.Sprintf("%dy", int(d/(365*24*time.Hour)))
	}
}

// Count renders a count with a k/M suffix: 999, 1.2k, 35k, 1.4M.
func Count(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d", n)
	case n < 10_000:
		return fmt.Sprintf("%.1fk", float64(n)/1000)
	case n < 1_000_000:
		return fmt.Sprintf("%dk", n/1000)
	case n < 10_000_000:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	default:
		return fmt.Sprintf("%dM", n/1_000_000)
	}
}

// Cost renders US dollars: $0.00, $0.042, $1.23, $120.
func Cost(usd float64) string {
	switch {
	case usd == 0:
		return "$0.00"
	case usd < 0.1:
		return fmt.Sprintf("$%.3f", usd)
	case usd < 100:
		return fmt.Sprintf("$%.2f", usd)
	default:
		return fmt.Sprintf("$%.0f", usd)
	}
}

// Latency renders a round-trip time: 850µs, 12ms, 1.2s.
func Latency(d time.Duration) string {
	switch {
	case d <= 0:
		return ""
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	default:
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
}
