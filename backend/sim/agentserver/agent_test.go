package agentserver_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend/sim/agentserver"
)

// kinds lists the kinds of events, with the state key for state updates.
func kinds(evs []event) []string {
	out := make([]string, 0, len(evs))
	for _, ev := range evs {
		k := ev.kind()
		if k == "ConversationStateUpdateEvent" {
			k += ":" + ev.str("key")
			if v, ok := ev["value"].(string); ok {
				k += "=" + v
			}
		}
		out = append(out, k)
	}
	return out
}

var turnKinds = []string{
	"MessageEvent",
	"ConversationStateUpdateEvent:execution_status=running",
	"ActionEvent",
	"ObservationEvent",
	"MessageEvent",
	"ConversationStateUpdateEvent:stats",
	"ConversationStateUpdateEvent:execution_status=finished",
}

func TestScriptedTurnOverRESTAndSocket(t *testing.T) {
	e := start(t, agentserver.Options{Pace: time.Millisecond})
	id := e.seed(agentserver.SeedSpec{})
	conn := e.dialKey(id, nil)
	first := read(t, conn, 5*time.Second)
	if first.kind() != "ConversationStateUpdateEvent" || first.str("key") != "full_state" {
		t.Fatalf("first frame %v, want a full_state snapshot", first)
	}
	e.expect(http.MethodPost, "/api/conversations/"+id+"/events",
		map[string]any{"role": "user", "content": []any{map[string]any{"type": "text", "text": "Fix the build"}}, "run": true}, http.StatusOK)
	frames := readUntil(t, conn, isStatus("finished"))
	// The socket sees streaming deltas too; REST history never does.
	deltas := 0
	var live []event
	for _, f := range frames {
		if f.kind() == "StreamingDeltaEvent" {
			deltas++
			continue
		}
		live = append(live, f)
	}
	if deltas == 0 {
		t.Errorf("no StreamingDeltaEvent on a 1.44 server")
	}
	if got := kinds(live); !slices.Equal(got, turnKinds) {
		t.Fatalf("live kinds %v, want %v", got, turnKinds)
	}
	// The end-of-run snapshot follows the finished status and is transient.
	if snap := read(t, conn, 5*time.Second); snap.str("key") != "full_state" {
		t.Fatalf("after the run got %v, want the end-of-run full_state", snap)
	}
	stored := e.allEvents(id, "")
	if got := kinds(stored[1:]); !slices.Equal(got, turnKinds) {
		t.Fatalf("stored kinds %v, want SystemPromptEvent then %v", kinds(stored), turnKinds)
	}
	for i, ev := range live {
		if ev.id() != stored[i+1].id() {
			t.Fatalf("live event %d id %s differs from stored %s", i, ev.id(), stored[i+1].id())
		}
	}
	action, obs := stored[3], stored[4]
	if a := action["action"].(map[string]any); a["kind"] != "TerminalAction" || a["command"] == "" {
		t.Errorf("action %v, want a TerminalAction with a command", a)
	}
	if action.str("summary") == "" || action.str("security_risk") == "" {
		t.Errorf("action lacks summary or security_risk: %v", action)
	}
	if obs.str("action_id") != action.id() {
		t.Errorf("observation action_id %s, want %s", obs.str("action_id"), action.id())
	}
	if o := obs["observation"].(map[string]any); o["kind"] != "TerminalObservation" || o["exit_code"] != 0.0 {
		t.Errorf("observation %v, want TerminalObservation exit_code 0", o)
	}
	checkEnvelope(t, stored)
}

// checkEnvelope: UUID4 ids, unique; naive microsecond timestamps strictly
// increasing in string order; nulls omitted.
func checkEnvelope(t *testing.T, evs []event) {
	t.Helper()
	seen := map[string]bool{}
	prev := ""
	for _, ev := range evs {
		id := ev.id()
		if len(id) != 36 || id[14] != '4' || seen[id] {
			t.Fatalf("bad or repeated id %q", id)
		}
		seen[id] = true
		ts := ev.str("timestamp")
		if len(ts) < 19 || ts[10] != 'T' || len(ts) > 26 {
			t.Fatalf("timestamp %q is not a naive isoformat", ts)
		}
		if ts <= prev {
			t.Fatalf("timestamp %q not after %q", ts, prev)
		}
		prev = ts
		for k, v := range ev {
			if v == nil {
				t.Fatalf("event %s has null field %q (search must omit nulls)", id, k)
			}
		}
	}
}

func TestInitialMessageAlwaysRuns(t *testing.T) {
	e := start(t, agentserver.Options{})
	body := map[string]any{
		"agent":           map[string]any{"kind": "Agent", "llm": map[string]any{"model": "dummy/model", "api_key": "dummy"}},
		"initial_message": map[string]any{"role": "user", "content": []any{map[string]any{"type": "text", "text": "hello"}}, "run": false},
	}
	var info map[string]any
	out := e.expect(http.MethodPost, "/api/conversations", body, http.StatusCreated)
	mustJSON(t, out, &info)
	id := info["id"].(string)
	e.waitStatus(id, agentserver.StatusFinished)
	if model := info["agent"].(map[string]any)["llm"].(map[string]any)["model"]; model != "dummy/model" {
		t.Errorf("agent.llm.model %v", model)
	}
	if key := info["agent"].(map[string]any)["llm"].(map[string]any)["api_key"]; key == "dummy" {
		t.Errorf("api_key not masked")
	}
}

