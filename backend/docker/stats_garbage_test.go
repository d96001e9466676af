package docker

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

// TestFaultCgroupGarbledFile: a cgroup file that reads as garbage
// (non-numeric, truncated, past uint64) for one sandbox gives that sandbox
// no figures for that round and an error, and nothing else: it used to
// count as "the files are not usable from here" and switch the whole
// backend to the stats API for good (a call per sandbox per sample).
func TestFaultCgroupGarbledFile(t *testing.T) {
	e := dockertest.New(t)
	id, name := e.Run(t, dockertest.RunOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ins, err := e.Client.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pid, fullID := ins.Container.State.Pid, ins.Container.ID
	// The v2 fixture, moved to this container's id and main process.
	h, root := fixtureHost(t, "v2")
	old := filepath.Join(root, "sys/fs/cgroup/system.slice/docker-"+fixtureID+".scope")
	dir := filepath.Join(root, "sys/fs/cgroup/system.slice/docker-"+fullID+".scope")
	procDir := filepath.Join(root, "proc", strconv.Itoa(pid))
	if err := os.Rename(old, dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(root, "proc/4343"), procDir); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(procDir, "cgroup"), "0::/system.slice/docker-"+fullID+".scope\n")

	b := testBackend(t, e, "")
	b.stats.probed, b.stats.host = true, h
	if s := statsOf(t, b, name)[name]; !s.HasMem || s.MemUsed != 314572800-104857600 {
		t.Fatalf("the fixture's figures were not read: %+v", s)
	}
	for _, garbage := range []string{"garbage\n", "", "3145", "99999999999999999999999\n", "-1\n"} {
		write(t, filepath.Join(dir, "memory.current"), garbage)
		got, _ := b.Stats(ctx, []string{name})
		if b.statsHost() == nil {
			t.Fatalf("memory.current %q: the backend gave up its cgroup files for good", garbage)
		}
		if s, ok := got[name]; ok && garbage != "3145" && s.HasMem {
			t.Errorf("memory.current %q: figures %+v", garbage, s)
		}
	}
	write(t, filepath.Join(dir, "memory.current"), "314572800\n")
	if s := statsOf(t, b, name)[name]; !s.HasMem || s.MemUsed != 314572800-104857600 {
		t.Fatalf("after the file reads well again: %+v", s)
	}
}
