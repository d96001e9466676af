package agentserver

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	sim "github.com/ohdash/ohdash/backend/sim/agentserver"
)

// loopbackRTT is the median time of a trivial REST round trip to the
// emulator: the baseline the stream's figures are compared with.
func loopbackRTT(b *testing.B, c *Client) time.Duration {
	var rtts []time.Duration
	for i := 0; i < 200; i++ {
		t0 := time.Now()
		if err := c.Health(context.Background()); err != nil {
			b.Fatal(err)
		}
		rtts = append(rtts, time.Since(t0))
	}
	slices.Sort(rtts)
	return rtts[len(rtts)/2]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkStreamDelivery measures how long an event written by the
// emulator takes to reach the consumer of a live stream over loopback.
// Budget: p99 under 50 ms.
func BenchmarkStreamDelivery(b *testing.B) {
	srv, c := newSim(b, sim.Options{})
	id := seed(b, srv, sim.SeedSpec{Turns: 1})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := c.StreamEvents(ctx, id, backend.StreamOptions{})
	for u := range ch {
		if u.Conn.Phase == backend.ConnLive {
			break
		}
	}
	rtt := loopbackRTT(b, c)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := srv.Generate(id, 1); err != nil {
			b.Fatal(err)
		}
		for got := false; !got; {
			u, ok := <-ch
			if !ok {
				b.Fatal("stream closed")
			}
			got = len(u.Events) > 0
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(lat)
	p50, p99 := lat[len(lat)/2], lat[len(lat)*99/100]
	b.ReportMetric(ms(p50), "p50-ms")
	b.ReportMetric(ms(p99), "p99-ms")
	b.ReportMetric(float64(p99)/float64(rtt), "p99/rtt")
	cancel()
	for range ch {
	}
}

// BenchmarkBacklogLoad measures loading 10,000 stored events through REST
// paging into a fresh stream (until the last one reaches the consumer),
// against reading the same pages raw without decoding.
func BenchmarkBacklogLoad(b *testing.B) {
	srv, c := newSim(b, sim.Options{})
	id := seed(b, srv, sim.SeedSpec{Events: 10000})
	total, _ := srv.EventIDs(id)
	raw := rawPaging(b, c, id)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		n := 0
		for u := range c.StreamEvents(ctx, id, backend.StreamOptions{}) {
			if n += len(u.Events); n >= len(total) {
				cancel()
			}
		}
		cancel()
		if n != len(total) {
			b.Fatalf("loaded %d of %d", n, len(total))
		}
	}
	b.StopTimer()
	per := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(ms(per), "load-ms")
	b.ReportMetric(ms(raw), "raw-paging-ms")
	b.ReportMetric(float64(per)/float64(raw), "load/raw")
}

// rawPaging times the same REST pages read with only the page id decoded.
func rawPaging(b *testing.B, c *Client, id string) time.Duration {
	t0 := time.Now()
	q := EventQuery{}
	for {
		resp, cancel, err := c.api.Send(context.Background(), call{Method: http.MethodGet, Path: eventsPath(id) + "/search", Query: q.values()})
		if err != nil {
			b.Fatal(err)
		}
		var page struct {
			NextPageID *string `json:"next_page_id"`
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		cancel()
		if err := json.Unmarshal(body, &page); err != nil {
			b.Fatal(err)
		}
		if page.NextPageID == nil {
			return time.Since(t0)
		}
		q.PageID = *page.NextPageID
	}
}

// BenchmarkEventMemory measures what 100,000 delivered events cost a
// consumer that keeps them all (the TUI's budget is 64 MiB), with the
// emulator's realistic mix of messages, actions, observations and stats.
func BenchmarkEventMemory(b *testing.B) {
	srv, _ := newSim(b, sim.Options{})
	id := seed(b, srv, sim.SeedSpec{Events: 100000})
	raws, err := srv.Events(id)
	if err != nil {
		b.Fatal(err)
	}
	var rawBytes int
	for _, r := range raws {
		rawBytes += len(r)
	}
	var heap float64
	for i := 0; i < b.N; i++ {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		kept := make([]backend.Event, 0, len(raws))
		for _, r := range raws {
			d, err := decodeEvent(r, 0)
			if err != nil {
				b.Fatal(err)
			}
			kept = append(kept, d.ev)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap = float64(after.HeapAlloc) - float64(before.HeapAlloc)
		runtime.KeepAlive(kept)
	}
	b.ReportMetric(heap/(1<<20), "MiB/100k-events")
	b.ReportMetric(heap/float64(len(raws)), "B/event")
	b.ReportMetric(float64(rawBytes)/float64(len(raws)), "wire-B/event")
}
