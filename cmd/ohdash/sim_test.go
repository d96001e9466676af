package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/guard"
)

// ls --json lists what the runtime API has, with OpenHands' field names,
// and masks every credential unless asked not to.
func TestLsJSONMatchesTheRuntimeAPI(t *testing.T) {
	h := newHarness(t)
	f := startFleet(t, h, 5)
	truth := f.sandboxes(t)
	r := h.must(exitOK, "ls", "--json")
	var rows []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("ls --json is not a JSON array: %v\n%s", err, r.stdout)
	}
	if len(rows) != len(truth) {
		t.Fatalf("%d rows, the API has %d sandboxes", len(rows), len(truth))
	}
	for _, row := range rows {
		for _, k := range []string{"id", "status", "sandbox_spec_id", "created_at", "exposed_urls", "session_api_key", "backend", "health"} {
			if _, ok := row[k]; !ok {
				t.Errorf("row lacks %q: %v", k, row)
			}
		}
		id, _ := row["id"].(string)
		sb, ok := truth[id]
		if !ok {
			t.Fatalf("ls invented sandbox %q", id)
		}
		if row["status"] != string(sb.Status) || row["backend"] != "eval" {
			t.Errorf("%s: status %v backend %v; want %s eval", id, row["status"], row["backend"], sb.Status)
		}
		if created, ok := row["created_at"].(string); ok {
			if _, err := time.Parse(time.RFC3339, created); err != nil {
				t.Errorf("%s: created_at %q is not RFC 3339", id, created)
			}
		}
		if !slices.Contains([]string{"ok", "failing", "n/a", "unknown"}, row["health"].(string)) {
			t.Errorf("%s: health %v", id, row["health"])
		}
		if key := sb.SessionAPIKey.Reveal(); key != "" {
			if row["session_api_key"] == key || !strings.HasPrefix(row["session_api_key"].(string), "••••") {
				t.Errorf("%s: session key not masked: %v", id, row["session_api_key"])
			}
		}
		if sb.Status == backend.StatusRunning {
			urls, _ := row["exposed_urls"].([]any)
			if len(urls) == 0 {
				t.Errorf("%s: running without exposed URLs", id)
			}
			for _, u := range urls {
				m := u.(map[string]any)
				if m["name"] == "" || m["url"] == "" {
					t.Errorf("%s: exposed url %v", id, m)
				}
			}
		}
	}
	if strings.Contains(r.stdout, f.APIKey) {
		t.Fatal("the runtime API key leaked into ls output")
	}
	// --show-secrets reveals the session keys, exactly.
	r = h.must(exitOK, "ls", "--json", "--show-secrets")
	var revealed []sandboxJSON
	if err := json.Unmarshal([]byte(r.stdout), &revealed); err != nil {
		t.Fatal(err)
	}
	for _, row := range revealed {
		if want := truth[row.ID].SessionAPIKey.Reveal(); want != "" && (row.SessionAPIKey == nil || *row.SessionAPIKey != want) {
			t.Errorf("%s: --show-secrets gave %v", row.ID, row.SessionAPIKey)
		}
	}
	// -q prints ids only; --status filters.
	ids := strings.Fields(h.must(exitOK, "ls", "-q", "--status", "paused").stdout)
	for _, id := range ids {
		if truth[id].Status != backend.StatusPaused {
			t.Errorf("--status paused listed %s (%s)", id, truth[id].Status)
		}
	}
	if len(ids) == 0 {
		t.Error("no paused sandbox listed")
	}
	// The human table has a header and a row per sandbox.
	if lines := strings.Split(strings.TrimSpace(h.must(exitOK, "ls").stdout), "\n"); len(lines) != len(truth)+1 || !strings.HasPrefix(lines[0], "BACKEND") {
		t.Errorf("table:\n%s", strings.Join(lines, "\n"))
	}
}

