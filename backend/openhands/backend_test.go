package openhands

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sim/appserver"
)

func TestListReadsEveryPage(t *testing.T) {
	s := startSim(t, appserver.Config{}, appserver.SeedOptions{Sandboxes: 250, Paused: 10})
	b := newBackend(t, s, testKey)
	sbs, err := b.List(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(sbs) != 250 || s.Count(appserver.RouteSandboxSearch) != 3 {
		t.Fatalf("%d sandboxes in %d requests", len(sbs), s.Count(appserver.RouteSandboxSearch))
	}
	running, paused := 0, 0
	for _, sb := range sbs {
		switch sb.Status {
		case backend.StatusRunning:
			running++
			if sb.AgentURL() == "" || sb.SessionAPIKey.IsZero() || sb.Source != "cloud" {
				t.Fatalf("running sandbox without agent: %+v", sb)
			}
		case backend.StatusPaused:
			paused++
			if sb.AgentURL() != "" {
				t.Fatalf("paused sandbox with URL")
			}
		}
	}
	if running != 240 || paused != 10 {
		t.Fatalf("running %d paused %d", running, paused)
	}
}

func TestUnauthorizedKeyIsRefusedAndNeverShown(t *testing.T) {
	s := startSim(t, appserver.Config{}, appserver.SeedOptions{Sandboxes: 1})
	wrong := "wrong-key-that-must-stay-hidden-123"
	b := newBackend(t, s, wrong)
	_, err := b.List(ctxT(t))
	if !errors.Is(err, backend.ErrUnauthorized) {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), wrong) || !strings.Contains(err.Error(), "401") {
		t.Fatalf("error text: %v", err)
	}
	if s.Count(appserver.RouteSandboxSearch) != 0 && s.APICalls() > 1 {
		t.Fatalf("a refused key was retried: %d calls", s.APICalls())
	}
}

func TestSessionKeysAndAPIKeyMaskedInEveryRendering(t *testing.T) {
	s := startSim(t, appserver.Config{}, appserver.SeedOptions{Sandboxes: 2})
	b := newBackend(t, s, testKey)
	sbs, err := b.List(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	key := sbs[0].SessionAPIKey.Reveal()
	// What output paths print: the key fields, the URLs as displayed, the
	// options (which hold the API key), and any text passed through the
	// shared masking.
	vscode, _ := sbs[0].URL(backend.URLVSCode)
	js, _ := json.Marshal(sbs[0].SessionAPIKey)
	for _, out := range []string{
		fmt.Sprintf("%v %+v %#v", sbs[0].SessionAPIKey, sbs[0].SessionAPIKey, sbs[0].SessionAPIKey), string(js),
		fmt.Sprintf("%+v %#v", b.opts, b.opts), vscode.Display(false), backend.MaskText("key " + key + " api " + testKey),
	} {
		if strings.Contains(out, key) || strings.Contains(out, testKey) {
			t.Fatalf("secret in output: %s", out)
		}
	}
}

func TestLifecycleThroughTheAppServer(t *testing.T) {
	s := startSim(t, appserver.Config{}, appserver.SeedOptions{})
	b := newBackend(t, s, testKey)
	ctx := ctxT(t)
	if _, err := b.Start(ctx, backend.StartRequest{SpecID: "no/such:image"}); !errors.Is(err, backend.ErrNotFound) {
		t.Fatalf("unknown spec: %v", err)
	}
	sb, err := b.Start(ctx, backend.StartRequest{SpecID: "ghcr.io/openhands/agent-server:1.43.1-python"})
	if err != nil || sb.SpecID != "ghcr.io/openhands/agent-server:1.43.1-python" {
		t.Fatalf("start: %v %+v", err, sb)
	}
	if err := b.Pause(ctx, sb.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.Get(ctx, sb.ID); got.Status != backend.StatusPaused {
		t.Fatalf("after pause: %s", got.Status)
	}
	if err := b.Resume(ctx, sb.ID); err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(ctx, sb.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Get(ctx, sb.ID); !errors.Is(err, backend.ErrNotFound) {
		t.Fatalf("get deleted: %v", err)
	}
	if err := b.Pause(ctx, sb.ID); !errors.Is(err, backend.ErrNotFound) {
		t.Fatalf("pause deleted: %v", err)
	}
	before := s.APICalls()
	if err := b.Delete(ctx, "../../etc\x1b[31m"); !errors.Is(err, backend.ErrInvalidID) || s.APICalls() != before {
		t.Fatalf("hostile id: %v (%d calls)", err, s.APICalls()-before)
	}
}
