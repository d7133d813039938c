package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/smile/infra/prcomment"
	"github.com/smile/infra/tfplan"
)

// CICD-1, SAFE-2: the pull-request flow against the emulator. scripts/emulator-deploy runs
// this test (SMILE_PR_FLOW=1) while smile-dev is deployed: scripts/pr-flow-emulator changes
// dev's canary and renames the events queue's construct ID with its moved block, in one
// copy of the checkout, plans it against the deployed state and writes the comment the
// workflow would post. The plan must change the weighted rule in place, move the queue
// without changing it, and nothing else; the cost must not move.
func TestCICD1PullRequestCommentAgainstEmulator(t *testing.T) {
	if os.Getenv("SMILE_PR_FLOW") != "1" {
		t.Skip("needs smile-dev deployed to the emulator: make emulator runs it (SMILE_PR_FLOW=1)")
	}
	out := filepath.Join(".emulator", "pr")
	cmd := exec.Command("scripts/pr-flow-emulator", out)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("scripts/pr-flow-emulator: %v", err)
	}
	body, err := os.ReadFile(filepath.Join(out, "comment.md"))
	if err != nil {
		t.Fatal(err)
	}
	got := string(body)
	t.Logf("the comment:\n%s", got)
	for _, want := range []string{
		prcomment.Marker + "\n", "+ canary 90/10, events queue renamed`", "### `smile-dev`", "Plan: 0 to add, 1 to change, 0 to destroy.",
		"\n~ aws_lb_listener_rule.load-balancer_weighted-forward_",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the comment lacks %q", want)
		}
	}
	if !regexp.MustCompile(`Monthly cost: ([0-9.]+) → ([0-9.]+) USD \(\+0\.00\)`).MatchString(got) {
		t.Errorf("the comment's cost line is not an unchanged cost")
	}
	if strings.Contains(got, "outside Terraform") {
		t.Errorf("the emulator reports drift right after a clean re-plan")
	}

	// SAFE-2: the renamed queue with its moved block is moved, not replaced.
	plan, err := os.ReadFile(filepath.Join(out, "smile-dev.plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	old, _ := os.ReadFile(filepath.Join(out, "old-address"))
	checkMovedPlan(t, plan, strings.TrimSpace(string(old)))
}

// checkMovedPlan asserts that a plan moves the resource at old to a new address without
// changing it, and deletes or replaces nothing stateful (SAFE-2).
func checkMovedPlan(t *testing.T, planJSON []byte, old string) {
	t.Helper()
	p, err := tfplan.Parse(planJSON)
	if err != nil {
		t.Fatal(err)
	}
	moved := 0
	for _, rc := range p.ResourceChanges {
		if rc.PreviousAddress == old {
			moved++
			if a := strings.Join(rc.Change.Actions, ","); a != "no-op" || rc.Address == old {
				t.Errorf("%s moved to %s with actions %s, want a move alone (no-op)", old, rc.Address, a)
			}
		}
		if rc.Address == old {
			t.Errorf("the plan still has %s (%v): the moved block did not take", old, rc.Change.Actions)
		}
	}
	if moved != 1 {
		t.Errorf("%d resources moved from %s, want 1", moved, old)
	}
	changes, err := prcomment.StatefulChanges("smile-dev", planJSON, nil)
	if err != nil || len(changes) != 0 {
		t.Errorf("the renamed queue's plan deletes or replaces stateful resources: %+v %v", changes, err)
	}
}
