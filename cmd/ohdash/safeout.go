package main

import (
	"strings"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sanitize"
)

// safeMessage prepares a diagnostic for stderr. Errors quote what servers,
// containers and users sent (an id, an error body, a URL): every line is
// sanitised, so no escape sequence reaches the terminal, and masked, so no
// credential does. Line breaks of a joined error are kept.
func safeMessage(s string) string {
	if !strings.Contains(s, "\n") {
		return backend.SafeText(s)
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = backend.SafeText(l)
	}
	return strings.Join(lines, "\n")
}

// terminalSafeJSON escapes, in JSON printed as received from a server
// (`events --json`), the characters encoding/json would have escaped
// anyway or that a terminal acts on: C1 controls, bidi overrides, DEL and
// invalid UTF-8 become \uXXXX escapes. The JSON means exactly the same.
func terminalSafeJSON(b []byte) []byte { return sanitize.EscapeJSON(nil, b) }
