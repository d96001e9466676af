package logbuf

import "encoding/binary"

// The decoder turns the bytes of one Docker log attachment (requested with
// timestamps=true) into lines. It is a push parser with all its state in
// fields, so a frame header, a timestamp or a line may be split across reads
// anywhere; what it emits depends only on the bytes, never on how they were
// chunked. It runs on the reader goroutine and never blocks.
//
// Stream format: without a TTY, Docker multiplexes stdout and stderr into
// frames, an 8-byte header (stream byte, three zero bytes, big-endian uint32
// payload length) and the payload, one frame per log entry. With a TTY the
// stream is raw. Either way each entry is "<RFC 3339 timestamp> <message>",
// and an entry without a final '\n' is a piece of a longer line: Docker's log
// copier cuts lines into 16 KiB messages, each written with its own
// timestamp prefix.

// partialSize is the size of the pieces Docker's log copier cuts long lines
// into. In a raw (TTY) stream it is the only way to find where the next
// piece's timestamp starts.
const partialSize = 16 * 1024

// Indexes of the per-stream states.
const (
	idxStdout = iota
	idxStderr
	idxSystem
	numStreams
)

var streamOf = [numStreams]Stream{Stdout, Stderr, System}

type framing uint8

const (
	framingDetect framing = iota // raw requested: a valid first header says otherwise
	framingMux
	framingRaw
)

// emitFunc receives each complete line's raw bytes (without the '\n'); the
// slice is only valid during the call.
type emitFunc func(st Stream, ts stamp, hasTS bool, raw []byte, cont bool)

type decoder struct {
	framing   framing
	hdr       [8]byte
	hdrN      int
	inFrame   bool
	frameLeft int
	frameIdx  int
	streams   [numStreams]entryState
	maxLine   int
	untimed   bool // the stream has no timestamps (see Options.Untimed)
	emit      emitFunc
	filter    resumeFilter
	point     resumePoint
}

func newDecoder(maxLine int, untimed bool, emit emitFunc) *decoder {
	return &decoder{maxLine: maxLine, untimed: untimed, emit: emit}
}

// reset prepares the decoder for a new attachment, keeping its buffers.
// Entries already delivered up to from are skipped when they are replayed.
func (d *decoder) reset(multiplexed bool, from resumePoint) {
	*d = decoder{
		framing: framingDetect, maxLine: d.maxLine, untimed: d.untimed, emit: d.emit, streams: d.streams,
		filter: newResumeFilter(from), point: from,
	}
	if multiplexed {
		d.framing = framingMux
	}
	for i := range d.streams {
		d.streams[i] = entryState{atStart: true, buf: d.streams[i].buf[:0]}
	}
}

// write decodes the next bytes of the stream.
func (d *decoder) write(p []byte) {
	for len(p) > 0 {
		if d.framing == framingRaw {
			d.payload(idxStdout, p)
			return
		}
		if !d.inFrame {
			n := copy(d.hdr[d.hdrN:], p)
			d.hdrN += n
			p = p[n:]
			if d.hdrN == len(d.hdr) {
				d.hdrN = 0
				d.header()
			}
			continue
		}
		n := min(d.frameLeft, len(p))
		d.payload(d.frameIdx, p[:n])
		p = p[n:]
		d.frameLeft -= n
		if d.frameLeft == 0 {
			d.inFrame = false
			d.frameEnd(d.frameIdx)
		}
	}
}

// header acts on a complete frame header. A header that cannot be one means
// the stream is not multiplexed after all (a TTY container, or a framing
// error): the rest of the attachment, header bytes included, is read raw,
// so nothing is lost.
func (d *decoder) header() {
	h := &d.hdr
	ok := h[0] <= 3 && h[1] == 0 && h[2] == 0 && h[3] == 0
	if d.framing == framingDetect {
		// A raw stream with timestamps starts with a digit; only a real
		// stdout or stderr frame switches it to multiplexed.
		ok = ok && (h[0] == 1 || h[0] == 2)
	}
	if !ok {
		d.framing = framingRaw
		d.payload(idxStdout, d.hdr[:])
		return
	}
	d.framing = framingMux
	d.frameIdx = idxStdout // stdin (0) is shown as stdout, as StdCopy does
	switch h[0] {
	case 2:
		d.frameIdx = idxStderr
	case 3:
		d.frameIdx = idxSystem
	}
	d.frameLeft = int(binary.BigEndian.Uint32(h[4:]))
	d.inFrame = d.frameLeft > 0
}

// frameEnd ends the entry a frame carried.
func (d *decoder) frameEnd(idx int) {
	e := &d.streams[idx]
	if e.atStart && e.preN > 0 {
		d.noStamp(idx, e)
	}
	d.entryEnd(e)
	if idx == idxSystem {
		d.flushLine(idx, e)
	}
}

// finish ends the attachment. At EOF, bytes that are still undecided (a
// short header, a timestamp cut off) are kept as text; when the stream broke
// they are dropped, because re-attaching replays them. Unfinished lines are
// emitted either way.
func (d *decoder) finish(eof bool) {
	if d.hdrN > 0 && eof {
		n := d.hdrN
		d.hdrN = 0
		d.framing = framingRaw
		d.payload(idxStdout, d.hdr[:n])
	}
	for idx := range d.streams {
		e := &d.streams[idx]
		if e.atStart && e.preN > 0 {
			if eof {
				d.noStamp(idx, e)
			} else {
				e.preN = 0
			}
		}
		if e.inEntry && e.hasTS && !e.skipAll && e.n > 0 {
			d.point.recordPartial(e.ts, e.n)
		}
		d.flushLine(idx, e)
	}
}
