package docker

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Reading a container's cgroup files costs the engine nothing, where every
// stats API call makes dockerd read the same files and encode them; so when
// the engine runs on this host and its files are readable, they are read
// directly. This file finds a container's cgroup from its main process
// (/proc/PID/cgroup and the cgroup mounts of /proc/self/mountinfo) and
// reads cgroup v1 and v2 files into counters.

// errNotCgroup means the cgroup files cannot be used on this host (not
// local, another namespace, unreadable): the stats API is used instead.
var errNotCgroup = errors.New("container cgroup files not usable here")

// errGone means the process the target was resolved from is gone (the
// container stopped or restarted): inspect again.
var errGone = errors.New("container process gone")

// cgroupMount is one cgroup file system mount: v1 carries controllers.
type cgroupMount struct {
	root, point string
	v2          bool
	controllers []string
}

// cgroupHost reads cgroup and proc files under its roots ("/" on a real
// host; a fixture tree in tests).
type cgroupHost struct {
	root   string // prefix of every absolute path read
	mounts []cgroupMount
	// hostMem is the host's memory in bytes (MemTotal): a limit at or
	// above it limits nothing.
	hostMem uint64
}

// newCgroupHost reads the cgroup mounts and the host's memory under root.
func newCgroupHost(root string) (*cgroupHost, error) {
	b, err := os.ReadFile(filepath.Join(root, "proc/self/mountinfo"))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errNotCgroup, err)
	}
	h := &cgroupHost{root: root, mounts: parseMountinfo(b)}
	if len(h.mounts) == 0 {
		return nil, fmt.Errorf("%w: no cgroup mounts", errNotCgroup)
	}
	if mi, err := os.ReadFile(filepath.Join(root, "proc/meminfo")); err == nil {
		h.hostMem = parseMemTotal(mi)
	}
	return h, nil
}

// cgroupTarget is where one running container's figures live.
type cgroupTarget struct {
	pid      int
	instance string
	v2       bool
	// dirs maps a v1 controller (cpu, cpuacct, memory, pids, blkio,
	// freezer) to its directory; on v2 the key "" is the one directory.
	dirs    map[string]string
	hostNet bool
	// Limits change only by `docker update`: they are read again every
	// limitsFresh, not every sample (a third of the files read).
	limitsAt time.Time
	memLimit uint64
	cpuLimit float64
	// blkFile is the v1 blkio file this kernel has; "" until found.
	blkFile string
	files   cgroupFiles
}

// limitsFresh is how long limits read from cgroup files are reused.
const limitsFresh = 15 * time.Second

// resolve finds the cgroup directories of the container whose main
// process is pid. The cgroup path must name the container's id: a pid the
// kernel reused for something else, or a path from another cgroup
// namespace, is refused.
func (h *cgroupHost) resolve(pid int, instance string, hostNet bool) (*cgroupTarget, error) {
	paths, err := h.procCgroups(pid)
	if err != nil {
		return nil, err
	}
	t := &cgroupTarget{pid: pid, instance: instance, dirs: map[string]string{}, hostNet: hostNet}
	if _, v1 := paths["memory"]; !v1 {
		p, ok := paths[""]
		if !ok || !strings.Contains(p, instance) {
			return nil, fmt.Errorf("%w: pid %d is not in the container's cgroup", errNotCgroup, pid)
		}
		for _, m := range h.mounts {
			if m.v2 {
				if d, ok := joinMount(m, p); ok {
					t.v2, t.dirs[""] = true, filepath.Join(h.root, d)
					break
				}
			}
		}
	} else {
		for _, c := range []string{"cpu", "cpuacct", "memory", "pids", "blkio", "freezer"} {
			p, ok := paths[c]
			if !ok || !strings.Contains(p, instance) {
				continue
			}
			for _, m := range h.mounts {
				if !m.v2 && slices.Contains(m.controllers, c) {
					if d, ok := joinMount(m, p); ok {
						t.dirs[c] = filepath.Join(h.root, d)
						break
					}
				}
			}
		}
		if t.dirs["memory"] == "" || t.dirs["cpuacct"] == "" {
			return nil, fmt.Errorf("%w: pid %d is not in the container's cgroup", errNotCgroup, pid)
		}
	}
	key := "memory"
	if t.v2 {
		key = ""
	}
	if t.dirs[key] == "" {
		return nil, fmt.Errorf("%w: no mount holds the cgroup of pid %d", errNotCgroup, pid)
	}
	if _, err := os.Stat(t.dirs[key]); err != nil {
		return nil, fmt.Errorf("%w: %w", errNotCgroup, err)
	}
	return t, nil
}

