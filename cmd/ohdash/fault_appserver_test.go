package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend/sim/appserver"
	"github.com/ohdash/ohdash/backend/sim/faults"
)

// serveAppServer serves sim behind wrap (nil: as it is), on a loopback
// listener frozen by fr when fr is not nil, and returns its URL.
func serveAppServer(t *testing.T, sim *appserver.Sim, fr *faults.Freezer, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "http://" + ln.Addr().String()
	sim.SetPublicURL(u)
	var h http.Handler = sim
	if wrap != nil {
		h = wrap(sim)
	}
	if fr != nil {
		ln = fr.Listener(ln)
		t.Cleanup(fr.Thaw) // runs before the server closes: held calls end
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		sim.Close()
	})
	return u
}

// configureCloud points the harness at an app-server as [[openhands]]
// "cloud", with extra configuration lines before its table.
func configureCloud(h *harness, url, key, extra string) {
	h.env["CLOUD_KEY"] = key
	h.writeConfig("docker = []\n" + extra + `[[openhands]]
name = "cloud"
url = "` + url + `"
api_key_env = "CLOUD_KEY"
`)
}

// TestFaultAppServerFrozen: the dashboard's status bar says the
// app-server is "not answering for Ns" within seconds of its connections
// freezing (open, silent), keeps its rows, and says "live" again once it
// answers.
func TestFaultAppServerFrozen(t *testing.T) {
	h := newHarness(t)
	sim := appserver.New(appserver.Config{APIKey: appServerKey, Seed: 5})
	ids, err := sim.Seed(appserver.SeedOptions{Sandboxes: 2, Conversations: 2})
	if err != nil {
		t.Fatal(err)
	}
	fr := &faults.Freezer{}
	configureCloud(h, serveAppServer(t, sim, fr, nil), appServerKey, "[refresh]\nremote_poll = \"300ms\"\n")
	tm := dashboardOnAppServer(t, h)
	waitScreen(t, tm, ids[0])
	waitRepaint(t, tm, `cloud ● live`)
	fr.Freeze()
	frozeAt := time.Now()
	waitRepaint(t, tm, `cloud ⚠ not answering for \d+s.*2 sandboxes`)
	t.Logf("said after %s", time.Since(frozeAt).Round(100*time.Millisecond))
	fr.Thaw()
	waitRepaint(t, tm, `cloud ● live`)
}

