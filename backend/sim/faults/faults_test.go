package faults

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestDurationJSON(t *testing.T) {
	var c Config
	if err := json.Unmarshal([]byte(`{"latency":"250ms","ws_drop_after":1.5}`), &c); err != nil {
		t.Fatal(err)
	}
	if time.Duration(c.Latency) != 250*time.Millisecond || time.Duration(c.WSDropAfter) != 1500*time.Millisecond {
		t.Errorf("decoded %+v", c)
	}
	out, _ := json.Marshal(c)
	var back Config
	if err := json.Unmarshal(out, &back); err != nil || back != c {
		t.Errorf("round trip %s: %+v %v", out, back, err)
	}
	if err := json.Unmarshal([]byte(`{"latency":"soon"}`), &c); err == nil {
		t.Errorf("bad duration accepted")
	}
}

func TestValidate(t *testing.T) {
	for _, bad := range []Config{{ErrorRate: 1.5}, {WSDropRate: -0.1}, {MalformedEvery: -1}, {Latency: -1}} {
		if bad.Validate() == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	if (Config{ErrorRate: 1, WSDropRate: 0.5, MalformedEvery: 2}).Validate() != nil {
		t.Errorf("valid config refused")
	}
}

func TestMiddlewareAndFrames(t *testing.T) {
	f := New(Config{})
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	h := f.Middleware(ok)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusTeapot {
		t.Errorf("no faults: %d", rec.Code)
	}
	if err := f.Set(Config{ErrorRate: 1}); err != nil {
		t.Fatal(err)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Errorf("error rate 1: %d", rec.Code)
	}
	if err := f.Set(Config{MalformedEvery: 3}); err != nil {
		t.Fatal(err)
	}
	var malformed []int
	for i := 1; i <= 9; i++ {
		if ff := f.NextFrame(); ff.Malformed {
			malformed = append(malformed, i)
		}
	}
	if len(malformed) != 3 || malformed[0] != 3 {
		t.Errorf("malformed frames at %v", malformed)
	}
	if json.Valid([]byte(MalformedFrame)) {
		t.Errorf("MalformedFrame is valid JSON")
	}
}
