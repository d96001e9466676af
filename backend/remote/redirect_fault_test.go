package remote

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/ohdash/ohdash/backend"
)

// TestFaultRedirectRefusedOnce: a runtime API that redirects to another
// origin is refused at once (the API key would go along): one request,
// not three, and reported as the API's answer, not as an unreachable
// backend ("backend unreachable ... (after 3 attempts)" before).
func TestFaultRedirectRefusedOnce(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		t.Error("the redirect was followed")
	}))
	defer other.Close()
	var asked atomic.Int64
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusFound)
	}))
	defer api.Close()
	b, err := New(Options{URL: api.URL, APIKey: backend.NewSecret("runtime-key-0123456789")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.List(context.Background())
	if err == nil || errors.Is(err, backend.ErrUnavailable) {
		t.Errorf("List = %v, want an error that is not ErrUnavailable", err)
	}
	if n := asked.Load(); n != 1 {
		t.Errorf("the API was asked %d times, want once", n)
	}
}
