package backend

import (
	"strings"
	"testing"
)

var sampleEvent = []byte(`{"id":"0a1b2c3d-1111-2222-3333-444455556666","timestamp":"2026-12-06T12:00:00.123456","source":"agent","kind":"ActionEvent","thought":[{"type":"text","text":"` + strings.Repeat("I will run the tests and look at the output carefully. ", 20) + `"}],"action":{"kind":"ExecuteBashAction","command":"go test ./... 2>&1 | tail -5","is_input":false,"timeout":null},"tool_name":"execute_bash","tool_call_id":"toolu_01ABCDEFGHIJKLMNOPQRSTUV","security_risk":"LOW","llm_response_id":"chatcmpl-0123456789abcdef"}`)

// BenchmarkMaskJSON masks a typical 1.5 KiB action event that holds no credential.
func BenchmarkMaskJSON(b *testing.B) {
	b.SetBytes(int64(len(sampleEvent)))
	for b.Loop() {
		MaskJSON(sampleEvent)
	}
}