// flaky answers a share of the app-server's reads with HTTP 500 (every
// rate-th GET under /api/v1, counted), as an app-server behind a
// struggling proxy does.
func flaky(rate int64, n *atomic.Int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/v1/") && n.Add(1)%rate == 0 {
				http.Error(w, `{"detail":"Internal Server Error"}`, http.StatusInternalServerError)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// TestFaultAppServerReadsUnder5xxStorm: with every third read of the
// app-server answered 500, ls and convs still print everything (reads
// are retried) and exit 0, every run.
func TestFaultAppServerReadsUnder5xxStorm(t *testing.T) {
	h := newHarness(t)
	sim := appserver.New(appserver.Config{APIKey: appServerKey, Seed: 6})
	if _, err := sim.Seed(appserver.SeedOptions{Sandboxes: 120, Conversations: 150}); err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	configureCloud(h, serveAppServer(t, sim, nil, flaky(3, &n)), appServerKey, "")
	for range 4 {
		r, rows := lsRows(t, h)
		if r.code != exitOK || len(rows) != 120 {
			t.Fatalf("ls: exit %d, %d of 120 rows\n%s", r.code, len(rows), r.stderr)
		}
		r = h.run("convs", "--json")
		var convs []conversationJSON
		if err := json.Unmarshal([]byte(r.stdout), &convs); err != nil || r.code != exitOK || len(convs) != 150 {
			t.Fatalf("convs: exit %d, %d of 150 (%v)\n%s", r.code, len(convs), err, r.stderr)
		}
	}
	if n.Load() < 12 {
		t.Fatalf("only %d reads: the storm was not exercised", n.Load())
	}
}

// hostileErrors answers GET /sandboxes/search, while on, with a 500 whose
// body carries the escape corpus and planted credentials.
func hostileErrors(on *atomic.Bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if on.Load() && r.URL.Path == "/api/v1/sandboxes/search" {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusInternalServerError)
				_, _ = w.Write([]byte(`{"detail":"boom ` + escapeCorpus + ` token=` + plantURLToken + ` key ` + plantAPIKey + `"}`))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// TestFaultAppServerPlantedSecretsAndEscapes: the API key (in the
// configuration and echoed in error bodies), the sandboxes' session keys,
// a password in the app-server's URL, and the escape corpus planted in
// conversation titles, a model name, a start task's error and error
// bodies, appear raw in no output path: ls, ls --json, ls -q, convs,
// convs --json, events, new, errors, the log file and the audit log.
func TestFaultAppServerPlantedSecretsAndEscapes(t *testing.T) {
	h := newHarness(t)
	sim := appserver.New(appserver.Config{APIKey: plantAPIKey, Seed: 7})
	if _, err := sim.Seed(appserver.SeedOptions{Sandboxes: 2, Conversations: 4}); err != nil {
		t.Fatal(err)
	}
	hexes := sim.ConversationIDs()
	sim.SetTitle(hexes[0], "title"+escapeCorpus+" "+plantGitHub)
	sim.FailRepository("acme/evil", "clone of https://x:"+plantURLPass+"@github.com/acme/evil failed"+escapeCorpus)
	var hostile atomic.Bool
	u := serveAppServer(t, sim, nil, hostileErrors(&hostile))
	u = strings.Replace(u, "http://", "http://ohdash:"+plantURLPass+"@", 1)
	logFile := filepath.Join(h.home, "logs", "ohdash.log")
	configureCloud(h, u, plantAPIKey, "log_file = \""+logFile+"\"\nlog_level = \"debug\"\n")

	// The session keys the app-server hands out are secrets too.
	var revealed []sandboxJSON
	if err := json.Unmarshal([]byte(h.must(exitOK, "ls", "--json", "--show-secrets").stdout), &revealed); err != nil {
		t.Fatal(err)
	}
	secrets := append([]string{}, plantedSecrets...)
	for _, sb := range revealed {
		if sb.SessionAPIKey == nil || len(*sb.SessionAPIKey) < 8 {
			t.Fatalf("no session key revealed for %s", sb.ID)
		}
		secrets = append(secrets, *sb.SessionAPIKey)
	}

	var text, js []output
	text = append(text, captureRun(h, "ls")...)
	text = append(text, captureRun(h, "ls", "--quiet")...)
	text = append(text, captureRun(h, "convs")...)
	text = append(text, captureRun(h, "events", hexes[0])...)
	text = append(text, captureRun(h, "new", "--model", "model"+escapeCorpus, "hello "+plantBearer)...)
	text = append(text, captureRun(h, "new", "--repo", "acme/evil", "clone it")...)
	js = append(js, captureRun(h, "ls", "--json")...)
	js = append(js, captureRun(h, "convs", "--json")...)
	js = append(js, captureRun(h, "events", "--json", hexes[0])...)
	hostile.Store(true)
	text = append(text, captureRun(h, "ls")...)
	js = append(js, captureRun(h, "ls", "--json")...)
	hostile.Store(false)
	js = append(js, captureFiles(t, filepath.Dir(logFile))...)
	js = append(js, captureFiles(t, filepath.Dir(h.auditPath()))...)
	if es := readAudit(t, h.auditPath()); len(es) != 2 {
		t.Fatalf("the starts were not audited: %+v", es)
	}

	// The planted fields were shown (sanitised), the failing start
	// reported: the paths checked below were really taken.
	for what, o := range map[string]output{"convs": text[4], "failed new": text[11]} {
		if want := map[string]string{"convs": "title", "failed new": "clone of"}[what]; !strings.Contains(string(o.data), want) {
			t.Errorf("%s (%s) does not show %q: %s", what, o.path, want, o.data)
		}
	}
	checkTerminalSafe(t, text)
	checkTerminalSafe(t, js)
	all := append(append([]output{}, text...), js...)
	checkNoLeaks(t, all, secrets)
	var shown []output
	for _, o := range text {
		if !strings.HasSuffix(o.path, "(stderr)") {
			shown = append(shown, o)
		}
	}
	checkNoLeaks(t, shown, escapeMarkers)
}
