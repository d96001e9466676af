package urls

import "testing"

// TestFaultLinkRefusesHostileTargets: only plain http(s) URLs become OSC 8
// targets; anything that could end the sequence early or act on the
// terminal is refused.
func TestFaultLinkRefusesHostileTargets(t *testing.T) {
	for _, raw := range []string{
		"http://evil.example/\x1b]8;;http://x\a", "http://a/\x1b\\", "http://a/\a", "http://a/\u009b2J",
		"http://a/\u202eevil", "javascript:alert(1)", "file:///etc/passwd", "http:///nohost", "mailto:a@b",
		"http://a/\n", "http://a/" + string(make([]byte, 3000)),
	} {
		if got, ok := Link(raw); ok {
			t.Errorf("Link(%q) = %q, want refused", raw, got)
		}
	}
	for raw, want := range map[string]string{
		"http://localhost:32768":         "http://localhost:32768",
		"https://host.example/a b?x=1;y": "https://host.example/a%20b?x=1;y",
	} {
		if got, ok := Link(raw); !ok || got != want {
			t.Errorf("Link(%q) = %q, %v; want %q", raw, got, ok, want)
		}
	}
}
