package config

import (
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Bounds of the files the configuration reads: far above any real one,
// far below what would hurt.
const (
	maxConfigBytes = 1 << 20
	maxSecretBytes = 64 << 10
)

// readBounded reads a regular file of at most limit bytes. A device, a
// FIFO or a directory is refused before it is opened (/dev/zero never
// ends, opening a FIFO waits for a writer), and a larger file is refused
// rather than read whole. Errors from os keep wrapping fs.ErrNotExist.
func readBounded(path string, limit int64) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is %s, not a regular file", path, fileKind(fi.Mode()))
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%s is %d bytes, more than the %d a file read here may have", path, fi.Size(), limit)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The file may grow between Stat and the read.
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is more than the %d bytes a file read here may have", path, limit)
	}
	return data, nil
}

// fileKind names what a non-regular file is.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	default:
		return "not a plain file"
	}
}
