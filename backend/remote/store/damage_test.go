package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fullStore writes a store with enough records to span a few hundred KB
// (built once, copied for each test) and returns its path and size.
func fullStore(t *testing.T) (string, int64) {
	t.Helper()
	fullOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ohdash-store-")
		if err != nil {
			fullErr = err
			return
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "remote.db")
		s, err := Open(context.Background(), path, Options{})
		if err != nil {
			fullErr = err
			return
		}
		var recs []Record
		for i := range 120 {
			recs = append(recs, testRecord(fmt.Sprintf("sb-%03d", i)))
		}
		if fullErr = s.Put(context.Background(), recs...); fullErr == nil {
			fullBytes, fullErr = os.ReadFile(path)
		}
	})
	if fullErr != nil {
		t.Fatal(fullErr)
	}
	if len(fullBytes) < 3*65536 {
		t.Fatalf("store is only %d bytes; the truncation cases need more", len(fullBytes))
	}
	path := filepath.Join(t.TempDir(), "remote.db")
	writeFile(t, path, fullBytes)
	return path, int64(len(fullBytes))
}

var (
	fullOnce  sync.Once
	fullBytes []byte
	fullErr   error
)

// damageCases damage a store file in the ways a full disk, a bad copy or
// a stray command do.
var damageCases = []struct {
	name   string
	damage func(t *testing.T, path string, size int64)
}{
	{"zero-length", truncateTo(0)},
	{"1-byte", truncateTo(1)},
	{"4095-bytes", truncateTo(4095)},
	{"20000-bytes", truncateTo(20000)},
	{"65536-bytes", truncateTo(65536)},
	{"half", func(t *testing.T, path string, size int64) { truncateTo(size/2)(t, path, size) }},
	{"garbage", func(t *testing.T, path string, size int64) {
		buf := make([]byte, size)
		rng := rand.New(rand.NewPCG(7, 7))
		for i := range buf {
			buf[i] = byte(rng.Uint32())
		}
		// Escape sequences in the garbage must not reach the notice.
		copy(buf[100:], "\x1b]0;pwned\x07\x1b[2J")
		writeFile(t, path, buf)
	}},
	{"wrong-magic", func(t *testing.T, path string, _ int64) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		ps := int(binary.NativeEndian.Uint32(data[pageHeaderSize+8:]))
		for _, off := range []int{0, ps} {
			binary.NativeEndian.PutUint32(data[off+pageHeaderSize:], 0xDEADBEEF)
		}
		writeFile(t, path, data)
	}},
	{"overwritten-pages", func(t *testing.T, path string, size int64) {
		// Headers intact, the data pages behind them zeroed: only bbolt's
		// consistency check (or a recovered panic) can tell.
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		ps := int(binary.NativeEndian.Uint32(data[pageHeaderSize+8:]))
		clear(data[2*ps:])
		writeFile(t, path, data)
	}},
	{"overwritten-leaves", func(t *testing.T, path string, _ int64) {
		// Header, root and freelist pages intact, every other page zeroed:
		// the layout check passes, bbolt's consistency check must not.
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		m := parseMeta(data)
		ps := int(m.pageSize)
		if m1 := parseMeta(data[ps:]); m1.valid && m1.txid > m.txid {
			m = m1
		}
		for id := 2; id*ps < len(data); id++ {
			if uint64(id) != m.root && uint64(id) != m.freelist {
				clear(data[id*ps : (id+1)*ps])
			}
		}
		writeFile(t, path, data)
	}},
}

func truncateTo(n int64) func(*testing.T, string, int64) {
	return func(t *testing.T, path string, _ int64) {
		t.Helper()
		if err := os.Truncate(path, n); err != nil {
			t.Fatal(err)
		}
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestFaultStoreDamagedFile damages the state file in each way, then
// opens and uses it in a child process (the old code died of SIGBUS or an
// assertion there, which a test can only observe from outside). The child
// must work with an empty store, say so once, and the damaged file must
// be kept under a timestamped name.
func TestFaultStoreDamagedFile(t *testing.T) {
	for _, c := range damageCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel() // each in its own directory; the time is the children's start-up
			path, size := fullStore(t)
			c.damage(t, path, size)
			damagedBytes, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			cmd := child(t, "opener", path)
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err = runBounded(t, cmd)
			if err != nil {
				t.Fatalf("child using the damaged store failed (%v):\n%s", err, stderr.String())
			}
			if got := strings.TrimSpace(stdout.String()); got != "ok 1" {
				t.Errorf("child listed %q, want the one record written after the damage (ok 1)", got)
			}
			t.Log(stderr.String())
			notices := strings.Count(stderr.String(), "NOTICE:")
			if notices != 1 {
				t.Errorf("%d notices, want exactly one:\n%s", notices, stderr.String())
			}
			if !strings.Contains(stderr.String(), path) {
				t.Errorf("notice does not name the file %s:\n%s", path, stderr.String())
			}
			if bytes.ContainsAny(stderr.Bytes(), "\x1b\x07") {
				t.Errorf("notice carries raw escape bytes: %q", stderr.String())
			}
			aside, _ := filepath.Glob(path + ".damaged-*")
			if len(aside) != 1 {
				t.Fatalf("damaged file not moved aside: %v", aside)
			}
			if !strings.Contains(stderr.String(), aside[0]) {
				t.Errorf("notice does not say where the file went (%s):\n%s", aside[0], stderr.String())
			}
			kept, err := os.ReadFile(aside[0])
			if err != nil || !bytes.Equal(kept, damagedBytes) {
				t.Errorf("the file moved aside is not the damaged file as it was (%d bytes, want %d; %v)", len(kept), len(damagedBytes), err)
			}
			if _, err := time.Parse("20060102T150405Z", strings.TrimPrefix(aside[0], path+".damaged-")); err != nil {
				t.Errorf("moved-aside name %s has no UTC timestamp: %v", aside[0], err)
			}
		})
	}
}

// TestFaultStoreDamagedWhileOpen damages the file, in each way, under a
// Store that a child process already opened (and so checked): its next
// operations must move the file aside and work, with one notice.
func TestFaultStoreDamagedWhileOpen(t *testing.T) {
	for _, c := range damageCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel() // each in its own directory; the time is the children's start-up
			path, size := fullStore(t)
			var stderr bytes.Buffer
			cmd := child(t, "damage-while-open", path)
			cmd.Stderr = &stderr
			in, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
			rd := bufio.NewReader(out)
			if line, err := rd.ReadString('\n'); line != "opened\n" {
				t.Fatalf("child did not open the store: %q %v\n%s", line, err, stderr.String())
			}
			c.damage(t, path, size)
			if _, err := in.Write([]byte("go\n")); err != nil {
				t.Fatal(err)
			}
			rest, _ := io.ReadAll(rd)
			if err := cmd.Wait(); err != nil {
				t.Fatalf("using a store damaged under it failed (%v):\n%s", err, stderr.String())
			}
			if got := strings.TrimSpace(string(rest)); got != "ok 1" {
				t.Errorf("child said %q, want ok 1", got)
			}
			if n := strings.Count(stderr.String(), "NOTICE:"); n != 1 {
				t.Errorf("%d notices, want one:\n%s", n, stderr.String())
			}
			if aside, _ := filepath.Glob(path + ".damaged-*"); len(aside) != 1 {
				t.Errorf("damaged file not moved aside: %v", aside)
			}
		})
	}
}

// runBounded runs cmd, killing it if it takes more than 30 s.
func runBounded(t *testing.T, cmd *exec.Cmd) error {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		return fmt.Errorf("child did not finish within 30 s")
	}
}
