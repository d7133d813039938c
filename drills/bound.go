// Package drills runs the reliability drills (issue 11) as Go tests against the local
// emulator: `make drills` is `go test -tags drills ./drills`. Each drill is one of the
// emulator scripts, which make their own assertions and stop their own emulator, also
// when they fail (their EXIT/INT/TERM trap); this package bounds each one's time.
package drills

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// Grace is how long a drill's cleanup may take after its time is up before whatever is
// left of it is killed.
var Grace = 2 * time.Minute

// ErrTimedOut says the drill did not finish within its limit.
var ErrTimedOut = errors.New("did not finish in time")

// Run runs script (a path relative to dir) with extra environment, its output to out,
// for at most limit. At the limit the drill's whole process group gets SIGTERM:
// Terraform stops gracefully and the script's trap destroys what it deployed and stops
// the emulator; what still runs Grace later is killed, and so is anything the script
// left behind when it ends (a moto_server or an API server of a trap that failed).
func Run(dir, script string, env []string, out io.Writer, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	cmd.WaitDelay = Grace
	err := cmd.Run()
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // ESRCH when nothing is left
	}
	if ctx.Err() == context.DeadlineExceeded {
		return fmt.Errorf("%s %w (%s): stopped; its trap cleaned up", script, ErrTimedOut, limit)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", script, err)
	}
	return nil
}
