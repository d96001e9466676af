package remote

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// Table tests for the pure parts: status mapping (PROTOCOL §5.3), service
// URLs in both routing modes, the clear-text rule, batching, Retry-After.

func TestMapStatus(t *testing.T) {
	cases := []struct {
		status, pod string
		want        backend.Status
	}{
		{"running", "ready", backend.StatusRunning},
		{"running", "running", backend.StatusStarting}, // running ≠ ready
		{"starting", "pending", backend.StatusStarting},
		{"running", "Pending", backend.StatusStarting},
		{"error", "failed", backend.StatusError},
		{"running", "unknown", backend.StatusError},
		{"error", "crashloopbackoff", backend.StatusError},
		{"running", "CrashLoopBackOff", backend.StatusError},
		{"paused", "not found", backend.StatusPaused}, // falls through to status
		{"stopped", "not found", backend.StatusMissing},
		{"running", "", backend.StatusRunning},
		{"paused", "", backend.StatusPaused},
		{"stopped", "", backend.StatusMissing},
		{"starting", "", backend.StatusStarting},
		{"error", "", backend.StatusError},
		{"Running", "not found", backend.StatusRunning},
		{"", "", backend.StatusMissing},
		{"exploded", "weird", backend.StatusMissing},
	}
	for _, c := range cases {
		if got := mapStatus(c.status, c.pod); got != c.want {
			t.Errorf("mapStatus(%q, %q) = %s, want %s", c.status, c.pod, got, c.want)
		}
	}
}

func TestServiceURLs(t *testing.T) {
	cases := []struct {
		name, url, rid, service, want string
	}{
		{"subdomain", "https://abc123.prod-runtime.all-hands.dev", "abc123", "vscode", "https://vscode-abc123.prod-runtime.all-hands.dev/"},
		{"subdomain with port", "http://rt1.sim.test:8080", "rt1", "work-1", "http://work-1-rt1.sim.test:8080/"},
		{"subdomain keeps path", "https://rt1.example.com/base", "rt1", "work-2", "https://work-2-rt1.example.com/base"},
		{"path", "http://127.0.0.1:9000/rt-7", "rt-7", "vscode", "http://127.0.0.1:9000/rt-7/vscode"},
		{"path with trailing", "https://runtime.example/rt-7/", "rt-7", "work-1", "https://runtime.example/rt-7/work-1"},
		{"path elsewhere is subdomain", "https://runtime.example/other/rt-7", "rt-7", "work-2", "https://work-2-runtime.example/other/rt-7"},
	}
	for _, c := range cases {
		got, ok := serviceURL(c.url, c.service, c.rid)
		if !ok || got != c.want {
			t.Errorf("%s: serviceURL(%q, %q) = %q, want %q", c.name, c.url, c.service, got, c.want)
		}
	}
	if _, ok := serviceURL("::not a url", "vscode", "x"); ok {
		t.Error("unparseable runtime URL accepted")
	}
}

func TestExposedURLs(t *testing.T) {
	key := backend.NewSecret("sessionkey0123456789")
	rt := &runtimeInfo{RuntimeID: "rt-7", URL: "http://127.0.0.1:9000/rt-7", WorkHosts: []byte(`{
		"http://127.0.0.1:9000/rt-7/work-1": 12000, "http://extra.example/": 12005}`)}
	urls := exposedURLs(rt, key)
	want := map[string]string{
		backend.URLAgentServer: "http://127.0.0.1:9000/rt-7",
		backend.URLVSCode:      "http://127.0.0.1:9000/rt-7/vscode?tkn=sessionkey0123456789&folder=%2Fworkspace%2Fproject",
		backend.URLWorker1:     "http://127.0.0.1:9000/rt-7/work-1",
		backend.URLWorker2:     "http://127.0.0.1:9000/rt-7/work-2",
		"WORK_HOST_1":          "http://extra.example/",
	}
	if len(urls) != len(want) {
		t.Fatalf("got %d URLs, want %d: %v", len(urls), len(want), urls)
	}
	for _, u := range urls {
		if want[u.Name] != u.URL {
			t.Errorf("%s = %q, want %q", u.Name, u.URL, want[u.Name])
		}
	}
	vs, _ := backend.Sandbox{ExposedURLs: urls}.URL(backend.URLVSCode)
	if strings.Contains(vs.Display(false), "sessionkey") {
		t.Errorf("VSCode URL shown with its token: %s", vs.Display(false))
	}
	sub := exposedURLs(&runtimeInfo{RuntimeID: "rt1", URL: "https://rt1.runtime.example"}, key)
	if sub[1].URL != "https://vscode-rt1.runtime.example/?tkn=sessionkey0123456789&folder=%2Fworkspace%2Fproject" {
		t.Errorf("subdomain VSCode URL = %q", sub[1].URL)
	}
}

