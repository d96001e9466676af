package demo

import (
	"context"
	"testing"
	"time"
)

// Every demo sandbox says what it runs: the IMAGE / SPEC column is never
// empty (the runtime API names each runtime's image in /list).
func TestDemoSandboxesHaveAnImage(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d, err := Start(ctx, Options{Sandboxes: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	list, err := d.Backend.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) == 0 {
		t.Fatal("the demo lists no sandboxes")
	}
	for _, sb := range list {
		if sb.SpecID == "" || sb.Image == "" {
			t.Errorf("%s: spec %q, image %q", sb.ID, sb.SpecID, sb.Image)
		}
	}
}
