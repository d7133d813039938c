package stacks

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/config"
)

// EmulatorException is how one resource type is treated when the stack deploys to the
// local emulator (moto 5.2.1). This table is the only place an emulator deployment differs
// from a real one, apart from the provider's endpoints and credentials; real synths never
// see it (main_test.go checks both). Measured facts: ../shared/EMULATOR.md.
type EmulatorException struct {
	ResourceType string
	// Skip leaves the resource out (count = 0): the emulator cannot create or read it, and
	// a resource created but unreadable would taint the state and block destroy.
	Skip bool
	// IgnoreChanges lists attributes the emulator reports back differently, which would
	// otherwise make every re-plan show a change.
	IgnoreChanges []string
	// UnsupportedUpdates are attributes whose update call the emulator lacks: ignored like
	// IgnoreChanges, except in the upgrade drill's check plan (SMILE_EMULATOR_UPGRADE_CHECK=1,
	// LIFE-3), which must show that they update in place; that plan is never applied.
	UnsupportedUpdates []string
	// Overrides set attributes to emulator-compatible values: a fixed value, or a
	// func(cdktf.TerraformResource) any computing one per resource.
	Overrides map[string]any
	Reason    string
}

// EmulatorExceptions lists every resource type that needs an adjustment in emulator mode.
// Types the platform does not create yet are listed so that the constructs which will add
// them deploy to the emulator unchanged.
var EmulatorExceptions = []EmulatorException{
	{ResourceType: "aws_vpc_security_group_ingress_rule", IgnoreChanges: []string{"description"},
		Reason: "moto drops the description of a rule that references another security group"},
	{ResourceType: "aws_vpc_security_group_egress_rule", IgnoreChanges: []string{"description"},
		Reason: "moto drops the description of a rule that references another security group"},
	{ResourceType: "aws_eks_node_group", IgnoreChanges: []string{"remote_access", "update_config"}, UnsupportedUpdates: []string{"version"},
		Reason: "moto invents a remote_access block (every re-plan forces a replacement) and drops update_config; it has no UpdateNodegroupVersion"},
	{ResourceType: "aws_db_parameter_group", IgnoreChanges: []string{"parameter"},
		Reason: "moto drops each parameter's apply method, so every plan re-adds the parameters"},
	{ResourceType: "aws_sqs_queue", IgnoreChanges: []string{"redrive_policy"},
		Reason: "moto re-serialises redrive_policy with other whitespace: a diff that never settles"},
	{ResourceType: "aws_cloudfront_distribution", IgnoreChanges: []string{"origin", "viewer_certificate", "default_cache_behavior", "ordered_cache_behavior"},
		Overrides: map[string]any{
			"default_cache_behavior.function_association.0.function_arn": "arn:aws:cloudfront::123456789012:function/emulator-has-no-functions",
			"default_cache_behavior.response_headers_policy_id":          emulatorHeadersPolicyID,
			"ordered_cache_behavior.0.response_headers_policy_id":        emulatorHeadersPolicyID,
		},
		Reason: "moto drops origin_access_control_id and the function associations, adds ssl_support_method and forwarded_values, and has no functions or response headers policies to refer to"},
	{ResourceType: "aws_apigatewayv2_api", IgnoreChanges: []string{"ip_address_type"},
		Reason: "moto does not store the API's IP address type, so every plan would re-send dualstack"},
	{ResourceType: "aws_cloudfront_function", Skip: true, Reason: "moto has no CloudFront Functions API (404)"},
	{ResourceType: "aws_budgets_budget", Skip: true,
		Reason: "moto creates the budget but has no DescribeSubscribersForNotification (NotImplementedError, HTTP 500), which the provider's read calls, retrying until the apply times out"},
	{ResourceType: "aws_ce_cost_allocation_tag", Skip: true, Reason: "moto has no UpdateCostAllocationTagsStatus (NotImplementedError, HTTP 500)"},
	{ResourceType: "aws_ce_anomaly_monitor", Skip: true, Reason: "moto has no CreateAnomalyMonitor (NotImplementedError, HTTP 500)"},
	{ResourceType: "aws_ce_anomaly_subscription", Skip: true,
		// A string expression, not a Go list: cdktf appends an override's list to the
		// construct's instead of replacing it.
		Overrides: map[string]any{"monitor_arn_list": `${["arn:aws:ce::123456789012:anomalymonitor/EMULATOR"]}`},
		Reason: "moto has no Cost Anomaly Detection API (CreateAnomalySubscription is not implemented); " +
			"its monitor is skipped, so the monitor list names a placeholder (Terraform rejects a reference to a count = 0 resource)"},
	{ResourceType: "aws_cloudwatch_log_delivery_source", Overrides: map[string]any{"resource_arn": "arn:aws:cloudfront::123456789012:distribution/EMULATOR"},
		Reason: "moto's distribution ARNs lack the empty region field (arn:aws:cloudfront:123456789012:...), which the provider rejects"},
	{ResourceType: "aws_apigatewayv2_domain_name", Skip: true,
		Reason: "moto never reports the domain's status, so the provider waits for AVAILABLE until it fails"},
	{ResourceType: "aws_apigatewayv2_api_mapping", Skip: true, Reason: "its custom domain is skipped"},
	{ResourceType: "aws_route53_record", Overrides: map[string]any{"alias": aliasOfSkippedTarget, "allow_overwrite": true},
		Reason: "an alias to a skipped resource (the API's custom domain) points at a placeholder name instead; " +
			"moto answers the SDK's retry of a CREATE it has just applied with 'already exists' (concurrent changes to one zone), " +
			"which UPSERT (allow_overwrite) makes idempotent"},
	{ResourceType: "aws_cloudfront_response_headers_policy", Skip: true, Reason: "moto has no response headers policy API (404)"},
	{ResourceType: "aws_cloudtrail", Overrides: map[string]any{"enable_logging": false},
		Reason: "moto answers StartLogging with HTTP 500 (it looks the trail up by name)"},
	{ResourceType: "aws_launch_template", IgnoreChanges: []string{"tag_specifications"},
		Reason: "moto reports the template's own tags back as a tag specification for the template, which every plan removes"},
	{ResourceType: "aws_eks_cluster", IgnoreChanges: []string{"access_config"}, UnsupportedUpdates: []string{"version"},
		Reason: "moto does not store the access configuration, so every plan would re-send it; it has no UpdateClusterVersion"},
	{ResourceType: "aws_iam_openid_connect_provider", Overrides: map[string]any{"url": uniqueIssuer},
		Reason: "moto gives every cluster the same OIDC issuer, so the second cluster's provider would already exist"},
	{ResourceType: "aws_backup_vault", IgnoreChanges: []string{"tags", "tags_all"},
		Reason: "moto does not return the vault's tags, so every plan re-adds the default tags"},
	{ResourceType: "aws_backup_plan", IgnoreChanges: []string{"tags", "tags_all"},
		Reason: "moto does not return the plan's tags, so every plan re-adds the default tags"},
	{ResourceType: "aws_lambda_function", IgnoreChanges: []string{"kms_key_arn", "dead_letter_config", "logging_config"},
		Reason: "moto does not store the function's KMS key, dead-letter queue or logging configuration"},
	{ResourceType: "aws_secretsmanager_secret_rotation", Skip: true,
		Reason: "moto cannot cancel the rotation of an RDS-managed secret (it asks for a rotation function), which blocks destroy"},
	{ResourceType: "aws_eks_addon", Skip: true, Reason: "moto has no EKS add-on API (404)"},
	{ResourceType: "aws_eks_access_entry", Skip: true, Reason: "moto has no EKS access-entry API (404)"},
	{ResourceType: "aws_eks_access_policy_association", Skip: true, Reason: "moto has no EKS access-entry API (404)"},
	{ResourceType: "aws_elasticache_replication_group", Skip: true,
		Reason: "moto cannot read the group back and its delete never finishes"},
	{ResourceType: "aws_elasticache_parameter_group", Skip: true, Reason: "moto has no cache parameter-group API (500)"},
	{ResourceType: "aws_elasticache_user_group", Skip: true, Reason: "moto has no user-group API (500)"},
	{ResourceType: "aws_elasticache_subnet_group", Skip: true,
		Reason: "moto's delete answers HTTP 500, which blocks VPC teardown"},
	{ResourceType: "aws_efs_backup_policy", Skip: true, Reason: "moto answers HTTP 500"},
	{ResourceType: "aws_efs_file_system_policy", Skip: true,
		Reason: "moto cannot delete a file-system policy (DeleteFileSystemPolicy is not implemented), which blocks destroy"},
	{ResourceType: "aws_ssm_patch_baseline", Skip: true,
		Reason: "moto's read answers HTTP 500 and leaves a tainted resource in state"},
	{ResourceType: "aws_ssm_patch_group", Skip: true, Overrides: map[string]any{"baseline_id": "pb-emulator-skipped"},
		Reason: "its patch baseline is skipped"},
	{ResourceType: "aws_xray_sampling_rule", Skip: true, Reason: "moto has no X-Ray sampling-rule API (404)"},
	{ResourceType: "aws_xray_encryption_config", Skip: true, Reason: "moto has no X-Ray encryption API (404)"},
	{ResourceType: "aws_guardduty_detector_feature", Skip: true,
		Reason: "moto does not store detector features, so every plan would add them again"},
	{ResourceType: "aws_ebs_default_kms_key", Skip: true, Reason: "moto answers GetEbsDefaultKmsKeyId with HTTP 500"},
	{ResourceType: "aws_s3_account_public_access_block", Skip: true,
		Reason: "S3 Control puts the account ID in the host name, which the emulator endpoint cannot serve"},
	{ResourceType: "aws_securityhub_account", Skip: true, Reason: "moto answers UpdateSecurityHubConfiguration with HTTP 500"},
	{ResourceType: "aws_securityhub_standards_subscription", Skip: true, Reason: "its Security Hub account is skipped"},
	{ResourceType: "aws_ssm_maintenance_window_target", Skip: true,
		Reason: "moto does not return a registered target, so the provider fails reading it back"},
	{ResourceType: "aws_ssm_maintenance_window_task", Skip: true, Overrides: map[string]any{"targets.0.values.0": "emulator-skipped-target"},
		Reason: "its window target is skipped"},
	{ResourceType: "aws_backup_selection", Skip: true, Reason: "moto answers HTTP 500"},
	{ResourceType: "aws_codebuild_project", IgnoreChanges: []string{"concurrent_build_limit", "encryption_key"},
		Reason: "moto does not store the project's concurrent build limit or its key (it reports the S3 default key), and cannot update a project"},
	{ResourceType: "aws_codebuild_webhook", Skip: true,
		Reason: "moto has no CodeBuild webhook API, and the webhook registers with GitHub, which this offline machine cannot reach"},
	{ResourceType: "helm_release", Skip: true,
		Reason: "its chart comes from a public chart repository, which this offline machine cannot reach; terraform validate checks every release against the helm provider's schema and tests check the values"},
}

