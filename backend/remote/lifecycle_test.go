package remote

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sim/runtimeapi"
)

// Lifecycle against the simulator: what /start receives, waiting with
// visible progress, pause/resume/delete, a runtime that never gets ready,
// and a 503 at a runtime's URL.

func TestStartWaitPauseResumeDelete(t *testing.T) {
	var recordedFirst bool
	var r *rig
	r = newRig(t, runtimeapi.Config{
		PendingFor: 2 * time.Second, ReadyAfter: 3 * time.Second,
		OnStart: func(req runtimeapi.StartRequest) runtimeapi.Behavior {
			_, recordedFirst, _ = r.store.Get(context.Background(), r.b.APIURL(), req.SessionID)
			return runtimeapi.Behavior{}
		},
	}, func(o *Options) { o.RuntimeClass = "sysbox"; o.ResourceFactor = 2 })
	ctx := context.Background()

	sb, err := r.b.Start(ctx, backend.StartRequest{Env: map[string]string{"LLM_MODEL": "m"}})
	if err != nil {
		t.Fatal(err)
	}
	if !recordedFirst {
		t.Error("the sandbox was not in the store when /start arrived")
	}
	if sb.Status != backend.StatusStarting || len(sb.ID) < 18 {
		t.Fatalf("started sandbox: %+v", sb)
	}
	req, _ := r.sim.StartRequest(sb.ID)
	if req.Image != DefaultImage || !slices.Equal(req.Command, defaultCommand) || req.WorkingDir != "/workspace" ||
		req.Environment["OH_VSCODE_PORT"] != "60001" || req.Environment["WORKER_1"] != "12000" || req.Environment["LLM_MODEL"] != "m" ||
		req.ResourceFactor != 2 || req.RuntimeClass != "sysbox-runc" || req.RunAsUser == nil || *req.RunAsUser != 10001 {
		t.Errorf("/start request: %+v", req)
	}

	var details []string
	sb, err = r.b.WaitReady(ctx, sb.ID, func(s backend.Sandbox) {
		if len(details) == 0 || details[len(details)-1] != s.StatusDetail {
			details = append(details, s.StatusDetail)
		}
		r.clock.Advance(time.Second)
	})
	if err != nil {
		t.Fatalf("WaitReady: %v (progress %q)", err, details)
	}
	if !slices.Contains(details, "pod pending: waiting to be scheduled") || !slices.Contains(details, "pod running, not ready yet") {
		t.Errorf("progress did not show the pod's phases: %q", details)
	}
	rt, _ := r.sim.Runtime(sb.ID)
	if sb.Status != backend.StatusRunning || sb.Health.State != backend.HealthOK || sb.SessionAPIKey.Reveal() != rt.SessionAPIKey {
		t.Fatalf("ready sandbox: %s %v key ok=%v", sb.Status, sb.Health, sb.SessionAPIKey.Reveal() == rt.SessionAPIKey)
	}
	vs, _ := sb.URL(backend.URLVSCode)
	if want := r.srv.URL + "/" + rt.RuntimeID + "/vscode?tkn=" + rt.SessionAPIKey + "&folder=%2Fworkspace%2Fproject"; vs.URL != want {
		t.Errorf("VSCode URL %q, want %q", vs.URL, want)
	}
	for _, u := range sb.ExposedURLs {
		resp, err := http.Get(u.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK && u.Name != backend.URLAgentServer {
			t.Errorf("%s %s: HTTP %d", u.Name, u.Display(false), resp.StatusCode)
		}
	}

	if err := r.b.Pause(ctx, sb.ID); err != nil {
		t.Fatal(err)
	}
	if got := r.list()[sb.ID]; got.Status != backend.StatusPaused || got.SessionAPIKey.IsZero() || len(got.ExposedURLs) != 0 {
		t.Fatalf("after pause: %s %q urls=%d", got.Status, got.RawState, len(got.ExposedURLs))
	}
	if err := r.b.Resume(ctx, sb.ID); err != nil {
		t.Fatal(err)
	}
	if got := r.list()[sb.ID]; got.Status != backend.StatusStarting {
		t.Fatalf("after resume: %s", got.Status)
	}
	r.clock.Advance(10 * time.Second)
	if got := r.list()[sb.ID]; got.Status != backend.StatusRunning {
		t.Fatalf("resumed and ready: %s", got.Status)
	}

	if err := r.b.Delete(ctx, sb.ID); err != nil {
		t.Fatal(err)
	}
	if rt, _ := r.sim.Runtime(sb.ID); rt.Status != "stopped" {
		t.Errorf("runtime after delete: %s", rt.Status)
	}
	if _, ok, _ := r.store.Get(ctx, r.b.APIURL(), sb.ID); ok {
		t.Error("deleted sandbox still in the store")
	}
	if _, ok := r.list()[sb.ID]; ok {
		t.Error("deleted sandbox still listed")
	}
	if err := r.b.Delete(ctx, sb.ID); err != nil {
		t.Errorf("deleting twice: %v", err)
	}
	if err := r.b.Pause(ctx, "unknownSandbox"); !errors.Is(err, backend.ErrNotFound) {
		t.Errorf("pause of an unknown sandbox: %v", err)
	}
	if err := r.b.Resume(ctx, "bad/id"); !errors.Is(err, backend.ErrInvalidID) {
		t.Errorf("resume of a bad id: %v", err)
	}
	if _, err := r.b.Start(ctx, backend.StartRequest{ResourceFactor: 3}); err == nil {
		t.Error("resource factor 3 accepted")
	}
	if _, err := r.b.Start(ctx, backend.StartRequest{Mounts: []backend.Mount{{HostPath: "/x", ContainerPath: "/y"}}}); !errors.Is(err, backend.ErrUnsupported) {
		t.Errorf("mounts: %v", err)
	}
}

func TestNeverReadyEndsAsError(t *testing.T) {
	r := newRig(t, runtimeapi.Config{
		OnStart: func(runtimeapi.StartRequest) runtimeapi.Behavior { return runtimeapi.Behavior{NeverReady: true} },
	}, nil)
	ctx := context.Background()
	sb, err := r.b.Start(ctx, backend.StartRequest{})
	if err != nil {
		t.Fatal(err)
	}
	polls := 0
	got, err := r.b.WaitReady(ctx, sb.ID, func(backend.Sandbox) { polls++; r.clock.Advance(15 * time.Second) })
	if err == nil || got.Status != backend.StatusError || !strings.Contains(got.StatusDetail, "not ready after") {
		t.Fatalf("WaitReady on a never-ready runtime: %s %q, %v", got.Status, got.StatusDetail, err)
	}
	if polls < 8 {
		t.Errorf("gave up after %d polls, before the 120 s start timeout", polls)
	}
	if l := r.list()[sb.ID]; l.Status != backend.StatusError {
		t.Errorf("listed as %s", l.Status)
	}
	rec, _, _ := r.store.Get(ctx, r.b.APIURL(), sb.ID)
	if rec.Status != string(backend.StatusError) {
		t.Errorf("stored status %s", rec.Status)
	}
}

func TestURL503ShowsPausedAndSuggestsResume(t *testing.T) {
	r := newRig(t, runtimeapi.Config{}, nil)
	ctx := context.Background()
	sb := r.startReady()
	if err := r.sim.SetURLStatus(sb.ID, http.StatusServiceUnavailable); err != nil {
		t.Fatal(err)
	}
	h, err := r.b.Probe(ctx, sb.ID)
	if err != nil || h.State != backend.HealthFailing {
		t.Fatalf("probe: %+v %v", h, err)
	}
	got := r.list()[sb.ID]
	if got.Status != backend.StatusPaused || !strings.Contains(got.StatusDetail, "resume") {
		t.Fatalf("503 at the URL: %s %q", got.Status, got.StatusDetail)
	}
	if n := r.sim.Count(runtimeapi.RouteResume); n != 0 {
		t.Fatalf("resumed silently (%d calls)", n)
	}
	_ = r.sim.SetURLStatus(sb.ID, 0)
	if h, _ := r.b.Probe(ctx, sb.ID); h.State != backend.HealthOK {
		t.Fatalf("probe after recovery: %+v", h)
	}
	if got := r.list()[sb.ID]; got.Status != backend.StatusRunning {
		t.Fatalf("after recovery: %s", got.Status)
	}
}

func TestRestartsAndCrashLoopAreShown(t *testing.T) {
	r := newRig(t, runtimeapi.Config{}, nil)
	sb := r.startReady()
	_ = r.sim.Restart(sb.ID, "OOMKilled")
	got := r.list()[sb.ID]
	if got.RestartCount != 1 || !slices.Equal(got.RestartReasons, []string{"OOMKilled"}) || !strings.Contains(got.StatusDetail, "OOMKilled") {
		t.Fatalf("restart: %d %v %q", got.RestartCount, got.RestartReasons, got.StatusDetail)
	}
	_ = r.sim.SetCrashLoop(sb.ID, true)
	got = r.list()[sb.ID]
	if got.Status != backend.StatusError || got.RawState != "error/crashloopbackoff" || got.RestartCount != 2 {
		t.Fatalf("crash loop: %s %q %d", got.Status, got.RawState, got.RestartCount)
	}
}

func TestSubdomainRouting(t *testing.T) {
	r := newRig(t, runtimeapi.Config{Routing: runtimeapi.SubdomainRouting, PublicURL: "http://sim.localhost:1"}, nil)
	// The runtime URLs name hosts under sim.localhost; send them all to the
	// simulator, as wildcard DNS would.
	r.b.opts.HTTPClient = &http.Client{Transport: redirectTransport(r.srv)}
	sb := r.startReady()
	rt, _ := r.sim.Runtime(sb.ID)
	vs, _ := sb.URL(backend.URLVSCode)
	if want := "http://vscode-" + rt.RuntimeID + ".sim.localhost:1/?tkn="; !strings.HasPrefix(vs.URL, want) {
		t.Fatalf("subdomain VSCode URL %q, want prefix %q", vs.URL, want)
	}
}

func TestFailedStartStaysVisible(t *testing.T) {
	r := newRig(t, runtimeapi.Config{}, nil)
	r.sim.SetFaults(runtimeapi.Faults{ErrorRate: 1, ErrorStatus: 500, Routes: []string{runtimeapi.RouteStart}})
	_, err := r.b.Start(context.Background(), backend.StartRequest{})
	if err == nil || !strings.Contains(err.Error(), "HTTP 500") {
		t.Fatalf("failed start: %v", err)
	}
	if n := r.sim.Count(runtimeapi.RouteStart); n != 1 {
		t.Errorf("a start answered 500 was sent %d times", n)
	}
	sbs := r.list()
	if len(sbs) != 1 {
		t.Fatalf("%d sandboxes after a failed start", len(sbs))
	}
	for _, s := range sbs {
		if s.Status != backend.StatusMissing || !strings.Contains(s.StatusDetail, "start failed") {
			t.Fatalf("failed start shown as %s %q", s.Status, s.StatusDetail)
		}
		// And after a restart of ohdash, from the store.
		r.b = r.backend(nil)
		if got := r.list()[s.ID]; got.Status != backend.StatusMissing || got.StatusDetail != s.StatusDetail {
			t.Fatalf("after restart: %s %q", got.Status, got.StatusDetail)
		}
	}
}