func TestPlainHTTPOnlyToLoopback(t *testing.T) {
	cases := []struct {
		url      string
		insecure bool
		ok       bool
	}{
		{"https://runtime.all-hands.dev", false, true},
		{"http://127.0.0.1:8080", false, true},
		{"http://127.8.9.10", false, true},
		{"http://localhost:3000", false, true},
		{"http://sim.localhost:3000", false, true},
		{"http://[::1]:3000/api", false, true},
		{"http://runtime.example.com", false, false},
		{"http://10.0.0.5:8080", false, false},
		{"http://runtime.example.com", true, true},
		{"ftp://runtime.example.com", true, false},
		{"runtime.example.com", false, false},
		{"", false, false},
	}
	for _, c := range cases {
		_, err := checkAPIURL(c.url, c.insecure)
		if (err == nil) != c.ok {
			t.Errorf("checkAPIURL(%q, insecure=%v) = %v, want ok=%v", c.url, c.insecure, err, c.ok)
		}
	}
	_, err := New(Options{URL: "http://runtime.example.com", APIKey: backend.NewSecret("k")})
	if !errors.Is(err, ErrInsecureURL) || !strings.Contains(err.Error(), "clear text") {
		t.Errorf("New with plain http: %v", err)
	}
	if _, err := New(Options{URL: "https://runtime.example.com"}); err == nil || !strings.Contains(err.Error(), EnvAPIKey) {
		t.Errorf("New without a key: %v", err)
	}
	if _, err := New(Options{URL: "https://r.example", APIKey: backend.NewSecret("k"), ResourceFactor: 3}); err == nil {
		t.Error("resource factor 3 accepted")
	}
	if _, err := New(Options{URL: "https://r.example", APIKey: backend.NewSecret("k"), RuntimeClass: "kata"}); err == nil {
		t.Error("runtime class kata accepted")
	}
}

func TestOptionsFromEnv(t *testing.T) {
	env := map[string]string{EnvURL: " https://runtime.example ", EnvAPIKey: "secret-key-0123"}
	o := OptionsFromEnv(func(k string) string { return env[k] })
	if o.URL != "https://runtime.example" || o.APIKey.Reveal() != "secret-key-0123" {
		t.Fatalf("OptionsFromEnv = %+v", o)
	}
}

func TestChunkIDs(t *testing.T) {
	ids := make([]string, 250)
	for i := range ids {
		ids[i] = strings.Repeat("a", 22)
	}
	chunks := chunkIDs(ids, 100)
	if len(chunks) != 3 || len(chunks[0]) != 100 || len(chunks[2]) != 50 {
		t.Fatalf("chunks of 250 by 100: %d", len(chunks))
	}
	long := make([]string, 100)
	for i := range long {
		long[i] = strings.Repeat("b", 200)
	}
	for _, c := range chunkIDs(long, 100) {
		if len(c)*(len("&ids=")+200) > maxQueryBytes {
			t.Fatalf("chunk of %d long ids exceeds the query budget", len(c))
		}
	}
}

func TestRetryAfterAndRuntimeClass(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := retryAfter("3", now); got != 3*time.Second {
		t.Errorf("Retry-After 3 = %v", got)
	}
	if got := retryAfter(now.Add(5*time.Second).Format(http.TimeFormat), now); got != 5*time.Second {
		t.Errorf("Retry-After date = %v", got)
	}
	if got := retryAfter("soon", now); got != 0 {
		t.Errorf("Retry-After garbage = %v", got)
	}
	for in, want := range map[string]string{"": "", "gvisor": "", "sysbox": "sysbox-runc", "SYSBOX-RUNC": "sysbox-runc"} {
		if got, err := runtimeClass(in); err != nil || got != want {
			t.Errorf("runtimeClass(%q) = %q, %v", in, got, err)
		}
	}
}

func TestSandboxIDs(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		id, err := newSandboxID()
		if err != nil {
			t.Fatal(err)
		}
		if len(id) < 18 || len(id) > 22 || strings.Trim(id, base62Digits) != "" || seen[id] {
			t.Fatalf("bad or repeated id %q", id)
		}
		seen[id] = true
		if checkID(id) != nil {
			t.Fatalf("own id %q refused", id)
		}
	}
	for _, bad := range []string{"", "a/b", "x?y", "a b"} {
		if !errors.Is(checkID(bad), backend.ErrInvalidID) {
			t.Errorf("checkID(%q) accepted", bad)
		}
	}
}

func TestKeyNeverFollowsARedirectElsewhere(t *testing.T) {
	leaked := make(chan string, 1)
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked <- r.Header.Get("X-API-Key")
	}))
	defer other.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Same IP, other port: another origin.
		http.Redirect(w, r, strings.Replace(other.URL, "127.0.0.1", "localhost", 1)+r.URL.Path, http.StatusFound)
	}))
	defer api.Close()
	b, err := New(Options{URL: api.URL, APIKey: backend.NewSecret("secret-api-key-1234"), Attempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.List(t.Context()); err == nil || !strings.Contains(err.Error(), "redirect") {
		t.Fatalf("redirected list: %v", err)
	}
	select {
	case k := <-leaked:
		t.Fatalf("the API key followed the redirect: %q", k)
	default:
	}
}

func TestExplainNamesTheRuntimeAndTheStakes(t *testing.T) {
	b, err := New(Options{URL: "https://runtime.example", APIKey: backend.NewSecret("k")})
	if err != nil {
		t.Fatal(err)
	}
	sb := backend.Sandbox{ID: "s1", Details: []backend.Field{{Name: "Runtime ID", Value: "rt-9"}}}
	for _, a := range []backend.Action{backend.ActionStart, backend.ActionPause, backend.ActionResume, backend.ActionDelete} {
		got := b.Explain(a, sb)
		if !strings.Contains(got, "runtime.example") || (a != backend.ActionStart && !strings.Contains(got, "rt-9")) {
			t.Errorf("%s: %q", a, got)
		}
	}
	if !strings.Contains(b.Explain(backend.ActionDelete, sb), "cannot be undone") {
		t.Error("delete does not say it is final")
	}
}
