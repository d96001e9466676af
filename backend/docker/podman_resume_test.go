package docker

import (
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// muxFrame builds one multiplexed frame of a timestamped entry.
func muxFrame(stream byte, ts time.Time, text string) []byte {
	payload := ts.UTC().Format(time.RFC3339) + " " + text + "\n"
	f := make([]byte, 8, 8+len(payload))
	f[0] = stream
	binary.BigEndian.PutUint32(f[4:], uint32(len(payload)))
	return append(f, payload...)
}

// passed reads an attachment through podmanFrames and returns the texts
// it let through, in order.
func passed(t *testing.T, seen *podmanSeen, frames ...[]byte) []string {
	t.Helper()
	var in []byte
	for _, f := range frames {
		in = append(in, f...)
	}
	out, err := io.ReadAll(newPodmanFrames(io.NopCloser(strings.NewReader(string(in))), seen))
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for len(out) >= 8 {
		n := int(binary.BigEndian.Uint32(out[4:8]))
		p := string(out[8 : 8+n])
		texts = append(texts, strings.TrimSuffix(p[strings.IndexByte(p, ' ')+1:], "\n"))
		out = out[8+n:]
	}
	return texts
}

// Podman's follow stream leaks a sparse subset of the next run's lines
// before it ends; the re-attachment from the oldest remembered second
// must deliver exactly the others (TestLogsFollowAcrossRestarts lost lines
// 25 and 26 of the second run to the count-based skip).
func TestPodmanResumeSkipsASparseSubsetByContent(t *testing.T) {
	t33, t34 := time.Unix(1796564793, 0), time.Unix(1796564794, 0)
	seen := newPodmanSeen()
	first := []string{"boot1 line 1", "boot1 line 2"}
	var frames [][]byte
	for _, s := range first {
		frames = append(frames, muxFrame(1, t33, s))
	}
	leaked := []int{1, 2, 9, 10, 24, 28, 150}
	for _, n := range leaked {
		ts := t34
		if n <= 2 {
			ts = t33
		}
		frames = append(frames, muxFrame(1, ts, fmt.Sprintf("boot2 line %d", n)))
	}
	if got := passed(t, seen, frames...); len(got) != len(first)+len(leaked) {
		t.Fatalf("first attachment passed %d entries, want all %d: %q", len(got), len(first)+len(leaked), got)
	}
	if got := seen.since(); !got.Equal(t33) {
		t.Fatalf("re-attach since %v, want the oldest remembered second %v", got, t33)
	}
	// The replay from :33: everything at :33 and :34, in the file's order.
	frames = frames[:0]
	for _, s := range first {
		frames = append(frames, muxFrame(1, t33, s))
	}
	for n := 1; n <= 200; n++ {
		ts := t34
		if n <= 8 {
			ts = t33
		}
		frames = append(frames, muxFrame(1, ts, fmt.Sprintf("boot2 line %d", n)))
	}
	got := passed(t, seen, frames...)
	var want []string
	for n := 1; n <= 200; n++ {
		switch n {
		case 1, 2, 9, 10, 24, 28, 150:
			continue
		}
		want = append(want, fmt.Sprintf("boot2 line %d", n))
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("replay passed %d entries, want %d\ngot  %q\nwant %q", len(got), len(want), got, want)
	}
}

// Identical lines at one stamp are counted: two shown, three replayed →
// one delivered. A stream's other output stream is another entry.
func TestPodmanResumeCountsIdenticalEntries(t *testing.T) {
	ts := time.Unix(1796564793, 0)
	seen := newPodmanSeen()
	passed(t, seen, muxFrame(1, ts, "same"), muxFrame(1, ts, "same"))
	got := passed(t, seen, muxFrame(1, ts, "same"), muxFrame(1, ts, "same"), muxFrame(2, ts, "same"), muxFrame(1, ts, "same"))
	if len(got) != 2 {
		t.Errorf("passed %q, want the third stdout 'same' and the stderr one", got)
	}
}

// The memory is a window of seconds and a bounded number of entries.
func TestPodmanResumeWindowIsBounded(t *testing.T) {
	seen := newPodmanSeen()
	base := int64(1796564700)
	for sec := base; sec < base+10; sec++ {
		for i := range 100 {
			seen.record(sec, uint64(sec*1000+int64(i)))
		}
	}
	if len(seen.seconds) != podmanWindowSeconds || seen.total != podmanWindowSeconds*100 {
		t.Errorf("%d seconds, %d entries remembered; want %d and %d", len(seen.seconds), seen.total, podmanWindowSeconds, podmanWindowSeconds*100)
	}
	for i := range podmanWindowMax + 10 {
		seen.record(base+20, uint64(i))
		seen.record(base+21, uint64(i))
	}
	if seen.total > podmanWindowMax+podmanWindowMax/2+20 || len(seen.seconds) != 1 {
		t.Errorf("%d entries in %d seconds after a flood, want at most one second's worth", seen.total, len(seen.seconds))
	}
}

// A frame cut short by the end of an attachment is not shown in part: the
// next attachment replays it whole, once (a partial line and then the
// whole one came out of logs -f on Podman).
func TestPodmanResumeCutFrameShownWholeOnce(t *testing.T) {
	ts := time.Unix(1796564793, 0)
	seen := newPodmanSeen()
	whole := muxFrame(1, ts, "line 2 of the run")
	cut := append(muxFrame(1, ts, "line 1 of the run"), whole[:len(whole)-7]...)
	if got := passed(t, seen, cut); len(got) != 1 || got[0] != "line 1 of the run" {
		t.Fatalf("the cut attachment passed %q, want line 1 only", got)
	}
	got := passed(t, seen, muxFrame(1, ts, "line 1 of the run"), whole)
	if len(got) != 1 || got[0] != "line 2 of the run" {
		t.Fatalf("the re-attachment passed %q, want line 2 whole, once", got)
	}
}