// pause, resume and rm change the sandboxes the API reports, print the
// ids they acted on, and each leaves an audit entry.
func TestLifecycleCommandsAgainstTheRuntimeAPI(t *testing.T) {
	h := newHarness(t)
	f := startFleet(t, h, 4)
	id := f.withStatus(t, backend.StatusRunning)
	suffix := id[len(id)-6:]
	if out := h.must(exitOK, "pause", suffix).stdout; strings.TrimSpace(out) != id {
		t.Fatalf("pause printed %q, want the full id %s", out, id)
	}
	if got := f.sandboxes(t)[id].Status; got != backend.StatusPaused {
		t.Fatalf("after pause the API says %s", got)
	}
	h.must(exitOK, "resume", "eval/"+id)
	if got := f.sandboxes(t)[id].Status; got != backend.StatusRunning && got != backend.StatusStarting {
		t.Fatalf("after resume the API says %s", got)
	}
	h.must(exitOK, "rm", "--yes", id)
	if sb, ok := f.sandboxes(t)[id]; ok && sb.Status != backend.StatusMissing {
		t.Fatalf("after rm the API still has %s as %s", id, sb.Status)
	}
	started := strings.TrimSpace(h.must(exitOK, "start").stdout)
	if _, ok := f.sandboxes(t)[started]; !ok || started == "" {
		t.Fatalf("start printed %q, which the API does not list", started)
	}
	entries := readAudit(t, h.auditPath())
	want := []string{guard.SandboxPause, guard.SandboxResume, guard.SandboxDelete, guard.SandboxStart}
	if len(entries) != len(want) {
		t.Fatalf("audit entries %+v", entries)
	}
	for i, e := range entries {
		if e.Action != want[i] || e.Result != guard.ResultOK || e.Backend != "eval" || e.Origin != "cli" || e.User == "" {
			t.Errorf("entry %d: %+v", i, e)
		}
	}
	if entries[0].Target != id || entries[3].Target != started {
		t.Errorf("targets %q %q", entries[0].Target, entries[3].Target)
	}
}

// Read-only mode, however it is switched on, refuses every change with
// exit code 1 and a message that says why, records the refusal, and leaves
// the sandboxes as they were.
func TestReadOnlyRefusesEveryChange(t *testing.T) {
	h := newHarness(t)
	f := startFleet(t, h, 3)
	before := f.sandboxes(t)
	running, paused := f.withStatus(t, backend.StatusRunning), f.withStatus(t, backend.StatusPaused)
	base, err := os.ReadFile(h.configPath())
	if err != nil {
		t.Fatal(err)
	}
	for _, how := range []struct {
		name string
		flag []string
		env  string
		file string
		says string
	}{
		{name: "flag", flag: []string{"--readonly"}, says: "--readonly"},
		{name: "env", env: "1", says: "OHDASH_READONLY"},
		{name: "file", file: "readonly = true\n", says: "readonly = true in"},
	} {
		h.env["OHDASH_READONLY"] = how.env
		h.writeConfig(how.file + string(base))
		for _, args := range [][]string{{"pause", running}, {"resume", paused}, {"rm", "--yes", running}, {"start"}} {
			r := h.must(exitFailed, append(args, how.flag...)...)
			if !strings.Contains(r.stderr, "read-only") || !strings.Contains(r.stderr, how.says) {
				t.Errorf("%s %v: refusal does not say why: %s", how.name, args, r.stderr)
			}
		}
	}
	after := f.sandboxes(t)
	for id, sb := range before {
		if after[id].Status != sb.Status {
			t.Errorf("%s changed from %s to %s in read-only mode", id, sb.Status, after[id].Status)
		}
	}
	if len(after) != len(before) {
		t.Errorf("%d sandboxes before, %d after", len(before), len(after))
	}
	entries := readAudit(t, h.auditPath())
	if len(entries) != 12 {
		t.Fatalf("%d audit entries, want 12 refusals", len(entries))
	}
	for _, e := range entries {
		if e.Result != guard.ResultRefused {
			t.Errorf("entry %+v", e)
		}
	}
}

