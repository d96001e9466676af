package agentserver

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ohdash/ohdash/backend"
)

// Examples C and D of PROTOCOL.md §3.3 (a real captured stream, trimmed).
const (
	fixtureAction = `{"id":"e54cbba2-3be2-4494-aa13-83af6044c5a7","timestamp":"2026-06-16T05:39:48.701247","source":"agent",
"thought":[{"cache_prompt":false,"type":"text","text":"<think>Let me analyze</think>"}],"reasoning_content":"Let me analyze",
"thinking_blocks":[],"responses_reasoning_item":null,"action":{"command":"SESSION_URL=\"${AUTOMATION_SESSION_URL}\"\necho \"SESSION_URL=${SESSION_URL}\"","is_input":false,"timeout":null,"reset":false,"kind":"TerminalAction"},
"tool_name":"terminal","tool_call_id":"chatcmpl-tool-9d0341c7a033ae28","tool_call":{"id":"chatcmpl-tool-9d0341c7a033ae28","name":"terminal","arguments":"{}","origin":"completion"},
"llm_response_id":"0680149d","security_risk":"UNKNOWN","critic_result":null,"summary":"Build session URL from environment","kind":"ActionEvent"}`
	fixtureObservation = `{"id":"d4f6dce6-2c6f-4559-8481-8b07ce1e775e","timestamp":"2026-06-16T05:39:49.105230","source":"environment","tool_name":"terminal","tool_call_id":"x",
"observation":{"content":[{"cache_prompt":false,"type":"text","text":"Cannot execute multiple commands at once.\nPlease run each command separately"}],"is_error":true,"command":"x","exit_code":null,"timeout":false,
"metadata":{"exit_code":-1,"pid":-1},"kind":"TerminalObservation"},"action_id":"e54cbba2-3be2-4494-aa13-83af6044c5a7","kind":"ObservationEvent"}`
)

