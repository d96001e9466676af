package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// ErrDamaged marks a store file that cannot be trusted: truncated,
// overwritten, not a store at all, or failing bbolt's own consistency
// check. Such a file is moved aside, never opened by bbolt.
var ErrDamaged = errors.New("the state file is damaged")

// bbolt's on-disk layout, read from its source (internal/common): every
// page starts with a 16-byte header (id uint64, flags uint16, count uint16,
// overflow uint32); pages 0 and 1 are meta pages whose body is magic,
// version, page size and flags (uint32 each), the root bucket (root page
// id, sequence: uint64 each), the freelist page id, the high-water page id
// (pgid: the number of pages in use), the txid and an FNV-64a checksum of
// everything before it. Integers are in the machine's byte order.
const (
	pageHeaderSize = 16
	metaSize       = 64
	metaSumLen     = 56 // bytes of the meta covered by its checksum
	boltMagic      = 0xED0CDAED
	boltVersion    = 2
	noFreelist     = ^uint64(0)
	// minPageSize and maxPageSize bound the page sizes bbolt probes for.
	minPageSize = 1024
	maxPageSize = 1024 << 14
	// Page flags.
	branchPageFlag   = 0x01
	leafPageFlag     = 0x02
	freelistPageFlag = 0x10
)

// meta is one decoded meta page.
type meta struct {
	magic, version, pageSize uint32
	root, freelist, pgid     uint64
	txid                     uint64
	valid                    bool
}

func parseMeta(page []byte) meta {
	if len(page) < pageHeaderSize+metaSize {
		return meta{}
	}
	b := page[pageHeaderSize : pageHeaderSize+metaSize]
	le := binary.NativeEndian
	m := meta{
		magic: le.Uint32(b[0:]), version: le.Uint32(b[4:]), pageSize: le.Uint32(b[8:]),
		root: le.Uint64(b[16:]), freelist: le.Uint64(b[32:]), pgid: le.Uint64(b[40:]), txid: le.Uint64(b[48:]),
	}
	h := fnv.New64a()
	_, _ = h.Write(b[:metaSumLen])
	m.valid = m.magic == boltMagic && m.version == boltVersion && h.Sum64() == le.Uint64(b[metaSumLen:])
	return m
}

// checkLayout decides, from the file's size and its meta pages alone,
// whether bbolt may map it. bbolt maps more than the file holds and reads
// pages wherever the meta page points: a file shorter than the pages its
// meta claims makes bbolt touch memory past the end of the file, which is
// SIGBUS, a signal no recover() catches. So the size is checked against
// the page count before bbolt ever sees the file.
func checkLayout(f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	size := fi.Size()
	if size == 0 {
		return fmt.Errorf("%w: it is empty (0 bytes)", ErrDamaged)
	}
	head := make([]byte, min(size, 4096))
	if _, err := f.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("store: reading %s: %w", f.Name(), err)
	}
	m0 := parseMeta(head)
	pageSize := int64(m0.pageSize)
	if !m0.valid {
		// Page 0 is bad: find page 1 the way bbolt does, at every page
		// size it could have been written with.
		pageSize = 0
		for ps := int64(minPageSize); ps <= maxPageSize && ps+pageHeaderSize+metaSize <= size; ps <<= 1 {
			if m := readMeta(f, ps); m.valid && int64(m.pageSize) == ps {
				pageSize = ps
				break
			}
		}
	}
	if pageSize == 0 {
		return fmt.Errorf("%w: %d bytes with no valid store header (wrong magic number, version or checksum): not a state file, or overwritten", ErrDamaged, size)
	}
	if pageSize < minPageSize || pageSize > maxPageSize || pageSize&(pageSize-1) != 0 {
		return fmt.Errorf("%w: its header gives an impossible page size of %d bytes", ErrDamaged, pageSize)
	}
	if size < 2*pageSize {
		return fmt.Errorf("%w: truncated to %d bytes, shorter than its two %d-byte header pages", ErrDamaged, size, pageSize)
	}
	if m0.pageSize != uint32(pageSize) {
		m0 = readMeta(f, 0)
	}
	m1 := readMeta(f, pageSize)
	// bbolt trusts the valid meta page with the higher txid; so must this.
	m := m0
	if !m0.valid || (m1.valid && m1.txid > m0.txid) {
		m = m1
	}
	if !m.valid {
		return fmt.Errorf("%w: both header pages fail their checksum", ErrDamaged)
	}
	if m.pageSize != uint32(pageSize) {
		return fmt.Errorf("%w: its two header pages disagree on the page size (%d and %d)", ErrDamaged, pageSize, m.pageSize)
	}
	// Compare in pages, so a huge pgid cannot overflow the multiplication.
	if pages := uint64(size / pageSize); m.pgid > pages || m.pgid < 2 {
		return fmt.Errorf("%w: truncated to %d bytes, but its header says it holds %d pages of %d bytes (%d bytes)",
			ErrDamaged, size, m.pgid, pageSize, m.pgid*uint64(pageSize))
	}
	if m.root < 2 || m.root >= m.pgid || (m.freelist != noFreelist && (m.freelist < 2 || m.freelist >= m.pgid)) {
		return fmt.Errorf("%w: its header points outside the file (root page %d, freelist page %d, %d pages)", ErrDamaged, m.root, m.freelist, m.pgid)
	}
	if err := checkPage(f, pageSize, m.root, m.pgid, branchPageFlag|leafPageFlag); err != nil {
		return err
	}
	if m.freelist != noFreelist {
		return checkPage(f, pageSize, m.freelist, m.pgid, freelistPageFlag)
	}
	return nil
}

func readMeta(f *os.File, off int64) meta {
	buf := make([]byte, pageHeaderSize+metaSize)
	if _, err := f.ReadAt(buf, off); err != nil {
		return meta{}
	}
	return parseMeta(buf)
}

// checkPage checks the header of page id: its own id, one of the wanted
// flags, and an overflow that stays within the pages in use (bbolt reads
// a page and its overflow as one run of memory).
func checkPage(f *os.File, pageSize int64, id, pgid uint64, want uint16) error {
	var h [pageHeaderSize]byte
	if _, err := f.ReadAt(h[:], int64(id)*pageSize); err != nil {
		return fmt.Errorf("%w: page %d cannot be read: %w", ErrDamaged, id, err)
	}
	le := binary.NativeEndian
	gotID, flags, overflow := le.Uint64(h[0:]), le.Uint16(h[8:]), uint64(le.Uint32(h[12:]))
	if gotID != id || flags&want == 0 || id+overflow >= pgid {
		return fmt.Errorf("%w: page %d is not what its header says (id %d, flags %#x, overflow %d)", ErrDamaged, id, gotID, flags, overflow)
	}
	return nil
}
