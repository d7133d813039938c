//go:build drills

package drills

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// The drills run side by side (make drills: -parallel 2): each has its own emulator, its
// own ports and its own directories (.emulator/, .emulator/bootstrap/ with its own synth
// output), and the round trip waits on moto far more than it uses a core. Each drill's
// lines are prefixed with its name, so that the two logs can be told apart.

// drill runs one of the emulator scripts from the repository root within limit.
func drill(t *testing.T, script string, env []string, limit time.Duration, logs string) {
	t.Helper()
	t.Parallel()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	out := &prefixed{prefix: "[" + filepath.Base(script) + "] "}
	defer out.flush()
	if err := Run(root, script, env, out, limit); err != nil {
		t.Fatalf("%v (logs in %s)", err, logs)
	}
	t.Logf("passed in %s", time.Since(start).Round(time.Second))
}

// Interrupted deploy, idempotence and clean teardown, and drift (issue 11; CICD-2: the
// drift check): smile-dev's deploy to moto stopped by SIGINT part-way and run again to
// convergence with nothing in the emulator the state does not record, a second plan with
// no changes, the pull-request flow, four changes behind Terraform's back found by the
// drift check (exit 2) and repaired by one deploy (exit 0), destroyed, and nothing left in
// the emulator, asked through the AWS APIs (scripts/emulator-deploy).
func TestDrillRoundTripDriftAndTeardown(t *testing.T) {
	drill(t, "scripts/emulator-deploy", []string{"SMILE_DRILLS=1"}, 30*time.Minute, ".emulator/")
}

// Locking and interrupted deploys (issue 11, CICD-3): the bootstrap stack deployed to moto,
// a state kept in its bucket with S3-native locking; two deploys at once (the second fails
// fast on the lock and changes nothing), a deploy stopped by SIGINT and one killed by
// SIGKILL part-way, each run again to convergence (after the kill, the documented
// recoveries: force-unlock of the stale lock, import of the log group it created but did
// not record), destroyed (scripts/emulator-bootstrap).
func TestDrillStateLockingAndInterruptedDeploys(t *testing.T) {
	drill(t, "scripts/emulator-bootstrap", nil, 15*time.Minute, ".emulator/bootstrap/")
}

// stdout serializes the drills' lines.
var stdout sync.Mutex

// prefixed writes whole lines to os.Stdout, each after prefix.
type prefixed struct {
	prefix string
	mu     sync.Mutex
	buf    []byte
}

func (p *prefixed) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf = append(p.buf, b...)
	for {
		i := bytes.IndexByte(p.buf, '\n')
		if i < 0 {
			return len(b), nil
		}
		p.emit(p.buf[:i+1])
		p.buf = p.buf[i+1:]
	}
}

func (p *prefixed) emit(line []byte) {
	stdout.Lock()
	defer stdout.Unlock()
	os.Stdout.WriteString(p.prefix)
	os.Stdout.Write(line)
}

// flush writes what is left of a last line without its newline.
func (p *prefixed) flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.buf) > 0 {
		p.emit(append(p.buf, '\n'))
		p.buf = nil
	}
}
