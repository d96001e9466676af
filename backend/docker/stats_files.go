package docker

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
)

// cgroupFiles keeps a container's cgroup files open between samples and
// reads them again from offset 0: a kernel-generated file is produced
// afresh on every read, and a pread costs a fraction of open, fstat, read
// and close (2 µs against 9 µs for cpuacct.usage, 8 against 36 for
// memory.stat, measured here). A file of a removed cgroup then fails to
// read (ENODEV), which reads as the container being gone. Not safe for
// concurrent use: its target's lock serialises it.
type cgroupFiles struct {
	open map[string]*os.File
	buf  []byte
	// kept is the budget this target's open files count against; nil
	// when over budget: each file is then opened for each read.
	kept *atomic.Int32
}

// maxKeptTargets bounds the containers whose files stay open (eight or so
// each), far below any file descriptor limit.
const maxKeptTargets = 128

// keepOpen lets f keep its files open if the budget allows.
func (f *cgroupFiles) keepOpen(budget *atomic.Int32) {
	if budget.Add(1) <= maxKeptTargets {
		f.kept = budget
		return
	}
	budget.Add(-1)
}

// read returns the file's content, valid until the next read.
func (f *cgroupFiles) read(dir, name string) ([]byte, error) {
	path := filepath.Join(dir, name)
	if f.kept == nil {
		return os.ReadFile(path)
	}
	if f.open == nil {
		f.open = map[string]*os.File{}
	}
	fd := f.open[path]
	if fd == nil {
		var err error
		if fd, err = os.Open(path); err != nil {
			return nil, err
		}
		f.open[path] = fd
	}
	if f.buf == nil {
		f.buf = make([]byte, 4096)
	}
	for {
		n, err := fd.ReadAt(f.buf, 0)
		if err != nil && !errors.Is(err, io.EOF) {
			_ = fd.Close()
			delete(f.open, path)
			return nil, err
		}
		if n < len(f.buf) || len(f.buf) >= 1<<20 {
			return f.buf[:n], nil
		}
		f.buf = make([]byte, 2*len(f.buf)) // did not fit: read it whole
	}
}

// close closes every file kept open and gives the budget back.
func (f *cgroupFiles) close() {
	for _, fd := range f.open {
		_ = fd.Close()
	}
	f.open = nil
	if f.kept != nil {
		f.kept.Add(-1)
		f.kept = nil
	}
}

func (f *cgroupFiles) readString(dir, name string) (string, error) {
	b, err := f.read(dir, name)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

func (f *cgroupFiles) readUint(dir, name string) (uint64, error) {
	s, err := f.readString(dir, name)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, &os.PathError{Op: "parse", Path: filepath.Join(dir, name), Err: fmt.Errorf("%w: %w", errGarbled, err)}
	}
	return n, nil
}

// errGarbled is a cgroup file that does not read as what it holds (not a
// number, cut short): a fault of that file at that moment, not a sign
// that the files are unusable from here.
var errGarbled = errors.New("unexpected contents")

// readKV reads a "key value" per line file (memory.stat, cpu.stat).
func (f *cgroupFiles) readKV(dir, name string) (map[string]uint64, error) {
	b, err := f.read(dir, name)
	if err != nil {
		return nil, err
	}
	return parseKV(b), nil
}
