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
	if snap := r.b.snapshot(); !errors.Is(snap.Notice, store.ErrDamaged) || snap.Conn.Err != nil {
		t.Errorf("the snapshot does not say once that the store was replaced: notice %v, connection error %v", snap.Notice, snap.Conn.Err)
	}
	recs, err := r.store.List(ctx, r.b.APIURL())
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(ids) {
		t.Fatalf("new store holds %d records after a refresh, want all %d again", len(recs), len(ids))
	}
	r.list()
	if snap := r.b.snapshot(); snap.Notice != nil || snap.Conn.Err != nil {
		t.Errorf("the notice is repeated on the next refresh: %v, %v", snap.Notice, snap.Conn.Err)
	}
}
