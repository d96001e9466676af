package wire

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Clock hands out strictly increasing instants at microsecond resolution,
// the resolution of Python's datetime. Event logs need that: the real
// server orders and filters events by comparing timestamp strings, so two
// events must never share one.
type Clock struct {
	mu   sync.Mutex
	now  func() time.Time
	last time.Time
}

// NewClock returns a clock reading now; nil means time.Now.
func NewClock(now func() time.Time) *Clock {
	if now == nil {
		now = time.Now
	}
	return &Clock{now: now}
}

// Next returns the current instant, or one microsecond after the previous
// one when the wall clock has not moved on (or went back).
func (c *Clock) Next() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.now().Truncate(time.Microsecond)
	if !t.After(c.last) {
		t = c.last.Add(time.Microsecond)
	}
	c.last = t
	return t
}

// NaiveISO formats t in loc like Python's datetime.isoformat() on a naive
// datetime: no offset, and the fraction only when it is not zero.
func NaiveISO(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.Local
	}
	t = t.In(loc)
	s := t.Format("2006-01-02T15:04:05")
	if us := t.Nanosecond() / 1000; us != 0 {
		s += fmt.Sprintf(".%06d", us)
	}
	return s
}

// UTCISO formats t as Pydantic serialises a tz-aware UTC datetime:
// "2025-11-15T10:00:00.123456Z".
func UTCISO(t time.Time) string {
	t = t.UTC()
	s := t.Format("2006-01-02T15:04:05")
	if us := t.Nanosecond() / 1000; us != 0 {
		s += fmt.Sprintf(".%06d", us)
	}
	return s + "Z"
}

// ErrBadDatetime reports a value Pydantic would not accept as a datetime.
var ErrBadDatetime = errors.New("input should be a valid datetime")

// ParseDatetime parses a query value the way Pydantic reads a datetime:
// a date, or a date and time with 'T' or a space, optional seconds and
// fraction, and an optional 'Z' or ±HH:MM offset; or a Unix timestamp.
// aware reports whether the value carried a zone.
func ParseDatetime(s string) (t time.Time, aware bool, err error) {
	if f, ferr := strconv.ParseFloat(s, 64); ferr == nil {
		sec, frac := int64(f), f-float64(int64(f))
		return time.Unix(sec, int64(frac*1e9)).UTC(), true, nil
	}
	date, rest, hasTime := cutAny(s, "T", "t", " ")
	d, err := time.Parse("2006-01-02", date)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("%q: %w", s, ErrBadDatetime)
	}
	if !hasTime {
		return d, false, nil
	}
	clock, zone := splitZone(rest)
	layouts := []string{"15:04:05.999999999", "15:04:05", "15:04"}
	var tod time.Time
	ok := false
	for _, l := range layouts {
		if tod, err = time.Parse(l, clock); err == nil {
			ok = true
			break
		}
	}
	if !ok {
		return time.Time{}, false, fmt.Errorf("%q: %w", s, ErrBadDatetime)
	}
	loc := time.UTC
	if zone != "" {
		aware = true
		if loc, err = parseZone(zone); err != nil {
			return time.Time{}, false, fmt.Errorf("%q: %w", s, ErrBadDatetime)
		}
	}
	t = time.Date(d.Year(), d.Month(), d.Day(), tod.Hour(), tod.Minute(), tod.Second(),
		tod.Nanosecond()/1000*1000, loc)
	return t, aware, nil
}

// NormalizeToServer turns a datetime query value into the naive server
// local ISO string the agent-server compares event timestamps with: a
// zoned value is converted to loc, a naive one is taken as already local
// (normalize_datetime_to_server_timezone followed by isoformat()).
func NormalizeToServer(s string, loc *time.Location) (string, error) {
	t, aware, err := ParseDatetime(s)
	if err != nil {
		return "", err
	}
	if !aware {
		// Naive: the wall-clock fields are already server local time.
		return NaiveISO(t, time.UTC), nil
	}
	return NaiveISO(t, loc), nil
}

func cutAny(s string, seps ...string) (before, after string, found bool) {
	best := -1
	for _, sep := range seps {
		if i := strings.Index(s, sep); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	if best < 0 {
		return s, "", false
	}
	return s[:best], s[best+1:], true
}

func splitZone(s string) (clock, zone string) {
	if strings.HasSuffix(s, "Z") || strings.HasSuffix(s, "z") {
		return s[:len(s)-1], "Z"
	}
	if i := strings.LastIndexAny(s, "+-"); i > 0 {
		return s[:i], s[i:]
	}
	return s, ""
}

func parseZone(z string) (*time.Location, error) {
	if z == "Z" {
		return time.UTC, nil
	}
	sign := 1
	if z[0] == '-' {
		sign = -1
	}
	hm := strings.ReplaceAll(z[1:], ":", "")
	if len(hm) != 4 && len(hm) != 2 {
		return nil, ErrBadDatetime
	}
	h, err := strconv.Atoi(hm[:2])
	if err != nil {
		return nil, ErrBadDatetime
	}
	m := 0
	if len(hm) == 4 {
		if m, err = strconv.Atoi(hm[2:]); err != nil {
			return nil, ErrBadDatetime
		}
	}
	return time.FixedZone("", sign*(h*3600+m*60)), nil
}