func TestSummaries(t *testing.T) {
	cases := []struct {
		name, json, want string
		quiet, failed    bool
	}{
		{"action (fixture C)", fixtureAction, `→ terminal: $ SESSION_URL="${AUTOMATION_SESSION_URL}"`, false, false},
		{"observation error (fixture D)", fixtureObservation, "← terminal [error]: Cannot execute multiple commands at once.", false, true},
		{"user message", `{"id":"a","timestamp":"t","source":"user","kind":"MessageEvent","llm_message":{"role":"user","content":[{"type":"text","text":"\n\nsay hi\nmore"},{"type":"image","image_urls":["u1","u2"]}]}}`, "user> say hi [image×2]", false, false},
		{"agent message", `{"id":"a","timestamp":"t","source":"agent","kind":"MessageEvent","llm_message":{"role":"assistant","content":[{"type":"text","text":"Done."}]}}`, "agent> Done.", false, false},
		{"file edit", `{"id":"a","timestamp":"t","source":"agent","kind":"ActionEvent","tool_name":"file_editor","security_risk":"HIGH","action":{"kind":"FileEditorAction","command":"str_replace","path":"/w/a.go"}}`, "→ file_editor: edit /w/a.go  [risk HIGH]", false, false},
		{"finish", `{"id":"a","timestamp":"t","source":"agent","kind":"ActionEvent","tool_name":"finish","action":{"kind":"FinishAction","message":"All done"}}`, "→ finish: finish: All done", false, false},
		{"unknown action uses LLM summary", `{"id":"a","timestamp":"t","source":"agent","kind":"ActionEvent","tool_name":"browser","summary":"open docs","action":{"kind":"BrowserNavigateAction","url":"x"}}`, "→ browser: open docs", false, false},
		{"exit code", `{"id":"a","timestamp":"t","source":"environment","kind":"ObservationEvent","tool_name":"terminal","observation":{"kind":"TerminalObservation","exit_code":2,"content":[{"type":"text","text":"make: *** Error 2"}]}}`, "← terminal [exit 2]: make: *** Error 2", false, true},
		{"reject", `{"id":"a","timestamp":"t","source":"environment","kind":"UserRejectObservation","tool_name":"terminal","rejection_reason":"no way"}`, "✗ rejected terminal: no way", false, false},
		{"agent error", `{"id":"a","timestamp":"t","source":"agent","kind":"AgentErrorEvent","tool_name":"terminal","error":"Command failed\ntrace"}`, "! terminal: Command failed", false, true},
		{"conversation error (fixture F)", `{"id":"a","timestamp":"t","source":"environment","code":"AuthenticationError","detail":"litellm.AuthenticationError: bad key","kind":"ConversationErrorEvent"}`, "‼ AuthenticationError: litellm.AuthenticationError: bad key", false, true},
		{"status", `{"id":"a","timestamp":"t","source":"environment","key":"execution_status","value":"running","kind":"ConversationStateUpdateEvent"}`, "status: running", true, false},
		{"other state", `{"id":"a","timestamp":"t","source":"environment","key":"agent_state","value":{},"kind":"ConversationStateUpdateEvent"}`, "state.agent_state changed", true, false},
		{"pause", `{"id":"a","timestamp":"t","source":"user","kind":"PauseEvent"}`, "⏸ paused by user", false, false},
		{"interrupt", `{"id":"a","timestamp":"t","source":"user","kind":"InterruptEvent"}`, "⏹ interrupted", false, false},
		{"system prompt", `{"id":"a","timestamp":"t","source":"agent","kind":"SystemPromptEvent","system_prompt":{"type":"text","text":"x"},"tools":[{},{},{}]}`, "system prompt (3 tools)", true, false},
		{"condensation", `{"id":"a","timestamp":"t","source":"environment","kind":"Condensation","forgotten_event_ids":["a","b"]}`, "history condensed (2 events dropped)", false, false},
		{"condensation summary", `{"id":"a","timestamp":"t","source":"environment","kind":"CondensationSummaryEvent","summary":"so far\nmore"}`, "summary: so far", false, false},
		{"hook blocked", `{"id":"a","timestamp":"t","source":"hook","kind":"HookExecutionEvent","hook_event_type":"PreToolUse","blocked":true,"success":false,"reason":"policy"}`, "hook PreToolUse BLOCKED: policy", false, true},
		{"hook ok", `{"id":"a","timestamp":"t","source":"hook","kind":"HookExecutionEvent","hook_event_type":"Stop","success":true}`, "hook Stop ok", false, false},
		{"acp", `{"id":"a","timestamp":"t","source":"agent","kind":"ACPToolCallEvent","title":"Read file","status":"completed","content":[{"x":1}]}`, "→ Read file [completed]", false, false},
		{"tokens", `{"id":"a","timestamp":"t","source":"agent","kind":"TokenEvent","prompt_token_ids":[1,2],"response_token_ids":[3]}`, "tokens: 2 prompt, 1 response", true, false},
		{"unknown kind", `{"id":"a","timestamp":"t","source":"agent","kind":"ClientAction_deploy","whatever":{"deep":[1]}}`, "ClientAction_deploy (agent)", false, false},
		{"field of an unexpected type", `{"id":"a","timestamp":"t","source":"agent","kind":"ActionEvent","tool_name":"x","summary":{"not":"a string"}}`, "→ x", false, false},
		{"hostile message", `{"id":"a","timestamp":"t","source":"agent","kind":"MessageEvent","llm_message":{"role":"assistant","content":[{"type":"text","text":"\u001b[2J\u001b]0;pwned\u0007\u001b]8;;http://evil/\u001b\\click\u001b]8;;\u001b\\ \u001b]52;c;cHduZWQ=\u0007\u001b[31mred\u001b[0m \ud83d \u202eevil"}]}}`, "agent> click red � evil", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := decodeEvent([]byte(tc.json), 0)
			if err != nil {
				t.Fatal(err)
			}
			ev := d.ev
			if ev.Summary != tc.want || ev.Quiet != tc.quiet || ev.Failed != tc.failed {
				t.Errorf("got %q quiet=%v failed=%v, want %q quiet=%v failed=%v", ev.Summary, ev.Quiet, ev.Failed, tc.want, tc.quiet, tc.failed)
			}
			if ev.Raw != nil {
				t.Error("raw kept without asking")
			}
		})
	}
}

