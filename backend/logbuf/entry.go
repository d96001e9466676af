package logbuf

import "bytes"

// entryState is the decoder's state for one output stream: the entry being
// read (its timestamp prefix, how much of it to skip) and the line being
// assembled from one or more entries. stdout and stderr interleave, so each
// has its own.
type entryState struct {
	atStart bool // the next byte starts an entry, with a timestamp
	pre     [maxStampLen]byte
	preN    int // timestamp bytes collected while undecided

	inEntry       bool
	ts            stamp
	hasTS         bool
	n             int // message bytes of the entry so far, skipped ones included
	skipAll       bool
	skipN         int
	suppressEmpty bool

	open      bool // a line is being assembled
	lineTS    stamp
	lineHasTS bool
	buf       []byte
}

// payload decodes message bytes of stream idx.
func (d *decoder) payload(idx int, data []byte) {
	e := &d.streams[idx]
	for len(data) > 0 {
		if e.atStart {
			n, decided := d.stamp(idx, e, data)
			data = data[n:]
			if !decided {
				return
			}
			continue
		}
		seg := data
		if d.framing == framingRaw {
			// A raw stream has no frames: a piece of a long line ends after
			// exactly partialSize bytes, and the next piece's timestamp follows.
			left := partialSize - e.n
			if left <= 0 {
				d.entryEnd(e)
				continue
			}
			seg = seg[:min(len(seg), left)]
		}
		nl := bytes.IndexByte(seg, '\n')
		if nl >= 0 {
			seg = seg[:nl]
		}
		d.message(idx, e, seg, nl >= 0)
		data = data[len(seg):]
		if nl >= 0 {
			data = data[1:]
			d.entryEnd(e)
		} else if d.framing == framingRaw && e.n >= partialSize {
			d.entryEnd(e)
		}
	}
}

// stamp reads the timestamp prefix of an entry. It returns how many bytes it
// consumed and whether the prefix is decided; if not, it needs more bytes.
// A prefix that is not a timestamp is message text: nothing is lost.
func (d *decoder) stamp(idx int, e *entryState, data []byte) (int, bool) {
	if idx == idxSystem || d.untimed {
		// The daemon's own messages carry none, nor does an untimed
		// stream: text that looks like a timestamp is the program's own.
		d.startEntry(e, stamp{}, false)
		return 0, true
	}
	if e.preN == 0 && len(data) > fixedLen && data[fixedLen] == ' ' {
		if ts, ok := parseStamp(data[:fixedLen]); ok {
			d.startEntry(e, ts, true)
			return fixedLen + 1, true
		}
	}
	for i, c := range data {
		if c == ' ' && e.preN > 0 {
			if ts, ok := parseStamp(e.pre[:e.preN]); ok {
				e.preN = 0
				d.startEntry(e, ts, true)
				return i + 1, true
			}
			d.noStamp(idx, e)
			return i, true
		}
		if e.preN == len(e.pre) || !stampByteOK(e.preN, c) {
			d.noStamp(idx, e)
			return i, true
		}
		e.pre[e.preN] = c
		e.preN++
	}
	return len(data), false
}

// noStamp starts an entry without a timestamp; the bytes collected as a
// possible timestamp become its first message bytes.
func (d *decoder) noStamp(idx int, e *entryState) {
	n := e.preN
	e.preN = 0
	d.startEntry(e, stamp{}, false)
	if n > 0 {
		// message never touches pre, so passing it directly is safe.
		d.message(idx, e, e.pre[:n], false)
	}
}

func (d *decoder) startEntry(e *entryState, ts stamp, hasTS bool) {
	e.atStart, e.inEntry = false, true
	e.ts, e.hasTS, e.n = ts, hasTS, 0
	e.skipAll, e.skipN, e.suppressEmpty = false, 0, false
	if !hasTS {
		return
	}
	switch d.filter.check(ts) {
	case skipEntry:
		e.skipAll = true
	case skipPrefix:
		// The start of this entry was delivered, as a line of its own, by
		// the attachment that broke off: deliver only the rest.
		e.skipN, e.suppressEmpty = d.filter.from.partial, true
	}
}

func (d *decoder) entryEnd(e *entryState) {
	if e.inEntry && e.hasTS && !e.skipAll {
		d.point.record(e.ts)
	}
	e.inEntry, e.atStart = false, true
}

// message adds message bytes of the current entry to the line; complete
// means a '\n' followed them.
func (d *decoder) message(idx int, e *entryState, b []byte, complete bool) {
	e.n += len(b)
	if e.skipAll {
		return
	}
	if e.skipN > 0 {
		k := min(e.skipN, len(b))
		b, e.skipN = b[k:], e.skipN-k
	}
	if !e.open {
		if len(b) == 0 && (!complete || e.suppressEmpty) {
			return
		}
		e.open, e.lineTS, e.lineHasTS = true, e.ts, e.hasTS
	}
	if !complete {
		e.buf = append(e.buf, b...)
		for len(e.buf) > d.maxLine {
			cut := cutPoint(e.buf, d.maxLine)
			d.emit(streamOf[idx], e.lineTS, e.lineHasTS, e.buf[:cut], true)
			e.buf = e.buf[:copy(e.buf, e.buf[cut:])]
		}
		return
	}
	if len(e.buf) > 0 {
		e.buf = append(e.buf, b...)
		b = e.buf
	}
	d.emitSplit(idx, e, b)
	e.buf, e.open = e.buf[:0], false
}

// flushLine emits an unfinished line.
func (d *decoder) flushLine(idx int, e *entryState) {
	if e.open {
		d.emitSplit(idx, e, e.buf)
		e.buf, e.open = e.buf[:0], false
	}
}

// emitSplit emits a line, cut into pieces of at most maxLine bytes, each
// but the last marked as continued.
func (d *decoder) emitSplit(idx int, e *entryState, b []byte) {
	for len(b) > d.maxLine {
		cut := cutPoint(b, d.maxLine)
		d.emit(streamOf[idx], e.lineTS, e.lineHasTS, b[:cut], true)
		b = b[cut:]
	}
	d.emit(streamOf[idx], e.lineTS, e.lineHasTS, b, false)
}

// cutPoint picks where to cut b (longer than limit) so that a UTF-8
// sequence is not torn apart, looking back at most three bytes.
func cutPoint(b []byte, limit int) int {
	for cut := limit; cut > limit-4 && cut > 0; cut-- {
		if b[cut]&0xc0 != 0x80 {
			return cut
		}
	}
	return limit
}
