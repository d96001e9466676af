package guard

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Entry is one line of the audit log (JSON Lines). Field names are stable:
// scripts and log shippers read them.
type Entry struct {
	Time time.Time `json:"time"`
	// User is the OS user that ran ohdash; SSHClient is the address it
	// connected from when it came in over SSH.
	User      string `json:"user"`
	SSHClient string `json:"ssh_client,omitempty"`
	PID       int    `json:"pid"`
	// Origin is "cli" for a command, "dashboard" for the UI.
	Origin  string `json:"origin"`
	Backend string `json:"backend"`
	// Action is the stable action name ("sandbox.pause",
	// "conversation.send").
	Action string `json:"action"`
	// Target is the sandbox or conversation acted on (for a start, the new
	// sandbox once it exists).
	Target string `json:"target,omitempty"`
	// Sandbox is the sandbox of a conversation action.
	Sandbox string `json:"sandbox,omitempty"`
	Detail  string `json:"detail,omitempty"`
	// OpID links the lines of one action: its "intent" line, written
	// before the action reaches a backend, and its outcome line.
	OpID string `json:"op_id,omitempty"`
	// Result is "intent" (about to act), then "ok", "error" or
	// "interrupted" (a signal cut the action short: it may have happened);
	// or "refused" on its own (read-only mode, or an action that does not
	// fit the current state).
	Result     string `json:"result"`
	Error      string `json:"error,omitempty"`
	DurationMS int64  `json:"duration_ms"`
	// ExitCode is the exit code of a command run in a sandbox
	// (sandbox.exec), on its outcome line.
	ExitCode *int `json:"exit_code,omitempty"`
}

// Results of an action.
const (
	ResultIntent      = "intent"
	ResultOK          = "ok"
	ResultError       = "error"
	ResultInterrupted = "interrupted"
	ResultRefused     = "refused"
)

// maxField bounds a free-text field of an entry (an error, a target), so
// one line stays one small write however long a server's answer was.
const maxField = 2048

// Audit appends entries to a file, one JSON object per line, each in a
// single write to a file opened for appending and synced before Record
// returns, so several ohdash processes can share one log without
// interleaving lines, and an entry outlives a crash that follows it.
type Audit struct {
	path   string
	origin string
	who    Identity

	mu sync.Mutex
	f  *os.File
}

// Identity is who is acting.
type Identity struct {
	User      string
	SSHClient string
	PID       int
}

// CurrentIdentity describes this process's user, from the OS (falling
// back to $USER) and SSH_CONNECTION.
func CurrentIdentity(getenv func(string) string) Identity {
	id := Identity{PID: os.Getpid()}
	if u, err := user.Current(); err == nil {
		id.User = u.Username
	}
	if id.User == "" {
		id.User = getenv("USER")
	}
	if f := strings.Fields(getenv("SSH_CONNECTION")); len(f) > 0 {
		id.SSHClient = f[0]
	}
	return id
}

// NewAudit returns an audit log writing to path, created with mode 0600
// (and its directory 0700) at the first entry. origin says where actions
// come from ("cli", "dashboard").
func NewAudit(path, origin string, who Identity) *Audit {
	return &Audit{path: path, origin: origin, who: who}
}

// Path is the file written to.
func (a *Audit) Path() string { return a.path }

// Ready opens the file if needed and reports why it cannot be written, so
// an action can be refused before it runs rather than go unrecorded.
func (a *Audit) Ready() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.openLocked()
}

func (a *Audit) openLocked() error {
	if a.f != nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(a.path), 0o700); err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	f, err := os.OpenFile(a.path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	a.f = f
	return nil
}

// Record completes e with the identity and origin and appends it.
func (a *Audit) Record(e Entry) error {
	e.User, e.SSHClient, e.PID, e.Origin = a.who.User, a.who.SSHClient, a.who.PID, a.origin
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	e.Time = e.Time.UTC()
	e.Target, e.Sandbox, e.Detail, e.Error = clip(e.Target), clip(e.Sandbox), clip(e.Detail), clip(e.Error)
	line, err := marshalEntry(e)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.openLocked(); err != nil {
		return err
	}
	unlock := lockFile(a.f)
	defer unlock()
	buf := make([]byte, 0, len(line)+2)
	if !a.endsWithNewline() {
		// A line cut short (a full disk, a crash of an older writer, a
		// truncated copy): start on a line of our own, or this entry
		// would be glued to the broken one and lost with it.
		buf = append(buf, '\n')
	}
	buf = append(append(buf, line...), '\n')
	if _, err := a.f.Write(buf); err != nil {
		return fmt.Errorf("audit log %s: %w", a.path, err)
	}
	if err := a.f.Sync(); err != nil {
		return fmt.Errorf("audit log %s: sync: %w", a.path, err)
	}
	return nil
}

// endsWithNewline reports whether the file is empty or ends a line. The
// caller holds the file's lock, so no other ohdash is half-way through a
// line.
func (a *Audit) endsWithNewline() bool {
	st, err := a.f.Stat()
	if err != nil || st.Size() == 0 {
		return true
	}
	var last [1]byte
	if _, err := a.f.ReadAt(last[:], st.Size()-1); err != nil {
		return true
	}
	return last[0] == '\n'
}

// clip bounds a free-text field, marking the cut.
func clip(s string) string {
	if len(s) <= maxField {
		return s
	}
	cut := maxField
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// Close closes the file.
func (a *Audit) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.f == nil {
		return nil
	}
	err := a.f.Close()
	a.f = nil
	return err
}
