package main

import (
	"context"
	"io"
	"testing"
)

func TestLoadConfig(t *testing.T) {
	cfg, err := parseConfig([]string{"-alloc-mb", "3"}, envOf(map[string]string{"AGENTSIM_BURN_CPU": "2", "AGENTSIM_ALLOC_MB": "9"}), io.Discard)
	if err != nil || cfg.load.burn != 2 || cfg.load.allocMB != 3 {
		t.Fatalf("load %+v, %v (the flag wins over its variable)", cfg.load, err)
	}
	for _, bad := range []map[string]string{{"AGENTSIM_BURN_CPU": "-1"}, {"AGENTSIM_ALLOC_MB": "99999"}, {"AGENTSIM_BURN_CPU": "x"}} {
		if _, err := parseConfig(nil, envOf(bad), io.Discard); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	hold = nil
	ctx, cancel := context.WithCancel(context.Background())
	startLoad(ctx, loadConfig{allocMB: 2, burn: 1})
	cancel()
	if len(hold) != 2 || len(hold[0]) != 1<<20 || hold[1][4096] != 1 {
		t.Errorf("held %d MiB", len(hold))
	}
	hold = nil
}
