package remote

import (
	"strings"
	"testing"
	"time"
)

// What the API says about a sandbox's state (pod_status, restart reasons)
// reaches the record, and so the state file and every view, sanitised and
// with credentials masked: never an escape sequence, never a key.
func TestEntryStoresSafeStatusText(t *testing.T) {
	const key = "entrySafeSessKey-5Wd3Rt8Y"
	now := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	var e entry
	e.observe(runtimeInfo{
		SessionID: "sb1", RuntimeID: "rt1", Status: "running", PodStatus: "ready\x1b]0;pwned\x07",
		SessionAPIKey: key, RestartCount: 1,
		RestartReasons: []string{"OOMKilled \x1b]52;c;cHduZWQ=\x07 key " + key + " \u202eevil \u009b2J"},
	}, now)
	e.settle(now, time.Minute)
	for name, v := range map[string]string{"raw_state": e.rec.RawState, "status_detail": e.rec.StatusDetail} {
		for _, bad := range []string{"\x1b", "\a", "\u202e", "\u009b", "pwned", "cHduZWQ=", key} {
			if strings.Contains(v, bad) {
				t.Errorf("%s stores %q: %q", name, bad, v)
			}
		}
	}
	if !strings.Contains(e.rec.StatusDetail, "OOMKilled") || e.rec.RawState != "running/ready" {
		t.Errorf("the status text itself was lost: %q, %q", e.rec.RawState, e.rec.StatusDetail)
	}
}
