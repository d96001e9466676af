package main

import (
	"regexp"
	"testing"

	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

// `ohdash config` names the engine behind each [[docker]] backend: Docker
// or Podman (whichever the real-engine run uses), with versions.
func TestDockerConfigNamesTheEngine(t *testing.T) {
	h, _ := dockerHarness(t)
	out := h.must(exitOK, "config").stdout
	kind := "Docker"
	if dockertest.IsPodman() {
		kind = "Podman"
	}
	want := regexp.MustCompile(`(?m)^# engine of \[\[docker\]\] \S+: ` + kind + ` \S+ \(API [0-9.]+\) at \S+ \(`)
	if !want.MatchString(out) {
		t.Fatalf("config output lacks the %s engine line:\n%s", kind, out)
	}
}
