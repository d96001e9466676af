package clientkit

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sanitize"
)

func TestErrorBodiesAreSanitisedAndMasked(t *testing.T) {
	key := backend.NewSecret("errbody-session-key-77aa88bb")
	bodies := []string{
		`{"detail":"bad \u009b2J \u202eevil\u202c \u2066x\u2069 ` + key.Reveal() + `"}`,
		`{"detail":[{"msg":"\u009b31m \u202e ` + key.Reveal() + `"}]}`,
		"plain \xc2\x9b2J \xe2\x80\xae \x1b]0;t\x07 body " + key.Reveal(),
		"\"\u0085 quoted \u200f\"",
	}
	for _, b := range bodies {
		resp := &http.Response{StatusCode: 500, Body: io.NopCloser(strings.NewReader(b))}
		msg := statusError(Call{Op: "get"}, resp).Error()
		if strings.Contains(msg, key.Reveal()) {
			t.Errorf("%q: error shows the key: %q", b, msg)
		}
		for i := 0; i < len(msg); {
			r, size := utf8.DecodeRuneInString(msg[i:])
			if sanitize.UnsafeRune(r) || (r == utf8.RuneError && size == 1) {
				t.Errorf("%q: error keeps %U: %q", b, r, msg)
			}
			i += size
		}
	}
}
