package wire

import (
	"encoding/json"
	"testing"
	"time"
)

func TestEncodingLikePython(t *testing.T) {
	o := Obj{
		{"id", "x"},
		{"none", nil},
		{"nested", Obj{{"a", nil}, {"b", []any{nil, 1}}}},
		{"f", 0.0},
		{"g", 1e-05},
		{"h", 123456789.0},
		{"i", 1e16},
		{"text", "é \"q\" \\ \n\t\x1b\x7f"},
		{"m", map[string]any{"z": 1, "a": nil}},
	}
	full := string(Marshal(o))
	want := `{"id":"x","none":null,"nested":{"a":null,"b":[null,1]},"f":0.0,"g":1e-05,"h":123456789.0,"i":1e+16,` +
		`"text":"é \"q\" \\ \n\t\u001b` + "\x7f" + `","m":{"a":null,"z":1}}`
	if full != want {
		t.Errorf("Marshal:\n got %s\nwant %s", full, want)
	}
	compact := string(MarshalCompact(o))
	wantCompact := `{"id":"x","nested":{"b":[null,1]},"f":0.0,"g":1e-05,"h":123456789.0,"i":1e+16,` +
		`"text":"é \"q\" \\ \n\t\u001b` + "\x7f" + `","m":{"z":1}}`
	if compact != wantCompact {
		t.Errorf("MarshalCompact:\n got %s\nwant %s", compact, wantCompact)
	}
	if !json.Valid([]byte(full)) || !json.Valid([]byte(compact)) {
		t.Errorf("invalid JSON")
	}
	// Invalid UTF-8 passes through; Verbatim is not escaped.
	raw := Marshal(Obj{{"a", "\xff"}, {"b", Verbatim(`\ud83d`)}})
	if string(raw) != "{\"a\":\"\xff\",\"b\":\"\\ud83d\"}" {
		t.Errorf("raw bytes: %q", raw)
	}
}

func TestClockAndTimestamps(t *testing.T) {
	fixed := time.Date(2026, 6, 16, 5, 39, 18, 0, time.UTC)
	c := NewClock(func() time.Time { return fixed })
	a, b := c.Next(), c.Next()
	if !b.After(a) || b.Sub(a) != time.Microsecond {
		t.Errorf("clock not strictly increasing: %v %v", a, b)
	}
	if got := NaiveISO(a, time.UTC); got != "2026-06-16T05:39:18" {
		t.Errorf("zero fraction: %s", got)
	}
	if got := NaiveISO(b, time.UTC); got != "2026-06-16T05:39:18.000001" {
		t.Errorf("fraction: %s", got)
	}
	if got := UTCISO(b.In(time.FixedZone("x", 3600))); got != "2026-06-16T05:39:18.000001Z" {
		t.Errorf("UTCISO: %s", got)
	}
}

func TestNormalizeToServer(t *testing.T) {
	berlin := time.FixedZone("CEST", 2*3600)
	cases := []struct{ in, want string }{
		{"2026-06-16T05:39:18.809928", "2026-06-16T05:39:18.809928"}, // naive: taken as local
		{"2026-06-16T05:39:18.000000", "2026-06-16T05:39:18"},        // isoformat drops a zero fraction
		{"2026-06-16 05:39", "2026-06-16T05:39:00"},
		{"2026-06-16T03:39:18Z", "2026-06-16T05:39:18"}, // aware: converted to server time
		{"2026-06-16T05:39:18+02:00", "2026-06-16T05:39:18"},
		{"2026-06-16", "2026-06-16T00:00:00"},
	}
	for _, c := range cases {
		got, err := NormalizeToServer(c.in, berlin)
		if err != nil || got != c.want {
			t.Errorf("%s: %q %v, want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"yesterday", "2026-13-01", "2026-06-16T25:00"} {
		if _, err := NormalizeToServer(bad, berlin); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestUUIDs(t *testing.T) {
	id := NewUUID()
	if len(id) != 36 || id[14] != '4' {
		t.Fatalf("NewUUID %s", id)
	}
	for _, in := range []string{id, Hex(id), "{" + id + "}", "urn:uuid:" + id} {
		if got, ok := ParseUUID(in); !ok || got != id {
			t.Errorf("ParseUUID(%s) = %s %v", in, got, ok)
		}
	}
	for _, bad := range []string{"", "nope", id[:35], id + "0", "0123456789abcdef0123456789abcdeg"} {
		if _, ok := ParseUUID(bad); ok {
			t.Errorf("ParseUUID(%q) accepted", bad)
		}
	}
}

func TestKeys(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	k, err := KeysFromEnv(env(map[string]string{"OH_SESSION_API_KEYS_0": "a", "OH_SESSION_API_KEYS_1": "b", "SESSION_API_KEY": "c"}))
	if err != nil || len(k) != 2 || !k.Allows("b") || k.Allows("c") || k.Allows("") {
		t.Errorf("indexed keys: %v %v", k, err)
	}
	k, _ = KeysFromEnv(env(map[string]string{"OH_SESSION_API_KEYS": `["x","y"]`}))
	if !k.Allows("y") {
		t.Errorf("JSON list: %v", k)
	}
	if _, err := KeysFromEnv(env(map[string]string{"OH_SESSION_API_KEYS": `x`})); err == nil {
		t.Errorf("bad JSON list accepted")
	}
	k, _ = KeysFromEnv(env(map[string]string{"SESSION_API_KEY": "legacy"}))
	if !k.Allows("legacy") {
		t.Errorf("legacy fallback: %v", k)
	}
	k, _ = KeysFromEnv(env(nil))
	if k.Enabled() || !k.Allows("anything") {
		t.Errorf("no keys must switch auth off")
	}
}
