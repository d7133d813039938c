package main

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/smile/infra/config"
	"github.com/smile/infra/stacks"
)

// CICD-3: the state bucket has every control the environments' buckets have: its own
// rotating KMS key, versioning, public access blocked, owner-enforced, TLS only, access
// logs into the bootstrap's logs bucket, old versions expiring after a recovery window;
// the bootstrap's own state stays local.
func TestCICD3BootstrapStateBucket(t *testing.T) {
	s, b := synthBootstrapStack(t), config.DefaultBootstrap()
	bucket := bucketNamed(t, s, b.StateBucket())
	key := s.one(t, "aws_kms_key", b.Prefix+"-state")
	if !key.boolean("enable_key_rotation") {
		t.Errorf("state key rotation off")
	}
	for_ := func(typ string) resource {
		t.Helper()
		r, ok := bucketOf(s, typ, bucket)
		if !ok {
			t.Fatalf("no %s for the state bucket", typ)
		}
		return r
	}
	sse := list(list(for_("aws_s3_bucket_server_side_encryption_configuration").Attrs["rule"])[0]["apply_server_side_encryption_by_default"])[0]
	if sse["sse_algorithm"] != "aws:kms" || sse["kms_master_key_id"] != key.Ref("arn") {
		t.Errorf("state bucket encryption %v", sse)
	}
	if status := block(for_("aws_s3_bucket_versioning"), "versioning_configuration")["status"]; status != "Enabled" {
		t.Errorf("state bucket versioning %v", status)
	}
	pab := for_("aws_s3_bucket_public_access_block")
	for _, attr := range []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"} {
		if !pab.boolean(attr) {
			t.Errorf("state bucket %s off", attr)
		}
	}
	logs := bucketNamed(t, s, b.Prefix+"-logs")
	if logging := for_("aws_s3_bucket_logging"); logging.str("target_bucket") != logs.Ref("id") {
		t.Errorf("state bucket logs to %s", logging.str("target_bucket"))
	}
	policy := policyStatements(t, s, for_("aws_s3_bucket_policy").str("policy"))
	if !slices.ContainsFunc(policy, func(st map[string]any) bool { return st["sid"] == "DenyInsecureTransport" && st["effect"] == "Deny" }) {
		t.Errorf("state bucket policy does not deny plain HTTP: %v", policy)
	}
	rules := list(for_("aws_s3_bucket_lifecycle_configuration").Attrs["rule"])
	if days := list(rules[0]["noncurrent_version_expiration"])[0]["noncurrent_days"]; days != float64(b.Buckets.NoncurrentVersionDays) {
		t.Errorf("old state versions expire after %v days", days)
	}
	backend := s.doc["terraform"].(map[string]any)["backend"].(map[string]any)
	if _, local := backend["local"]; !local || len(backend) != 1 {
		t.Errorf("bootstrap backend %v, want local state", backend)
	}
}

// CICD-3: two roles, trusted only by this repository through GitHub's OIDC provider: plan
// from pull requests (read-only, state read and lock, no data, no secrets), deploy from
// the main branch and the production environment only.
func TestCICD3BootstrapCIRoles(t *testing.T) {
	s, b := synthBootstrapStack(t), config.DefaultBootstrap()
	github := s.single(t, "aws_iam_openid_connect_provider")
	if github.str("url") != "https://"+stacks.GitHubIssuer || !reflect.DeepEqual(github.strs("client_id_list"), []string{"sts.amazonaws.com"}) {
		t.Errorf("GitHub OIDC provider %v", github.Attrs)
	}
	state := bucketNamed(t, s, b.StateBucket())
	for _, tc := range []struct {
		role     string
		subjects []string
		managed  []string
	}{
		{b.Prefix + "-ci-plan", []string{"repo:" + b.Repository + ":pull_request"}, []string{stacks.ReadOnlyPolicyArn}},
		{b.Prefix + "-ci-deploy", []string{"repo:" + b.Repository + ":ref:refs/heads/main", "repo:" + b.Repository + ":environment:production"}, []string{stacks.AdministratorPolicyArn}},
	} {
		role := s.one(t, "aws_iam_role", tc.role)
		trust := policyStatements(t, s, role.str("assume_role_policy"))
		if len(trust) != 1 || !reflect.DeepEqual(principals(trust[0], "Federated"), []string{github.Ref("arn")}) {
			t.Fatalf("%s trust %v", tc.role, trust)
		}
		conds := map[string][]string{}
		for _, raw := range trust[0]["condition"].([]any) {
			c := raw.(map[string]any)
			if c["test"] != "StringEquals" {
				t.Errorf("%s: %v is not an exact match (a wildcard would admit other repositories or branches)", tc.role, c)
			}
			conds[c["variable"].(string)] = toStrings(c["values"])
		}
		want := map[string][]string{stacks.GitHubIssuer + ":aud": {"sts.amazonaws.com"}, stacks.GitHubIssuer + ":sub": tc.subjects}
		if !reflect.DeepEqual(conds, want) {
			t.Errorf("%s trust conditions %v, want %v", tc.role, conds, want)
		}
		if got := attachedPolicies(s, role); !reflect.DeepEqual(got, tc.managed) {
			t.Errorf("%s managed policies %v, want %v", tc.role, got, tc.managed)
		}
	}
	plan := inlineStatements(t, s, s.one(t, "aws_iam_role", b.Prefix+"-ci-plan"))
	bySid := map[string]map[string]any{}
	for _, st := range plan {
		bySid[st["sid"].(string)] = st
	}
	if r := toStrings(bySid["LockState"]["resources"]); len(r) != 1 || !strings.HasSuffix(r[0], "/*.tflock") || !strings.HasPrefix(r[0], strings.TrimSuffix(state.Ref("arn"), "}")) {
		t.Errorf("plan role may write %v, want only the lock files", r)
	}
	if bySid["NoData"]["effect"] != "Deny" || bySid["NoSecrets"]["effect"] != "Deny" {
		t.Errorf("plan role may read data or secrets: %v", plan)
	}
}

// bucketNamed is the aws_s3_bucket whose bucket name is name.
func bucketNamed(t *testing.T, s *synthesized, name string) resource {
	t.Helper()
	r, ok := referring(s, "aws_s3_bucket", "bucket", name)
	if !ok {
		t.Fatalf("%s: no bucket named %q", s.name, name)
	}
	return r
}
