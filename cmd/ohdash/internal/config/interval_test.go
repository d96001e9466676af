package config

import (
	"path/filepath"
	"testing"
	"time"
)

// TestStatsInterval: 2 s by default, a duration or "off" from the file
// and the environment, and "off" printed back as such.
func TestStatsInterval(t *testing.T) {
	c, err := load(t, env{})
	if err != nil || c.StatsInterval.Std() != 2*time.Second {
		t.Fatalf("default %v, %v", c.StatsInterval.Std(), err)
	}
	c, err = load(t, env{"OHDASH_STATS_INTERVAL": "off"})
	if err != nil || c.StatsInterval.Std() != 0 {
		t.Fatalf("off from the environment: %v, %v", c.StatsInterval.Std(), err)
	}
	if s, _ := Lookup("stats_interval"); s.Value(c) != "off" {
		t.Fatalf("printed as %q", s.Value(c))
	}
	dir := t.TempDir()
	p := writeFile(t, dir, "c.toml", "stats_interval = \"5s\"\n")
	c, err = Load(LoadOptions{Path: p, Getenv: env{}.get, Home: dir})
	if err != nil || c.StatsInterval.Std() != 5*time.Second {
		t.Fatalf("from the file: %v, %v", c.StatsInterval.Std(), err)
	}
	p = writeFile(t, dir, "bad.toml", "stats_interval = \"often\"\n")
	if _, err = Load(LoadOptions{Path: filepath.Clean(p), Getenv: env{}.get, Home: dir}); err == nil {
		t.Fatal("a bad interval must be refused")
	}
}
