package spend

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/alert"
)

func TestFaultDamagedHistoryMovedAside(t *testing.T) {
	for name, content := range map[string][]byte{
		"garbage":   []byte(strings.Repeat("not a database \x1b[2J", 500)),
		"empty":     {},
		"truncated": nil, // a real history cut short, below
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, FileName)
			if content == nil {
				h := openTemp(t)
				record(t, h, t0, conv("d", "s", "a", "m", 1, 1))
				data, err := os.ReadFile(h.Path())
				if err != nil {
					t.Fatal(err)
				}
				content = data[:len(data)/3]
			}
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			var notes []string
			h, err := OpenHistory(context.Background(), path, func(d Damage) { notes = append(notes, d.String()) })
			if err != nil {
				t.Fatal(err)
			}
			// It works on the fresh file, and said so exactly once.
			record(t, h, t0, conv("d", "s", "a", "m", 1, 1))
			if _, err := h.Read(context.Background(), t0, t0); err != nil {
				t.Fatal(err)
			}
			if len(notes) != 1 || !strings.Contains(notes[0], "spend history starts again") || strings.ContainsAny(notes[0], "\x1b") {
				t.Fatalf("notices %q", notes)
			}
			aside, _ := filepath.Glob(path + ".damaged-*")
			if len(aside) != 1 {
				t.Fatalf("moved aside: %q", aside)
			}
		})
	}
}

func TestBudgetOncePerCrossing(t *testing.T) {
	h := openTemp(t)
	b := Budget{Global: Limits{PerHour: 1, PerDay: 3}, Backends: map[string]Limits{"eval": {PerDay: 0.5}}}
	var got []alert.Alert
	m := &Monitor{History: h, Budget: b, Sink: SinkFunc(func(a alert.Alert) { got = append(got, a) })}
	a, e := conv("docker", "sb", "a", "m", 0, 0), conv("eval", "sb2", "e", "m", 0, 0)
	snap := func(at time.Time) Result {
		t.Helper()
		res, err := m.Snapshot(context.Background(), at, at.Add(-24*time.Hour), []backend.SandboxConversations{
			{Sandbox: backend.Sandbox{ID: "sb", Source: "docker"}, Conversations: []backend.Conversation{a}},
			{Sandbox: backend.Sandbox{ID: "sb2", Source: "eval"}, Conversations: []backend.Conversation{e}},
		})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	at := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	snap(at)
	// Every refresh over the limit: one alert per crossing, not per refresh.
	for i := 1; i <= 10; i++ {
		a.Cost += 0.15
		e.Cost += 0.1
		snap(at.Add(time.Duration(i) * time.Minute))
	}
	kinds := func() []string {
		var out []string
		for _, x := range got {
			if x.Kind != alert.Budget || x.To != "crossed" {
				t.Fatalf("alert %+v", x)
			}
			out = append(out, x.Backend+":"+x.Title)
		}
		return out
	}
	// After 4 minutes the hour is at 1.0 < ... at minute 5 it is 1.25 > 1;
	// eval crosses 0.5 at minute 6.
	if k := kinds(); len(k) != 2 || !strings.Contains(k[0], "per hour") || !strings.HasPrefix(k[1], "eval:") {
		t.Fatalf("alerts %q", k)
	}
	// An hour of quiet: the hourly budget is under again, then crossed
	// again: a second alert. The daily one stays crossed: no new alert.
	quiet := at.Add(80 * time.Minute)
	if res := snap(quiet); len(res.Crossed) != 1 {
		t.Fatalf("after a quiet hour crossed %+v", res.Crossed)
	}
	for i := 1; i <= 8; i++ {
		a.Cost += 0.15
		snap(quiet.Add(time.Duration(i) * time.Minute))
	}
	k := kinds()
	if len(k) != 4 || !strings.Contains(k[2], "per day") || k[2][0] != ':' || !strings.Contains(k[3], "per hour") {
		t.Fatalf("alerts %q", k)
	}
	// A restart (a new Monitor on the same file) does not raise them again.
	m = &Monitor{History: h, Budget: b, Sink: m.Sink}
	a.Cost += 0.01
	snap(quiet.Add(9 * time.Minute))
	if len(got) != 4 {
		t.Fatalf("a restart raised %q", kinds()[4:])
	}
}

type pauser struct {
	mu       sync.Mutex
	paused   []string
	readOnly bool
}

func (p *pauser) Pause(_ context.Context, sb backend.Sandbox, id string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.readOnly {
		return backend.ErrReadOnly
	}
	p.paused = append(p.paused, sb.Source+"/"+id)
	return nil
}

func TestPauseWhenCrossed(t *testing.T) {
	lists := func(cost float64) []backend.SandboxConversations {
		run := conv("docker", "sb", "run", "m", cost, 0)
		idle := conv("docker", "sb", "idle", "m", 0, 0)
		idle.Status = backend.ExecIdle
		other := conv("eval", "sb2", "other", "m", 0, 0)
		return []backend.SandboxConversations{
			{Sandbox: backend.Sandbox{ID: "sb", Source: "docker"}, Conversations: []backend.Conversation{run, idle}},
			{Sandbox: backend.Sandbox{ID: "sb2", Source: "eval"}, Conversations: []backend.Conversation{other}},
		}
	}
	for _, tc := range []struct {
		name     string
		pause    bool
		readOnly bool
		want     int
	}{{"off by default", false, false, 0}, {"on", true, false, 1}, {"read-only refuses", true, true, 0}} {
		t.Run(tc.name, func(t *testing.T) {
			p := &pauser{readOnly: tc.readOnly}
			m := &Monitor{History: openTemp(t), Pauser: p,
				Budget: Budget{Backends: map[string]Limits{"docker": {PerHour: 1}}, PauseWhenCrossed: tc.pause}}
			ctx := context.Background()
			if _, err := m.Snapshot(ctx, t0, t0, lists(0)); err != nil {
				t.Fatal(err)
			}
			res, err := m.Snapshot(ctx, t0.Add(time.Minute), t0, lists(2))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Fresh) != 1 || len(p.paused) != tc.want || len(res.Paused) != tc.want {
				t.Fatalf("fresh %+v, paused %q / %q", res.Fresh, p.paused, res.Paused)
			}
			if tc.want == 1 && p.paused[0] != "docker/run" {
				t.Fatalf("paused %q: only the running conversation in the crossed backend", p.paused)
			}
			if tc.readOnly && (len(res.PauseErrs) != 1 || !errors.Is(res.PauseErrs[0], backend.ErrReadOnly)) {
				t.Fatalf("read-only: %v", res.PauseErrs)
			}
			// Crossed still, but not again: nothing more is paused.
			res, _ = m.Snapshot(ctx, t0.Add(2*time.Minute), t0, lists(3))
			if len(res.Fresh) != 0 || len(p.paused) != tc.want {
				t.Fatalf("second refresh: fresh %+v, paused %q", res.Fresh, p.paused)
			}
		})
	}
}
