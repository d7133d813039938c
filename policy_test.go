package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/smile/infra/constructs/loadbalancer"
	"github.com/smile/infra/constructs/waf"
)

// A policy check encodes one AWS Security Hub Foundational Security Best Practices (FSBP)
// control and the Checkov checks for the same thing, over the synthesized JSON of every
// environment. Checkov itself is not obtainable here (no Python index); tfsec runs in
// scanner_test.go as the independent second opinion.
type policyCheck struct {
	// Controls are the FSBP control IDs and Checkov check IDs this check stands for.
	Controls string
	Type     string
	// Check returns what is wrong with the resource, or "".
	Check func(t *testing.T, s *synthesized, r resource) string
}

// A policyException is a check that fails on purpose, with the reason next to it.
type policyException struct {
	Controls string
	// Resource is the resource's name with {env} for the environment, or "*"; a resource
	// without a name (a security group rule) is named by its logical ID.
	Resource string
	// Envs limits the exception to these environments; empty is all.
	Envs   []string
	Reason string
}

var policyExceptions = []policyException{
	{"S3.17 CKV_AWS_145", "smile5-{env}-logs", nil,
		"S3 server access logs and ALB access logs are delivered only to SSE-S3 buckets (docs/known-limits.md)"},
	{"S3.9 CKV_AWS_18", "smile5-{env}-logs", nil,
		"the logs bucket is the access-log target; logging it into itself would log every delivery"},
	{"CKV_AWS_144", "*", nil,
		"RES-2: data stays in Indonesia; cross-region replication would copy it out (DR is AWS Backup and snapshots in Jakarta, DR-1)"},
	{"ELB.6 CKV_AWS_150", "smile5-{env}-alb", []string{"dev", "staging"},
		"deletion protection is on in prod only; dev and staging are torn down and rebuilt"},
	{"RDS.5 CKV_AWS_157", "smile5-{env}-mysql", []string{"dev", "staging"},
		"ENV table: single-AZ in dev and staging; Multi-AZ in prod"},
	{"RDS.7 CKV_AWS_293", "smile5-{env}-mysql", []string{"dev", "staging"},
		"deletion protection in prod only (DB-2); dev and staging are disposable"},
	{"RDS.11", "smile5-{env}-mysql", []string{"dev"},
		"ENV table: dev has manual snapshots only"},
	{"RDS.6 CKV_AWS_118", "smile5-{env}-mysql", []string{"dev"},
		"enhanced monitoring and Performance Insights from staging up (DB-2); dev's db.t3.micro"},
	{"CloudFront.5 CKV_AWS_86", "*", nil,
		"access logs use standard logging v2 (CloudWatch Logs delivery into the Jakarta logs bucket), which these controls do not look at; TestEDGE1AccessLogs checks it"},
	{"CKV_AWS_310", "*", nil,
		"origin failover needs a second origin; the assets exist in one bucket in Jakarta (RES-2)"},
	{"CKV2_AWS_31", "smile5-{env}-cloudfront", nil,
		"RES-2: a CLOUDFRONT web ACL logs only to us-east-1; CloudFront's own access logs and the regional ACL's logs cover the requests (stacks/useast1.go)"},
	{"CKV_AWS_338", "*", nil,
		"OBS-1 sets a 30-day floor per environment; the 7-year audit archive is the audit bucket and the trail's group keeps 365 days"},
	{"CKV_AWS_382", "network_app-out-https_54F1A752", nil,
		"NET-5: the application tier calls out on 443 to the internet (third-party APIs) through the NAT gateways"},
	{"CKV_AWS_382", "network_app-out-http_65361AF0", nil,
		"NET-5: the application tier's port 80 egress (package mirrors without TLS) through the NAT gateways"},
	{"CKV_AWS_382", "ci-runner_out-https_49565CC6", nil,
		"the runner's jobs reach GitHub and the Go, npm and Terraform registries, which have no endpoint in the VPC"},
	{"CKV_AWS_382", "redis-snapshot_sg-out-https_2B685C9D", nil,
		"the snapshot function calls the ElastiCache and X-Ray APIs, which have no endpoint in the VPC (docs/architecture.md, Egress)"},
	{"CKV_AWS_272", "*", nil,
		"no AWS Signer profile: the function is built reproducibly from this repository and its hash is reviewed in every diff (lambda/build)"},
}

