package prcomment

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smile/infra/cost"
)

// The plans in testdata/ are `terraform show -json` of smile-dev deployed to the emulator,
// planned with one change each (trimmed to the resource changes that matter): the events
// queue's logical ID renamed (delete and create), its name changed (forces a replacement;
// the database's identifier would not: provider 5.100 renames an instance in place), a KMS
// alias removed (delete), and the rename with its moved block.
func readPlan(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// SAFE-1: each emulator plan that deletes or replaces a stateful resource is found, with
// its action and, for a replacement, the attribute that forces it; the guard refuses it
// and names the trailer that would allow it.
func TestSAFE1GuardOnEmulatorPlans(t *testing.T) {
	for _, c := range []struct {
		file, address, action, forcedBy string
	}{
		{"plan-rename.json", "aws_sqs_queue.queues_events_61EEF6C9", "delete", ""},
		{"plan-replace.json", "aws_sqs_queue.queues_events_61EEF6C9", "replace", "name"},
		{"plan-delete.json", deletedAlias, "delete", ""},
	} {
		t.Run(c.file, func(t *testing.T) {
			plan := readPlan(t, c.file)
			changes, err := StatefulChanges("smile-dev", plan, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(changes) != 1 || changes[0].Address != c.address || changes[0].Action != c.action ||
				strings.Join(changes[0].ForcedBy, ",") != c.forcedBy {
				t.Fatalf("stateful changes %+v, want %s %s forced by %q", changes, c.action, c.address, c.forcedBy)
			}
			report, err := Guard("smile-dev", plan, nil)
			trailer := "Allow-Destroy: smile-dev " + c.address
			if err == nil || !strings.Contains(err.Error(), c.address) || !strings.Contains(report, trailer) {
				t.Errorf("guard: %v\n%s\nwant a refusal naming %s and the trailer %q", err, report, c.address, trailer)
			}
		})
	}
}

// deletedAlias is the alias the delete plan removes.
const deletedAlias = "aws_kms_alias.assets-key_alias_CFDC0DA7"

// SAFE-1: the change that says it means it passes: the exact stack and address; the same
// address in another stack, or an address the plan does not touch, allows nothing.
func TestSAFE1GuardAllowsWhatTheTrailersName(t *testing.T) {
	plan := readPlan(t, "plan-rename.json")
	const address = "aws_sqs_queue.queues_events_61EEF6C9"
	for _, c := range []struct {
		messages string
		pass     bool
	}{
		{"Rename the events queue\n\nAllow-Destroy: smile-dev " + address + "\n", true},
		{"Allow-Destroy: smile-prod " + address + "\n", false},
		{"Allow-Destroy: smile-dev aws_sqs_queue.other\n", false},
		{"no trailers\n", false},
	} {
		allow, err := ParseAllowances(c.messages)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Guard("smile-dev", plan, allow); (err == nil) != c.pass {
			t.Errorf("guard with %q: %v, want pass %v", c.messages, err, c.pass)
		}
	}
	if _, err := ParseAllowances("Allow-Destroy: " + address + "\n"); err == nil || !strings.Contains(err.Error(), "Allow-Destroy: <stack> <address>") {
		t.Errorf("a trailer without the stack: %v, want the form it must have", err)
	}
}

// SAFE-2: the rename with its moved block plans a move: nothing stateful deleted or
// replaced, so the guard passes, and the queue shows its previous address.
func TestSAFE2MovedPlanPassesTheGuard(t *testing.T) {
	plan := readPlan(t, "plan-moved.json")
	if _, err := Guard("smile-dev", plan, nil); err != nil {
		t.Errorf("guard on the moved plan: %v", err)
	}
	if !strings.Contains(string(plan), `"previous_address": "aws_sqs_queue.queues_events_61EEF6C9"`) {
		t.Errorf("the moved plan has no previous_address for the events queue")
	}
}

// SAFE-1: the comment opens with the warning, before the plan of any environment.
func TestSAFE1CommentOpensWithTheWarning(t *testing.T) {
	quiet, err := Section("smile-staging", []byte(`{"format_version": "1.2", "resource_changes": []}`), cost.Estimate{}, cost.Estimate{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	loud, err := Section("smile-dev", readPlan(t, "plan-replace.json"), cost.Estimate{}, cost.Estimate{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	body := Body("abc1234", []string{quiet, loud})
	warning := strings.Index(body, "## :warning: Stateful resources deleted or replaced")
	first := strings.Index(body, "### `smile-staging`")
	line := "- `aws_sqs_queue.queues_events_61EEF6C9` in `smile-dev`: **replace**, forced by `name`"
	if warning < 0 || first < 0 || warning > first || !strings.Contains(body, line) {
		t.Errorf("the comment does not open with the warning %q:\n%s", line, body)
	}
	if strings.Contains(body, warningStart) || strings.Count(body, line) != 1 {
		t.Errorf("the warning is not lifted out of its section exactly once:\n%s", body)
	}
	if !strings.HasPrefix(body, Marker+"\n") {
		t.Errorf("the comment no longer starts with its marker")
	}
	if w, _ := liftWarnings([]string{quiet}); w != "" {
		t.Errorf("a plan without stateful changes warns: %q", w)
	}
}
