package remote

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sanitize"
)

func TestRuntimeErrorBodiesAreSanitised(t *testing.T) {
	key := backend.NewSecret("remote-err-key-5566778899")
	for _, body := range []string{
		`{"detail":"no \u009b2J \u202eevil ` + key.Reveal() + `"}`,
		"raw \xc2\x9b2J \xe2\x80\xae \x1b]52;c;SGVsbG8=\x07 " + key.Reveal(),
	} {
		e := &APIError{Method: "GET", Path: "/list", Status: 500, Detail: detailOf([]byte(body))}
		msg := e.Error()
		if strings.Contains(msg, key.Reveal()) || strings.Contains(msg, "SGVsbG8") {
			t.Errorf("%q: %q", body, msg)
		}
		for _, r := range msg {
			if sanitize.UnsafeRune(r) || r == utf8.RuneError {
				t.Errorf("%q: error keeps %U: %q", body, r, msg)
			}
		}
	}
}

func TestPlausibleIDs(t *testing.T) {
	for _, ok := range []string{"abc", "7Hk2mZp9QxL1vR8sT4uW6y", "0123456789abcdef0123456789abcdef", "rt-1.a_b:c"} {
		if err := plausibleID(ok); err != nil {
			t.Errorf("plausibleID(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "a b", "x\x1b]52;c;AAA\x07", "id\x1b[2J", "\u202eevil", "a\u009bb", "a\xffb", strings.Repeat("a", 257), "a/b", "a\"b"} {
		if err := plausibleID(bad); !errors.Is(err, backend.ErrInvalidID) {
			t.Errorf("plausibleID(%q) accepted", bad)
		}
	}
}

func TestImplausibleIDsRefusedAtTheEdge(t *testing.T) {
	b, err := New(Options{URL: "http://127.0.0.1:1", APIKey: backend.NewSecret("k")})
	if err != nil {
		t.Fatal(err)
	}
	evil := `x\u001b]52;c;cHduZWQ=\u0007\u001b[2J`
	body := `{"runtimes":[` +
		`{"runtime_id":"rt-ok","session_id":"good1","status":"running","pod_status":"ready"},` +
		`{"runtime_id":"rt-2","session_id":"` + evil + `","status":"running","pod_status":"ready"},` +
		`{"runtime_id":"rt\u202e3","session_id":"good3","status":"running","pod_status":"ready"}]}`
	b.mu.Lock()
	bad, fatal := b.applyListLocked([]byte(body), time.Now())
	ids := make([]string, 0, len(b.known))
	for id := range b.known {
		ids = append(ids, id)
	}
	b.mu.Unlock()
	if fatal != nil || !errors.Is(bad, backend.ErrInvalidID) {
		t.Fatalf("bad = %v, fatal = %v: want the implausible ids reported", bad, fatal)
	}
	if len(ids) != 1 || ids[0] != "good1" {
		t.Fatalf("stored ids %q, want only good1", ids)
	}
	if strings.ContainsAny(bad.Error(), "\x1b\x07\u202e") {
		t.Fatalf("the report quotes the escape raw: %q", bad.Error())
	}
}
