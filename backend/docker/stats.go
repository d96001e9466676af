package docker

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend"
)

var _ backend.StatsReader = (*Backend)(nil)

const (
	// statsParallel bounds the cgroup reads of one Stats call (local
	// file reads: a few workers keep one core busy at most).
	statsParallel = 4
	// statsAPIParallel bounds the stats API calls of one Stats call. It
	// is high because a one-shot answer mostly waits: Docker 20.10 holds
	// it until its stats collector's next one-second tick, which every
	// waiting call shares, so 50 sandboxes take one tick, not fifty.
	statsAPIParallel = 64
	// statsForget drops what is remembered of a sandbox (its previous
	// counters, where its cgroup is) once it has not been asked for this
	// long, so the memory is bounded by what is looked at.
	statsForget = 30 * time.Second
	// statsNotRunningFor is how long a sandbox found not running is taken
	// not to be, before it is inspected again: asking for stopped
	// sandboxes every interval must not cost an inspect each time.
	statsNotRunningFor = 10 * time.Second
)

// statsSource is where the figures come from.
type statsSource int

const (
	sourceAuto   statsSource = iota // cgroup files when usable, else the API
	sourceAPI                       // the stats API only
	sourceCgroup                    // cgroup files only (tests, benchmarks)
)

// statsTarget is what is remembered of one sandbox between calls.
type statsTarget struct {
	// mu serialises the calls that sample this sandbox at once.
	mu    sync.Mutex
	asked time.Time
	// instance is the container id the rest was learnt from.
	instance string
	// notRunningUntil: the sandbox was not running at the last inspect;
	// it is absent until then.
	notRunningUntil time.Time
	cg              *cgroupTarget
	cpuLimit        float64
	memLimited      bool
	prev            *counters
}

// statsState is the Backend's memory for Stats.
type statsState struct {
	mu      sync.Mutex
	source  statsSource
	host    *cgroupHost
	hostErr error
	probed  bool
	targets map[string]*statsTarget
	// kept counts the targets whose cgroup files are kept open.
	kept atomic.Int32
}

// Stats samples the resource use of the named sandboxes (ids as listed:
// container names). CPU and rates come from the difference with the
// previous call's reading, so the first call for a sandbox has memory and
// processes only. Sandboxes that are not running (paused, exited,
// unknown) are absent. When the engine is on this host and the cgroup
// files are readable they are read directly (dockerd does no work);
// otherwise one one-shot stats API call per sandbox, plus one list. Call
// it every interval with the ids on screen (running ones: others cost an
// inspect every statsNotRunningFor at most); an error comes with what
// could be read all the same.
func (b *Backend) Stats(ctx context.Context, ids []string) (map[string]backend.ResourceSample, error) {
	want := make([]string, 0, len(ids))
	for _, id := range ids {
		if _, err := checkID(b.opts.Prefixes, id); err == nil && !slices.Contains(want, id) {
			want = append(want, id)
		}
	}
	now := time.Now()
	host := b.statsHost()
	targets := b.statsTargets(want, now)
	out := make(map[string]backend.ResourceSample, len(want))
	var mu sync.Mutex
	put := func(id string, s backend.ResourceSample) {
		mu.Lock()
		out[id] = s
		mu.Unlock()
	}
	if host == nil {
		err := b.statsAPI(ctx, want, targets, put)
		return out, err
	}
	var fallback []string
	sem := make(chan struct{}, statsParallel)
	var wg sync.WaitGroup
	var errs []error
	for _, id := range want {
		t := targets[id]
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			s, ok, err := b.statsCgroup(ctx, host, id, t)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, errNotCgroup) && b.stats.source == sourceAuto:
				fallback = append(fallback, id)
			case err != nil:
				errs = append(errs, err)
			case ok:
				out[id] = s
			}
		})
	}
	wg.Wait()
	if len(fallback) > 0 {
		// The files are not usable from here (another namespace, no
		// permission): the API for good, on this backend.
		b.stats.mu.Lock()
		if b.stats.source == sourceAuto {
			b.stats.host = nil
		}
		b.stats.mu.Unlock()
		errs = append(errs, b.statsAPI(ctx, fallback, targets, put))
	}
	return out, firstError(errs)
}

// firstError sums up the errors of one Stats call: an engine that is down
// fails every sandbox alike, and one message says it.
func firstError(errs []error) error {
	var first error
	n := 0
	for _, err := range errs {
		if err != nil {
			if first == nil {
				first = err
			}
			n++
		}
	}
	if n > 1 {
		return fmt.Errorf("%w (and %d more)", first, n-1)
	}
	return first
}

// closeStats closes the cgroup files kept open for Stats.
func (b *Backend) closeStats() {
	st := &b.stats
	st.mu.Lock()
	defer st.mu.Unlock()
	for id, t := range st.targets {
		t.mu.Lock()
		t.dropCgroup()
		t.mu.Unlock()
		delete(st.targets, id)
	}
}

