package spend

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Day is one UTC day's recorded spend.
type Day struct {
	// Date is the UTC day, "2006-01-02".
	Date string
	Spent
}

// Report is what the history says about spend over time.
type Report struct {
	// LastHour is the spend recorded in the hour before the report
	// (rolling, minute resolution).
	LastHour Spent
	// HourCovered is how much of that hour the history covers: less than
	// an hour just after the history started.
	HourCovered time.Duration
	// Today is the spend recorded since 00:00 UTC.
	Today Spent
	// Days are per-day totals from Since's day to today's, oldest first;
	// the first counts from Since only.
	Days  []Day
	Since time.Time
	// First is the history's first snapshot (zero: none yet); Last the
	// latest.
	First, Last time.Time
}

// Read reports the spend recorded up to now: the last hour, today, and
// each UTC day from since on.
func (h *History) Read(ctx context.Context, now, since time.Time) (Report, error) {
	now, since = now.UTC(), since.UTC()
	var r Report
	err := h.st.View(ctx, func(tx *bolt.Tx) error {
		r = report(tx.Bucket(bucketMinutes), tx.Bucket(bucketHours), tx.Bucket(bucketState), now, since)
		return nil
	})
	if err != nil {
		return Report{}, fmt.Errorf("spend history: %w", err)
	}
	return r, nil
}

func report(minutes, hours, state *bolt.Bucket, now, since time.Time) Report {
	// Nothing older than the retention is kept: days before it would all
	// be empty (and --since 0 would list every day since 1970).
	if floor := now.Add(-Retention).Truncate(24 * time.Hour); since.Before(floor) {
		since = floor
	}
	r := Report{Since: since, First: getTime(state, keyFirst), Last: getTime(state, keyPrev)}
	hourFrom := now.Add(-time.Hour)
	today := now.Truncate(24 * time.Hour)
	days := map[string]*Day{}
	for d := since.Truncate(24 * time.Hour); !d.After(today); d = d.Add(24 * time.Hour) {
		day := &Day{Date: d.Format(time.DateOnly)}
		days[day.Date] = day
		r.Days = append(r.Days, *day)
	}
	each := func(b *bolt.Bucket, minute bool) {
		if b == nil {
			return
		}
		_ = b.ForEach(func(k, v []byte) error {
			t := keyTime(k)
			if len(k) != 8 || t.After(now) {
				return nil
			}
			var s Spent
			if json.Unmarshal(v, &s) != nil {
				return nil
			}
			if minute && t.After(hourFrom) {
				r.LastHour.add(s)
			}
			if !t.Before(today) {
				r.Today.add(s)
			}
			if !t.Before(since) {
				if d := days[t.Format(time.DateOnly)]; d != nil {
					d.add(s)
				}
			}
			return nil
		})
	}
	each(hours, false)
	each(minutes, true)
	for i := range r.Days {
		r.Days[i] = *days[r.Days[i].Date]
	}
	switch {
	case r.First.IsZero():
	case r.First.After(hourFrom):
		r.HourCovered = now.Sub(r.First)
	default:
		r.HourCovered = time.Hour
	}
	return r
}