// joinMount maps a cgroup path to a directory under the mount.
func joinMount(m cgroupMount, p string) (string, bool) {
	rel := p
	if m.root != "/" {
		r, ok := strings.CutPrefix(p, m.root)
		if !ok || r != "" && r[0] != '/' {
			return "", false
		}
		rel = r
	}
	if strings.Contains(rel, "/../") || strings.HasPrefix(rel, "/..") {
		return "", false
	}
	return filepath.Join(m.point, rel), true
}

// procCgroups reads /proc/PID/cgroup: controller → path; "" is the v2
// unified hierarchy. A missing process is errGone.
func (h *cgroupHost) procCgroups(pid int) (map[string]string, error) {
	b, err := os.ReadFile(filepath.Join(h.root, "proc", strconv.Itoa(pid), "cgroup"))
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ESRCH) {
		return nil, fmt.Errorf("pid %d: %w", pid, errGone)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errNotCgroup, err)
	}
	out := map[string]string{}
	for line := range strings.SplitSeq(strings.TrimSpace(string(b)), "\n") {
		f := strings.SplitN(line, ":", 3)
		if len(f) != 3 {
			continue
		}
		if f[0] == "0" && f[1] == "" {
			out[""] = f[2]
			continue
		}
		for c := range strings.SplitSeq(f[1], ",") {
			out[c] = f[2]
		}
	}
	return out, nil
}

// read takes one reading of the target's counters. A paused (frozen)
// container reads as paused; a process that is gone as errGone.
func (h *cgroupHost) read(t *cgroupTarget, now time.Time) (c counters, paused bool, err error) {
	// The main process still being in the container's cgroup proves the
	// directories are still the container's (not a restarted one's).
	paths, err := h.procCgroups(t.pid)
	if err != nil {
		return c, false, err
	}
	key := "memory"
	if t.v2 {
		key = ""
	}
	if !strings.Contains(paths[key], t.instance) {
		return c, false, fmt.Errorf("pid %d: %w", t.pid, errGone)
	}
	c.At, c.Instance = now, t.instance
	limits := now.Sub(t.limitsAt) >= limitsFresh || now.Before(t.limitsAt)
	if t.v2 {
		paused, err = h.readV2(t, &c, limits)
	} else {
		paused, err = h.readV1(t, &c, limits)
	}
	if err != nil || paused {
		return c, paused, err
	}
	if limits {
		t.limitsAt = now
	}
	c.MemLimit, c.CPULimit = memLimit(t.memLimit, h.hostMem), t.cpuLimit
	if t.hostNet {
		// Like the stats API: a container on the host's network has no
		// network of its own to count.
		c.HasNet = true
	} else if b, err := os.ReadFile(filepath.Join(h.root, "proc", strconv.Itoa(t.pid), "net/dev")); err == nil {
		c.NetRx, c.NetTx, c.HasNet = parseNetDev(b)
	}
	return c, false, nil
}

