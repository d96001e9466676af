package docker

import "time"

// debounce coalesces a burst of engine events into one re-list: it is due a
// quiet period after the last event, but never later than max after the
// first, so a steady stream of events still refreshes the list.
type debounce struct {
	quiet, max  time.Duration
	first, last time.Time
}

func newDebounce(quiet time.Duration) debounce {
	return debounce{quiet: quiet, max: 4 * quiet}
}

// add records an event at now.
func (d *debounce) add(now time.Time) {
	if d.first.IsZero() {
		d.first = now
	}
	d.last = now
}

// due is when the re-list should run; zero when no event is pending.
func (d *debounce) due() time.Time {
	if d.first.IsZero() {
		return time.Time{}
	}
	t := d.last.Add(d.quiet)
	if m := d.first.Add(d.max); m.Before(t) {
		t = m
	}
	return t
}

// reset forgets pending events: a re-list has just run.
func (d *debounce) reset() { d.first, d.last = time.Time{}, time.Time{} }
