package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"time"

	"github.com/ohdash/ohdash/backend/sanitize"
)

// DefaultHookTimeout bounds one run of the hook command.
const DefaultHookTimeout = 10 * time.Second

// Hook is a channel that runs a command with the alert as one JSON object
// on its stdin. The command line is argv from the configuration, run
// without a shell: nothing in an alert ever reaches an argument. Its
// output is discarded; a non-zero exit or a timeout is the channel's
// error (logged by the dispatcher).
type Hook struct {
	Argv    []string
	Timeout time.Duration
}

// Name is "command".
func (h Hook) Name() string { return "command" }

// errNoCommand is a hook without a command line.
var errNoCommand = errors.New("alert command: empty command line")

// Send runs the command once, killing it at the timeout.
func (h Hook) Send(ctx context.Context, a Alert) error {
	if len(h.Argv) == 0 {
		return errNoCommand
	}
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = DefaultHookTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	body, err := JSON(a)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, h.Argv[0], h.Argv[1:]...)
	ownGroup(cmd)
	cmd.Stdin = bytes.NewReader(append(body, '\n'))
	// Output is discarded (nil: /dev/null), so no pipe keeps Wait waiting
	// on a child the command left behind; WaitDelay covers the rest.
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("alert command %s: %w", h.Argv[0], err)
	}
	return nil
}

// JSON is the alert as one line of JSON with the stable field names,
// cleaned and with every control character escaped: what the hook reads
// and `ohdash watch --json` prints.
func JSON(a Alert) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(a.Clean()); err != nil {
		return nil, fmt.Errorf("alert: %w", err)
	}
	return sanitize.EscapeJSON(nil, bytes.TrimRight(buf.Bytes(), "\n")), nil
}
