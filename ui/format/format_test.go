package format

import (
	"testing"
	"time"
)

func TestAge(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	cases := map[time.Duration]string{
		0: "now", 12 * time.Second: "12s", 5 * time.Minute: "5m", 3 * time.Hour: "3h",
		47 * time.Hour: "47h", 96 * time.Hour: "4d", 3 * 365 * 24 * time.Hour: "3y", -time.Hour: "now",
	}
	for d, want := range cases {
		if got := Age(now, now.Add(-d)); got != want {
			t.Errorf("Age(%v) = %q, want %q", d, got, want)
		}
	}
	if got := Age(now, time.Time{}); got != "—" {
		t.Errorf("zero time = %q", got)
	}
}

func TestCountCostLatency(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1234: "1.2k", 35895: "35k", 1_400_000: "1.4M", 25_000_000: "25M"} {
		if got := Count(n); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
	for v, want := range map[float64]string{0: "$0.00", 0.0421: "$0.042", 1.234: "$1.23", 120.4: "$120"} {
		if got := Cost(v); got != want {
			t.Errorf("Cost(%v) = %q, want %q", v, got, want)
		}
	}
	for d, want := range map[time.Duration]string{0: "", 850 * time.Microsecond: "850µs", 12 * time.Millisecond: "12ms", 1200 * time.Millisecond: "1.2s"} {
		if got := Latency(d); got != want {
			t.Errorf("Latency(%v) = %q, want %q", d, got, want)
		}
	}
}
