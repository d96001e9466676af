package main

import (
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

// Planted credentials: each is unique, long enough to be remembered, and
// searched for whole in every output.
const (
	plantSessionKey = "plantSessKey7Qm2Xv9Lk4Rz0Pw"
	plantAPIKey     = "plant-runtime-api-key-Hn5Tq8Wc"
	plantURLPass    = "plantUrlPassBd3Fy6Jp"
	plantURLToken   = "plantUrlTokenKx7Ns2Vm"
	plantDBPass     = "plantDbPassZr8Lw3Qt"
	plantGitHub     = "ghp_PlantedGithubToken0123456789abcd"
	plantBearer     = "plantBearerOpaqueYc4Mh9Ue"
	plantJWT        = "eyJhbGciOiJIUzI1NiJ9.eyJwbGFudGVkIjoiand0In0.cGxhbnRlZC1zaWduYXR1cmU"
)

var plantedSecrets = []string{plantSessionKey, plantAPIKey, plantURLPass, plantURLToken, plantDBPass, plantGitHub, plantBearer, plantJWT}

// closedPort returns a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	return p
}

// Secrets planted in a real container's env, labels and command, and in
// the remote configuration, appear in no output path: ls, ls --json,
// config, config --json, convs, completion, errors, the dashboard's
// details pane, the log file and the audit log.
func TestFaultPlantedSecrets(t *testing.T) {
	h, e := dockerHarness(t)
	port := strconv.Itoa(closedPort(t))
	logFile := filepath.Join(h.home, "logs", "ohdash.log")
	h.writeConfig(`log_file = "` + logFile + `"
log_level = "debug"
[[docker]]
name = "local"
v1_prefixes = ["` + e.V1Prefix + `"]
v0_prefixes = ["` + e.V0Prefix + `"]
[[remote]]
name = "vault"
url = "http://ohdash:` + plantURLPass + `@127.0.0.1:` + port + `/api?token=` + plantURLToken + `&session_api_key=` + plantURLToken + `"
api_key = "` + plantAPIKey + `"
`)
	_, name := e.Run(t, dockertest.RunOptions{
		Ports: []int{8000},
		Env: map[string]string{
			"OH_SESSION_API_KEYS_0":       plantSessionKey,
			"DATABASE_URL":                "postgres://app:" + plantDBPass + "@db:5432/app",
			"GITHUB_PAT":                  plantGitHub,
			"AUTH_HEADER":                 "Bearer " + plantBearer,
			"CALLBACK":                    "http://cb.example/hook?session_api_key=" + plantSessionKey,
			"ID_DOC":                      plantJWT,
			"AGENTSIM_SEED_CONVERSATIONS": "1",
		},
		Labels: map[string]string{"copy": plantSessionKey, "auth": "Bearer " + plantBearer},
		Cmd:    []string{"--port", "8000", "--model", "--token=" + plantSessionKey},
	})
	// The sandbox is listed (the remote backend fails: that error is one
	// of the outputs checked).
	waitFor(t, 30e9, name+" to be healthy", func() bool {
		r := h.run("ls", "--json", "--backend", "local")
		return r.code == exitOK && containsAll(r.stdout, name, `"health": "ok"`)
	})

	var outs []output
	outs = append(outs, captureRun(h, "ls")...)
	outs = append(outs, captureRun(h, "ls", "--json")...)
	outs = append(outs, captureRun(h, "ls", "--quiet")...)
	outs = append(outs, captureRun(h, "config")...)
	outs = append(outs, captureRun(h, "config", "--json")...)
	outs = append(outs, captureRun(h, "convs", "--backend", "local")...)
	outs = append(outs, captureRun(h, "convs", "--json", "--backend", "local")...)
	outs = append(outs, captureRun(h, "__complete", "sandbox")...)
	outs = append(outs, captureRun(h, "__complete", "conversation")...)
	outs = append(outs, captureRun(h, "completion", "bash")...)
	// Audited actions: one that works, one that fails against the remote
	// URL (its error quotes the URL).
	outs = append(outs, captureRun(h, "pause", name)...)
	outs = append(outs, captureRun(h, "resume", name)...)
	outs = append(outs, captureRun(h, "start", "--backend", "vault")...)
	outs = append(outs, captureDetails(t, h, name, "secrets are masked", "--backend", "local")...)

	// Configuration errors that quote a URL.
	h2 := newHarness(t)
	h2.env["DOCKER_HOST"] = "tcp://u:" + plantURLPass + "@host:1"
	outs = append(outs, captureRun(h2, "ls")...)
	h3 := newHarness(t)
	h3.env["SANDBOX_REMOTE_RUNTIME_API_URL"] = "http://u:" + plantURLPass + "@h:bad%zz/?token=" + plantURLToken
	h3.env["SANDBOX_API_KEY"] = plantAPIKey
	h3.writeConfig("docker = []\n")
	outs = append(outs, captureRun(h3, "ls")...)
	outs = append(outs, captureRun(h3, "config")...)
	outs = append(outs, captureRun(h3, "config", "--json")...)

	outs = append(outs, captureFiles(t, filepath.Dir(logFile))...)
	outs = append(outs, captureFiles(t, filepath.Dir(h.auditPath()))...)
	if len(readAudit(t, h.auditPath())) < 3 {
		t.Fatalf("the actions were not audited: %d entries", len(readAudit(t, h.auditPath())))
	}
	checkNoLeaks(t, outs, plantedSecrets)
}

func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}

// A sandbox that prints its own session key, or the value of a variable
// whose name says credential, does not get it shown by `ohdash logs`:
// the command learns the container's credentials when it inspects it, as
// the details pane does. (Keys of their own, so that no earlier test in
// this process has taught them already.)
func TestFaultPlantedSecretsInLogs(t *testing.T) {
	const (
		logsSessionKey = "plantLogsSessKey3Rv8Nw2Qx"
		logsLLMKey     = "plantLogsLlmKey6Ty1Mz4Kp"
	)
	h, e := dockerHarness(t)
	// agentsim refuses the value and quotes it on stderr: the container
	// prints both credentials once and exits.
	_, name := e.Run(t, dockertest.RunOptions{
		Env: map[string]string{"OH_SESSION_API_KEYS_0": logsSessionKey, "LLM_API_KEY": logsLLMKey},
		Cmd: []string{"--seed-turns", logsSessionKey + "+" + logsLLMKey},
	})
	var r result
	waitFor(t, 30e9, name+" to print its refusal", func() bool {
		r = h.run("logs", name)
		return strings.Contains(r.stdout+r.stderr, "seed-turns")
	})
	outs := captureRun(h, "logs", name)
	outs = append(outs, captureRun(h, "logs", "--timestamps", name)...)
	checkNoLeaks(t, outs, []string{logsSessionKey, logsLLMKey})
	if !strings.Contains(r.stdout+r.stderr, backend.Mask(logsSessionKey)) {
		t.Errorf("the line that held the key is not shown masked:\n%s%s", r.stdout, r.stderr)
	}
}
