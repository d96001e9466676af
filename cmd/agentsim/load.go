package main

import (
	"context"
	"fmt"
	"runtime"
)

// loadConfig makes agentsim use resources on purpose, so resource-use
// tests have a sandbox with a known load: burn busy goroutines spin until
// shutdown, and allocMB MiB are allocated, written (so the pages are
// resident, not just reserved) and held.
type loadConfig struct {
	burn    int
	allocMB int
}

func (l loadConfig) validate() error {
	if l.burn < 0 || l.burn > 64 {
		return fmt.Errorf("burn-cpu %d: want 0..64 busy goroutines", l.burn)
	}
	if l.allocMB < 0 || l.allocMB > 16<<10 {
		return fmt.Errorf("alloc-mb %d: want 0..16384", l.allocMB)
	}
	return nil
}

// hold is the allocated memory, reachable until the process ends.
var hold [][]byte

// startLoad starts the load and returns when the memory is resident; the
// goroutines stop with ctx.
func startLoad(ctx context.Context, l loadConfig) {
	for range l.allocMB {
		b := make([]byte, 1<<20)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		hold = append(hold, b)
	}
	for range l.burn {
		go func() {
			for n := 0; ; n++ {
				if n%(1<<20) == 0 {
					if ctx.Err() != nil {
						return
					}
					runtime.Gosched()
				}
			}
		}()
	}
}