// readV1 reads cgroup v1 files. CPU and memory must be readable; pids and
// blkio are optional (a kernel without the controller). Limits are read
// into t when limits is set.
func (h *cgroupHost) readV1(t *cgroupTarget, c *counters, limits bool) (paused bool, err error) {
	dirs := t.dirs
	if d := dirs["freezer"]; d != "" {
		if s, err := t.files.readString(d, "freezer.state"); err == nil && s != "THAWED" {
			return true, nil
		}
	}
	if c.CPUNanos, err = t.files.readUint(dirs["cpuacct"], "cpuacct.usage"); err != nil {
		return false, err
	}
	c.HasCPU = true
	usage, err := t.files.readUint(dirs["memory"], "memory.usage_in_bytes")
	if err != nil {
		return false, err
	}
	stat, _ := t.files.readKV(dirs["memory"], "memory.stat")
	c.MemUsed, c.HasMem = memUsed(usage, stat), true
	if d := dirs["pids"]; d != "" {
		if n, err := t.files.readUint(d, "pids.current"); err == nil {
			c.PIDs, c.HasPIDs = n, true
		}
	}
	if limits {
		t.memLimit, _ = t.files.readUint(dirs["memory"], "memory.limit_in_bytes")
		t.cpuLimit = 0
		if d := dirs["cpu"]; d != "" {
			q, errQ := t.files.readString(d, "cpu.cfs_quota_us")
			p, errP := t.files.readUint(d, "cpu.cfs_period_us")
			if qi, err := strconv.ParseInt(q, 10, 64); errQ == nil && errP == nil && err == nil {
				t.cpuLimit = cpuLimit(0, qi, int64(p))
			}
		}
	}
	if d := dirs["blkio"]; d != "" {
		// The throttle layer counts every bio on every kernel; the CFQ
		// file exists only with that scheduler (and is empty without it).
		files := []string{"blkio.throttle.io_service_bytes_recursive", "blkio.io_service_bytes_recursive", "blkio.throttle.io_service_bytes"}
		if t.blkFile != "" {
			files = []string{t.blkFile}
		}
		for _, f := range files {
			if b, err := t.files.read(d, f); err == nil {
				c.BlkRead, c.BlkWrite, _ = parseBlkioV1(b)
				c.HasBlk, t.blkFile = true, f
				break
			}
		}
	}
	return false, nil
}

// readV2 reads cgroup v2 files from the container's one directory.
func (h *cgroupHost) readV2(t *cgroupTarget, c *counters, limits bool) (paused bool, err error) {
	d := t.dirs[""]
	if s, err := t.files.readString(d, "cgroup.freeze"); err == nil && s == "1" {
		return true, nil
	}
	cpu, err := t.files.readKV(d, "cpu.stat")
	if err != nil {
		return false, err
	}
	if us, ok := cpu["usage_usec"]; ok {
		c.CPUNanos, c.HasCPU = us*1000, true
	}
	usage, err := t.files.readUint(d, "memory.current")
	if err != nil {
		return false, err
	}
	stat, _ := t.files.readKV(d, "memory.stat")
	c.MemUsed, c.HasMem = memUsed(usage, stat), true
	if n, err := t.files.readUint(d, "pids.current"); err == nil {
		c.PIDs, c.HasPIDs = n, true
	}
	if limits {
		t.memLimit, t.cpuLimit = 0, 0
		if s, err := t.files.readString(d, "memory.max"); err == nil && s != "max" {
			t.memLimit, _ = strconv.ParseUint(s, 10, 64)
		}
		if s, err := t.files.readString(d, "cpu.max"); err == nil {
			if f := strings.Fields(s); len(f) == 2 && f[0] != "max" {
				q, errQ := strconv.ParseInt(f[0], 10, 64)
				p, errP := strconv.ParseInt(f[1], 10, 64)
				if errQ == nil && errP == nil {
					t.cpuLimit = cpuLimit(0, q, p)
				}
			}
		}
	}
	if b, err := t.files.read(d, "io.stat"); err == nil {
		c.BlkRead, c.BlkWrite = parseIOStatV2(b)
		c.HasBlk = true
	} else if errors.Is(err, fs.ErrNotExist) {
		c.HasBlk = true // no io controller delegated: no block I/O counted
	}
	return false, nil
}
