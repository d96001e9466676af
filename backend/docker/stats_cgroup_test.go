package docker

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

const fixtureID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// fixtureHost copies testdata/cgroup/<name> (a root with proc and
// sys/fs/cgroup) so a test can change files, and reads it as a host.
func fixtureHost(t *testing.T, name string) (*cgroupHost, string) {
	t.Helper()
	root := t.TempDir()
	src := filepath.Join("testdata", "cgroup", name)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(root, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(root, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	h, err := newCgroupHost(root)
	if err != nil {
		t.Fatal(err)
	}
	return h, root
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCgroupV1Files(t *testing.T) {
	h, root := fixtureHost(t, "v1")
	if h.hostMem != 8000000*1024 {
		t.Fatalf("host memory %d", h.hostMem)
	}
	tg, err := h.resolve(4242, fixtureID, false)
	if err != nil {
		t.Fatal(err)
	}
	// This target keeps its files open (read again with pread); the v2
	// test's opens them for each read.
	var budget atomic.Int32
	tg.files.keepOpen(&budget)
	t.Cleanup(tg.files.close)
	if tg.v2 || tg.dirs["memory"] != filepath.Join(root, "sys/fs/cgroup/memory/docker", fixtureID) ||
		tg.dirs["cpuacct"] != filepath.Join(root, "sys/fs/cgroup/cpu,cpuacct/docker", fixtureID) {
		t.Fatalf("dirs %v", tg.dirs)
	}
	now := time.Unix(1000, 0)
	c, paused, err := h.read(tg, now)
	if err != nil || paused {
		t.Fatal(err, paused)
	}
	want := counters{
		At: now, Instance: fixtureID, CPUNanos: 123456789000, HasCPU: true,
		// usage less total_inactive_file (docker stats' rule); the
		// unlimited limit reads as none.
		MemUsed: 209715200 - 52428800, MemLimit: 0, HasMem: true,
		NetRx: 1024, NetTx: 256, HasNet: true, // loopback not counted
		BlkRead: 4097, BlkWrite: 8194, HasBlk: true, // the throttle file
		PIDs: 7, HasPIDs: true, CPULimit: 0.5,
	}
	if c != want {
		t.Fatalf("read\n got %+v\nwant %+v", c, want)
	}

	// A limit of its own is shown; one at or above the host's memory is none.
	// Limits are read again once limitsFresh has passed, not every time.
	mem := tg.dirs["memory"]
	write(t, filepath.Join(mem, "memory.limit_in_bytes"), "268435456\n")
	if c, _, _ := h.read(tg, now.Add(time.Second)); c.MemLimit != 0 {
		t.Errorf("limit %d read again before limitsFresh", c.MemLimit)
	}
	now = now.Add(limitsFresh)
	if c, _, _ := h.read(tg, now); c.MemLimit != 268435456 {
		t.Errorf("limit %d, want 268435456", c.MemLimit)
	}
	write(t, filepath.Join(mem, "memory.limit_in_bytes"), "8192000000\n")
	now = now.Add(limitsFresh)
	if c, _, _ := h.read(tg, now); c.MemLimit != 0 {
		t.Errorf("limit equal to the host's memory: %d, want none", c.MemLimit)
	}

	write(t, filepath.Join(tg.dirs["freezer"], "freezer.state"), "FROZEN\n")
	if _, paused, err := h.read(tg, now); err != nil || !paused {
		t.Errorf("frozen: paused %v, %v", paused, err)
	}

	// The pid now belongs to something else (reused): gone, not read.
	write(t, filepath.Join(root, "proc/4242/cgroup"), "4:memory:/user.slice\n0::/user.slice\n")
	if _, _, err := h.read(tg, now); !errors.Is(err, errGone) {
		t.Errorf("reused pid: %v, want errGone", err)
	}
	if _, err := h.resolve(4242, fixtureID, false); !errors.Is(err, errNotCgroup) {
		t.Errorf("resolve of a foreign pid: %v, want errNotCgroup", err)
	}
	if _, err := h.resolve(9999, fixtureID, false); !errors.Is(err, errGone) {
		t.Errorf("resolve of a missing pid: %v, want errGone", err)
	}
}

func TestCgroupV2Files(t *testing.T) {
	h, root := fixtureHost(t, "v2")
	tg, err := h.resolve(4343, fixtureID, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tg.files.close)
	dir := filepath.Join(root, "sys/fs/cgroup/system.slice/docker-"+fixtureID+".scope")
	if !tg.v2 || tg.dirs[""] != dir {
		t.Fatalf("target %+v", tg)
	}
	now := time.Unix(1000, 0)
	c, paused, err := h.read(tg, now)
	if err != nil || paused {
		t.Fatal(err, paused)
	}
	want := counters{
		At: now, Instance: fixtureID, CPUNanos: 2500000 * 1000, HasCPU: true,
		MemUsed: 314572800 - 104857600, MemLimit: 536870912, HasMem: true,
		NetRx: 1024, NetTx: 256, HasNet: true,
		BlkRead: 1048577, BlkWrite: 2097155, HasBlk: true,
		PIDs: 12, HasPIDs: true, CPULimit: 2,
	}
	if c != want {
		t.Fatalf("read\n got %+v\nwant %+v", c, want)
	}
	write(t, filepath.Join(dir, "memory.max"), "max\n")
	write(t, filepath.Join(dir, "cpu.max"), "max 100000\n")
	if c, _, _ := h.read(tg, now.Add(limitsFresh)); c.MemLimit != 0 || c.CPULimit != 0 {
		t.Errorf("unlimited: memory %d, cpu %v; want none", c.MemLimit, c.CPULimit)
	}
	// On the host's network the container has no traffic of its own.
	tgHost, _ := h.resolve(4343, fixtureID, true)
	t.Cleanup(tgHost.files.close)
	if c, _, _ := h.read(tgHost, now); !c.HasNet || c.NetRx != 0 || c.NetTx != 0 {
		t.Errorf("host network: %+v", c)
	}
	write(t, filepath.Join(dir, "cgroup.freeze"), "1\n")
	if _, paused, _ := h.read(tg, now); !paused {
		t.Error("cgroup.freeze 1 is not paused")
	}
	if err := os.RemoveAll(filepath.Join(root, "proc/4343")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.read(tg, now); !errors.Is(err, errGone) {
		t.Errorf("exited: %v, want errGone", err)
	}
}

func TestCgroupMountRoot(t *testing.T) {
	// A cgroup mount whose root is not "/" (a bind mount of a subtree):
	// paths outside it are not usable, paths inside map below it.
	m := cgroupMount{root: "/docker", point: "/sys/fs/cgroup/memory"}
	if d, ok := joinMount(m, "/docker/abc"); !ok || d != "/sys/fs/cgroup/memory/abc" {
		t.Errorf("inside: %q %v", d, ok)
	}
	for _, p := range []string{"/other/abc", "/dockerx/abc", "/docker/../etc"} {
		if d, ok := joinMount(m, p); ok {
			t.Errorf("%s mapped to %s", p, d)
		}
	}
	ms := parseMountinfo([]byte(`40 25 0:40 / /sys/fs/cgroup/cpu\040x rw - cgroup cgroup rw,cpu,cpuacct
41 25 0:41 / /proc rw - proc proc rw
`))
	if len(ms) != 1 || ms[0].point != "/sys/fs/cgroup/cpu x" || len(ms[0].controllers) != 2 {
		t.Errorf("mountinfo: %+v", ms)
	}
	if _, err := newCgroupHost(t.TempDir()); !errors.Is(err, errNotCgroup) {
		t.Errorf("no mountinfo: %v", err)
	}
}

func TestCgroupFilesBudget(t *testing.T) {
	var budget atomic.Int32
	budget.Store(maxKeptTargets - 1)
	var a, b cgroupFiles
	a.keepOpen(&budget)
	b.keepOpen(&budget)
	if a.kept == nil || b.kept != nil || budget.Load() != maxKeptTargets {
		t.Fatalf("at the budget's edge: a kept %v, b kept %v, budget %d", a.kept != nil, b.kept != nil, budget.Load())
	}
	dir := t.TempDir()
	write(t, filepath.Join(dir, "f"), "1\n")
	for _, f := range []*cgroupFiles{&a, &b} {
		if n, err := f.readUint(dir, "f"); err != nil || n != 1 {
			t.Fatal(n, err)
		}
	}
	write(t, filepath.Join(dir, "f"), "22\n") // in place, as the kernel does
	if n, _ := a.readUint(dir, "f"); n != 22 || len(a.open) != 1 || len(b.open) != 0 {
		t.Errorf("read again: %d, %d open, %d open", n, len(a.open), len(b.open))
	}
	a.close()
	if budget.Load() != maxKeptTargets-1 || a.open != nil {
		t.Errorf("close gave back the budget: %d", budget.Load())
	}
}
