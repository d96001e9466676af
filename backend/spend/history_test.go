package spend

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ohdash/ohdash/backend"
)

func openTemp(t *testing.T) *History {
	t.Helper()
	h, err := OpenHistory(context.Background(), filepath.Join(t.TempDir(), FileName), nil)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

var t0 = time.Date(2026, 12, 5, 22, 30, 0, 0, time.UTC)

func record(t *testing.T, h *History, at time.Time, convs ...backend.Conversation) Spent {
	t.Helper()
	s, err := h.Record(context.Background(), at, convs)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRecordDeltas(t *testing.T) {
	h := openTemp(t)
	a, b := conv("docker", "sb1", "a", "m", 5, 1000), conv("eval", "sb2", "b", "m", 2, 100)
	// First sight: the past is a baseline, not spend.
	if s := record(t, h, t0, a, b); s.Cost != 0 {
		t.Fatalf("first snapshot recorded %v as spent", s.Cost)
	}
	a.Cost, b.Cost = 5.5, 2.25
	a.Tokens.Prompt += 500
	s := record(t, h, t0.Add(time.Minute), a, b)
	if !near(s.Cost, 0.75) || !near(s.ByBackend["docker"], 0.5) || !near(s.ByBackend["eval"], 0.25) || s.Tokens.Prompt != 500 {
		t.Fatalf("spent %+v, want 0.75 (docker 0.5, eval 0.25), 500 prompt tokens", s)
	}
	// b's sandbox vanished (or b was deleted): nothing is subtracted.
	a.Cost = 6
	if s := record(t, h, t0.Add(2*time.Minute), a); !near(s.Cost, 0.5) {
		t.Fatalf("after a deletion spent %v, want 0.5", s.Cost)
	}
	// a was reset: its counter restarted from zero and now shows 0.2.
	a.Cost, a.Tokens.Prompt = 0.2, 10
	s = record(t, h, t0.Add(3*time.Minute), a)
	if !near(s.Cost, 0.2) || s.Tokens.Prompt != 10 {
		t.Fatalf("after a reset spent %+v, want 0.2 and 10 tokens, never negative", s)
	}
	// A rounding wobble down is not a reset.
	a.Cost = 0.2 - 1e-9
	if s := record(t, h, t0.Add(4*time.Minute), a); s.Cost != 0 {
		t.Fatalf("a wobble counted %v", s.Cost)
	}
	// A conversation created after the previous snapshot counts in full.
	n := conv("docker", "sb1", "new", "m", 0.3, 1)
	n.CreatedAt = t0.Add(4*time.Minute + time.Second)
	if s := record(t, h, t0.Add(5*time.Minute), a, n); !near(s.Cost, 0.3) {
		t.Fatalf("a new conversation counted %v, want 0.3", s.Cost)
	}
	r, err := h.Read(context.Background(), t0.Add(5*time.Minute), t0.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !near(r.LastHour.Cost, 0.75+0.5+0.2+0.3) {
		t.Fatalf("last hour %v", r.LastHour.Cost)
	}
}

func TestRateAndDaysAcrossMidnight(t *testing.T) {
	h := openTemp(t)
	a := conv("docker", "sb", "a", "m", 0, 0)
	at := t0 // 22:30 UTC on the 5th
	record(t, h, at, a)
	// $0.10 a minute for three hours: 22:31 to 01:30 UTC.
	for i := 1; i <= 180; i++ {
		a.Cost += 0.1
		record(t, h, at.Add(time.Duration(i)*time.Minute), a)
	}
	now := at.Add(180 * time.Minute)
	r, err := h.Read(context.Background(), now, now.Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !near(r.LastHour.Cost, 6) || r.HourCovered != time.Hour {
		t.Errorf("last hour $%v over %v, want $6 over 1h", r.LastHour.Cost, r.HourCovered)
	}
	if len(r.Days) != 2 || r.Days[0].Date != "2026-12-05" || r.Days[1].Date != "2026-12-06" {
		t.Fatalf("days %+v", r.Days)
	}
	// 22:31..23:59 is 89 minutes on the 5th, 00:00..01:30 is 91 on the 6th.
	if !near(r.Days[0].Cost, 8.9) || !near(r.Days[1].Cost, 9.1) || !near(r.Today.Cost, 9.1) {
		t.Errorf("days %+v, today %v; want 8.9 and 9.1", r.Days, r.Today.Cost)
	}
	// Young history: the hour is only partly covered.
	r, _ = h.Read(context.Background(), at.Add(20*time.Minute), at)
	if r.HourCovered != 20*time.Minute || !near(r.LastHour.Cost, 2) {
		t.Errorf("young history: $%v over %v", r.LastHour.Cost, r.HourCovered)
	}
}

func TestRestartKeepsHistory(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	h, err := OpenHistory(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := conv("docker", "sb", "a", "m", 1, 0)
	record(t, h, t0, a)
	a.Cost = 3
	record(t, h, t0.Add(time.Minute), a)
	h2, err := OpenHistory(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := h2.Read(context.Background(), t0.Add(2*time.Minute), t0)
	if err != nil || !near(r.LastHour.Cost, 2) {
		t.Fatalf("after reopening: %v, %v", r.LastHour.Cost, err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("file mode %v, %v; want 0600", fi.Mode(), err)
	}
}

// TestCompactionBounds runs eight days of minute snapshots and checks the
// file holds at most a day of minute buckets and a week of hour buckets,
// with per-day totals unchanged by folding.
func TestCompactionBounds(t *testing.T) {
	if testing.Short() {
		t.Skip("eight days of snapshots")
	}
	h := openTemp(t)
	a := conv("docker", "sb", "a", "m", 0, 0)
	start := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	record(t, h, start, a)
	const step = 5 * time.Minute // 5-minute snapshots keep the test quick
	var now time.Time
	for i := 1; i <= 8*24*12; i++ {
		a.Cost += 0.01
		now = start.Add(time.Duration(i) * step)
		record(t, h, now, a)
	}
	var minutes, hours int
	var oldest time.Time
	err := h.st.View(context.Background(), func(tx *bolt.Tx) error {
		minutes, hours = tx.Bucket(bucketMinutes).Stats().KeyN, tx.Bucket(bucketHours).Stats().KeyN
		k, _ := tx.Bucket(bucketHours).Cursor().First()
		oldest = keyTime(k)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if minutes > int(MinuteSpan/step)+13 || hours > int(Retention/time.Hour)+1 {
		t.Fatalf("%d minute and %d hour buckets: not bounded", minutes, hours)
	}
	if now.Sub(oldest) > Retention+time.Hour {
		t.Fatalf("oldest hour bucket %v is older than the retention", oldest)
	}
	r, err := h.Read(context.Background(), now, now.Add(-6*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	// A whole day of 5-minute snapshots at $0.01 each is $2.88, whether
	// its buckets were folded into hours or not.
	for _, d := range r.Days[1 : len(r.Days)-1] {
		if !near(d.Cost, 2.88) {
			t.Errorf("day %s: $%v, want $2.88", d.Date, d.Cost)
		}
	}
}

func TestDaysBoundedByRetention(t *testing.T) {
	h := openTemp(t)
	r, err := h.Read(context.Background(), t0, time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Days) != 8 || r.Days[7].Date != "2026-12-05" {
		t.Fatalf("--since the epoch gives %d days, from %s", len(r.Days), r.Days[0].Date)
	}
}
