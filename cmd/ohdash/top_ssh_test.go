package main

import (
	"testing"

	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

// Over a real ssh:// engine (OpenSSH's server on loopback, the engine's
// socket behind it) resource use comes from the stats API through the
// tunnel: top and ls --stats have figures, not n/a.
func TestDockerTopOverSSH(t *testing.T) {
	h, e := dockerHarness(t)
	delete(h.env, "DOCKER_HOST")
	sshd := startSSHD(t, h)
	sshd.trust(t, h)
	_, busy := e.Run(t, dockertest.RunOptions{Env: map[string]string{"AGENTSIM_BURN_CPU": "1", "AGENTSIM_ALLOC_MB": "48"}})
	h.writeConfig("[[docker]]\nname = \"ssh\"\nhost = \"" + sshd.url() + "\"\nv1_prefixes = [\"" + e.V1Prefix + "\"]\n")
	rows := topRows(t, h.must(exitOK, "top", "--no-stream", "--json").stdout)
	b, ok := rows[busy]
	if !ok || b.Stats != "ok" || b.CPUPercent == nil || *b.CPUPercent < 5 || b.MemUsedBytes == nil || *b.MemUsedBytes < 40<<20 || b.PIDs == nil {
		t.Fatalf("top over ssh://: %+v (rows %v)", b, rows)
	}
}
