package main

import (
	"fmt"
	"strings"
	"testing"
)

// TestFaultAmbiguousNameListsFew: a name that matches thousands of
// candidates names a few of them and counts the rest, in one short line,
// instead of listing all (3,000 sandboxes sharing a conversation made a
// 159 KB error).
func TestFaultAmbiguousNameListsFew(t *testing.T) {
	var m matches[int]
	for i := range 3000 {
		m.partial = append(m.partial, i)
	}
	_, err := m.one("conversation", "5", func(i int) string { return fmt.Sprintf("candidate-%04d", i) }, "give more of the id")
	if exitCode(err) != exitUsage {
		t.Fatalf("err = %v, want a usage error", err)
	}
	msg := err.Error()
	if len(msg) > 1000 {
		t.Errorf("the error is %d bytes long", len(msg))
	}
	for _, want := range []string{"3000", "candidate-0000", "give more of the id", "more"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q does not say %q", msg, want)
		}
	}
}
