package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/smile/infra/internal/golden"
	"github.com/smile/infra/stateful"
)

// statelessTypes are the resource types the stacks create that package stateful does not
// list, reviewed: replacing one loses nothing that a deploy does not recreate (settings,
// rules, attachments, compute that holds no data, registrations). The cost objects (COST-2)
// too: a budget's history is Cost Explorer's, not the budget's; a replaced anomaly monitor
// learns its baseline again (about ten days of quieter alerts), which loses no data.
var statelessTypes = []string{
	"aws_budgets_budget", "aws_ce_anomaly_monitor", "aws_ce_anomaly_subscription", "aws_ce_cost_allocation_tag",
	"aws_acm_certificate", "aws_acm_certificate_validation", "aws_apigatewayv2_api", "aws_apigatewayv2_api_mapping",
	"aws_apigatewayv2_domain_name", "aws_apigatewayv2_integration", "aws_apigatewayv2_route", "aws_apigatewayv2_stage",
	"aws_apigatewayv2_vpc_link", "aws_backup_plan", "aws_backup_selection", "aws_backup_vault_lock_configuration",
	"aws_cloudfront_distribution", "aws_cloudfront_function", "aws_cloudfront_origin_access_control",
	"aws_cloudfront_response_headers_policy", "aws_cloudwatch_dashboard", "aws_cloudwatch_log_delivery",
	"aws_cloudwatch_log_delivery_destination", "aws_cloudwatch_log_delivery_source", "aws_cloudwatch_metric_alarm",
	"aws_codebuild_project", "aws_codebuild_webhook", "aws_config_configuration_recorder",
	"aws_config_configuration_recorder_status", "aws_config_delivery_channel", "aws_db_parameter_group",
	"aws_db_subnet_group", "aws_default_security_group", "aws_ebs_default_kms_key", "aws_ebs_encryption_by_default",
	"aws_ecr_lifecycle_policy", "aws_efs_access_point", "aws_efs_backup_policy", "aws_efs_file_system_policy",
	"aws_efs_mount_target", "aws_eip", "aws_eks_access_entry", "aws_eks_access_policy_association", "aws_eks_addon",
	"aws_eks_node_group", "aws_elasticache_parameter_group", "aws_elasticache_subnet_group", "aws_elasticache_user",
	"aws_elasticache_user_group", "aws_flow_log", "aws_guardduty_detector", "aws_guardduty_detector_feature",
	"aws_iam_account_password_policy", "aws_iam_instance_profile", "aws_iam_openid_connect_provider", "aws_iam_role",
	"aws_iam_role_policy", "aws_iam_role_policy_attachment", "aws_instance", "aws_internet_gateway",
	"aws_lambda_function", "aws_launch_template", "aws_lb", "aws_lb_listener", "aws_lb_listener_rule",
	"aws_lb_target_group", "aws_nat_gateway", "aws_network_acl", "aws_network_acl_rule", "aws_route",
	"aws_route53_record", "aws_route_table", "aws_route_table_association", "aws_s3_account_public_access_block",
	"aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket_logging", "aws_s3_bucket_object_lock_configuration",
	"aws_s3_bucket_ownership_controls", "aws_s3_bucket_policy", "aws_s3_bucket_public_access_block",
	"aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_versioning", "aws_scheduler_schedule",
	"aws_secretsmanager_secret_rotation", "aws_security_group", "aws_securityhub_account",
	"aws_securityhub_standards_subscription", "aws_sns_topic", "aws_sns_topic_policy", "aws_sns_topic_subscription",
	"aws_sqs_queue_policy", "aws_ssm_document", "aws_ssm_maintenance_window", "aws_ssm_maintenance_window_target",
	"aws_ssm_maintenance_window_task", "aws_ssm_parameter", "aws_ssm_patch_baseline", "aws_ssm_patch_group",
	"aws_subnet", "aws_vpc", "aws_vpc_endpoint", "aws_vpc_security_group_egress_rule",
	"aws_vpc_security_group_ingress_rule", "aws_wafv2_web_acl", "aws_wafv2_web_acl_association",
	"aws_wafv2_web_acl_logging_configuration", "aws_xray_encryption_config", "aws_xray_sampling_rule",
	"helm_release", "kubernetes_cluster_role_binding_v1", "kubernetes_cluster_role_v1", "kubernetes_limit_range_v1",
	"kubernetes_namespace_v1", "kubernetes_priority_class_v1", "kubernetes_resource_quota_v1",
	"kubernetes_service_account_v1",
}

// allSynths are the real stacks and smile-bootstrap, by name.
func allSynths(t *testing.T) map[string]*synthesized {
	out := map[string]*synthesized{}
	for name, s := range synthReal(t) {
		out[name] = s
	}
	out["smile-bootstrap"] = synthBootstrapStack(t)
	return out
}

// isStateful classifies a synthesized resource as package stateful does.
func isStateful(r resource) bool {
	tags := map[string]string{}
	m, _ := r.Attrs["tags"].(map[string]any)
	for k, v := range m {
		tags[k], _ = v.(string)
	}
	return stateful.Is(r.Type, tags)
}

