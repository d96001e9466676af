package clientkit

import (
	"strings"
	"time"
)

// Event timestamps are naive (no zone); conversation times carry one.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"}

// ParseTime reads an ISO-8601 time; a naive one is taken as UTC. The zero
// time means it did not parse.
func ParseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t
		}
	}
	return time.Time{}
}