func TestDecodeRejectsWhatCannotBeDeduplicated(t *testing.T) {
	for _, in := range []string{`{oops`, `[]`, `{"kind":"MessageEvent"}`, `{"id":"a b","timestamp":"t"}`, `{"id":"a","timestamp":"t\u001b"}`, `null`} {
		if _, err := decodeEvent([]byte(in), 0); err == nil {
			t.Errorf("%s decoded", in)
		}
	}
}

func TestDecodeKeepsRawUpToCap(t *testing.T) {
	d, err := decodeEvent([]byte(fixtureObservation), maxRaw)
	if err != nil || string(d.ev.Raw) != fixtureObservation || d.ev.RawSize != len(fixtureObservation) {
		t.Fatalf("raw %d/%d %v", len(d.ev.Raw), d.ev.RawSize, err)
	}
	if d.ev.Time.IsZero() || d.ev.Timestamp != "2026-06-16T05:39:49.105230" {
		t.Errorf("time %v ts %q", d.ev.Time, d.ev.Timestamp)
	}
	d, _ = decodeEvent([]byte(fixtureObservation), 100)
	if d.ev.Raw != nil || d.ev.RawSize != len(fixtureObservation) {
		t.Error("raw over the cap kept")
	}
}

func TestStateUpdatesFeedStatusAndUsage(t *testing.T) {
	d, _ := decodeEvent([]byte(`{"id":"s","timestamp":"t","source":"environment","kind":"ConversationStateUpdateEvent","key":"full_state",
"value":{"execution_status":"waiting_for_confirmation","stats":{"usage_to_metrics":{"a":{"accumulated_cost":0.5,"accumulated_token_usage":{"prompt_tokens":3,"completion_tokens":4}}}}}}`), 0)
	if d.status != backend.ExecWaitingForConfirmation || d.stats == nil || d.stats.cost != 0.5 || d.stats.tokens.Completion != 4 {
		t.Errorf("full_state: %+v %+v", d.status, d.stats)
	}
}

func TestHugeObservationSummaryIsSmall(t *testing.T) {
	big := strings.Repeat("x", 5<<20)
	raw := `{"id":"a","timestamp":"t","source":"environment","kind":"ObservationEvent","tool_name":"terminal","observation":{"kind":"TerminalObservation","exit_code":0,"content":[{"type":"text","text":"` + big + `"}]}}`
	d, err := decodeEvent([]byte(raw), maxRaw)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.ev.Summary) > maxSummary || !utf8.ValidString(d.ev.Summary) || d.ev.Raw != nil || d.ev.RawSize != len(raw) {
		t.Errorf("summary %d bytes, raw %d", len(d.ev.Summary), len(d.ev.Raw))
	}
}

func TestKindFilter(t *testing.T) {
	if got := KindFilter("MessageEvent"); got != "openhands.sdk.event.llm_convertible.message.MessageEvent" {
		t.Error(got)
	}
	if got := KindFilter("PauseEvent"); got != "openhands.sdk.event.user_action.PauseEvent" {
		t.Error(got)
	}
	if got := KindFilter("a.b.C"); got != "a.b.C" {
		t.Error(got)
	}
}

func FuzzDecodeEvent(f *testing.F) {
	for _, s := range []string{fixtureAction, fixtureObservation, `{"id":"a","timestamp":"t","kind":"StreamingDeltaEvent","content":"x"}`, `{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := decodeEvent(b, maxRaw)
		if err != nil {
			return
		}
		for _, s := range []string{d.ev.Summary, d.ev.Kind, d.ev.Source} {
			if !utf8.ValidString(s) || strings.ContainsAny(s, "\x1b\x07\r\n\u009b") {
				t.Fatalf("unsafe text %q", s)
			}
		}
	})
}
