package spend

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestFaultHistoryNotAFile: spend.db is a directory, a FIFO (whose read
// would block for ever) or a symlink to one. Opening and recording must
// fail or recover promptly — never hang, never panic, never remove what
// is not a history file.
func TestFaultHistoryNotAFile(t *testing.T) {
	for name, plant := range map[string]func(t *testing.T, path string){
		"directory": func(t *testing.T, path string) {
			if err := os.MkdirAll(filepath.Join(path, "keep"), 0o700); err != nil {
				t.Fatal(err)
			}
		},
		"fifo": func(t *testing.T, path string) {
			if err := syscall.Mkfifo(path, 0o600); err != nil {
				t.Fatal(err)
			}
		},
		"symlink to a fifo": func(t *testing.T, path string) {
			fifo := path + ".fifo"
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(fifo, path); err != nil {
				t.Fatal(err)
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), FileName)
			plant(t, path)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			done := make(chan error, 1)
			go func() {
				h, err := OpenHistory(ctx, path, nil)
				if err == nil {
					_, err = h.Record(ctx, t0, nil)
				}
				done <- err
			}()
			select {
			case err := <-done:
				t.Logf("result: %v", err)
			case <-time.After(8 * time.Second):
				t.Fatal("opening the history hangs")
			}
			if name == "directory" {
				if _, err := os.Stat(filepath.Join(path, "keep")); err != nil {
					t.Fatalf("the directory's content is gone: %v", err)
				}
			}
		})
	}
}
