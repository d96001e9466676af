// Package resource is what the dashboard knows of its sandboxes' resource
// use: the last sample of each sandbox sampled, which backends expose no
// figures, the message the root forwards after each sample, and how the
// numbers are written in cells. The root samples; the sandboxes table and
// the resources pane read.
package resource

import (
	"time"

	"github.com/ohdash/ohdash/backend"
)

// SampledMsg is forwarded to the panes that are Viewers after the root applied one
// backend's answer: the samples by sandbox id (a running sandbox missing
// from them is not running any more), or Unsupported when the backend
// exposes no figures at all.
type SampledMsg struct {
	Source      string
	At          time.Time
	Samples     map[string]backend.ResourceSample
	Unsupported bool
	// Asked are the ids that were asked for; an id asked for and absent
	// from Samples was not running.
	Asked []string
}

// Viewer is implemented by a pane that shows resource use: while it is
// the pane on screen, the root samples the selected sandbox even when
// the table's resource columns are off.
type Viewer interface {
	ShowsResources() bool
}

// State says what a row's resource cells can show.
type State int

// The states of a row's resource cells.
const (
	// Pending: running, not sampled yet ("…").
	Pending State = iota
	// Stopped: not running, so no numbers ("-", never zeros).
	Stopped
	// Unavailable: its backend exposes no figures ("n/a").
	Unavailable
	// Known: a sample is there.
	Known
)

// Store holds the last sample of each sandbox sampled, by Sandbox.Key,
// and the backends that expose no figures. Its maps are shared by copies
// (like the root's snapshots): only the root's Update writes to it.
type Store struct {
	samples     map[string]backend.ResourceSample
	unsupported map[string]bool
}

// NewStore returns an empty store.
func NewStore() Store {
	return Store{samples: map[string]backend.ResourceSample{}, unsupported: map[string]bool{}}
}

// Apply records one backend's answer.
func (s Store) Apply(m SampledMsg) {
	if s.samples == nil {
		return
	}
	if m.Unsupported {
		s.unsupported[m.Source] = true
		return
	}
	for _, id := range m.Asked {
		k := m.Source + "/" + id
		if smp, ok := m.Samples[id]; ok {
			s.samples[k] = smp
		} else {
			delete(s.samples, k)
		}
	}
}

// SetUnsupported marks a backend as exposing no figures.
func (s Store) SetUnsupported(source string) {
	if s.unsupported != nil {
		s.unsupported[source] = true
	}
}

// Unsupported reports whether source exposes no figures.
func (s Store) Unsupported(source string) bool { return s.unsupported[source] }

// Prune forgets the samples of sandboxes no longer listed.
func (s Store) Prune(listed []backend.Sandbox) {
	if len(s.samples) == 0 {
		return
	}
	keep := make(map[string]bool, len(listed))
	for _, sb := range listed {
		keep[sb.Key()] = true
	}
	for k := range s.samples {
		if !keep[k] {
			delete(s.samples, k)
		}
	}
}

// Live reports whether a sandbox's processes may be running, so it may
// have figures: running, or starting or failing its health check while
// its container runs. Paused, exited and missing ones have none.
func Live(sb backend.Sandbox) bool {
	switch sb.Status {
	case backend.StatusRunning:
		return true
	case backend.StatusError, backend.StatusStarting:
		return sb.RawState == "running"
	}
	return false
}

// Of returns what is known of one sandbox.
func (s Store) Of(sb backend.Sandbox) (backend.ResourceSample, State) {
	if !Live(sb) {
		return backend.ResourceSample{}, Stopped
	}
	if s.unsupported[sb.Source] {
		return backend.ResourceSample{}, Unavailable
	}
	if smp, ok := s.samples[sb.Key()]; ok {
		return smp, Known
	}
	return backend.ResourceSample{}, Pending
}

// Totals are the summed figures of the sandboxes sampled.
type Totals struct {
	// N is how many sandboxes the sums cover.
	N int
	// CPU is in percent of one core, over the N with a CPU figure.
	CPU float64
	// Mem is in bytes.
	Mem uint64
}

// Totals sums the samples of the listed running sandboxes, per source
// and over all ("" key).
func (s Store) Totals(listed []backend.Sandbox) map[string]Totals {
	out := map[string]Totals{}
	for _, sb := range listed {
		smp, st := s.Of(sb)
		if st != Known {
			continue
		}
		for _, k := range []string{"", sb.Source} {
			t := out[k]
			t.N++
			if smp.HasCPU {
				t.CPU += smp.CPUPercent
			}
			if smp.HasMem {
				t.Mem += smp.MemUsed
			}
			out[k] = t
		}
	}
	return out
}
