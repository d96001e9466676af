package openhands

import (
	"slices"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend/sim/appserver"
)

// The budget deployment: 1,000 app conversations over 200 sandboxes.
var budgetSeed = appserver.SeedOptions{Sandboxes: 200, Conversations: 1000, SubConversations: 20}

// BenchmarkFirstLoad is a cold start: every sandbox page and every
// conversation page (budget: under 2 s).
func BenchmarkFirstLoad(b *testing.B) {
	s := startSim(b, appserver.Config{}, budgetSeed)
	for b.Loop() {
		be := newBackend(b, s, testKey)
		if _, err := be.List(b.Context()); err != nil {
			b.Fatal(err)
		}
		if convs, err := be.AppConversations(b.Context()); err != nil || len(convs) != 1000 {
			b.Fatal(len(convs), err)
		}
	}
}

// BenchmarkQuietRefresh is a refresh with nothing changed: the sandbox
// pages plus one incremental conversation search (budget: at most 3
// requests, p95 under 300 ms). It reports requests/op and p95-ms.
func BenchmarkQuietRefresh(b *testing.B) {
	s := startSim(b, appserver.Config{}, budgetSeed)
	be := newBackend(b, s, testKey)
	be.opts.FullEvery = 1 << 30 // the periodic full listing is not a quiet refresh
	if _, err := be.List(b.Context()); err != nil {
		b.Fatal(err)
	}
	if _, err := be.AppConversations(b.Context()); err != nil {
		b.Fatal(err)
	}
	var lat []time.Duration
	calls := s.APICalls()
	n := 0
	for b.Loop() {
		t0 := time.Now()
		if _, err := be.List(b.Context()); err != nil {
			b.Fatal(err)
		}
		if convs, err := be.AppConversations(b.Context()); err != nil || len(convs) != 1000 {
			b.Fatal(len(convs), err)
		}
		lat = append(lat, time.Since(t0))
		n++
	}
	slices.Sort(lat)
	b.ReportMetric(float64(s.APICalls()-calls)/float64(n), "requests/op")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
}

// TestQuietRefreshRequestBudget pins the request count of the budget.
func TestQuietRefreshRequestBudget(t *testing.T) {
	s := startSim(t, appserver.Config{}, budgetSeed)
	be := newBackend(t, s, testKey)
	ctx := ctxT(t)
	if _, err := be.List(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := be.AppConversations(ctx); err != nil {
		t.Fatal(err)
	}
	before := s.APICalls()
	if _, err := be.List(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := be.AppConversations(ctx); err != nil {
		t.Fatal(err)
	}
	if n := s.APICalls() - before; n > 3 {
		t.Fatalf("a quiet refresh made %d requests, budget 3", n)
	}
}
