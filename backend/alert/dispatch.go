package alert

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"
)

// Notifier accepts alerts from anywhere in ohdash: the detector, the spend
// budget. Notify never blocks and may be called from any goroutine.
type Notifier interface {
	Notify(a Alert)
}

// Discard is a Notifier that drops every alert: where no dispatcher runs.
type Discard struct{}

// Notify drops a.
func (Discard) Notify(Alert) {}

// Channel is one way of telling a person: the terminal bell, a desktop
// notification, a hook command. Send may block (up to its own timeout);
// the dispatcher calls it from the channel's own goroutine, one alert at
// a time, with an alert already cleaned.
type Channel interface {
	// Name identifies the channel in logs ("bell", "osc9", "command").
	Name() string
	Send(ctx context.Context, a Alert) error
}

// Unlimited is implemented by a channel the rate limit does not apply to
// (the dashboard's list of recent alerts, which is bounded itself).
type Unlimited interface {
	Unlimited() bool
}

// Options configure a Dispatcher.
type Options struct {
	// Kinds are the kinds delivered; empty delivers every kind.
	Kinds []Kind
	// PerMinute is how many alerts each channel sends in a minute; the
	// rest are counted and summed up in one Suppressed alert when the
	// minute is over. 0 or less: no limit.
	PerMinute int
	// Log receives channel failures (a hook that failed); nil: discarded.
	Log *slog.Logger
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// queueLen bounds the alerts waiting for one channel: a hook that hangs
// must not make ohdash hold alerts without end. Overflow is counted like
// rate-limited alerts.
const queueLen = 64

// Dispatcher fans alerts out to channels, after the kind filter, with a
// rate limit per channel. It implements Notifier.
type Dispatcher struct {
	opts  Options
	lanes []*lane
	once  sync.Once
}

// lane is one channel's queue and rate window.
type lane struct {
	ch         Channel
	limited    bool
	q          chan Alert
	mu         sync.Mutex
	window     time.Time
	sent       int
	suppressed int
}

// NewDispatcher returns a dispatcher over the channels. Nothing is sent
// until Run starts.
func NewDispatcher(opts Options, chans ...Channel) *Dispatcher {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	d := &Dispatcher{opts: opts}
	for _, c := range chans {
		u, ok := c.(Unlimited)
		d.lanes = append(d.lanes, &lane{ch: c, limited: opts.PerMinute > 0 && !(ok && u.Unlimited()), q: make(chan Alert, queueLen)})
	}
	return d
}

// Wants reports whether the kind filter lets k through.
func (d *Dispatcher) Wants(k Kind) bool {
	return len(d.opts.Kinds) == 0 || k == Suppressed || slices.Contains(d.opts.Kinds, k)
}

// Notify cleans the alert and queues it on every channel whose rate limit
// allows it. It never blocks.
func (d *Dispatcher) Notify(a Alert) {
	if !d.Wants(a.Kind) {
		return
	}
	if a.Time.IsZero() {
		a.Time = d.opts.Now()
	}
	a = a.Clean()
	now := d.opts.Now()
	for _, l := range d.lanes {
		l.offer(a, now, d.opts.PerMinute)
	}
}

// offer queues a on the lane, or counts it as suppressed.
func (l *lane) offer(a Alert, now time.Time, perMinute int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rollLocked(now)
	if l.limited && l.sent >= perMinute {
		l.suppressed++
		return
	}
	select {
	case l.q <- a:
		l.sent++
	default:
		l.suppressed++
	}
}

// rollLocked starts a new window when a minute has passed, queueing the
// summary of what the old one held back.
func (l *lane) rollLocked(now time.Time) {
	if now.Sub(l.window) < time.Minute {
		return
	}
	l.window, l.sent = now, 0
	if l.suppressed == 0 {
		return
	}
	s := Alert{Time: now, Kind: Suppressed, To: string(Suppressed), Title: fmt.Sprintf("%d more alerts suppressed (rate limit)", l.suppressed)}
	select {
	case l.q <- s:
		l.suppressed = 0
		l.sent++
	default:
	}
}

// Flush sends the summaries of windows that are over; Run calls it every
// few seconds, so a burst's summary arrives without waiting for the next
// alert.
func (d *Dispatcher) Flush() {
	now := d.opts.Now()
	for _, l := range d.lanes {
		l.mu.Lock()
		l.rollLocked(now)
		l.mu.Unlock()
	}
}

// Run delivers queued alerts until ctx is done: one goroutine per channel,
// so a slow hook never delays the bell. Call it once.
func (d *Dispatcher) Run(ctx context.Context) {
	d.once.Do(func() {
		var wg sync.WaitGroup
		for _, l := range d.lanes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				l.run(ctx, d.opts.Log)
			}()
		}
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
	loop:
		for {
			select {
			case <-ctx.Done():
				break loop
			case <-t.C:
				d.Flush()
			}
		}
		wg.Wait()
	})
}

func (l *lane) run(ctx context.Context, log *slog.Logger) {
	for {
		select {
		case <-ctx.Done():
			return
		case a := <-l.q:
			if err := l.ch.Send(ctx, a); err != nil && ctx.Err() == nil {
				log.Warn("alert channel failed", "channel", l.ch.Name(), "kind", string(a.Kind), "err", err)
			}
		}
	}
}
