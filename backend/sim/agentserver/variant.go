package agentserver

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
)

// Health answer shapes a Variant can force (HealthShape).
const (
	// HealthObject is {"status":"ok"}, what servers since v1.21.0 answer.
	HealthObject = "object"
	// HealthString is the bare JSON string "OK" of older servers.
	HealthString = "string"
	// HealthText is an unquoted text/plain "OK", as a proxy or a hand-made
	// stand-in in front of a sandbox may answer.
	HealthText = "text"
)

// Variant makes the server behave like a different (older or odder)
// agent-server than the release it plays, for the fault suite. The zero
// value changes nothing; every knob is an explicit deviation.
type Variant struct {
	// IgnoreParams lists optional query parameters of the event search
	// that the server silently ignores, as a server without them would:
	// "sort_order", "timestamp__lt", "timestamp__gte", "page_id".
	IgnoreParams []string `json:"ignore_params"`
	// HealthShape forces the /health answer: HealthObject, HealthString
	// or HealthText ("" answers as the played release does).
	HealthShape string `json:"health_shape"`
}

// ignorable are the parameters IgnoreParams may name.
var ignorable = map[string]bool{"sort_order": true, "timestamp__lt": true, "timestamp__gte": true, "page_id": true}

// Validate checks the knobs.
func (v Variant) Validate() error {
	for _, p := range v.IgnoreParams {
		if !ignorable[p] {
			return fmt.Errorf("ignore_params: %q is not one of sort_order, timestamp__lt, timestamp__gte, page_id", p)
		}
	}
	switch v.HealthShape {
	case "", HealthObject, HealthString, HealthText:
	default:
		return fmt.Errorf("health_shape %q: want %s, %s or %s", v.HealthShape, HealthObject, HealthString, HealthText)
	}
	return nil
}

// ParseIgnoreParams reads a comma-separated list ("sort_order,page_id");
// "all" names every ignorable parameter but page_id (which no real
// server ignores), "" none.
func ParseIgnoreParams(s string) []string {
	s = strings.TrimSpace(s)
	switch s {
	case "":
		return nil
	case "all":
		return []string{"sort_order", "timestamp__lt", "timestamp__gte"}
	}
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// variantBox holds the current Variant; it changes at run time.
type variantBox struct {
	mu sync.Mutex
	v  Variant
}

func (b *variantBox) get() Variant {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.v
}

func (b *variantBox) set(v Variant) {
	b.mu.Lock()
	b.v = v
	b.mu.Unlock()
}

// SetVariant replaces the variant knobs; they apply from the next request.
func (s *Server) SetVariant(v Variant) error {
	if err := v.Validate(); err != nil {
		return err
	}
	s.variant.set(v)
	return nil
}

// Variant returns the variant knobs.
func (s *Server) Variant() Variant { return s.variant.get() }

// stripIgnored returns r with the query parameters the variant ignores
// removed, so the handlers never see them.
func (s *Server) stripIgnored(r *http.Request) *http.Request {
	v := s.variant.get()
	if len(v.IgnoreParams) == 0 {
		return r
	}
	q := r.URL.Query()
	for _, p := range v.IgnoreParams {
		q.Del(p)
	}
	r2 := r.Clone(r.Context())
	u := *r.URL
	u.RawQuery = q.Encode()
	r2.URL = &u
	return r2
}

// EventSearches counts the event searches the server has been asked, so a
// test can tell how far ahead of its reader a client paged.
func (s *Server) EventSearches() int64 { return s.searches.Load() }
