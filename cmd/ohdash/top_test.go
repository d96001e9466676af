package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

// runFor runs ohdash like h.run but interrupts it after d: how a
// streaming command (top) is stopped.
func (h *harness) runFor(d time.Duration, args ...string) result {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var out, errb bytes.Buffer
	s := stdio{
		in: strings.NewReader(h.stdin), out: &out, err: &errb, inTTY: h.tty, outTTY: h.tty,
		getenv: func(k string) string { return h.env[k] }, home: h.home,
	}
	code := run(ctx, args, s)
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}

// topRows decodes one JSON array of top rows, indexed by id.
func topRows(t *testing.T, s string) map[string]statsRowJSON {
	t.Helper()
	var rows []statsRowJSON
	if err := json.Unmarshal([]byte(s), &rows); err != nil {
		t.Fatalf("not a JSON array of rows: %v\n%s", err, s)
	}
	out := map[string]statsRowJSON{}
	for _, r := range rows {
		out[r.ID] = r
	}
	return out
}

// A sandbox burning a quarter of a core under a quarter-core limit and holding
// 64 MiB shows those figures in top and ls --stats (text and JSON); a
// paused one and a stopped one show no figures ("-", absent in JSON),
// never zeros.
func TestDockerTop(t *testing.T) {
	h, e := dockerHarness(t)
	_, busy := e.Run(t, dockertest.RunOptions{
		Env:      map[string]string{"AGENTSIM_BURN_CPU": "1", "AGENTSIM_ALLOC_MB": "64"},
		NanoCPUs: 25e7, Memory: 256 << 20,
	})
	pausedID, paused := e.Run(t, dockertest.RunOptions{})
	_, stopped := e.Run(t, dockertest.RunOptions{CreateOnly: true})
	if _, err := e.Client.ContainerPause(context.Background(), pausedID, client.ContainerPauseOptions{}); err != nil {
		t.Fatal(err)
	}

	rows := topRows(t, h.must(exitOK, "top", "--no-stream", "--json").stdout)
	b, p := rows[busy], rows[paused]
	if _, ok := rows[stopped]; ok || len(rows) != 2 {
		t.Errorf("top lists %d rows (want the running and the paused one): %v", len(rows), rows)
	}
	if b.Stats != "ok" || b.CPUPercent == nil || *b.CPUPercent < 5 || *b.CPUPercent > 35 ||
		b.CPULimitCores == nil || *b.CPULimitCores != 0.25 || b.MemUsedBytes == nil || *b.MemUsedBytes < 60<<20 ||
		b.MemLimitBytes == nil || *b.MemLimitBytes != 256<<20 || b.PIDs == nil || b.NetRxBytesPerSec == nil {
		t.Errorf("busy sandbox: %+v", b)
	}
	if p.Stats != "not_running" || p.CPUPercent != nil || p.MemUsedBytes != nil || p.PIDs != nil {
		t.Errorf("paused sandbox: %+v", p)
	}

	ls := h.must(exitOK, "ls", "--stats", "--json").stdout
	var lsRows []sandboxStatsJSON
	if err := json.Unmarshal([]byte(ls), &lsRows); err != nil {
		t.Fatal(err, ls)
	}
	seen := 0
	for _, r := range lsRows {
		switch r.sandboxJSON.ID {
		case busy:
			seen++
			if r.Stats != "ok" || r.CPUPercent == nil || r.MemUsedBytes == nil || r.Status != "RUNNING" {
				t.Errorf("ls --stats, busy: %+v", r)
			}
		case paused, stopped:
			seen++
			if r.Stats != "not_running" || r.CPUPercent != nil || r.MemUsedBytes != nil {
				t.Errorf("ls --stats, %s: %+v", r.sandboxJSON.ID, r)
			}
		}
	}
	if seen != 3 || !strings.Contains(ls, `"mem_used_bytes"`) || strings.Contains(ls, `"cpu_percent": null`) {
		t.Errorf("ls --stats --json:\n%s", ls)
	}

	for _, args := range [][]string{{"top", "--no-stream"}, {"ls", "--stats"}} {
		out := h.must(exitOK, args...).stdout
		for _, line := range strings.Split(out, "\n") {
			switch {
			case strings.Contains(line, busy):
				if !strings.Contains(line, "MiB") || !strings.Contains(line, "%") {
					t.Errorf("%v: busy row without figures: %q", args, line)
				}
			case strings.Contains(line, paused), strings.Contains(line, stopped):
				if strings.Contains(line, "0.0%") || strings.Contains(line, "B/s") || !strings.Contains(line, " -  ") {
					t.Errorf("%v: a sandbox that is not running shows figures: %q", args, line)
				}
			}
		}
	}

	// Streaming: NDJSON, one array per sample.
	r := h.runFor(5*time.Second, "top", "--json", "--interval", "500ms")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != exitOK || len(lines) < 2 {
		t.Fatalf("top --json: exit %d, %d lines\n%s\n%s", r.code, len(lines), r.stdout, r.stderr)
	}
	for _, l := range lines {
		if got := topRows(t, l)[busy]; got.CPUPercent == nil {
			t.Errorf("a streamed sample has no CPU: %s", l)
		}
	}
	// Not a terminal: one block per sample, no control sequences.
	r = h.runFor(5*time.Second, "top", "--interval", "500ms")
	if n := strings.Count(r.stdout, "BACKEND"); n < 2 || strings.ContainsRune(r.stdout, 0x1b) {
		t.Errorf("top to a pipe: %d blocks\n%q", n, r.stdout)
	}
	// A terminal: the screen is cleared once and the block redrawn in place.
	h.tty = true
	r = h.runFor(5*time.Second, "top", "--interval", "500ms")
	h.tty = false
	if !strings.HasPrefix(r.stdout, ansiClearAll+ansiHome) || strings.Count(r.stdout, ansiClearAll) != 1 ||
		strings.Count(r.stdout, ansiHome) < 2 || !strings.Contains(r.stdout, busy+"  ") {
		t.Errorf("top on a terminal:\n%q", r.stdout)
	}
	h.must(exitUsage, "top", "--interval", "1ms")
}

