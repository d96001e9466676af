package alert

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// Detector turns what ohdash already receives — whole sandbox snapshots
// and conversation listings — into alerts: one per state change, never one
// per refresh. It remembers the last state of every sandbox and
// conversation it has seen, across reconnects, so a re-list that shows the
// same state raises nothing and a change that happened while a connection
// was down is still raised once it is seen. The first listing of a source
// (or of one sandbox's conversations) is the baseline: it raises nothing,
// except for a sandbox created while watched, whose conversations are all
// new.
// Safe for concurrent use; it does no I/O.
type Detector struct {
	mu  sync.Mutex
	now func() time.Time
	// sources holds when each source's baseline was taken; sandboxes the
	// last state of each sandbox by Key.
	sources   map[string]time.Time
	sandboxes map[string]sandboxState
	// scopes holds the sandboxes (by Key) whose conversations have a
	// baseline, with the last status of each conversation by ID, grouped
	// by sandbox so a listing can forget the deleted ones.
	scopes map[string]map[string]convState
}

// forgetAfter is how many listings in a row a sandbox or conversation must
// be missing from before the detector forgets it. One listing is not
// enough: a server that answers every other refresh with an empty or
// partial list would otherwise make each return look new (an alert per
// flap) and each change made while it was missing look like a baseline.
const forgetAfter = 10

type sandboxState struct {
	status backend.Status
	health backend.HealthState
	// instance tells a sandbox recreated under the same ID (a new
	// container) from one that was missing from a listing or two.
	instance string
	misses   int
	// pending counts the snapshots showing an exit whose code is not
	// known yet (see exitPending).
	pending int
	// fresh marks a sandbox first seen after its source's baseline: it
	// was created while ohdash watched, so its first conversation
	// listing holds only new conversations (compared with nothing).
	fresh bool
}

// convState is a conversation's last status and how many listings in a
// row it has been missing from.
type convState struct {
	status backend.ExecutionStatus
	misses int
}

// NewDetector returns a detector stamping alerts with now (nil: time.Now).
func NewDetector(now func() time.Time) *Detector {
	if now == nil {
		now = time.Now
	}
	return &Detector{
		now: now, sources: map[string]time.Time{}, sandboxes: map[string]sandboxState{},
		scopes: map[string]map[string]convState{},
	}
}

