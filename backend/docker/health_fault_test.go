package docker

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	sim "github.com/ohdash/ohdash/backend/sim/agentserver"
)

// TestFaultHealthShapes: the probe judges every /health answer a live
// agent-server gives healthy, whatever its shape (object, JSON string,
// plain text), and an old release playing its own shape too.
func TestFaultHealthShapes(t *testing.T) {
	p := newProber(2 * time.Second)
	for _, o := range []sim.Options{
		{Variant: sim.Variant{HealthShape: sim.HealthObject}},
		{Variant: sim.Variant{HealthShape: sim.HealthString}},
		{Variant: sim.Variant{HealthShape: sim.HealthText}},
		{Version: "1.1.0"},
		{},
	} {
		srv, err := sim.New(o)
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv)
		h := p.probe(context.Background(), ts.URL)
		ts.Close()
		srv.Close()
		if h.State != backend.HealthOK {
			t.Errorf("%+v: health %v (%s), want ok", o, h.State, h.Detail)
		}
	}
}
