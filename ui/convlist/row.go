package convlist

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sanitize"
)

// row is one conversation with its display text worked out once, when the
// list arrives, so a frame only fits strings into cells.
type row struct {
	c backend.Conversation
	// title is the sanitised title, or "" when the conversation has none
	// (the cell then shows the short id).
	title   string
	shortID string
	model   string
	sandbox string
	// titleKey is the lower-cased display title, for sorting.
	titleKey string
	// hay is what the filter searches, lower-cased.
	hay string
}

// The backends sanitise what they read from a server (agentserver and
// nestedv0 pass titles through clientkit.SanitizeLine), but a Conversation
// can come from anywhere (a fake, a future backend, a cache), and a title
// with an escape sequence would take over the terminal. Sanitising again is
// free for the plain ASCII that titles almost always are.
const maxTitle = 200

func newRow(c backend.Conversation) *row {
	r := &row{
		c:       c,
		title:   clean(c.Title, maxTitle),
		shortID: shortID(clean(c.ID, 64)),
		model:   shortModel(clean(c.Model, 120)),
		sandbox: clean(c.SandboxID, 120),
	}
	r.titleKey = strings.ToLower(r.display())
	r.hay = strings.ToLower(strings.Join([]string{
		r.title, clean(c.ID, 64), clean(c.Model, 120), r.sandbox, string(c.Status), clean(c.RawStatus, 40),
	}, "\x00"))
	return r
}

// clean makes untrusted text one terminal-safe line: line breaks become
// spaces (a title is one line, and "\r" must not move the cursor back over
// what came before), colour and every other control or escape sequence go.
func clean(s string, limit int) string {
	if len(s) > 4*limit {
		s = s[:4*limit]
	}
	if strings.ContainsAny(s, "\r\n") {
		s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	}
	out, _ := sanitize.String(s, sanitize.Options{StripColor: true, Literal: true})
	out = strings.TrimSpace(out)
	if len(out) > limit {
		out = truncate(out, limit)
	}
	return out
}

// truncate cuts s to at most limit bytes on a rune boundary.
func truncate(s string, limit int) string {
	for limit > 0 && limit < len(s) && s[limit]&0xC0 == 0x80 {
		limit--
	}
	return s[:limit] + "…"
}

// shortID is what stands in for a missing title: the first block of the
// UUID, as OpenHands shows it.
func shortID(id string) string {
	if i := strings.IndexByte(id, '-'); i > 0 {
		return id[:i]
	}
	if len(id) > 8 {
		return truncate(id, 8)
	}
	return id
}

// shortModel drops the provider path ("litellm_proxy/anthropic/…"): the
// cell has room for the model's own name, which is the part people tell
// apart. The filter still searches the full name.
func shortModel(m string) string {
	if i := strings.LastIndexByte(m, '/'); i >= 0 && i < len(m)-1 {
		return m[i+1:]
	}
	return m
}

// contentWidths are the widest cells of the columns whose content is short
// and uneven, so the layout gives them what they need and the title the
// rest. They are measured when rows arrive, never per frame.
type contentWidths struct {
	status, model, sandbox int
}

func (w contentWidths) grow(r *row) contentWidths {
	word := string(r.c.Status)
	if word == "" {
		word = "unknown"
	}
	w.status = max(w.status, 2+ansi.StringWidth(word)) // glyph, space, word
	w.model = max(w.model, ansi.StringWidth(r.model))
	w.sandbox = max(w.sandbox, ansi.StringWidth(r.sandbox))
	return w
}
