package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ENV-3 (and issue 11), bad input: wrong uses of the scripts and commands each end with one message
// that names the problem and the fix, a non-zero exit and no stack trace. (The app's own
// bad configs and environments are TestBadConfigStopsSynth's table.)
func TestBadInputScriptsSayWhatToDo(t *testing.T) {
	// A checkout where setup never ran: the scripts alone.
	bare := t.TempDir()
	if out, err := exec.Command("cp", "-r", "scripts", bare).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	cases := []struct {
		name string
		cmd  []string
		env  []string
		want string
	}{
		{"setup not run", []string{filepath.Join(bare, "scripts", "emulator-deploy")}, nil,
			"tools are not set up: run scripts/setup (or make setup) first"},
		{"unknown stack", []string{"scripts/lock-providers", "smile-qa"}, nil,
			"cdktf.out/stacks/smile-qa/cdk.tf.json is missing: run cdktf synth first"},
		{"plan without the base's synth", []string{"scripts/pr-plan", "dev", "/nonexistent/base.tf.json", t.TempDir()}, nil,
			"the base synth /nonexistent/base.tf.json is missing: synthesize the base branch first"},
		{"deploy without remote state", []string{"scripts/ci-deploy", "staging"}, []string{"SMILE_STATE_BUCKET="},
			"SMILE_STATE_BUCKET is not set: a real deploy keeps its state in the bootstrap's bucket"},
		{"deploy without a plan store", []string{"scripts/ci-deploy", "staging"}, []string{"SMILE_STATE_BUCKET=smile-state", "SMILE_PLAN_STORE="},
			"SMILE_PLAN_STORE is not set: name where the reviewed plan is kept between plan and apply"},
		{"apply without a saved plan", []string{"scripts/ci-deploy", "apply", "staging"}, []string{"SMILE_STATE_BUCKET=smile-state", "SMILE_PLAN_STORE=" + t.TempDir()},
			"no saved plan " + "%STORE%/smile-staging.plan.tar.gz: run scripts/ci-deploy plan staging first"},
		{"apply a plan of another commit", []string{"scripts/ci-deploy", "apply", "staging"}, []string{"SMILE_STATE_BUCKET=smile-state", "SMILE_PLAN_STORE=" + otherCommitPlan(t)},
			"the saved plan was made from 0123456789abcdef0123456789abcdef01234567, this checkout is "},
		{"the pull-request flow outside the emulator", []string{"scripts/pr-flow-emulator"}, []string{"SMILE_EMULATOR_ENDPOINT=", "SMILE_EMULATOR_KUBE_DIR="},
			"SMILE_EMULATOR_ENDPOINT and SMILE_EMULATOR_KUBE_DIR are not set: run it through make emulator"},
		{"cost of a stack without usage assumptions", []string{"go", "run", "./cost/cmd/cost", "testdata/smile-bootstrap.tf.json"}, nil,
			`usage.json has no usage for stack "smile-bootstrap": add its monthly traffic there`},
		{"synth into a directory that cannot be made", []string{"go", "run", "."}, []string{"SMILE_ENVIRONMENTS=dev", "CDKTF_OUTDIR=go.mod/out"},
			"CDKTF_OUTDIR=go.mod/out cannot be created"},
		{"a picture of something that is not a stack", []string{"go", "run", "./archpic/cmd/archpic", "go.mod"}, nil,
			"run `make synth` first, or name a stack's cdk.tf.json"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(tc.cmd[0], tc.cmd[1:]...)
			cmd.Env = append(os.Environ(), tc.env...)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("%v succeeded:\n%s", tc.cmd, out)
			}
			want := tc.want
			for _, kv := range tc.env {
				if store, ok := strings.CutPrefix(kv, "SMILE_PLAN_STORE="); ok {
					want = strings.ReplaceAll(want, "%STORE%", store)
				}
			}
			if !strings.Contains(string(out), want) {
				t.Errorf("%v says:\n%s\nwant it to say %q", tc.cmd, out, want)
			}
			for _, trace := range []string{"panic:", "goroutine ", "Traceback", "jsii"} {
				if strings.Contains(string(out), trace) {
					t.Errorf("%v prints a stack trace (%q):\n%s", tc.cmd, trace, out)
				}
			}
		})
	}
}

// otherCommitPlan is a plan store holding a saved plan of smile-staging made from a commit
// that is not this checkout's (SAFE-1: only the plan of the deployed commit is applied).
func otherCommitPlan(t *testing.T) string {
	t.Helper()
	store, stack := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(stack, "deploy.commit"), []byte("0123456789abcdef0123456789abcdef01234567\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("tar", "-czf", filepath.Join(store, "smile-staging.plan.tar.gz"), "-C", stack, ".").CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return store
}
