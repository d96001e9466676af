package backend

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestSecretNeverPrintsValue(t *testing.T) {
	const key = "s3cr3t-session-key-abcd"
	s := NewSecret(key)
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "key", s)
	js, err := json.Marshal(struct{ K Secret }{s})
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{
		"String": s.String(), "%v": fmt.Sprintf("%v", s), "%+v": fmt.Sprintf("%+v", struct{ K Secret }{s}),
		"%#v": fmt.Sprintf("%#v", s), "json": string(js), "slog": logged.String(),
	} {
		if strings.Contains(out, "s3cr3t") {
			t.Errorf("%s leaks the secret: %q", name, out)
		}
		if !strings.Contains(out, "abcd") {
			t.Errorf("%s should keep the last 4 characters to tell keys apart: %q", name, out)
		}
	}
	if s.Reveal() != key {
		t.Errorf("Reveal = %q", s.Reveal())
	}
	if got := NewSecret("short").String(); got != "••••" {
		t.Errorf("short secret masked as %q", got)
	}
}

func TestMaskURL(t *testing.T) {
	cases := []struct{ in, want string }{
		{"http://localhost:8001/?tkn=abcdefghijklmnop&folder=/workspace/project", "http://localhost:8001/?tkn=••••mnop&folder=/workspace/project"},
		{"http://localhost:8000", "http://localhost:8000"},
		{"ws://h/sockets/events/x?resend_all=true&session_api_key=0123456789abcdef", "ws://h/sockets/events/x?resend_all=true&session_api_key=••••cdef"},
		{"https://user:pw@host/x", "https://user:••••@host/x"},
	}
	for _, c := range cases {
		if got := MaskURL(c.in); got != c.want {
			t.Errorf("MaskURL(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestBackoffGrowsToMaxWithJitterBelow(t *testing.T) {
	b := &Backoff{Min: time.Second, Max: 30 * time.Second}
	want := []time.Duration{1, 2, 4, 8, 16, 30, 30}
	for i, w := range want {
		if got := b.Next(); got != w*time.Second {
			t.Fatalf("attempt %d: %v, want %v", i, got, w*time.Second)
		}
	}
	b.Reset()
	if got := b.Next(); got != time.Second {
		t.Fatalf("after Reset: %v", got)
	}
	j := NewBackoff()
	for range 50 {
		if d := j.Next(); d > 30*time.Second || d < 800*time.Millisecond {
			t.Fatalf("jittered delay out of range: %v", d)
		}
	}
}

func TestSendLatestReplacesUnread(t *testing.T) {
	ch := make(chan int, 1)
	for i := range 5 {
		SendLatest(ch, i)
	}
	if got := <-ch; got != 4 {
		t.Fatalf("got %d, want newest 4", got)
	}
	select {
	case v := <-ch:
		t.Fatalf("unexpected backlog %d", v)
	default:
	}
}

func TestConnStateDescribe(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	c := ConnState{Phase: ConnReconnecting, NextRetry: now.Add(4200 * time.Millisecond)}
	if got := c.Describe(now); got != "reconnecting in 4s" {
		t.Errorf("got %q", got)
	}
	if got := (ConnState{Phase: ConnLive}).Describe(now); got != "live" {
		t.Errorf("got %q", got)
	}
}

// Mask shows a key's last four characters only when they are plain text:
// half a rune or an escape sequence would reach the output raw.
func TestMaskNeverShowsAnUnsafeTail(t *testing.T) {
	cases := map[string]string{
		"sk-abcdefghijklmnop":       "••••mnop",
		"sk-abcdefghijklmn€€":       "••••",
		"sk-abcdefghijklmno\x1b[2J": "••••",
		"short":                     "••••",
		"sk-abcdefghijklmno x y z":  "••••",
	}
	for in, want := range cases {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}
