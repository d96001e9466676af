package logging

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohdash/ohdash/backend"
)

func TestLogFileMasksSecrets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs", "ohdash.log")
	log, closer, err := Open(path, "debug")
	if err != nil {
		t.Fatal(err)
	}
	key := "sk-session-0123456789abcdef"
	log.Debug("probe",
		"session_api_key", key, // a plain string under a sensitive name
		"X-API-Key", key,
		"secret", backend.NewSecret(key), // a Secret logs itself masked
		"url", "http://localhost:8001/?tkn="+key+"&folder=/w",
		"err", errors.New("GET https://rt.example/sessions?api_key="+key+": 401"),
		"keys", "ctrl+c", // not a credential
	)
	log.Debug("below the level is fine too")
	if err := closer.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := string(data)
	if strings.Contains(out, key) {
		t.Fatalf("a secret reached the log file:\n%s", out)
	}
	for _, want := range []string{`"keys":"ctrl+c"`, "cdef", "folder=/w", "401"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("log file mode %v, want 0600", st.Mode().Perm())
	}
}

func TestLevelFilters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "l.log")
	log, c, err := Open(path, "warn")
	if err != nil {
		t.Fatal(err)
	}
	log.Info("quiet")
	log.Warn("loud")
	_ = c.Close()
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), "quiet") || !strings.Contains(string(data), "loud") {
		t.Fatalf("level not applied: %s", data)
	}
	if _, _, err := Open(path, "chatty"); err == nil {
		t.Fatal("a bad level must be refused")
	}
}

func TestIsSensitive(t *testing.T) {
	for name, want := range map[string]bool{
		"api_key": true, "session_api_key": true, "X-API-Key": true, "token": true, "jwt_secret": true,
		"Authorization": true, "keys": false, "keyboard": false, "sandbox": false, "monkey": false,
	} {
		if IsSensitive(name) != want {
			t.Errorf("IsSensitive(%q) = %v", name, !want)
		}
	}
}

func TestLogFileDropsEscapesAndKnownSecrets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ohdash.log")
	log, closer, err := Open(path, "debug")
	if err != nil {
		t.Fatal(err)
	}
	key := "known-session-key-0f1e2d3c4b5a"
	_ = backend.NewSecret(key)
	log.Info("label \x1b]0;pwned\x07 \u009b2J \u202eevil",
		"spec", "img\x1b]52;c;SGVsbG8=\x07\u202e",
		"cmd", "agent --token="+key,
		"err", errors.New("bad body: \u009b31m \u2066x\u2069 ghp_abcdefghijklmnopqrstuvwx"),
		"ids", []string{"a\x1b[2Jb", key},
	)
	_ = closer.Close()
	data, _ := os.ReadFile(path)
	out := string(data)
	for _, bad := range []string{"\x1b", "\x07", "\u009b", "\u202e", "\u2066", key, "abcdefghijklmnop", "pwned", "SGVsbG8="} {
		if strings.Contains(out, bad) {
			t.Errorf("log file has %q:\n%q", bad, out)
		}
	}
}
