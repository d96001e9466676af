package spend

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ohdash/ohdash/backend/alert"
)

// Limits are spend limits in USD; zero means no limit.
type Limits struct {
	PerHour float64
	PerDay  float64
}

// IsZero reports that no limit is set.
func (l Limits) IsZero() bool { return l.PerHour <= 0 && l.PerDay <= 0 }

// Budget is the [budget] configuration.
type Budget struct {
	// Global limits the whole fleet's spend.
	Global Limits
	// Backends limit each named backend's spend.
	Backends map[string]Limits
	// PauseWhenCrossed pauses the running conversations in a budget's
	// scope when it is crossed (off unless set in the configuration).
	PauseWhenCrossed bool
}

// IsZero reports that no budget is set.
func (b Budget) IsZero() bool {
	if !b.Global.IsZero() {
		return false
	}
	for _, l := range b.Backends {
		if !l.IsZero() {
			return false
		}
	}
	return true
}

// Window names a budget's period.
type Window string

// The budget windows: the rolling last hour, and the UTC day.
const (
	PerHour Window = "hour"
	PerDay  Window = "day"
)

// Crossing is a budget the recorded spend is over.
type Crossing struct {
	// Backend is the budget's backend; "" is the global budget.
	Backend string
	Window  Window
	Limit   float64
	Spent   float64
	// Date is the UTC day of a daily budget.
	Date string
}

// Scope names the budget for a person: "all backends" or the backend.
func (c Crossing) Scope() string {
	if c.Backend == "" {
		return "all backends"
	}
	return "backend " + c.Backend
}

// Text says what was crossed, in words (the backend name is the user's
// own configuration, but is sanitised by whoever prints it all the same).
func (c Crossing) Text() string {
	when := "in the last hour"
	if c.Window == PerDay {
		when = "today (" + c.Date + " UTC)"
	}
	return fmt.Sprintf("spend budget crossed: %s %s on %s, over the budget of %s per %s", USD(c.Spent), when, c.Scope(), USD(c.Limit), c.Window)
}

// USD writes an amount in dollars: cents, or the digits a small amount
// needs to show at all.
func USD(v float64) string {
	if v != 0 && v < 0.01 {
		return "$" + strconv.FormatFloat(v, 'g', 2, 64)
	}
	return fmt.Sprintf("$%.2f", v)
}

// key identifies one crossing for "once per crossing per window": a daily
// budget is crossed once per UTC day, an hourly one once until the
// rolling hour falls back below it.
func (c Crossing) key() []byte {
	if c.Window == PerDay {
		return []byte("day/" + c.Date + "/" + c.Backend)
	}
	return []byte("hour/" + c.Backend)
}

// Alert is the crossing as an alert for the dispatcher.
func (c Crossing) Alert(now time.Time) alert.Alert {
	return alert.Alert{Time: now.UTC(), Kind: alert.Budget, Backend: c.Backend, From: "under", To: "crossed", Title: c.Text()}
}

// Check lists the budgets r's spend is over, global first, then by
// backend name.
func (b Budget) Check(r Report, now time.Time) []Crossing {
	var out []Crossing
	date := now.UTC().Format(time.DateOnly)
	check := func(name string, l Limits, hour, day float64) {
		if l.PerHour > 0 && hour > l.PerHour {
			out = append(out, Crossing{Backend: name, Window: PerHour, Limit: l.PerHour, Spent: hour})
		}
		if l.PerDay > 0 && day > l.PerDay {
			out = append(out, Crossing{Backend: name, Window: PerDay, Limit: l.PerDay, Spent: day, Date: date})
		}
	}
	check("", b.Global, r.LastHour.Cost, r.Today.Cost)
	names := make([]string, 0, len(b.Backends))
	for n := range b.Backends {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		check(n, b.Backends[n], r.LastHour.ByBackend[n], r.Today.ByBackend[n])
	}
	return out
}

var bucketAlerted = []byte("spend_alerted")

// Fresh records the crossings current now and returns those not seen
// before: a daily budget's first crossing that UTC day, an hourly one's
// first since the rolling hour was last under it. The record lives in the
// history, so a dashboard and `ohdash spend` run from cron raise each
// crossing once between them, and a restart does not raise it again.
func (h *History) Fresh(ctx context.Context, now time.Time, current []Crossing) ([]Crossing, error) {
	var fresh []Crossing
	err := h.st.Update(ctx, func(tx *bolt.Tx) error {
		fresh = nil
		b, err := tx.CreateBucketIfNotExists(bucketAlerted)
		if err != nil {
			return err
		}
		live := map[string]bool{}
		for _, c := range current {
			k := c.key()
			live[string(k)] = true
			if b.Get(k) != nil {
				continue
			}
			fresh = append(fresh, c)
			if err := b.Put(k, timeKey(now)); err != nil {
				return err
			}
		}
		// An hourly budget back under its limit may be crossed again;
		// daily records go when their day is out of the history.
		var gone [][]byte
		drop := now.Add(-Retention)
		_ = b.ForEach(func(k, v []byte) error {
			hourly := bytes.HasPrefix(k, []byte("hour/"))
			if (hourly && !live[string(k)]) || (!hourly && keyTime(v).Before(drop)) {
				gone = append(gone, append([]byte(nil), k...))
			}
			return nil
		})
		for _, k := range gone {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("spend history: %w", err)
	}
	return fresh, nil
}
