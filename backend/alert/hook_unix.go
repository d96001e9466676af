//go:build unix

package alert

import (
	"os/exec"
	"syscall"
)

// ownGroup runs the hook in a process group of its own and makes the
// timeout kill the whole group: a hook script's children (a sleep, a
// curl that hangs) die with it instead of piling up, one per alert.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		if cmd.Process == nil {
			return nil
		}
		// The group's id is the leader's pid (Setpgid with Pgid 0).
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
