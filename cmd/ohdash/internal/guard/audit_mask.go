package guard

import (
	"encoding/json"
	"fmt"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sanitize"
)

// marshalEntry encodes e as one audit line. Targets, details and errors
// quote what servers and users sent: each is sanitised (the log is read
// with cat and tail) and masked (a session key in an error body, a token
// in a message sent to an agent); the JSON then has the characters
// encoding/json leaves raw but a terminal acts on escaped.
func marshalEntry(e Entry) ([]byte, error) {
	for _, p := range []*string{&e.Backend, &e.Action, &e.Target, &e.Sandbox, &e.Detail, &e.Error, &e.User, &e.SSHClient} {
		*p = backend.SafeText(*p)
	}
	line, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	return sanitize.EscapeJSON(nil, line), nil
}