// statsHost is the cgroup reader when the files are to be used: the engine
// is on a local socket (not behind a dialer) and cgroups are mounted.
func (b *Backend) statsHost() *cgroupHost {
	st := &b.stats
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.probed {
		st.probed = true
		local := b.ep.Scheme == "unix" && b.opts.Dialers["unix"] == nil
		if st.source == sourceCgroup || st.source == sourceAuto && local {
			st.host, st.hostErr = newCgroupHost("/")
		}
	}
	if st.source == sourceAPI {
		return nil
	}
	return st.host
}

// statsTargets returns the remembered state of each wanted sandbox (new
// ones empty) and forgets those not asked for in a while.
func (b *Backend) statsTargets(want []string, now time.Time) map[string]*statsTarget {
	st := &b.stats
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.targets == nil {
		st.targets = map[string]*statsTarget{}
	}
	out := make(map[string]*statsTarget, len(want))
	for _, id := range want {
		t := st.targets[id]
		if t == nil {
			t = &statsTarget{}
			st.targets[id] = t
		}
		t.asked = now
		out[id] = t
	}
	for id, t := range st.targets {
		// A target in use by a call (its lock held) is left for later.
		if now.Sub(t.asked) > statsForget && t.mu.TryLock() {
			t.dropCgroup()
			t.mu.Unlock()
			delete(st.targets, id)
		}
	}
	return out
}

// inspectForStats learns a sandbox's container id, main process and
// limits. ok is false when it is not running.
func (b *Backend) inspectForStats(ctx context.Context, id string) (container.InspectResponse, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, listTimeout)
	defer cancel()
	res, err := b.cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		if errors.Is(sentinelFor(err), backend.ErrNotFound) {
			return container.InspectResponse{}, false, nil
		}
		return container.InspectResponse{}, false, engineErr("inspect", id, err)
	}
	c := res.Container
	running := c.State != nil && c.State.Running && c.State.Pid > 0
	return c, running, nil
}

// dropCgroup forgets where t's cgroup is and closes its files.
func (t *statsTarget) dropCgroup() {
	if t.cg != nil {
		t.cg.files.close()
		t.cg = nil
	}
}

// learn records what an inspect told about t's sandbox.
func (t *statsTarget) learn(c container.InspectResponse) {
	t.instance = c.ID
	t.cpuLimit, t.memLimited = 0, false
	if hc := c.HostConfig; hc != nil {
		t.cpuLimit = cpuLimit(hc.NanoCPUs, hc.CPUQuota, hc.CPUPeriod)
		t.memLimited = hc.Memory > 0
	}
}

// statsCgroup samples one sandbox from its cgroup files. ok is false when
// it is not running or paused.
func (b *Backend) statsCgroup(ctx context.Context, h *cgroupHost, id string, t *statsTarget) (backend.ResourceSample, bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if time.Now().Before(t.notRunningUntil) {
		return backend.ResourceSample{}, false, nil
	}
	for attempt := 0; attempt < 2; attempt++ {
		if t.cg == nil {
			// A new main process (first sight, restart): counters read
			// before it are no base for a rate.
			t.prev = nil
			c, running, err := b.inspectForStats(ctx, id)
			if err != nil {
				return backend.ResourceSample{}, false, err
			}
			if !running {
				t.notRunningUntil, t.prev = time.Now().Add(statsNotRunningFor), nil
				return backend.ResourceSample{}, false, nil
			}
			t.learn(c)
			hostNet := c.HostConfig != nil && c.HostConfig.NetworkMode.IsHost()
			t.cg, err = h.resolve(c.State.Pid, c.ID, hostNet)
			if errors.Is(err, errGone) && attempt == 0 {
				continue // it stopped since the inspect: look again
			}
			if errors.Is(err, errGone) {
				// The engine twice says it runs as a process this host
				// does not have: the engine is in another PID namespace
				// (a VM, ohdash in a container).
				return backend.ResourceSample{}, false, errors.Join(errNotCgroup, err)
			}
			if err != nil {
				return backend.ResourceSample{}, false, err
			}
			t.cg.files.keepOpen(&b.stats.kept)
		}
		cur, paused, err := h.read(t.cg, time.Now())
		if errors.Is(err, errGone) || errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENODEV) {
			// Stopped or restarted (its cgroup removed under us):
			// inspect again.
			t.dropCgroup()
			continue
		}
		if errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) {
			return backend.ResourceSample{}, false, err // out of descriptors for now: not a reason to give up
		}
		if errors.Is(err, errGarbled) {
			// This sandbox has no figures this round (and no rate across
			// the gap); the files stay in use for it and the others.
			t.prev = nil
			return backend.ResourceSample{}, false, err
		}
		if err != nil {
			return backend.ResourceSample{}, false, errors.Join(errNotCgroup, err)
		}
		if paused {
			t.prev = nil
			return backend.ResourceSample{}, false, nil
		}
		if cur.CPULimit == 0 {
			cur.CPULimit = t.cpuLimit
		}
		s := sampleFrom(t.prev, cur)
		t.prev = &cur
		return s, true, nil
	}
	return backend.ResourceSample{}, false, nil
}
