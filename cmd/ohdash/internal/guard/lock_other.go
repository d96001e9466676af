//go:build !unix

package guard

import "os"

// lockFile is a no-op where flock is not available: appends stay single
// O_APPEND writes.
func lockFile(*os.File) func() { return func() {} }
