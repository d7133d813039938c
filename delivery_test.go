package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/smile/infra/constructs/cirunner"
)

// CICD-1, CICD-2, EKS-5: each environment's CI runner is a CodeBuild project in the private
// subnets, taking the repository's queued workflow jobs through the GitHub connection; it
// reaches the clusters' private API and nothing reaches it (TestEKSClusterSecurityGroups),
// and its own role runs the runner and nothing more: a job's AWS rights come from OIDC and
// the bootstrap's roles.
func TestCICD1RunnerInsideTheVpc(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		r := env.Delivery.Runner
		project := s.one(t, "aws_codebuild_project", env.RunnerProject())
		src := block(project, "source")
		auth, _ := src["auth"].(map[string]any)
		if src["type"] != "GITHUB" || src["location"] != "https://github.com/"+r.Repository+".git" ||
			auth["type"] != "CODECONNECTIONS" || auth["resource"] != r.ConnectionArn {
			t.Errorf("%s: runner source %v", name, src)
		}
		envBlock := block(project, "environment")
		if envBlock["compute_type"] != r.ComputeType || envBlock["image"] != r.Image || envBlock["privileged_mode"] != false {
			t.Errorf("%s: runner environment %v", name, envBlock)
		}
		vpc := block(project, "vpc_config")
		subnets := toStrings(vpc["subnets"])
		if len(subnets) != 3 {
			t.Errorf("%s: runner in %d subnets, want one per zone", name, len(subnets))
		}
		for _, ref := range subnets {
			if tier := s.byRef(t, ref).tag("Tier"); tier != "private" {
				t.Errorf("%s: runner in a %s subnet", name, tier)
			}
		}
		sgs := toStrings(vpc["security_group_ids"])
		if len(sgs) != 1 {
			t.Fatalf("%s: runner security groups %v", name, sgs)
		}
		// Its group's rules (none in, HTTPS out) and the control planes' rules admitting
		// it are TestEKSClusterSecurityGroups's, which knows the group by this name.
		if sg := s.byRef(t, sgs[0]); sg.str("name") != env.RunnerProject() {
			t.Errorf("%s: runner in security group %s, want %s", name, sg.str("name"), env.RunnerProject())
		}
		webhook := s.single(t, "aws_codebuild_webhook")
		groups, _ := webhook.Attrs["filter_group"].([]any)
		if webhook.str("project_name") != project.Ref("name") || len(groups) != 1 ||
			!strings.Contains(mustJSON(t, groups), `"pattern":"`+cirunner.WorkflowJobQueued+`"`) {
			t.Errorf("%s: runner webhook %v", name, webhook.Attrs)
		}
		role := s.byRef(t, project.str("service_role"))
		trust := policyStatements(t, s, role.str("assume_role_policy"))
		if len(trust) != 1 || !reflect.DeepEqual(principals(trust[0], "Service"), []string{"codebuild.amazonaws.com"}) {
			t.Errorf("%s: runner role trust %v", name, trust)
		}
		if managed := attachedPolicies(s, role); len(managed) != 0 {
			t.Errorf("%s: runner role has managed policies %v: its jobs get their rights through OIDC", name, managed)
		}
		for _, st := range inlineStatements(t, s, role) {
			for _, a := range toStrings(st["actions"]) {
				if !strings.HasPrefix(a, "logs:") && !strings.HasPrefix(a, "ec2:") && !strings.HasPrefix(a, "codeconnections:") && !strings.HasPrefix(a, "kms:") {
					t.Errorf("%s: runner role may %s", name, a)
				}
			}
			if reflect.DeepEqual(toStrings(st["resources"]), []string{"*"}) && st["sid"] != "DescribeNetwork" {
				t.Errorf("%s: runner statement %v on every resource", name, st["sid"])
			}
		}
		outputs, _ := s.doc["output"].(map[string]any)
		if label, _ := outputs["ci_runner_label"].(map[string]any); label["value"] != "codebuild-"+env.RunnerProject() {
			t.Errorf("%s: output ci_runner_label %v", name, label)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