// requires is the check of one boolean attribute that must be true.
func requires(attr, problem string) func(*testing.T, *synthesized, resource) string {
	return func(_ *testing.T, _ *synthesized, r resource) string {
		if !r.boolean(attr) {
			return problem
		}
		return ""
	}
}

// requiresValue is the check of one attribute that must be set.
func requiresValue(attr, problem string) func(*testing.T, *synthesized, resource) string {
	return func(_ *testing.T, _ *synthesized, r resource) string {
		if r.str(attr) == "" {
			return problem
		}
		return ""
	}
}

func truthy(v any) bool { return v == true || v == "true" }

func named(r resource) string {
	for _, a := range []string{"bucket", "identifier", "replication_group_id", "function_name", "name"} {
		if v := r.str(a); v != "" && !strings.HasPrefix(v, "${") {
			return v
		}
	}
	if v := r.tag("Name"); v != "" {
		return v
	}
	return r.Name
}

// referring finds the resource of a type whose attribute attr is ref: the bucket's public
// access block, the repository's lifecycle policy, the load balancer's web ACL association.
// requiresCompanion is a check that a bucket has a resource of typ configuring it.
func requiresCompanion(typ, problem string) func(*testing.T, *synthesized, resource) string {
	return func(_ *testing.T, s *synthesized, r resource) string {
		if _, ok := bucketOf(s, typ, r); !ok {
			return problem
		}
		return ""
	}
}

func referring(s *synthesized, typ, attr, ref string) (resource, bool) {
	for _, r := range s.resources(typ) {
		if r.str(attr) == ref {
			return r, true
		}
	}
	return resource{}, false
}

// bucketOf is the bucket's resource of a type (versioning, policy, ...).
func bucketOf(s *synthesized, typ string, bucket resource) (resource, bool) {
	return referring(s, typ, "bucket", bucket.Ref("id"))
}

