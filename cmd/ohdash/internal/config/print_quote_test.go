package config

import (
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/ohdash/ohdash/backend/sanitize"
)

// What `ohdash config` prints is offered as a file to save: a value with
// an escape, a C1 control, a bidi override or a quote must come out as
// TOML that reads back as the same value, and nothing raw reaches the
// terminal. strconv.Quote wrote "\x1b", which TOML rejects.
func TestTOMLQuoteReadsBackAndIsTerminalSafe(t *testing.T) {
	for _, v := range []string{
		"plain", `say "hi" \ bye`, "esc\x1b]0;title\x07", "c1\u009b2J", "bidi\u202eevil",
		"tab\tnew\nline", "zero\u200bwidth", "del\x7f", "日本語 ok",
	} {
		q := tomlQuote(v)
		if err := sanitize.Verify(q); err != nil {
			t.Errorf("tomlQuote(%q) = %q is not terminal-safe: %v", v, q, err)
		}
		var got struct{ K string }
		if _, err := toml.Decode("k = "+q, &got); err != nil {
			t.Errorf("tomlQuote(%q) = %q is not TOML: %v", v, q, err)
			continue
		}
		if got.K != v {
			t.Errorf("tomlQuote(%q) reads back as %q", v, got.K)
		}
	}
	if q := tomlQuote("bad\xffutf8"); !strings.Contains(q, "\uFFFD") {
		t.Errorf("invalid UTF-8 not replaced: %q", q)
	}
}
