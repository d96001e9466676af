package backend

// Capability names an optional thing a backend can do beyond Backend:
// each matches one optional interface.
type Capability string

// The optional capabilities.
const (
	// CapLogs is LogStreamer: container logs.
	CapLogs Capability = "logs"
	// CapStop is SandboxStopper: stopping a container without removing it.
	CapStop Capability = "stop"
	// CapExplain is Explainer: the backend's own confirmation text.
	CapExplain Capability = "explain"
	// CapGet is SandboxGetter: reading one sandbox without listing all.
	CapGet Capability = "get"
	// CapStats is StatsReader: resource use per sandbox.
	CapStats Capability = "stats"
	// CapExec is Execer: a shell or a command through the engine's exec
	// API, with a terminal.
	CapExec Capability = "exec"
	// CapCommand is CommandRunner: a command line through the
	// agent-server's bash API (no terminal, no input).
	CapCommand Capability = "command"
)

// CapabilityReporter answers which capabilities a backend really has. A
// decorator (the read-only/audit guard) implements every optional
// interface, answering ErrUnsupported where the backend beneath cannot, so
// a type assertion on it always succeeds; it reports the truth here.
type CapabilityReporter interface {
	Supports(c Capability) bool
}

// Supports is the one question the UI and the commands ask about what a
// backend can do. It asks the backend when it reports its capabilities,
// and otherwise looks for the optional interface.
func Supports(b Backend, c Capability) bool {
	if r, ok := b.(CapabilityReporter); ok {
		return r.Supports(c)
	}
	var ok bool
	switch c {
	case CapLogs:
		_, ok = b.(LogStreamer)
	case CapStop:
		_, ok = b.(SandboxStopper)
	case CapExplain:
		_, ok = b.(Explainer)
	case CapGet:
		_, ok = b.(SandboxGetter)
	case CapStats:
		_, ok = b.(StatsReader)
	case CapExec:
		_, ok = b.(Execer)
	case CapCommand:
		_, ok = b.(CommandRunner)
	}
	return ok
}