func TestConfirmationAcceptAndReject(t *testing.T) {
	e := start(t, agentserver.Options{Confirmation: agentserver.AlwaysConfirm})
	id := e.seed(agentserver.SeedSpec{})
	if err := e.srv.SendMessage(id, "deploy it", true); err != nil {
		t.Fatal(err)
	}
	e.waitStatus(id, agentserver.StatusWaitingForConfirmation)
	evs := e.allEvents(id, "")
	if last := evs[len(evs)-2]; last.kind() != "ActionEvent" {
		t.Fatalf("before waiting: %v", kinds(evs))
	}
	e.expect(http.MethodPost, "/api/conversations/"+id+"/events/respond_to_confirmation", map[string]any{"accept": true}, http.StatusOK)
	e.waitStatus(id, agentserver.StatusFinished)
	evs = e.allEvents(id, "")
	if !slices.Contains(kinds(evs), "ObservationEvent") {
		t.Fatalf("accepted action not executed: %v", kinds(evs))
	}

	if err := e.srv.SendMessage(id, "again", true); err != nil {
		t.Fatal(err)
	}
	e.waitStatus(id, agentserver.StatusWaitingForConfirmation)
	n := len(e.allEvents(id, ""))
	e.expect(http.MethodPost, "/api/conversations/"+id+"/events/respond_to_confirmation",
		map[string]any{"accept": false, "reason": "not now"}, http.StatusOK)
	e.waitStatus(id, agentserver.StatusIdle)
	evs = e.allEvents(id, "")
	tail := evs[n:]
	if got := kinds(tail); !slices.Equal(got, []string{"ConversationStateUpdateEvent:execution_status=idle", "UserRejectObservation"}) {
		t.Fatalf("after reject: %v", got)
	}
	rej := tail[1]
	if rej.str("rejection_reason") != "not now" || rej.str("action_id") != evs[n-2].id() || rej.str("source") != "environment" {
		t.Errorf("rejection %v", rej)
	}
}

func TestPauseAndResume(t *testing.T) {
	e := start(t, agentserver.Options{Pace: 100 * time.Millisecond})
	id := e.seed(agentserver.SeedSpec{})
	if err := e.srv.SendMessage(id, "long task", true); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Wait until the action is out, then pause between steps.
	if err := e.srv.WaitEventCount(ctx, id, 4); err != nil {
		t.Fatal(err)
	}
	e.expect(http.MethodPost, "/api/conversations/"+id+"/pause", nil, http.StatusOK)
	e.waitStatus(id, agentserver.StatusPaused)
	evs := e.allEvents(id, "")
	k := kinds(evs)
	if k[len(k)-2] != "ConversationStateUpdateEvent:execution_status=paused" || k[len(k)-1] != "PauseEvent" {
		t.Fatalf("pause events: %v", k)
	}
	// run resumes the turn where it stopped.
	e.expect(http.MethodPost, "/api/conversations/"+id+"/run", nil, http.StatusOK)
	e.expect(http.MethodPost, "/api/conversations/"+id+"/run", nil, http.StatusConflict)
	e.waitStatus(id, agentserver.StatusFinished)
	k = kinds(e.allEvents(id, ""))
	if n := count(k, "ActionEvent"); n != 1 {
		t.Errorf("%d actions after resume, want the turn continued: %v", n, k)
	}
	if count(k, "ObservationEvent") != 1 {
		t.Errorf("observation missing after resume: %v", k)
	}
}

func TestInterrupt(t *testing.T) {
	// The interrupt must land in the pace after the action: make it long.
	e := start(t, agentserver.Options{Pace: 500 * time.Millisecond})
	id := e.seed(agentserver.SeedSpec{})
	if err := e.srv.SendMessage(id, "long task", true); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.srv.WaitEventCount(ctx, id, 4); err != nil { // system, user, running, action
		t.Fatal(err)
	}
	e.expect(http.MethodPost, "/api/conversations/"+id+"/interrupt", nil, http.StatusOK)
	if st, _ := e.srv.Status(id); st != agentserver.StatusPaused {
		t.Fatalf("status after interrupt returned: %s", st)
	}
	k := kinds(e.allEvents(id, ""))
	want := []string{"ActionEvent", "AgentErrorEvent", "ConversationStateUpdateEvent:execution_status=paused", "InterruptEvent"}
	if got := k[len(k)-4:]; !slices.Equal(got, want) {
		t.Fatalf("interrupt tail %v, want %v", got, want)
	}
	// Unknown conversation: 400, like pause.
	e.expect(http.MethodPost, "/api/conversations/"+newID()+"/interrupt", nil, http.StatusBadRequest)
}

func TestMessageDuringRunStartsAnotherTurn(t *testing.T) {
	e := start(t, agentserver.Options{Pace: 20 * time.Millisecond})
	id := e.seed(agentserver.SeedSpec{})
	if err := e.srv.SendMessage(id, "first", true); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.SendMessage(id, "second", true); err != nil {
		t.Fatal(err)
	}
	e.waitStatus(id, agentserver.StatusFinished)
	k := kinds(e.allEvents(id, ""))
	if count(k, "ActionEvent") != 2 || count(k, "ConversationStateUpdateEvent:execution_status=finished") != 1 {
		t.Fatalf("want two turns in one run: %v", k)
	}
}

func count(ss []string, s string) int {
	n := 0
	for _, x := range ss {
		if x == s {
			n++
		}
	}
	return n
}

func TestLegacyServerStreamsNoDeltas(t *testing.T) {
	e := start(t, agentserver.Options{Version: "1.18.0"})
	id := e.seed(agentserver.SeedSpec{})
	conn := e.dialKey(id, nil)
	read(t, conn, 5*time.Second)
	if err := e.srv.SendMessage(id, "go", true); err != nil {
		t.Fatal(err)
	}
	for _, f := range readUntil(t, conn, isStatus("finished")) {
		if f.kind() == "StreamingDeltaEvent" {
			t.Fatalf("StreamingDeltaEvent from a 1.18.0 server")
		}
	}
}
