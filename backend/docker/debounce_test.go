package docker

import (
	"testing"
	"time"
)

func TestDebounceCoalescesBursts(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	d := newDebounce(250 * time.Millisecond)
	if !d.due().IsZero() {
		t.Fatal("nothing pending should mean no deadline")
	}
	d.add(ms(0))
	if got := d.due(); !got.Equal(ms(250)) {
		t.Fatalf("single event: due %v", got.Sub(t0))
	}
	// Events inside the window push the deadline out to quiet after the last.
	d.add(ms(100))
	d.add(ms(200))
	if got := d.due(); !got.Equal(ms(450)) {
		t.Fatalf("burst: due %v", got.Sub(t0))
	}
	// A continuous stream still refreshes by first + 4*quiet.
	for n := 300; n < 2000; n += 100 {
		d.add(ms(n))
	}
	if got := d.due(); !got.Equal(ms(1000)) {
		t.Fatalf("stream: due %v, want the 1 s cap", got.Sub(t0))
	}
	d.reset()
	if !d.due().IsZero() {
		t.Fatal("reset should clear the deadline")
	}
	d.add(ms(5000))
	if got := d.due(); !got.Equal(ms(5250)) {
		t.Fatalf("after reset: due %v", got.Sub(t0))
	}
}