var policyChecks = []policyCheck{
	// Network
	{"EC2.2 CKV2_AWS_12", "aws_default_security_group", func(_ *testing.T, _ *synthesized, r resource) string {
		if r.Attrs["ingress"] != nil || r.Attrs["egress"] != nil {
			return "the default security group allows traffic"
		}
		return ""
	}},
	{"EC2.6 CKV2_AWS_11", "aws_vpc", func(t *testing.T, s *synthesized, r resource) string {
		for _, f := range s.resources("aws_flow_log") {
			if f.str("vpc_id") == r.Ref("id") && f.str("traffic_type") == "ALL" {
				return ""
			}
		}
		return "no flow log of all traffic"
	}},
	{"EC2.15 CKV_AWS_130", "aws_subnet", func(_ *testing.T, _ *synthesized, r resource) string {
		if r.boolean("map_public_ip_on_launch") {
			return "maps public IPs on launch"
		}
		return ""
	}},
	{"EC2.21 CKV_AWS_229 CKV_AWS_230 CKV_AWS_231 CKV_AWS_232", "aws_network_acl_rule", func(_ *testing.T, _ *synthesized, r resource) string {
		if r.boolean("egress") || r.str("rule_action") != "allow" || (r.str("cidr_block") != "0.0.0.0/0" && r.str("ipv6_cidr_block") != "::/0") {
			return ""
		}
		for _, port := range []int{20, 21, 22, 3389} {
			if r.str("protocol") == "-1" || (r.num("from_port") <= port && port <= r.num("to_port")) {
				return fmt.Sprintf("admits port %d from anywhere", port)
			}
		}
		return ""
	}},
	{"EC2.18 EC2.19 CKV_AWS_24 CKV_AWS_25 CKV_AWS_260", "aws_vpc_security_group_ingress_rule", func(_ *testing.T, _ *synthesized, r resource) string {
		if r.str("cidr_ipv4") == "0.0.0.0/0" || r.str("cidr_ipv6") == "::/0" {
			return "admits the whole internet"
		}
		return ""
	}},
	// NET-5: egress to the internet only where no endpoint in the VPC serves the
	// destination; each such group is an exception below with its reason.
	{"CKV_AWS_382", "aws_vpc_security_group_egress_rule", func(_ *testing.T, s *synthesized, r resource) string {
		if r.str("cidr_ipv4") == "0.0.0.0/0" || r.str("cidr_ipv6") == "::/0" {
			return "sends to the whole internet"
		}
		return ""
	}},
	// Compute
	{"EC2.8 CKV_AWS_79", "aws_instance", func(_ *testing.T, _ *synthesized, r resource) string {
		if block(r, "metadata_options")["http_tokens"] != "required" {
			return "IMDSv1 allowed"
		}
		return ""
	}},
	{"EC2.170 CKV_AWS_341", "aws_launch_template", func(_ *testing.T, _ *synthesized, r resource) string {
		m := block(r, "metadata_options")
		if m["http_tokens"] != "required" || m["http_put_response_hop_limit"].(float64) > 1 {
			return "IMDSv1 or a hop limit above 1"
		}
		return ""
	}},
	{"EC2.3 CKV_AWS_8", "aws_launch_template", func(_ *testing.T, _ *synthesized, r resource) string {
		for _, bd := range list(r.Attrs["block_device_mappings"]) {
			if !truthy(bd["ebs"].(map[string]any)["encrypted"]) {
				return "unencrypted volume"
			}
		}
		return ""
	}},
	{"EC2.3 EC2.9 CKV_AWS_8 CKV_AWS_88", "aws_instance", func(_ *testing.T, _ *synthesized, r resource) string {
		if !truthy(block(r, "root_block_device")["encrypted"]) {
			return "unencrypted root volume"
		}
		if r.boolean("associate_public_ip_address") {
			return "public IP address"
		}
		return ""
	}},
	{"EKS.1 EKS.2 EKS.3 EKS.8 CKV_AWS_38 CKV_AWS_58 CKV_AWS_37", "aws_eks_cluster", func(_ *testing.T, _ *synthesized, r resource) string {
		vpc := block(r, "vpc_config")
		switch {
		case truthy(vpc["endpoint_public_access"]):
			return "public API endpoint"
		case block(r, "encryption_config") == nil:
			return "secrets not encrypted"
		case len(r.strs("enabled_cluster_log_types")) != 5:
			return "control plane logging incomplete"
		}
		return ""
	}},
	{"ECR.1 ECR.2 ECR.3 CKV_AWS_163 CKV_AWS_51 CKV_AWS_136", "aws_ecr_repository", func(t *testing.T, s *synthesized, r resource) string {
		enc := list(r.Attrs["encryption_configuration"])
		switch {
		case !truthy(block(r, "image_scanning_configuration")["scan_on_push"]):
			return "no scan on push"
		case r.str("image_tag_mutability") != "IMMUTABLE":
			return "mutable tags"
		case len(enc) != 1 || enc[0]["encryption_type"] != "KMS":
			return "not KMS-encrypted"
		}
		if _, ok := referring(s, "aws_ecr_lifecycle_policy", "repository", r.Ref("name")); !ok {
			return "no lifecycle policy"
		}
		return ""
	}},
	{"Lambda.2 Lambda.3 CKV_AWS_50 CKV_AWS_116 CKV_AWS_115 CKV_AWS_117 CKV_AWS_173", "aws_lambda_function", func(_ *testing.T, _ *synthesized, r resource) string {
		switch {
		case block(r, "tracing_config")["mode"] != "Active":
			return "no active tracing"
		case block(r, "dead_letter_config") == nil:
			return "no dead-letter queue"
		case r.Attrs["reserved_concurrent_executions"] == nil:
			return "no concurrency limit"
		case block(r, "vpc_config") == nil:
			return "not in the VPC"
		case r.str("kms_key_arn") == "":
			return "environment not encrypted with a customer key"
		}
		return ""
	}},
	{"CKV_AWS_272", "aws_lambda_function", requiresValue("code_signing_config_arn", "no code signing")},
	// Data
	{"RDS.2 RDS.3 RDS.9 RDS.10 RDS.13 CKV_AWS_17 CKV_AWS_16 CKV_AWS_129 CKV_AWS_161 CKV_AWS_226", "aws_db_instance", func(_ *testing.T, _ *synthesized, r resource) string {
		switch {
		case r.boolean("publicly_accessible"):
			return "publicly accessible"
		case !r.boolean("storage_encrypted"):
			return "unencrypted"
		case len(r.strs("enabled_cloudwatch_logs_exports")) == 0:
			return "no log exports"
		case !r.boolean("iam_database_authentication_enabled"):
			return "no IAM authentication"
		case !r.boolean("auto_minor_version_upgrade"):
			return "no automatic minor upgrades"
		}
		return ""
	}},
	{"RDS.5 CKV_AWS_157", "aws_db_instance", requires("multi_az", "single-AZ")},
	{"RDS.7 CKV_AWS_293", "aws_db_instance", requires("deletion_protection", "no deletion protection")},
	{"RDS.11", "aws_db_instance", func(_ *testing.T, _ *synthesized, r resource) string {
		if r.num("backup_retention_period") < 7 {
			return fmt.Sprintf("backups kept %d days", r.num("backup_retention_period"))
		}
		return ""
	}},
	{"RDS.6 CKV_AWS_118", "aws_db_instance", func(_ *testing.T, _ *synthesized, r resource) string {
		if r.num("monitoring_interval") == 0 {
			return "no enhanced monitoring"
		}
		return ""
	}},
	{"ElastiCache.1 ElastiCache.2 ElastiCache.3 ElastiCache.4 ElastiCache.5 ElastiCache.6 CKV_AWS_29 CKV_AWS_30 CKV_AWS_31 CKV_AWS_191", "aws_elasticache_replication_group", func(_ *testing.T, _ *synthesized, r resource) string {
		switch {
		case !truthy(r.Attrs["at_rest_encryption_enabled"]) || r.str("kms_key_id") == "":
			return "not encrypted at rest with a customer key"
		case !truthy(r.Attrs["transit_encryption_enabled"]):
			return "no TLS"
		case len(r.strs("user_group_ids")) == 0:
			return "no RBAC user group"
		case !r.boolean("automatic_failover_enabled"):
			return "no automatic failover"
		case !truthy(r.Attrs["auto_minor_version_upgrade"]):
			return "no automatic minor upgrades"
		}
		return ""
	}},
	{"ElastiCache.1", "aws_elasticache_replication_group", func(_ *testing.T, _ *synthesized, r resource) string {
		if r.num("snapshot_retention_limit") < 1 {
			return "no automatic backups"
		}
		return ""
	}},
	{"IAM.1 IAM.21 CKV_AWS_355 CKV_AWS_290", "aws_iam_role_policy", func(t *testing.T, s *synthesized, r resource) string {
		for _, st := range policyStatements(t, s, r.str("policy")) {
			actions, resources := toStrings(st["actions"]), toStrings(st["resources"])
			if st["effect"] != "Deny" && (slices.Contains(actions, "*") || (slices.Contains(resources, "*") && slices.ContainsFunc(actions, func(a string) bool { return strings.HasSuffix(a, ":*") }))) {
				return fmt.Sprintf("allows %v on %v", actions, resources)
			}
		}
		return ""
	}},
	{"SQS.1 CKV_AWS_27", "aws_sqs_queue", requiresValue("kms_master_key_id", "not KMS-encrypted")},
	{"SNS.1 CKV_AWS_26", "aws_sns_topic", requiresValue("kms_master_key_id", "not KMS-encrypted")},
	{"EFS.1 CKV_AWS_42 CKV_AWS_184", "aws_efs_file_system", func(_ *testing.T, _ *synthesized, r resource) string {
		if !r.boolean("encrypted") || r.str("kms_key_id") == "" {
			return "not encrypted with a customer key"
		}
		return ""
	}},
	{"EFS.3 EFS.4 CKV_AWS_329 CKV_AWS_330", "aws_efs_access_point", func(_ *testing.T, _ *synthesized, r resource) string {
		if block(r, "posix_user") == nil || block(r, "root_directory")["path"] == "/" {
			return "no user identity or the file system root"
		}
		return ""
	}},
	{"S3.1 S3.8 CKV_AWS_53 CKV_AWS_54 CKV_AWS_55 CKV_AWS_56", "aws_s3_bucket", func(t *testing.T, s *synthesized, r resource) string {
		pab, ok := bucketOf(s, "aws_s3_bucket_public_access_block", r)
		if !ok || !pab.boolean("block_public_acls") || !pab.boolean("block_public_policy") || !pab.boolean("ignore_public_acls") || !pab.boolean("restrict_public_buckets") {
			return "public access not blocked"
		}
		return ""
	}},
	{"S3.5 CKV_AWS_379", "aws_s3_bucket", func(t *testing.T, s *synthesized, r resource) string {
		p, ok := bucketOf(s, "aws_s3_bucket_policy", r)
		if !ok || !denyInsecureTransport(t, s, p.str("policy"), r.Ref("arn"), r.Ref("arn")+"/*") {
			return "no TLS-only policy"
		}
		return ""
	}},
	{"S3.14 CKV_AWS_21", "aws_s3_bucket", func(t *testing.T, s *synthesized, r resource) string {
		v, ok := bucketOf(s, "aws_s3_bucket_versioning", r)
		if !ok || block(v, "versioning_configuration")["status"] != "Enabled" {
			return "not versioned"
		}
		return ""
	}},
	{"S3.13 CKV2_AWS_61", "aws_s3_bucket", requiresCompanion("aws_s3_bucket_lifecycle_configuration", "no lifecycle configuration")},
	{"S3.9 CKV_AWS_18", "aws_s3_bucket", requiresCompanion("aws_s3_bucket_logging", "no access logging")},
	{"S3.17 CKV_AWS_145", "aws_s3_bucket", func(t *testing.T, s *synthesized, r resource) string {
		enc, ok := bucketOf(s, "aws_s3_bucket_server_side_encryption_configuration", r)
		if !ok || list(enc.Attrs["rule"])[0]["apply_server_side_encryption_by_default"].(map[string]any)["sse_algorithm"] != "aws:kms" {
			return "not SSE-KMS"
		}
		return ""
	}},
	{"CKV_AWS_144", "aws_s3_bucket", requiresCompanion("aws_s3_bucket_replication_configuration", "no cross-region replication")},
	{"Backup (vault lock) CKV_AWS_166", "aws_backup_vault", func(t *testing.T, s *synthesized, r resource) string {
		if r.str("kms_key_arn") == "" {
			return "not KMS-encrypted"
		}
		if _, ok := referring(s, "aws_backup_vault_lock_configuration", "backup_vault_name", r.Ref("name")); !ok {
			return "no vault lock"
		}
		return ""
	}},
	{"SecretsManager.1 CKV2_AWS_57", "aws_db_instance", func(t *testing.T, s *synthesized, r resource) string {
		for _, rot := range s.resources("aws_secretsmanager_secret_rotation") {
			if strings.HasPrefix(rot.str("secret_id"), strings.TrimSuffix(r.Ref("master_user_secret"), "}")) {
				return ""
			}
		}
		return "the managed master secret does not rotate"
	}},
	// Edge
	{"ELB.4 ELB.5 ELB.12 CKV_AWS_131 CKV_AWS_91 CKV_AWS_328", "aws_lb", func(_ *testing.T, _ *synthesized, r resource) string {
		switch {
		case !r.boolean("drop_invalid_header_fields"):
			return "invalid headers pass"
		case !truthy(block(r, "access_logs")["enabled"]):
			return "no access logs"
		case !slices.Contains([]string{"defensive", "strictest"}, r.str("desync_mitigation_mode")):
			return "weak desync mitigation"
		}
		return ""
	}},
	{"ELB.6 CKV_AWS_150", "aws_lb", requires("enable_deletion_protection", "no deletion protection")},
	{"CKV2_AWS_28", "aws_lb", func(t *testing.T, s *synthesized, r resource) string {
		if _, ok := referring(s, "aws_wafv2_web_acl_association", "resource_arn", r.Ref("arn")); !ok {
			return "no web ACL"
		}
		return ""
	}},
	{"ELB.1 ELB.17 CKV_AWS_2 CKV_AWS_103 CKV2_AWS_20", "aws_lb_listener", func(_ *testing.T, _ *synthesized, r resource) string {
		if r.str("protocol") != "HTTPS" || r.str("ssl_policy") != loadbalancer.TLSPolicy {
			return "not HTTPS with the TLS 1.3/1.2 policy"
		}
		return ""
	}},
	{"CloudFront.1 CloudFront.3 CloudFront.6 CloudFront.7 CloudFront.8 CloudFront.13 CKV_AWS_305 CKV_AWS_34 CKV_AWS_68 CKV_AWS_174 CKV2_AWS_32 CKV2_AWS_47", "aws_cloudfront_distribution", func(_ *testing.T, _ *synthesized, r resource) string {
		viewer := block(r, "viewer_certificate")
		behaviours := append([]map[string]any{block(r, "default_cache_behavior")}, list(r.Attrs["ordered_cache_behavior"])...)
		switch {
		case r.str("default_root_object") == "":
			return "no default root object"
		case r.str("web_acl_id") == "":
			return "no web ACL"
		case viewer["acm_certificate_arn"] == nil || viewer["ssl_support_method"] != "sni-only" || viewer["minimum_protocol_version"] != "TLSv1.2_2021":
			return "not an ACM certificate with SNI and TLS 1.2"
		}
		for _, b := range behaviours {
			if b["viewer_protocol_policy"] == "allow-all" || b["response_headers_policy_id"] == nil {
				return fmt.Sprintf("behaviour %v allows HTTP or has no security headers", b["target_origin_id"])
			}
		}
		for _, o := range list(r.Attrs["origin"]) {
			if custom, ok := o["custom_origin_config"].(map[string]any); ok {
				if custom["origin_protocol_policy"] != "https-only" || slices.ContainsFunc(toStrings(custom["origin_ssl_protocols"]), func(p string) bool { return p != "TLSv1.2" }) {
					return "an origin reachable without TLS 1.2"
				}
			} else if o["origin_access_control_id"] == nil {
				return "an S3 origin without origin access control"
			}
		}
		return ""
	}},
	{"CloudFront.5 CKV_AWS_86", "aws_cloudfront_distribution", func(_ *testing.T, _ *synthesized, r resource) string {
		if r.Attrs["logging_config"] == nil {
			return "no legacy standard logging"
		}
		return ""
	}},
	{"CKV_AWS_310", "aws_cloudfront_distribution", func(_ *testing.T, _ *synthesized, r resource) string {
		if r.Attrs["origin_group"] == nil {
			return "no origin failover"
		}
		return ""
	}},
	{"WAF (managed rules) CKV_AWS_192", "aws_wafv2_web_acl", func(_ *testing.T, _ *synthesized, r resource) string {
		var groups []string
		for _, rule := range list(r.Attrs["rule"]) {
			if g, ok := rule["statement"].(map[string]any)["managed_rule_group_statement"].(map[string]any); ok {
				groups = append(groups, g["name"].(string))
			}
		}
		for _, want := range waf.ManagedRuleGroups {
			if !slices.Contains(groups, want) {
				return "missing " + want
			}
		}
		return ""
	}},
	{"CKV2_AWS_31", "aws_wafv2_web_acl", func(t *testing.T, s *synthesized, r resource) string {
		if _, ok := referring(s, "aws_wafv2_web_acl_logging_configuration", "resource_arn", r.Ref("arn")); !ok {
			return "no logging"
		}
		return ""
	}},
	{"APIGateway.9 CKV_AWS_76", "aws_apigatewayv2_stage", func(_ *testing.T, _ *synthesized, r resource) string {
		routes := block(r, "default_route_settings")
		if block(r, "access_log_settings")["destination_arn"] == nil || routes["throttling_burst_limit"] == nil || routes["throttling_rate_limit"] == nil {
			return "no access logs or throttling"
		}
		return ""
	}},
	// Security and observability
	{"KMS.4 CKV_AWS_7", "aws_kms_key", requires("enable_key_rotation", "no rotation")},
	{"CloudTrail.1 CloudTrail.2 CloudTrail.4 CloudTrail.5 CKV_AWS_67 CKV_AWS_35 CKV_AWS_36 CKV2_AWS_10", "aws_cloudtrail", func(_ *testing.T, _ *synthesized, r resource) string {
		if !r.boolean("is_multi_region_trail") || r.str("kms_key_id") == "" || !r.boolean("enable_log_file_validation") || r.str("cloud_watch_logs_group_arn") == "" {
			return "not multi-region, encrypted, validated and sent to CloudWatch"
		}
		return ""
	}},
	{"CloudWatch (log groups) CKV_AWS_158", "aws_cloudwatch_log_group", func(_ *testing.T, _ *synthesized, r resource) string {
		if r.str("kms_key_id") == "" || r.num("retention_in_days") == 0 {
			return "not KMS-encrypted or kept forever"
		}
		return ""
	}},
	{"CKV_AWS_338", "aws_cloudwatch_log_group", func(_ *testing.T, _ *synthesized, r resource) string {
		if r.num("retention_in_days") < 365 {
			return fmt.Sprintf("kept %d days", r.num("retention_in_days"))
		}
		return ""
	}},
	{"IAM.7 CKV_AWS_9 CKV_AWS_10 CKV_AWS_11 CKV_AWS_12 CKV_AWS_13 CKV_AWS_14 CKV_AWS_15", "aws_iam_account_password_policy", func(_ *testing.T, _ *synthesized, r resource) string {
		if r.num("minimum_password_length") < 14 || r.num("password_reuse_prevention") < 24 || !r.boolean("require_symbols") ||
			!r.boolean("require_numbers") || !r.boolean("require_uppercase_characters") || !r.boolean("require_lowercase_characters") || r.num("max_password_age") > 90 {
			return "weak password policy"
		}
		return ""
	}},
	{"EC2.7", "aws_ebs_encryption_by_default", requires("enabled", "EBS default encryption off")},
	{"GuardDuty.1", "aws_guardduty_detector", requires("enable", "GuardDuty off")},
	{"Config.1", "aws_config_configuration_recorder_status", requires("is_enabled", "recorder stopped")},
}

