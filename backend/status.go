package backend

// Status is the OpenHands SandboxStatus: the one word a user needs to know
// about a sandbox. The string values are OpenHands' own and appear in JSON.
type Status string

// The SandboxStatus values, as OpenHands' app-server names them.
const (
	StatusStarting Status = "STARTING"
	StatusRunning  Status = "RUNNING"
	StatusPaused   Status = "PAUSED"
	StatusError    Status = "ERROR"
	StatusMissing  Status = "MISSING"
)

// Statuses lists every Status in the order the UI sorts them by default:
// the ones that want attention first.
var Statuses = []Status{StatusError, StatusStarting, StatusRunning, StatusPaused, StatusMissing}

// Rank orders statuses for sorting: lower ranks come first.
func (s Status) Rank() int {
	for i, v := range Statuses {
		if v == s {
			return i
		}
	}
	return len(Statuses)
}

// Valid reports whether s is one of the five OpenHands statuses.
func (s Status) Valid() bool { return s.Rank() < len(Statuses) }
