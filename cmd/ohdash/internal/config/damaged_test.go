package config

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

const (
	plantedKey  = "sk-live-PLANTED0123456789"
	plantedPass = "hunter2planted"
	// plantedWord is a credential TOML's lexer reads as one bare word.
	plantedWord = "correcthorsebatterystaple"
)

// fullConfig is a valid configuration with credentials in it.
var fullConfig = "theme = \"dark\"\nreadonly = false\n\n[logs]\ntail = 200\n\n[[remote]]\nname = \"eval\"\n" +
	"url = \"https://u:" + plantedPass + "@runtime.example\"\napi_key = \"" + plantedKey + "\"\n"

// checkSafe fails unless err is a configuration error naming path that
// carries no planted secret and no control, C1 or bidi character.
func checkSafe(t *testing.T, what, path string, err error) {
	t.Helper()
	if !errors.Is(err, ErrConfig) {
		t.Fatalf("%s: %v, want a configuration error", what, err)
	}
	msg := err.Error()
	if !strings.Contains(msg, path) {
		t.Errorf("%s: error does not name the file: %q", what, msg)
	}
	for _, s := range []string{plantedKey, plantedPass, plantedWord, "PLANTED", "hunter", "correcthorse"} {
		if strings.Contains(msg, s) {
			t.Errorf("%s: error echoes a secret from the file: %q", what, msg)
		}
	}
	for _, r := range msg {
		if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar) {
			t.Errorf("%s: error carries raw character %U: %q", what, r, msg)
			break
		}
	}
}

var lineRe = regexp.MustCompile(`: line [1-9][0-9]*: `)

// TestFaultConfigDamagedFiles feeds the loader the ways a configuration
// file gets damaged: each gives one clear error naming the file and, for
// a syntax error, the line, without a panic, a secret or a raw escape.
// An empty file is an empty configuration.
func TestFaultConfigDamagedFiles(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 4))
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(rng.Uint32())
	}
	cases := map[string]string{
		"garbage":             string(garbage),
		"nul-bytes":           "theme = \"dark\"\n\x00\x00\x00\x00\x00\x00",
		"utf16":               "\xff\xfet\x00h\x00e\x00m\x00e\x00",
		"escape-in-key":       "\x1b]0;pwned\x07 = 1\n",
		"escape-in-value":     "theme = \x1b[2J\n",
		"c1-in-value":         "theme = \u009b2J\n",
		"bidi-bare":           "theme = \u202edark\n",
		"bare-secret":         "[[remote]]\nname = \"x\"\napi_key = " + plantedKey + "\n",
		"bare-password":       "[[remote]]\nname = \"x\"\napi_key = " + plantedPass + "\n",
		"bare-word-secret":    "[[remote]]\nname = \"x\"\napi_key = " + plantedWord + "\n",
		"bare-word-token":     "[[remote]]\nname = \"x\"\napi_key = true" + plantedWord + "\n",
		"bare-url":            "[[remote]]\nname = \"x\"\nurl = https://u:" + plantedPass + "@h\n",
		"unterminated-secret": "[[remote]]\napi_key = \"" + plantedKey + "\n",
		"truncated-table":     "[[remo",
	}
	for name, body := range cases {
		path := filepath.Join(dir, name+".toml")
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Load(LoadOptions{Path: path, Home: dir})
		checkSafe(t, name, path, err)
		if err != nil && !lineRe.MatchString(err.Error()) {
			t.Errorf("%s: a syntax error without its line: %q", name, err)
		}
		if err != nil && strings.Count(err.Error(), path) != 1 {
			t.Errorf("%s: not one error: %q", name, err)
		}
	}
	for _, body := range []string{"", "\n\n  \n", "# only a comment\n"} {
		path := filepath.Join(dir, "empty.toml")
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Load(LoadOptions{Path: path, Home: dir})
		if err != nil || c.Theme != Default().Theme {
			t.Errorf("empty file %q: %v, want the defaults", body, err)
		}
	}
}

// TestFaultConfigTruncatedAtEveryByte cuts a valid configuration with
// credentials at every length and flips bytes at random in it: the loader
// must never panic, and every error must be safe to print.
func TestFaultConfigTruncatedAtEveryByte(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	rng := rand.New(rand.NewPCG(5, 6))
	try := func(what string, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("%s: the loader panicked: %v", what, r)
				}
			}()
			if _, err := Load(LoadOptions{Path: path, Home: dir}); err != nil {
				checkSafe(t, what, path, err)
			}
		}()
	}
	for n := range len(fullConfig) {
		try("truncated", []byte(fullConfig[:n]))
	}
	for range 300 {
		data := []byte(fullConfig)
		for range 1 + rng.IntN(3) {
			data[rng.IntN(len(data))] = byte(rng.Uint32())
		}
		try("flipped", data)
	}
}
