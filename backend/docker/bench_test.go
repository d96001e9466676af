package docker

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

// BenchmarkFirstSnapshot100 measures the time from Watch to the first
// listed snapshot with 100 sandboxes (budget: under 300 ms), against the
// bare ContainerList call it is built on as the baseline.
func BenchmarkFirstSnapshot100(b *testing.B) {
	const n = 100
	e := dockertest.New(b)
	be := testBackend(b, e, "")
	e.RunN(b, n, dockertest.RunOptions{CreateOnly: true})

	b.Run("baseline-containerlist", func(b *testing.B) {
		f := make(client.Filters).Add("name", "^/"+regexp.QuoteMeta(e.V1Prefix))
		for b.Loop() {
			res, err := e.Client.ContainerList(context.Background(), client.ContainerListOptions{All: true, Filters: f})
			if err != nil || len(res.Items) != n {
				b.Fatalf("list: %d items, %v", len(res.Items), err)
			}
		}
	})
	b.Run("watch", func(b *testing.B) {
		var worst time.Duration
		for b.Loop() {
			start := time.Now()
			ctx, cancel := context.WithCancel(context.Background())
			w := be.Watch(ctx)
			for s := range w {
				if s.Listed {
					if len(s.Sandboxes) != n || s.Sandboxes[0].Status != backend.StatusStarting {
						b.Fatalf("first listed snapshot: %d sandboxes", len(s.Sandboxes))
					}
					break
				}
			}
			worst = max(worst, time.Since(start))
			cancel()
			for range w {
			}
		}
		b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms")
	})
}
