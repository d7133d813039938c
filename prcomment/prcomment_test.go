package prcomment

import (
	"strings"
	"testing"

	"github.com/smile/infra/cost"
)

// A plan as `terraform show -json` writes it (the fields the comment reads).
const plan = `{"format_version": "1.2", "resource_changes": [
  {"address": "aws_lb_listener_rule.load-balancer_weighted-forward_1", "change": {"actions": ["update"], "before": {"action": [1], "tags": {}}, "after": {"action": [2], "tags": {}}}},
  {"address": "aws_sqs_queue.q", "change": {"actions": ["no-op"]}},
  {"address": "aws_kms_key.k", "change": {"actions": ["create"]}},
  {"address": "aws_instance.bastion", "change": {"actions": ["delete", "create"], "before": {"ami": "b"}, "after": {"ami": "a"}}},
  {"address": "aws_s3_bucket.old", "change": {"actions": ["delete"]}},
  {"address": "data.aws_caller_identity.me", "change": {"actions": ["read"]}}
], "resource_drift": [
  {"address": "aws_security_group.sg", "change": {"before": {"arn": "sg", "ingress": []}, "after": {"arn": "sg", "ingress": [{"from_port": 22}]}}},
  {"address": "aws_lb_target_group.tg", "change": {"before": {"arn": "tg", "tags": null}, "after": {"arn": "tg", "tags": {}}}},
  {"address": "aws_eks_cluster.noise", "change": {"before": {"version": "1"}, "after": {"version": "2"}}},
  {"address": "aws_instance.bastion", "change": {"before": {"ami": "a"}, "after": {"ami": "b"}}},
  {"address": "aws_lb_listener_rule.load-balancer_weighted-forward_1", "change": {"before": {"tags": null}, "after": {"tags": {}}}}],
  "relevant_attributes": [{"resource": "aws_security_group.sg", "attribute": ["ingress"]}, {"resource": "aws_lb_target_group.tg", "attribute": ["arn"]}]}`

// CICD-1: the comment carries Terraform's own counts (a replacement adds and destroys),
// the changed resources with its symbols, drift, and the cost difference.
func TestSection(t *testing.T) {
	base := cost.Estimate{Stack: "smile-dev", Lines: []cost.Line{{Address: "aws_lb.alb", What: "load balancer", Monthly: 18.4}}}
	head := cost.Estimate{Stack: "smile-dev", Lines: []cost.Line{{Address: "aws_lb.alb", What: "load balancer", Monthly: 18.4}, {Address: "aws_kms_key.k", What: "key", Monthly: 1}}}
	got, err := Section("smile-dev", []byte(plan), base, head, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"### `smile-dev`", "Plan: 2 to add, 1 to change, 2 to destroy.",
		"2 resources changed outside Terraform",
		"~ aws_lb_listener_rule.load-balancer_weighted-forward_1\n+ aws_kms_key.k\n-/+ aws_instance.bastion\n- aws_s3_bucket.old\n```",
		"Monthly cost: 18.40 → 19.40 USD (+1.00)", "| `aws_kms_key.k` | key | 0.00 | 1.00 | +1.00 |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("section lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "aws_sqs_queue.q") || strings.Contains(got, "data.aws_caller_identity") {
		t.Errorf("section lists unchanged resources:\n%s", got)
	}
	none, _ := Section("smile-dev", []byte(`{"format_version": "1.2", "resource_changes": []}`), base, base, nil)
	if !strings.Contains(none, "No changes.") || strings.Contains(none, "<details>") {
		t.Errorf("empty plan:\n%s", none)
	}
	if _, err := Section("smile-dev", []byte("Error: x"), base, base, nil); err == nil || !strings.Contains(err.Error(), "not the JSON of a plan") {
		t.Errorf("bad plan: %v", err)
	}
}

func TestBodyStartsWithTheMarker(t *testing.T) {
	body := Body("abc1234", []string{"### `smile-dev`\n\nNo changes.\n", Failed("smile-prod", "terraform plan exited 1")})
	if !strings.HasPrefix(body, Marker+"\n") || !strings.Contains(body, "For `abc1234`") ||
		!strings.Contains(body, "### `smile-prod`\n\n:x: The plan failed: terraform plan exited 1.") {
		t.Errorf("body:\n%s", body)
	}
}

func TestLongPlansAreCut(t *testing.T) {
	var changes []string
	for i := 0; i < MaxListed+5; i++ {
		changes = append(changes, `{"address": "aws_ssm_parameter.p`+strings.Repeat("x", i)+`", "change": {"actions": ["create"]}}`)
	}
	got, err := Section("smile-prod", []byte(`{"format_version": "1.2", "resource_changes": [`+strings.Join(changes, ",")+`]}`), cost.Estimate{}, cost.Estimate{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "Plan: 65 to add") || !strings.Contains(got, "# ... and 5 more") || strings.Count(got, "\n+ aws_ssm_parameter") != MaxListed {
		t.Errorf("long plan:\n%s", got)
	}
}

// CICD-2: the drift issue names what changed outside Terraform and what a deploy would do.
func TestDrift(t *testing.T) {
	got, err := Drift("smile-prod", []byte(plan))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"### Drift in `smile-prod`", "- `aws_security_group.sg`", "- `aws_instance.bastion`", "The next deploy would: 2 to add, 1 to change, 2 to destroy.", "~ aws_lb_listener_rule"} {
		if !strings.Contains(got, want) {
			t.Errorf("drift report lacks %q:\n%s", want, got)
		}
	}
	// Drift the plan does not depend on (an unused resource, a used one changed only in
	// attributes the plan does not read, a changed one drifted in other attributes) is not
	// reported.
	if strings.Contains(got, "aws_eks_cluster.noise") || strings.Contains(got, "aws_lb_target_group.tg") || strings.Contains(got, "- `aws_lb_listener_rule") {
		t.Errorf("drift report lists irrelevant drift:\n%s", got)
	}
}