// statefulAddresses lists a stack's stateful resources as plan addresses, sorted.
func statefulAddresses(s *synthesized) []string {
	var out []string
	for _, typ := range s.resourceTypes() {
		for _, r := range s.resources(typ) {
			if isStateful(r) {
				out = append(out, typ+"."+r.Name)
			}
		}
	}
	sort.Strings(out)
	return out
}

// SAFE-1: every resource type the stacks create is classified, stateful (package stateful)
// or not (statelessTypes, reviewed), so a new stateful type cannot slip past the guard.
func TestSAFE1EveryResourceTypeIsClassified(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range allSynths(t) {
		for _, typ := range s.resourceTypes() {
			seen[typ] = true
		}
	}
	for typ := range seen {
		_, listed := stateful.Types[typ]
		if typ == stateful.LogGroupType {
			listed = true // stateful when tagged audit (loggroup.Config.Audit), checked below
		}
		if stateless := slices.Contains(statelessTypes, typ); listed == stateless {
			t.Errorf("resource type %s is %s: classify it: add it to stateful.Types (stateful/stateful.go) if deleting or replacing it loses data "+
				"or an identity others depend on, otherwise to statelessTypes in safechange_test.go", typ,
				map[bool]string{true: "both stateful and stateless", false: "not classified"}[listed])
		}
	}
	for _, typ := range append(statelessTypes, stateful.TypeNames()...) {
		if !seen[typ] {
			t.Errorf("resource type %s is classified but no stack creates it: remove it from the list", typ)
		}
	}
}

// SAFE-1: the audit log groups are the trail's and the flow logs' destinations, exactly.
func TestSAFE1AuditLogGroupsAreTheTrailsAndTheFlowLogs(t *testing.T) {
	for name, s := range synthReal(t) {
		want := map[string]bool{}
		for _, trail := range s.resources("aws_cloudtrail") {
			want[strings.TrimSuffix(trail.str("cloud_watch_logs_group_arn"), ":*")] = true
		}
		for _, flow := range s.resources("aws_flow_log") {
			want[flow.str("log_destination")] = true
		}
		got := map[string]bool{}
		for _, g := range s.resources(stateful.LogGroupType) {
			if isStateful(g) {
				got[g.Ref("arn")] = true
			}
		}
		if len(got) != 2 || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: audit log groups %v, want the trail's and the flow logs' %v", name, got, want)
		}
	}
}

// SAFE-1: prod's stateful resources carry prevent_destroy (Security.PreventDestroy), and
// nothing else does; dev's and staging's carry none.
func TestSAFE1PreventDestroyOnProdsStatefulResources(t *testing.T) {
	for name, s := range synthReal(t) {
		on := envOf(name).Security.PreventDestroy
		if on != (name == "smile-prod") {
			t.Errorf("%s: Security.PreventDestroy is %v, want it on in prod only", name, on)
		}
		marked := 0
		for _, typ := range s.resourceTypes() {
			for _, r := range s.resources(typ) {
				lifecycle, _ := r.Attrs["lifecycle"].(map[string]any)
				has := lifecycle["prevent_destroy"] == true
				if want := on && isStateful(r); has != want {
					t.Errorf("%s: %s.%s has prevent_destroy %v, want %v", name, typ, r.Name, has, want)
				}
				if has {
					marked++
				}
			}
		}
		if on && marked != len(statefulAddresses(s)) {
			t.Errorf("%s: %d resources prevent_destroy, want every one of the %d stateful", name, marked, len(statefulAddresses(s)))
		}
	}
}

// SAFE-2: the logical IDs of the stateful resources are an interface. Each stack's are
// listed in testdata/stateful-<stack>.txt; a refactor that renames one would replace the
// resource (its data gone) in every environment.
func TestSAFE2StatefulAddressesAreAnInterface(t *testing.T) {
	for name, s := range allSynths(t) {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", "stateful-"+name+".txt")
			got := statefulAddresses(s)
			if golden.Updating() {
				if err := os.WriteFile(path, []byte(strings.Join(got, "\n")+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v: generate it with `make snapshots`", err)
			}
			want := strings.Fields(string(raw))
			for _, a := range want {
				if !slices.Contains(got, a) {
					t.Errorf("%s: the stateful resource %s is gone from the synth: a changed construct ID replaces it, and its data with it. "+
						"Keep the ID; or, on the renamed resource, add a moved block, resource.MoveFromId(jsii.String(%q)) (docs/deploying.md, \"Logical IDs are an interface\"); "+
						"or, if it is meant to go, refresh %s with `make snapshots` and let the change carry `Allow-Destroy: %s %s`",
						name, a, a, path, name, a)
				}
			}
			for _, a := range got {
				if !slices.Contains(want, a) {
					t.Errorf("%s: new stateful resource %s is not in %s: if it is intended, record it with `make snapshots` and commit the file", name, a, path)
				}
			}
		})
	}
}
