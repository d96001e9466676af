package remote

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ohdash/ohdash/backend/remote/store"
	"github.com/ohdash/ohdash/backend/sim/runtimeapi"
)

// TestFaultStoreDamagedUnderRunningBackend truncates the state file while
// a backend uses it: the next refresh must work, say once that the file
// was replaced, and write every sandbox it knows into the new file (it
// holds nothing, and the runtime API is where the list is rebuilt from).
func TestFaultStoreDamagedUnderRunningBackend(t *testing.T) {
	r := newRig(t, runtimeapi.Config{}, nil)
	ids := seedKnown(t, r, 40)
	ctx := context.Background()
	if err := os.Truncate(r.store.Path(), 20000); err != nil {
		t.Fatal(err)
	}
	if got := len(r.list()); got != 40 {
		t.Fatalf("listed %d sandboxes after the damage, want 40", got)
	}
	if aside, _ := filepath.Glob(r.store.Path() + ".damaged-*"); len(aside) != 1 {
		t.Fatalf("damaged file not moved aside: %v", aside)
	}
	first := r.b.snapshot()
	if !errors.Is(first.Notice, store.ErrDamaged) || first.Conn.Err != nil {
		t.Errorf("the snapshot does not say that the store was replaced: notice %v, connection error %v", first.Notice, first.Conn.Err)
	}
	recs, err := r.store.List(ctx, r.b.APIURL())
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(ids) {
		t.Fatalf("new store holds %d records after a refresh, want all %d again", len(recs), len(ids))
	}
	r.list()
	// The same notice, not a new one: a consumer says it once.
	if snap := r.b.snapshot(); snap.Notice != first.Notice || snap.Conn.Err != nil {
		t.Errorf("the next refresh changed the notice: %v (was %v), connection error %v", snap.Notice, first.Notice, snap.Conn.Err)
	}
}
