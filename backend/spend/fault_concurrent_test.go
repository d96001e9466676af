package spend

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// TestFaultTwoWritersCountOnce: two ohdash processes (a dashboard and a
// cron `ohdash spend`) record the same conversations at once. Every
// increase is counted once, not once per writer.
func TestFaultTwoWritersCountOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	var hs [2]*History
	for i := range hs {
		h, err := OpenHistory(context.Background(), path, nil)
		if err != nil {
			t.Fatal(err)
		}
		hs[i] = h
	}
	c := conv("docker", "sb1", "a", "m", 1, 100)
	record(t, hs[0], t0, c)
	for step := 1; step <= 20; step++ {
		c.Cost = 1 + float64(step)*0.5
		at := t0.Add(time.Duration(step) * time.Minute)
		var wg sync.WaitGroup
		for _, h := range hs {
			wg.Go(func() {
				if _, err := h.Record(context.Background(), at, []backend.Conversation{c}); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	r, err := hs[1].Read(context.Background(), t0.Add(20*time.Minute), t0.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !near(r.LastHour.Cost, 10) {
		t.Fatalf("last hour %v, want 10 (each increase once)", r.LastHour.Cost)
	}
}