func (e policyException) matches(check policyCheck, env string, r resource) bool {
	if e.Controls != check.Controls {
		return false
	}
	if len(e.Envs) > 0 && !slices.Contains(e.Envs, env) {
		return false
	}
	return e.Resource == "*" || strings.ReplaceAll(e.Resource, "{env}", env) == named(r)
}

// SEC-1 … SEC-7, NET-*, EDGE-*, OBS-*: the FSBP controls and Checkov checks over every
// environment; every failure is an exception with its reason, and every exception is used.
func TestPolicySuite(t *testing.T) {
	used := map[int]bool{}
	for name, s := range synthReal(t) {
		env := envOf(name).Name
		for _, check := range policyChecks {
			resources := s.resources(check.Type)
			for _, r := range resources {
				problem := check.Check(t, s, r)
				if problem == "" {
					continue
				}
				excepted := false
				for i, e := range policyExceptions {
					if e.matches(check, env, r) {
						used[i], excepted = true, true
					}
				}
				if !excepted {
					t.Errorf("%s: [%s] %s %s: %s", name, check.Controls, check.Type, named(r), problem)
				}
			}
		}
	}
	for i, e := range policyExceptions {
		if !used[i] {
			t.Errorf("exception [%s] for %s is not needed any more: remove it (%s)", e.Controls, e.Resource, e.Reason)
		}
	}
}