// Sandboxes compares one source's snapshot with the last state seen and
// returns the alerts it implies. Only a live, listed snapshot counts: a
// snapshot sent while the connection is down repeats old rows (or none)
// and says nothing about the sandboxes.
func (d *Detector) Sandboxes(s backend.Snapshot) []Alert {
	if !s.Listed || s.Conn.Phase != backend.ConnLive {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	since, seenSource := d.sources[s.Source]
	baseline := !seenSource
	if baseline {
		d.sources[s.Source] = now
		since = now
	}
	seen := make(map[string]bool, len(s.Sandboxes))
	var out []Alert
	for _, sb := range s.Sandboxes {
		k := sb.Key()
		if seen[k] {
			continue // listed twice: the first row counts (see Conversations)
		}
		seen[k] = true
		prev, ok := d.sandboxes[k]
		cur := sandboxState{status: sb.Status, health: sb.Health.State, instance: sb.Instance}
		if ok && prev.instance != "" && sb.Instance != "" && prev.instance != sb.Instance {
			// Removed and recreated: a new sandbox, its own baseline.
			ok = false
			delete(d.scopes, k)
		}
		if ok && !baseline && exitPending(prev, sb) && prev.pending < maxPending {
			// Stopped or died? The next snapshot says, once the engine
			// has been asked for the exit code: decide then — or, when
			// the engine never says, after a few snapshots, as stopped.
			prev.pending++
			prev.misses = 0
			d.sandboxes[k] = prev
			continue
		}
		if ok {
			cur.fresh = prev.fresh
		} else if !baseline && (sb.CreatedAt.IsZero() || sb.CreatedAt.After(since.Add(-time.Minute))) {
			// New since the baseline; one created long before it was
			// only missing from listings for a while.
			cur.fresh = true
		}
		d.sandboxes[k] = cur
		if baseline || !ok {
			continue
		}
		if kind, ok := sandboxChange(prev, cur, sb); ok {
			out = append(out, Alert{
				Time: now, Kind: kind, Backend: sb.Source, Sandbox: sb.ID,
				From: sandboxWord(prev), To: sandboxWord(cur), Title: sb.StatusDetail,
			})
		}
	}
	// A live snapshot is complete: a sandbox missing from forgetAfter of
	// them in a row was removed.
	prefix := s.Source + "/"
	for k, st := range d.sandboxes {
		if !strings.HasPrefix(k, prefix) || seen[k] {
			continue
		}
		if st.misses++; st.misses >= forgetAfter {
			delete(d.sandboxes, k)
			delete(d.scopes, k)
			continue
		}
		d.sandboxes[k] = st
	}
	return out
}

// sandboxWord is a sandbox state as from/to say it: the status, or
// "unhealthy" for a running sandbox whose agent-server fails its probe.
func sandboxWord(s sandboxState) string {
	if s.status == backend.StatusRunning && s.health == backend.HealthFailing {
		return "unhealthy"
	}
	return string(s.status)
}

// maxPending is how many snapshots an exit may wait for its code before
// it is raised without one: an engine whose inspect keeps failing must
// not swallow the alert.
const maxPending = 3

// exitPending reports a Docker container seen exited before its exit code
// is known ("exited", not "exited (code N)").
func exitPending(prev sandboxState, sb backend.Sandbox) bool {
	return prev.status == backend.StatusRunning && sb.RawState == "exited" && sb.StatusDetail == "exited"
}

// exitCode finds the exit code in a status detail ("exited (code 137)").
var exitCode = regexp.MustCompile(`\bcode (\d+)`)

// sandboxChange decides whether a sandbox's change deserves an alert, and
// which: a running sandbox that stopped cleanly, one that died (non-zero
// exit code, out of memory, ERROR, gone), or one whose agent-server
// stopped answering its health probe.
func sandboxChange(prev, cur sandboxState, sb backend.Sandbox) (Kind, bool) {
	wasUp := prev.status == backend.StatusRunning || prev.status == backend.StatusStarting
	switch {
	case prev.status == cur.status:
		if cur.status == backend.StatusRunning && prev.health == backend.HealthOK && cur.health == backend.HealthFailing {
			return SandboxUnhealthy, true
		}
	case !wasUp:
	case cur.status == backend.StatusError:
		// Docker reports a running container whose agent-server fails
		// its probe as ERROR: the container lives, the agent does not
		// answer.
		if sb.RawState == "running" || cur.health == backend.HealthFailing {
			return SandboxUnhealthy, true
		}
		return SandboxDied, true
	case cur.status == backend.StatusMissing:
		return SandboxDied, true
	case cur.status == backend.StatusPaused && prev.status == backend.StatusRunning:
		if strings.Contains(sb.StatusDetail, "out of memory") {
			return SandboxDied, true
		}
		if m := exitCode.FindStringSubmatch(sb.StatusDetail); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil && n != 0 {
				return SandboxDied, true
			}
		}
		return SandboxStopped, true
	}
	return "", false
}

// convKinds maps the execution statuses that raise an alert to their kind.
var convKinds = map[backend.ExecutionStatus]Kind{
	backend.ExecWaitingForConfirmation: ConvWaiting,
	backend.ExecError:                  ConvError,
	backend.ExecStuck:                  ConvStuck,
	backend.ExecFinished:               ConvFinished,
}

// Conversations compares one sandbox's conversation listing (complete for
// that sandbox: a failed listing must not be passed) with the last states
// seen. A conversation entering waiting_for_confirmation, error, stuck or
// finished raises one alert; so does a conversation first seen already in
// one of them, once the sandbox's baseline is taken (it was created and
// got there between two listings) or in the first listing of a sandbox
// created while watched.
func (d *Detector) Conversations(sb backend.Sandbox, list []backend.Conversation) []Alert {
	d.mu.Lock()
	defer d.mu.Unlock()
	k := sb.Key()
	prev, had := d.scopes[k]
	if !had && d.sandboxes[k].fresh {
		// A sandbox created while watched: every conversation is new.
		had = true
	}
	cur := make(map[string]convState, len(list))
	now := d.now()
	var out []Alert
	for _, c := range list {
		if _, dup := cur[c.ID]; dup {
			// Listed twice (overlapping pages): the first row counts, or
			// the two states would alternate into an alert per refresh.
			continue
		}
		cur[c.ID] = convState{status: c.Status}
		was, ok := prev[c.ID]
		kind, alerting := convKinds[c.Status]
		if !had || !alerting || (ok && was.status == c.Status) {
			continue
		}
		out = append(out, Alert{
			Time: now, Kind: kind, Backend: sb.Source, Sandbox: sb.ID, Conversation: c.ID,
			From: string(was.status), To: string(c.Status), Title: c.Title,
		})
	}
	// A conversation missing from this listing is kept a while: it comes
	// back from a partial answer in the state it had, without an alert.
	for id, st := range prev {
		if _, ok := cur[id]; !ok && st.misses+1 < forgetAfter {
			cur[id] = convState{status: st.status, misses: st.misses + 1}
		}
	}
	d.scopes[k] = cur
	return out
}
