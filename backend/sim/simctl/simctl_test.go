package simctl

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend/sim/faults"
)

func TestPace(t *testing.T) {
	var p Pace
	if !p.Sleep(context.Background()) {
		t.Errorf("zero pace must not wait or fail")
	}
	p.Set(-time.Second)
	if p.Get() != 0 {
		t.Errorf("negative pace kept: %v", p.Get())
	}
	p.Set(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if p.Sleep(ctx) {
		t.Errorf("Sleep ignored a cancelled context")
	}
}

func TestHandlers(t *testing.T) {
	var p Pace
	h := PaceHandler(&p)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPut, "/", strings.NewReader(`{"pace":"40ms"}`)))
	if rec.Code != http.StatusOK || p.Get() != 40*time.Millisecond || rec.Body.String() != `{"pace":"40ms"}` {
		t.Errorf("PUT pace: %d %s %v", rec.Code, rec.Body, p.Get())
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPut, "/", strings.NewReader(`{"pace":-1}`)))
	if rec.Code != http.StatusBadRequest {
		t.Errorf("negative pace: %d", rec.Code)
	}
	inj := faults.New(faults.Config{})
	rec = httptest.NewRecorder()
	FaultsHandler(inj).ServeHTTP(rec, httptest.NewRequest(http.MethodPut, "/", strings.NewReader(`{"error_rate":1}`)))
	if rec.Code != http.StatusOK || inj.Config().ErrorRate != 1 {
		t.Errorf("PUT faults: %d %s", rec.Code, rec.Body)
	}
	// Faulty fails the API but never the control routes.
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	f := Faulty(inj, ok)
	for path, want := range map[string]int{"/api/x": http.StatusInternalServerError, Prefix + "state": http.StatusNoContent} {
		rec = httptest.NewRecorder()
		f.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != want {
			t.Errorf("%s: %d, want %d", path, rec.Code, want)
		}
	}
}
