package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFaultConfigEndlessFiles: a configuration file, or a key file it
// names, that is not a regular file (a device such as /dev/zero, which
// never ends) or is far larger than any configuration is refused with a
// configuration error naming it. The loader used to read /dev/zero until
// memory ran out (4 GB in 3 s), deaf to SIGTERM.
func TestFaultConfigEndlessFiles(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.toml")
	// Valid TOML (comments), only too large to be a configuration.
	if err := os.WriteFile(huge, []byte("theme = \"dark\"\n"+strings.Repeat("# padding\n", maxConfigBytes/10+1)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/dev/zero", huge, dir} {
		_, err := Load(LoadOptions{Path: path, Home: dir})
		checkSafe(t, path, path, err)
	}

	keyCfg := filepath.Join(dir, "key.toml")
	conf := "docker = []\n[[remote]]\nname = \"r\"\nurl = \"https://runtime.example\"\napi_key_file = \"/dev/zero\"\n"
	if err := os.WriteFile(keyCfg, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(LoadOptions{Path: keyCfg, Home: dir})
	checkSafe(t, "api_key_file /dev/zero", "/dev/zero", err)
}
