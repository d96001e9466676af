package docker

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/logbuf"
)

// The tests below replay answers recorded from Podman 4.3.1's compatible
// API (testdata/podman, sanitised) to check each difference from Docker
// that the backend handles. The real-engine suite runs against Podman as
// well (OHDASH_TEST_ENGINE=podman in .ci/run).

func readRecorded(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/podman/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fakePodman serves the recorded answers with Podman's semantics: a name
// filter is a regular expression matched against names without their
// leading slash, and a refused pause is a 500 with a "cause".
func fakePodman(t *testing.T, state string) *httptest.Server {
	t.Helper()
	list, version := readRecorded(t, "list.json"), readRecorded(t, "version.json")
	var inspect map[string]any
	if err := json.Unmarshal(readRecorded(t, "inspect-exited.json"), &inspect); err != nil {
		t.Fatal(err)
	}
	inspect["State"].(map[string]any)["Status"] = state
	ver := regexp.MustCompile(`^/v[0-9.]+`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Api-Version", "1.41")
		w.Header().Set("Content-Type", "application/json")
		switch p := ver.ReplaceAllString(r.URL.Path, ""); {
		case p == "/_ping":
			_, _ = io.WriteString(w, "OK")
		case p == "/version":
			_, _ = w.Write(version)
		case p == "/containers/json":
			_, _ = w.Write(podmanNameFilter(t, list, r.URL.Query().Get("filters")))
		case strings.HasSuffix(p, "/json"):
			_ = json.NewEncoder(w).Encode(inspect)
		case strings.HasSuffix(p, "/pause"):
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write(readRecorded(t, "pause-paused.json"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// podmanNameFilter keeps the containers one of whose names, without the
// leading slash, matches one of the name patterns (Podman's semantics).
func podmanNameFilter(t *testing.T, list []byte, filters string) []byte {
	var f map[string]map[string]bool // the client's encoding of filters
	if err := json.Unmarshal([]byte(filters), &f); err != nil {
		t.Errorf("filters %q: %v", filters, err)
	}
	var items []map[string]any
	_ = json.Unmarshal(list, &items)
	out := []map[string]any{}
	for _, c := range items {
		for _, n := range c["Names"].([]any) {
			name := strings.TrimPrefix(n.(string), "/")
			for pat := range f["name"] {
				if regexp.MustCompile(pat).MatchString(name) {
					out = append(out, c)
				}
			}
		}
	}
	b, _ := json.Marshal(out)
	return b
}

func podmanBackend(t *testing.T, srv *httptest.Server, prefix string) *Backend {
	t.Helper()
	b, err := New(Options{
		Host:     "tcp://" + strings.TrimPrefix(srv.URL, "http://"),
		Prefixes: []Prefix{{Prefix: prefix, Flavor: backend.FlavorAgentServer}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

func TestPodmanDifferences(t *testing.T) {
	ctx := t.Context()
	srv := fakePodman(t, "paused")
	b := podmanBackend(t, srv, "cap-oh-agent-server-")

	t.Run("engine is told from /version", func(t *testing.T) {
		e, err := b.Engine(ctx)
		if err != nil || e.String() != "Podman 4.3.1" || e.APIVersion != "1.41" {
			t.Fatalf("engine %+v (%q), %v; want Podman 4.3.1, API 1.41", e, e, err)
		}
	})
	t.Run("name filter without the leading slash", func(t *testing.T) {
		sbs, err := b.List(ctx)
		if err != nil || len(sbs) != 1 || sbs[0].ID != "cap-oh-agent-server-abc" {
			t.Fatalf("list: %v, %v; want the recorded sandbox", sbs, err)
		}
		// Podman names the image in full; Docker as it was asked for.
		if sbs[0].Image != "ohdash-agentsim:1.0" || sbs[0].SpecID != "ohdash-agentsim:1.0" {
			t.Errorf("image %q spec %q, want ohdash-agentsim:1.0", sbs[0].Image, sbs[0].SpecID)
		}
		if !hasField(sbs[0].Details, "Engine", "Podman 4.3.1") {
			t.Errorf("details %v lack Engine: Podman 4.3.1", sbs[0].Details)
		}
	})
	t.Run("a 500 state refusal is a conflict", func(t *testing.T) {
		// The inspect before the pause says running; the engine then
		// finds it paused (recorded answer) and the re-inspect says so.
		err := b.refused(ctx, "pause", "cap-oh-agent-server-abc", "running",
			pauseErr(ctx, t, b))
		if !errors.Is(err, backend.ErrConflict) {
			t.Fatalf("pause refused with 500 %q: %v, want ErrConflict", "container state improper", err)
		}
	})
}

func pauseErr(ctx context.Context, t *testing.T, b *Backend) error {
	t.Helper()
	_, err := b.cli.ContainerPause(ctx, "cap-oh-agent-server-abc", client.ContainerPauseOptions{})
	if err == nil || sentinelFor(err) != nil {
		t.Fatalf("recorded pause answer: %v, want an unclassified 500", err)
	}
	return err
}

func hasField(fs []backend.Field, name, value string) bool {
	for _, f := range fs {
		if f.Name == name && f.Value == value {
			return true
		}
	}
	return false
}

func recordedEvents(t *testing.T) []events.Message {
	t.Helper()
	var out []events.Message
	sc := bufio.NewScanner(bytes.NewReader(readRecorded(t, "events.jsonl")))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m events.Message
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func lastEvent(t *testing.T, action events.Action) events.Message {
	t.Helper()
	evs := recordedEvents(t)
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Action == action {
			return evs[i]
		}
	}
	t.Fatalf("no recorded %q event", action)
	return events.Message{}
}

func TestPodmanEvents(t *testing.T) {
	srv := fakePodman(t, "exited")

	t.Run("rename out of the prefix carries no oldName", func(t *testing.T) {
		ev := lastEvent(t, "rename")
		if _, ok := ev.Actor.Attributes["oldName"]; ok {
			t.Fatal("recorded Podman rename has oldName: the difference is gone")
		}
		// Sandboxes are "cap-oh-agent-server-a…": the new name is not one.
		b := podmanBackend(t, srv, "cap-oh-agent-server-a")
		w := &watcher{b: b, recs: map[string]*tracked{ev.Actor.ID: {}}, deb: newDebounce(time.Millisecond)}
		w.onEvent(ev, time.Now())
		if w.deb.due().IsZero() {
			t.Fatal("a tracked sandbox renamed away did not schedule a re-list")
		}
	})
	t.Run("remove, not destroy, ends a log wait", func(t *testing.T) {
		ev := lastEvent(t, actionRemove)
		b := podmanBackend(t, srv, "cap-oh-agent-server-")
		s := &logStream{b: b}
		msgs := make(chan events.Message, 1)
		msgs <- ev
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		if err := s.awaitStart(ctx, client.EventsResult{Messages: msgs, Err: make(chan error)}); !errors.Is(err, errDestroyed) {
			t.Fatalf("after Podman's remove event: %v, want errDestroyed", err)
		}
	})
}

func TestPodmanStateWordsAndImages(t *testing.T) {
	for in, want := range map[string]string{
		"configured": "created", "initialized": "created", "stopping": "running", "stopped": "exited",
		"running": "running", "exited": "exited", "paused": "paused", "dead": "dead",
	} {
		if got := normalizeState(in); got != want {
			t.Errorf("normalizeState(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"docker.io/library/ubuntu:24.04":                "ubuntu:24.04",
		"docker.io/foo/bar:1":                           "foo/bar:1",
		"ghcr.io/openhands/agent-server:1.43.1-python":  "ghcr.io/openhands/agent-server:1.43.1-python",
		"localhost/ohdash-agentsim:1":                   "localhost/ohdash-agentsim:1",
		"ohdash-agentsim:1":                             "ohdash-agentsim:1",
		"docker.io/library/with/slash-is-not-library:1": "library/with/slash-is-not-library:1",
	} {
		if got := familiarImage(in); got != want {
			t.Errorf("familiarImage(%q) = %q, want %q", in, got, want)
		}
	}
}

// Podman writes a TTY's output in the pieces conmon read, each with its
// own stamp, so a stamp can start inside a line (recorded: "line" then
// the next piece's stamp, then " 00000472 …").
func TestPodmanTTYPiecesAreJoined(t *testing.T) {
	raw := readRecorded(t, "tty-pieces.log")
	if !bytes.Contains(raw, []byte("line2026-")) {
		t.Fatal("recording lost the piece boundary inside a line")
	}
	ctx := t.Context()
	p := logbuf.NewPipeline(ctx, logbuf.Options{})
	fake := &podmanTTY{r: io.NopCloser(bytes.NewReader(raw)), now: func() time.Time { return time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC) }}
	if err := p.Feed(ctx, fake, false); err != nil {
		t.Fatal(err)
	}
	p.Close(nil)
	var lines []string
	for b := range p.Batches() {
		for _, l := range b.Lines {
			lines = append(lines, l.Text)
		}
	}
	want := regexp.MustCompile(`^line 000004(6[89]|7[0-3]) boot \d+ \.+$`)
	if len(lines) != 6 {
		t.Fatalf("%d lines, want 6: %q", len(lines), lines)
	}
	for _, l := range lines {
		if !want.MatchString(strings.TrimRight(l, "\r")) {
			t.Errorf("line %q is not a whole agentsim line", l)
		}
	}
}

func TestDefaultEndpointFallsBackToPodman(t *testing.T) {
	env := map[string]string{"XDG_RUNTIME_DIR": "/run/user/1000"}
	getenv := func(k string) string { return env[k] }
	for _, c := range []struct {
		answering []string
		want      string
	}{
		{[]string{"/var/run/docker.sock", "/run/user/1000/podman/podman.sock"}, "unix:///var/run/docker.sock"},
		{[]string{"/run/user/1000/podman/podman.sock", RootfulPodmanSocket}, "unix:///run/user/1000/podman/podman.sock"},
		{[]string{RootfulPodmanSocket}, "unix://" + RootfulPodmanSocket},
		{nil, "unix:///var/run/docker.sock"},
	} {
		ep, err := defaultEndpoint(getenv, func(p string) bool { return contains(c.answering, p) })
		if err != nil || ep.Host != c.want {
			t.Errorf("answering %v: %s (%s), %v; want %s", c.answering, ep.Host, ep.Source, err, c.want)
		}
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
