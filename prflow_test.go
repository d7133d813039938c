package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/smile/infra/prcomment"
)

// CICD-1: the pull-request flow against the emulator. scripts/emulator-deploy runs this
// test (SMILE_PR_FLOW=1) while smile-dev is deployed: scripts/pr-flow-emulator changes
// dev's canary in a copy of the checkout, plans it against the deployed state and writes
// the comment the workflow would post. The plan must change the weighted rule in place and
// nothing else; the cost must not move.
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
		prcomment.Marker + "\n", "+ canary 90/10`", "### `smile-dev`", "Plan: 0 to add, 1 to change, 0 to destroy.",
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
}