// Ignored are the attributes the exception adds to ignore_changes: the upgrade drill's
// check plan keeps the updates the emulator cannot apply.
func (e EmulatorException) Ignored(upgradeCheck bool) []string {
	if upgradeCheck {
		return e.IgnoreChanges
	}
	return append(slices.Clone(e.IgnoreChanges), e.UnsupportedUpdates...)
}

// applyEmulatorExceptions adjusts every resource of the stack whose type the table lists.
// It runs only for emulator deployments, after the constructs are built, so no construct
// carries an emulator branch.
func applyEmulatorExceptions(stack cdktf.TerraformStack, upgradeCheck bool) error {
	byType := map[string]EmulatorException{}
	for _, e := range EmulatorExceptions {
		byType[e.ResourceType] = e
	}
	for _, node := range *stack.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		if !*cdktf.TerraformResource_IsTerraformResource(node) {
			continue
		}
		resource, ok := node.(cdktf.TerraformResource)
		if !ok {
			return fmt.Errorf("emulator: %s looks like a Terraform resource but is %T", *node.Node().Path(), node)
		}
		e, listed := byType[*resource.TerraformResourceType()]
		if !listed {
			continue
		}
		if e.Skip {
			resource.AddOverride(jsii.String("count"), jsii.Number(0))
		}
		if ignore := e.Ignored(upgradeCheck); len(ignore) > 0 {
			// cdktf appends these to what the construct ignores itself (e.g. a node group's
			// desired size).
			resource.AddOverride(jsii.String("lifecycle.ignore_changes"), jsii.Strings(ignore...))
		}
		for attr, value := range e.Overrides {
			if perResource, ok := value.(func(cdktf.TerraformResource) any); ok {
				if value = perResource(resource); value == nil {
					continue // this resource keeps its value
				}
			}
			resource.AddOverride(jsii.String(attr), value)
		}
	}
	return nil
}

