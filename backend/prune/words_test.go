package prune

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
)

func TestParseWords(t *testing.T) {
	p, err := ParseWords("status=error,MISSING older=24h backend=local,cloud")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Statuses) != 2 || p.Statuses[0] != backend.StatusError || p.OlderThan != 24*time.Hour || len(p.Backends) != 2 || p.Action != backend.ActionDelete {
		t.Fatalf("parsed %+v", p)
	}
	if _, err := ParseWords("  "); !errors.Is(err, ErrNoRule) {
		t.Errorf("no words: %v, want ErrNoRule", err)
	}
	if _, err := ParseWords("backend=local"); !errors.Is(err, ErrNoRule) {
		t.Errorf("a backend alone selects a whole backend: %v, want ErrNoRule", err)
	}
	for _, bad := range []string{"status=sleeping", "older=-1h", "older=soon", "idle=2h", "colour=red", "status", "older=\x1b]52;c;x\x07"} {
		_, err := ParseWords(bad)
		if err == nil {
			t.Errorf("%q accepted", bad)
			continue
		}
		if strings.ContainsAny(err.Error(), "\x1b\x07") {
			t.Errorf("%q: the error echoes control characters: %q", bad, err)
		}
	}
}
