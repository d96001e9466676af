package prune

import (
	"fmt"
	"strings"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// ParseWords reads a policy typed as words, the dashboard's form of
// `ohdash prune`'s flags: "status=ERROR,MISSING older=24h backend=local".
// idle= is refused: idleness is measured by reading every sandbox's last
// log line and conversations, which ohdash prune does and a keystroke in
// the dashboard must not.
func ParseWords(text string) (Policy, error) {
	p := Policy{Action: backend.ActionDelete}
	words := strings.Fields(text)
	if len(words) == 0 {
		return p, ErrNoRule
	}
	for _, w := range words {
		name, val, ok := strings.Cut(w, "=")
		if !ok || val == "" {
			return p, fmt.Errorf("%q: want name=value (status=, older=, backend=)", clip(w))
		}
		switch strings.ToLower(name) {
		case "status":
			for _, s := range strings.Split(val, ",") {
				st := backend.Status(strings.ToUpper(strings.TrimSpace(s)))
				switch st {
				case backend.StatusRunning, backend.StatusPaused, backend.StatusError, backend.StatusMissing, backend.StatusStarting:
					p.Statuses = append(p.Statuses, st)
				default:
					return p, fmt.Errorf("status %q: one of RUNNING, PAUSED, ERROR, MISSING, STARTING", clip(s))
				}
			}
		case "older", "older-than", "older_than":
			d, err := time.ParseDuration(val)
			if err != nil || d <= 0 {
				return p, fmt.Errorf("older=%s: want a positive duration such as 24h", clip(val))
			}
			p.OlderThan = d
		case "backend":
			p.Backends = append(p.Backends, strings.Split(val, ",")...)
		case "idle":
			return p, fmt.Errorf("idle= is measured by 'ohdash prune --idle' (it reads every sandbox's logs and conversations); here: status=, older=, backend=")
		default:
			return p, fmt.Errorf("%q: not a rule (status=, older=, backend=)", clip(name))
		}
	}
	return p, p.Validate()
}

// clip keeps an echoed word short and printable.
func clip(s string) string {
	if len(s) > 24 {
		s = s[:24] + "…"
	}
	return backend.SafeText(s)
}
