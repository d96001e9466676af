package agentserver

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The bash API: a started command records its outputs in order with the
// exit code on the last; the search filters by command and kind and
// pages; the synchronous route answers with the whole output.
func TestBashAPI(t *testing.T) {
	srv, err := New(Options{Keys: []string{"k"}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv)
	defer ts.Close()
	do := func(method, path, body string, out any) int {
		t.Helper()
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		req.Header.Set("X-Session-API-Key", "k")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if out != nil {
			if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
				t.Fatal(err)
			}
		}
		return resp.StatusCode
	}
	var cmd struct {
		Kind, ID, Command string
		Timeout           int
	}
	if st := do("POST", "/api/bash/start_bash_command", `{"command":"seq 120; exit 4"}`, &cmd); st != 200 || cmd.Kind != "BashCommand" || cmd.Timeout != 300 {
		t.Fatalf("start: %d %+v", st, cmd)
	}
	type page struct {
		Items []struct {
			Kind      string `json:"kind"`
			CommandID string `json:"command_id"`
			Order     int    `json:"order"`
			ExitCode  *int   `json:"exit_code"`
			Stdout    *string
		} `json:"items"`
		NextPageID *string `json:"next_page_id"`
	}
	var p page
	deadline := time.Now().Add(5 * time.Second)
	for {
		p = page{}
		do("GET", "/api/bash/bash_events/search?kind__eq=BashOutput&command_id__eq="+cmd.ID+"&limit=2", "", &p)
		if n := len(p.Items); n > 0 && p.NextPageID == nil && p.Items[n-1].ExitCode != nil {
			break
		}
		if len(p.Items) == 2 && p.NextPageID != nil {
			var rest page
			do("GET", "/api/bash/bash_events/search?kind__eq=BashOutput&command_id__eq="+cmd.ID+"&limit=100&page_id="+*p.NextPageID, "", &rest)
			p.Items = append(p.Items, rest.Items...)
			if n := len(p.Items); p.Items[n-1].ExitCode != nil {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no exit code: %+v", p)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for i, it := range p.Items {
		if it.Order != i || it.Kind != "BashOutput" || it.CommandID != cmd.ID {
			t.Fatalf("item %d: %+v", i, it)
		}
	}
	if last := p.Items[len(p.Items)-1]; *last.ExitCode != 4 || len(p.Items) != 4 {
		t.Fatalf("%d pieces (want 3 of output and the exit), last %+v", len(p.Items), last)
	}
	var whole struct {
		ExitCode int    `json:"exit_code"`
		Stdout   string `json:"stdout"`
		Stderr   string `json:"stderr"`
	}
	if do("POST", "/api/bash/execute_bash_command", `{"command":"echo a; nosuch"}`, &whole); whole.ExitCode != 127 || whole.Stdout != "a\n" || !strings.Contains(whole.Stderr, "command not found") {
		t.Fatalf("execute: %+v", whole)
	}
	if st := do("POST", "/api/bash/start_bash_command", `{}`, nil); st != 422 {
		t.Fatalf("no command: %d, want 422", st)
	}
	req, _ := http.NewRequest("POST", ts.URL+"/api/bash/start_bash_command", strings.NewReader(`{"command":"true"}`))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 401 {
		t.Fatalf("without the key: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
}
