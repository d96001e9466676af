//go:build !unix

package shell

import "github.com/ohdash/ohdash/backend"

// watchSize has no resize signal to follow on this platform: the size is
// the one at the start.
func watchSize(any) (<-chan backend.TermSize, func()) { return nil, func() {} }
