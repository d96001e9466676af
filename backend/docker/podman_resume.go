package docker

import (
	"bytes"
	"hash/maphash"
	"io"
	"time"
)

// Podman's follow stream does not end cleanly at a restart: it goes on for
// a moment into the next run and passes a sparse subset of the new run's
// lines (seen on Podman 4.3: lines 9-24, 28 and 150 of the new run, then
// the end). Its stamps are whole seconds, so a re-attachment with since=T
// cannot skip "the first n entries at T" as Docker's can: what was shown at
// T is not a prefix of what T replays. So a Podman stream remembers which
// entries it passed during the last few seconds of stamps, by content, and
// a re-attachment from the oldest of those seconds skips exactly those and
// keeps every other one.

// podmanWindowSeconds is how many seconds of stamps are remembered: the
// leak into a new run lasts well under a second, the stamps are cut to the
// second, so three cover the second before, the one of, and the one after.
const podmanWindowSeconds = 3

// podmanWindowMax bounds the entries remembered (a few MiB at most): past
// it the oldest second is forgotten, which can only let a replayed entry
// through again, never lose one.
const podmanWindowMax = 1 << 17

// podmanSeen is what a Podman log stream passed in its newest seconds: per
// stamp (Unix seconds), a multiset of entry digests.
type podmanSeen struct {
	seed    maphash.Seed
	seconds map[int64]map[uint64]int
	total   int
}

func newPodmanSeen() *podmanSeen {
	return &podmanSeen{seed: maphash.MakeSeed(), seconds: map[int64]map[uint64]int{}}
}

// since is where a re-attachment starts: the oldest remembered second, or
// zero when nothing was passed yet.
func (s *podmanSeen) since() time.Time {
	oldest, ok := s.oldest()
	if !ok {
		return time.Time{}
	}
	return time.Unix(oldest, 0).UTC()
}

func (s *podmanSeen) oldest() (int64, bool) {
	var o int64
	ok := false
	for sec := range s.seconds {
		if !ok || sec < o {
			o, ok = sec, true
		}
	}
	return o, ok
}

func (s *podmanSeen) newest() int64 {
	var n int64
	for sec := range s.seconds {
		n = max(n, sec)
	}
	return n
}

// snapshot copies the multiset, for one re-attachment to consume.
func (s *podmanSeen) snapshot() map[int64]map[uint64]int {
	out := make(map[int64]map[uint64]int, len(s.seconds))
	for sec, m := range s.seconds {
		c := make(map[uint64]int, len(m))
		for k, v := range m {
			c[k] = v
		}
		out[sec] = c
	}
	return out
}

// record notes an entry passed on, forgetting seconds that fell out of the
// window.
func (s *podmanSeen) record(sec int64, digest uint64) {
	m := s.seconds[sec]
	if m == nil {
		m = map[uint64]int{}
		s.seconds[sec] = m
	}
	m[digest]++
	s.total++
	newest := s.newest()
	for old, om := range s.seconds {
		if old <= newest-podmanWindowSeconds {
			s.total -= countOf(om)
			delete(s.seconds, old)
		}
	}
	for s.total > podmanWindowMax && len(s.seconds) > 1 {
		o, _ := s.oldest()
		s.total -= countOf(s.seconds[o])
		delete(s.seconds, o)
	}
}

func countOf(m map[uint64]int) int {
	n := 0
	for _, c := range m {
		n += c
	}
	return n
}

// podmanFrames passes a Podman multiplexed log stream through, dropping the
// entries a previous attachment already passed (by content, within the
// remembered seconds) and remembering the ones it passes.
type podmanFrames struct {
	filterReader
	seen *podmanSeen
	prev map[int64]map[uint64]int // what the attachment before passed
	top  int64                    // its newest second: past it nothing is skipped
}

func newPodmanFrames(r io.ReadCloser, seen *podmanSeen) *podmanFrames {
	return &podmanFrames{filterReader: filterReader{r: r, dropCut: true}, seen: seen, prev: seen.snapshot(), top: seen.newest()}
}

// Read returns the next kept bytes.
func (f *podmanFrames) Read(p []byte) (int, error) {
	return f.read(p, func() bool {
		moved, _ := f.frames(f.keep)
		return moved
	})
}

// keep decides one frame: an entry without a stamp passes; a stamped one
// the previous attachment passed is skipped once.
func (f *podmanFrames) keep(frame []byte) bool {
	payload := frame[8:]
	sp := bytes.IndexByte(payload, ' ')
	if sp < 0 {
		return true
	}
	ts, err := time.Parse(time.RFC3339Nano, string(payload[:sp]))
	if err != nil {
		return true
	}
	sec := ts.Unix()
	var h maphash.Hash
	h.SetSeed(f.seen.seed)
	_ = h.WriteByte(frame[0])
	_, _ = h.Write(payload)
	d := h.Sum64()
	if sec <= f.top {
		if m := f.prev[sec]; m[d] > 0 {
			m[d]--
			return false
		}
	}
	f.seen.record(sec, d)
	return true
}