// Backends that expose no resource figures (the runtime API) show "n/a",
// and say so once on stderr, not once per row or per sample; nothing
// fails because of it.
func TestTopNotAvailable(t *testing.T) {
	h := newHarness(t)
	f := startFleet(t, h, 5)
	want := 0
	for _, sb := range f.sandboxes(t) {
		if sb.Status == "RUNNING" || sb.Status == "PAUSED" {
			want++
		}
	}
	r := h.must(exitOK, "top", "--no-stream")
	if n := strings.Count(r.stdout, "n/a"); n != 7*want || want == 0 {
		t.Errorf("want %d rows of n/a:\n%s", want, r.stdout)
	}
	if strings.Count(r.stderr, "exposes no resource figures") != 1 {
		t.Errorf("stderr: %q", r.stderr)
	}
	r = h.runFor(2200*time.Millisecond, "top", "--interval", "300ms", "--json")
	if strings.Count(r.stderr, "exposes no resource figures") != 1 || strings.Count(r.stdout, "\n") < 2 {
		t.Errorf("streaming: stderr %q\nstdout %s", r.stderr, r.stdout)
	}
	for _, row := range topRows(t, strings.Split(r.stdout, "\n")[0]) {
		if row.Stats != "n/a" || row.CPUPercent != nil {
			t.Errorf("row %+v", row)
		}
	}
	r = h.must(exitOK, "ls", "--stats")
	if strings.Count(r.stderr, "exposes no resource figures") != 1 || !strings.Contains(r.stdout, "n/a") {
		t.Errorf("ls --stats: %q\n%s", r.stderr, r.stdout)
	}
}