// skippedTypes are the resource types the emulator leaves out.
var skippedTypes = map[string]bool{}

func init() {
	for _, e := range EmulatorExceptions {
		if e.Skip {
			skippedTypes[e.ResourceType] = true
		}
	}
}

// aliasOfSkippedTarget gives an alias record whose target is a skipped resource a
// placeholder target; other records keep theirs (nil).
func aliasOfSkippedTarget(resource cdktf.TerraformResource) any {
	resolved, err := json.Marshal(cdktf.Tokenization_Resolve(resource.ToTerraform(), &cdktf.ResolveOptions{
		Scope: resource, Resolver: cdktf.NewDefaultTokenResolver(cdktf.NewStringConcat()),
	}))
	if err != nil {
		return nil
	}
	for typ := range skippedTypes {
		if strings.Contains(string(resolved), "${"+typ+".") {
			return map[string]any{"name": "skipped-target.emulator.invalid", "zone_id": "ZEMULATORSKIPPED", "evaluate_target_health": false}
		}
	}
	return nil
}

// emulatorHeadersPolicyID stands in for the skipped response headers policy.
const emulatorHeadersPolicyID = "emulator-has-no-response-headers-policies"

// uniqueIssuer gives each OIDC provider an issuer URL of its own, derived from its place
// in the construct tree.
func uniqueIssuer(resource cdktf.TerraformResource) any {
	path := strings.NewReplacer("/", "-", "_", "-").Replace(*resource.Node().Path())
	return "https://oidc.eks.emulator.invalid/id/" + strings.ToLower(path)
}

// emulatorKubeAuth points a cluster's kubernetes and helm providers at the local
// Kubernetes API server scripts/emulator-deploy started for it: host, static token and
// CA from SMILE_EMULATOR_KUBE_DIR/<cluster>/, instead of `aws eks get-token` (moto's
// clusters have no API server).
func emulatorKubeAuth(env config.Environment, cluster string) (kubeAuth, error) {
	dir := filepath.Join(env.Deployment.EmulatorKubeDir, cluster)
	read := func(name string) (*string, error) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("emulator: the local Kubernetes API server of the %s cluster is not described in %s (%w): "+
				"start it with scripts/emulator-deploy, which writes host, token and ca.crt there", cluster, dir, err)
		}
		return jsii.String(strings.TrimSpace(string(b))), nil
	}
	var auth kubeAuth
	var err error
	if auth.Host, err = read("host"); err != nil {
		return auth, err
	}
	if auth.Token, err = read("token"); err != nil {
		return auth, err
	}
	if auth.CACertificate, err = read("ca.crt"); err != nil {
		return auth, err
	}
	return auth, nil
}
