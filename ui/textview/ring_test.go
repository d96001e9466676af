package textview

import (
	"strings"
	"testing"
	"unsafe"
)

func TestRingLineCap(t *testing.T) {
	m := newView(20, 3, WithMaxLines(5))
	m = m.Append(numbered(0, 12)...)
	if m.Len() != 5 || m.Evicted() != 7 {
		t.Fatalf("Len=%d Evicted=%d, want 5 and 7", m.Len(), m.Evicted())
	}
	// The ring wrapped around its backing slice; order must survive.
	r := m.st.r
	for i, abs := 0, r.first; abs <= r.last(); i, abs = i+1, abs+1 {
		if got, want := r.at(abs).line.Text, "line "+itoa(7+i); got != want {
			t.Fatalf("line %d = %q, want %q", abs, got, want)
		}
	}
	wantRows(t, frame(t, m), "line 9", "line 10", "line 11")
}

func TestRingByteCap(t *testing.T) {
	m := newView(20, 3, WithMaxBytes(30))
	m = m.Append(mkLines("aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc", "dddddddddd")...)
	if m.Len() != 3 || m.Bytes() != 30 || m.Evicted() != 1 {
		t.Fatalf("Len=%d Bytes=%d Evicted=%d, want 3, 30, 1", m.Len(), m.Bytes(), m.Evicted())
	}
	// A line bigger than the whole cap evicts everything but is kept.
	m = m.Append(mk(strings.Repeat("x", 50)))
	if m.Len() != 1 || m.Bytes() != 50 || m.Evicted() != 4 {
		t.Fatalf("after huge line: Len=%d Bytes=%d Evicted=%d", m.Len(), m.Bytes(), m.Evicted())
	}
	m = m.Append(mk("y"))
	if m.Len() != 1 || m.Bytes() != 1 {
		t.Fatalf("the huge line should go first: Len=%d Bytes=%d", m.Len(), m.Bytes())
	}
}

func TestRingCopiesText(t *testing.T) {
	big := strings.Repeat("z", 1<<16)
	m := newView(20, 3).Append(mk(big[:10]))
	got := m.st.r.at(0).line.Text
	if unsafe.StringData(got) == unsafe.StringData(big) || got != big[:10] {
		t.Fatalf("text must be copied, not a slice of the read buffer")
	}
}

func TestResetKeepsSettings(t *testing.T) {
	m := newView(20, 3, WithMaxLines(2), WithWrap(false)).Append(numbered(0, 5)...).ScrollUp(1)
	m = m.Reset()
	if m.Len() != 0 || m.Evicted() != 0 || !m.Following() || m.Wrapping() {
		t.Fatalf("Reset: Len=%d Evicted=%d follow=%v wrap=%v", m.Len(), m.Evicted(), m.Following(), m.Wrapping())
	}
	m = m.Append(numbered(0, 5)...)
	if m.Len() != 2 {
		t.Fatalf("caps lost on Reset: Len=%d", m.Len())
	}
}
