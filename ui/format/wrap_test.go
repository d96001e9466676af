package format

import (
	"reflect"
	"testing"
)

// Names with hyphens stay whole; only a word wider than the line is cut.
func TestWrapWordsKeepsNamesWhole(t *testing.T) {
	got := WrapWords("image ghcr.io/openhands/agent-server:1.43.1-python is missing in oh-agent-server-4kVdr9", 46)
	want := []string{"image", "ghcr.io/openhands/agent-server:1.43.1-python", "is missing in oh-agent-server-4kVdr9"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := WrapWords("abcdefghij kl", 4); !reflect.DeepEqual(got, []string{"abcd", "efgh", "ij", "kl"}) {
		t.Errorf("a long word: %q", got)
	}
	if got := WrapWords("a\n\nb", 10); !reflect.DeepEqual(got, []string{"a", "", "b"}) {
		t.Errorf("newlines: %q", got)
	}
}