// Every exit code of the contract, provoked on purpose.
func TestExitCodes(t *testing.T) {
	h := newHarness(t)
	f := startFleet(t, h, 3)
	running := f.withStatus(t, backend.StatusRunning)
	checkExits(t, h.run, []exitCase{
		{[]string{"ls"}, exitOK, ""},
		{[]string{"version"}, exitOK, ""},
		{[]string{"frobnicate"}, exitUsage, "unknown command"},
		{[]string{"ls", "--bogus"}, exitUsage, "bogus"},
		{[]string{"logs"}, exitUsage, "usage"},
		{[]string{"ls", "--status", "SLEEPING"}, exitUsage, "SLEEPING"},
		{[]string{"ls", "--backend", "nope"}, exitUsage, "nope"},
		{[]string{"rm", running}, exitUsage, "not a terminal"},
		{[]string{"start", "--backend", "eval", "--readonly"}, exitFailed, "read-only"},
		{[]string{"logs", running}, exitFailed, "no container logs"},
		{[]string{"pause", "no-such-sandbox"}, exitNotFound, "not found"},
		{[]string{"logs", "no-such-sandbox"}, exitNotFound, "not found"},
	})
	// A configuration error is a usage error too, and names the line.
	h.writeConfig("theme = \"dark\"\nthme = \"light\"\n")
	if r := h.run("ls"); r.code != exitUsage || !strings.Contains(r.stderr, "config.toml:2") {
		t.Errorf("bad config: exit %d, %s", r.code, r.stderr)
	}
	// A runtime API nobody listens on is unreachable: 4, for listing and
	// for acting alike.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	h.writeConfig("docker = []\n[[remote]]\nurl = \"http://" + dead + "\"\napi_key = \"k\"\n")
	for _, args := range [][]string{{"ls"}, {"pause", "anything"}} {
		if r := h.run(args...); r.code != exitUnreachable {
			t.Errorf("ohdash %v against a dead API: exit %d, want 4\n%s", args, r.code, r.stderr)
		}
	}
}

// rm asks on a terminal and does nothing on "no".
func TestRmAsksOnATerminal(t *testing.T) {
	h := newHarness(t)
	f := startFleet(t, h, 3)
	id := f.withStatus(t, backend.StatusRunning)
	h.tty, h.stdin = true, "n\n"
	r := h.must(exitOK, "rm", id)
	if !strings.Contains(r.stderr, "Delete "+id) || !strings.Contains(r.stderr, "[y/N]") || !strings.Contains(r.stderr, "kept") {
		t.Fatalf("prompt: %q", r.stderr)
	}
	if _, ok := f.sandboxes(t)[id]; !ok {
		t.Fatal("deleted after answering no")
	}
	h.stdin = "y\n"
	h.must(exitOK, "rm", id)
	if sb, ok := f.sandboxes(t)[id]; ok && sb.Status != backend.StatusMissing {
		t.Fatalf("not deleted after yes: %s", sb.Status)
	}
}

// Ctrl+C at the rm prompt ends the command at once (130) and deletes
// nothing.
func TestInterruptAtThePrompt(t *testing.T) {
	h := newHarness(t)
	f := startFleet(t, h, 3)
	id := f.withStatus(t, backend.StatusRunning)
	pr, pw := io.Pipe()
	defer pw.Close()
	var errb lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"rm", id}, stdio{
			in: pr, out: io.Discard, err: &errb, inTTY: true, outTTY: true,
			getenv: func(k string) string { return h.env[k] }, home: h.home,
		})
	}()
	waitFor(t, 10*time.Second, "the prompt", func() bool { return strings.Contains(errb.String(), "[y/N]") })
	cancel()
	select {
	case code := <-done:
		if code != exitInterrupted {
			t.Fatalf("exit %d, want 130", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the prompt ignored the interrupt")
	}
	if _, ok := f.sandboxes(t)[id]; !ok {
		t.Fatal("deleted after an interrupt")
	}
}
