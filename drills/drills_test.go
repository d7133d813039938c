//go:build drills

package drills

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The repository root, where the scripts run.
func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// Idempotence and clean teardown, and drift (issue 11): smile-dev deployed to moto, a
// second plan with no changes, the pull-request flow, four changes behind Terraform's back
// found by the drift check (exit 2) and repaired by one deploy (exit 0), destroyed, and
// nothing left in the emulator, asked through the AWS APIs (scripts/emulator-deploy).
func TestDrillRoundTripDriftAndTeardown(t *testing.T) {
	start := time.Now()
	if err := Run(root(t), "scripts/emulator-deploy", []string{"SMILE_DRILLS=1"}, os.Stdout, 30*time.Minute); err != nil {
		t.Fatalf("%v (logs in .emulator/)", err)
	}
	t.Logf("passed in %s", time.Since(start).Round(time.Second))
}

// Locking and interrupted deploys (issue 11, CICD-3): the bootstrap stack deployed to moto,
// a state kept in its bucket with S3-native locking; two deploys at once (the second fails
// fast on the lock and changes nothing), a deploy stopped by SIGINT and one killed by
// SIGKILL part-way, each run again to convergence (the stale lock released with the
// documented force-unlock), destroyed (scripts/emulator-bootstrap).
func TestDrillStateLockingAndInterruptedDeploys(t *testing.T) {
	start := time.Now()
	if err := Run(root(t), "scripts/emulator-bootstrap", nil, os.Stdout, 15*time.Minute); err != nil {
		t.Fatalf("%v (logs in .emulator/bootstrap/)", err)
	}
	t.Logf("passed in %s", time.Since(start).Round(time.Second))
}
