package spend

import (
	"context"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// TestFaultHugeCosts: a hostile or broken server reports costs and token
// counts near the limits of their types. Sums must stay finite and
// non-negative (a +Inf cannot be stored or printed as JSON, a wrapped
// int64 is a negative token count), and the history must keep recording:
// one bad answer must not make every later Record fail.
func TestFaultHugeCosts(t *testing.T) {
	h := openTemp(t)
	huge := func(id string) backend.Conversation {
		c := conv("docker", "sb1", id, "m", math.MaxFloat64, math.MaxInt64)
		c.Tokens.Completion = math.MaxInt64
		c.CreatedAt = t0.Add(30 * time.Second)
		return c
	}
	record(t, h, t0)
	s := record(t, h, t0.Add(time.Minute), huge("a"), huge("b"), huge("c"))
	if math.IsInf(s.Cost, 0) || math.IsNaN(s.Cost) || s.Cost < 0 || s.Tokens.Prompt < 0 || s.Tokens.Completion < 0 {
		t.Fatalf("spent %+v", s)
	}
	if _, err := json.Marshal(s); err != nil {
		t.Fatalf("spent is not JSON: %v", err)
	}
	n := conv("docker", "sb1", "n", "m", 0.5, 10)
	n.CreatedAt = t0.Add(90 * time.Second)
	record(t, h, t0.Add(2*time.Minute), huge("a"), huge("b"), huge("c"), n)
	r, err := h.Read(context.Background(), t0.Add(2*time.Minute), t0.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Fatalf("report is not JSON: %v", err)
	}
	sum := Summarise([]backend.Conversation{huge("a"), huge("b"), huge("c")}, 3)
	if math.IsInf(sum.Total.Cost, 0) || sum.Total.Tokens.Prompt < 0 || sum.Total.Tokens.Completion < 0 {
		t.Fatalf("summary %+v", sum.Total)
	}
	for _, g := range append(sum.ByModel, sum.BySandbox...) {
		if math.IsInf(g.Cost, 0) || g.Tokens.Prompt < 0 {
			t.Fatalf("group %+v", g)
		}
	}
}
