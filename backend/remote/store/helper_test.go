package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The crash and concurrency tests re-execute this test binary as a child
// process; helperEnv selects what the child does instead of running tests.
const helperEnv = "OHDASH_STORE_TEST_HELPER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(runHelper(mode))
	}
	os.Exit(m.Run())
}

// runHelper is the child's main. "writer" stores records (in batches of
// OHDASH_BATCH, OHDASH_COUNT in all, forever when 0) and prints every id on
// stdout only after its transaction committed, so the parent knows exactly
// which records were acknowledged. "holder" takes the file lock and keeps it
// until stdin closes.
func runHelper(mode string) int {
	path := os.Getenv("OHDASH_PATH")
	switch mode {
	case "writer":
		s, err := Open(context.Background(), path, Options{LockTimeout: 30 * time.Second})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		count, _ := strconv.Atoi(os.Getenv("OHDASH_COUNT"))
		batch, _ := strconv.Atoi(os.Getenv("OHDASH_BATCH"))
		batch = max(batch, 1)
		prefix := os.Getenv("OHDASH_PREFIX")
		for i := 0; count == 0 || i < count; i += batch {
			recs := make([]Record, 0, batch)
			for j := i; j < i+batch; j++ {
				recs = append(recs, testRecord(fmt.Sprintf("%s-%06d", prefix, j)))
			}
			if err := s.Put(context.Background(), recs...); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 3
			}
			var ids strings.Builder
			for _, r := range recs {
				ids.WriteString(r.ID + "\n")
			}
			if _, err := os.Stdout.WriteString(ids.String()); err != nil {
				return 4
			}
		}
		return 0
	case "damage-while-open":
		ctx := context.Background()
		s, err := Open(ctx, path, Options{Notify: func(d Damage) { fmt.Fprintln(os.Stderr, "NOTICE:", d) }})
		if err != nil {
			fmt.Fprintln(os.Stderr, "open:", err)
			return 2
		}
		// The parent damages the file now, and says when it is done.
		fmt.Println("opened")
		if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
			return 2
		}
		for range 2 { // the second round must find the new file fine
			if _, err := s.List(ctx, "https://runtime.example"); err != nil {
				fmt.Fprintln(os.Stderr, "list:", err)
				return 4
			}
		}
		if err := s.Put(ctx, testRecord("after")); err != nil {
			fmt.Fprintln(os.Stderr, "put:", err)
			return 3
		}
		recs, err := s.List(ctx, "https://runtime.example")
		if err != nil || s.Epoch() != 1 {
			fmt.Fprintln(os.Stderr, "list:", err, "epoch", s.Epoch())
			return 4
		}
		fmt.Printf("ok %d\n", len(recs))
		return 0
	case "opener":
		// Open a possibly damaged store, use it, and report: "ok N" with
		// the number of records listed, every notice on stderr.
		ctx := context.Background()
		s, err := Open(ctx, path, Options{Notify: func(d Damage) { fmt.Fprintln(os.Stderr, "NOTICE:", d) }})
		if err != nil {
			fmt.Fprintln(os.Stderr, "open:", err)
			return 2
		}
		if err := s.Put(ctx, testRecord("after")); err != nil {
			fmt.Fprintln(os.Stderr, "put:", err)
			return 3
		}
		recs, err := s.List(ctx, "https://runtime.example")
		if err != nil {
			fmt.Fprintln(os.Stderr, "list:", err)
			return 4
		}
		if err := s.Check(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "check:", err)
			return 5
		}
		fmt.Printf("ok %d\n", len(recs))
		return 0
	case "holder":
		db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 10 * time.Second})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		fmt.Println("locked")
		buf := make([]byte, 1)
		_, _ = os.Stdin.Read(buf)
		_ = db.Close()
		return 0
	}
	fmt.Fprintln(os.Stderr, "unknown helper mode", mode)
	return 1
}

// testRecord is large enough (a few KiB) that commits split pages and
// rewrite branch nodes, which is where a torn write would do harm.
func testRecord(id string) Record {
	now := time.Now().UTC()
	return Record{
		ID: id, APIURL: "https://runtime.example", RuntimeID: "rt-" + id,
		Image:     "ghcr.io/openhands/agent-server:4e2ecd8-python",
		Command:   []string{strings.Repeat("x", 2048), id},
		CreatedAt: now, UpdatedAt: now, Status: "RUNNING", RawState: "running/ready",
	}
}
