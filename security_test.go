package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/smile/infra/config"
	"github.com/smile/infra/constructs/audit"
	"github.com/smile/infra/constructs/baseline"
	"github.com/smile/infra/constructs/buckets"
	"github.com/smile/infra/constructs/patching"
)

// keyPurposes maps each attribute that names a KMS key, by resource type and attribute
// path, to the purpose of the key it must name (SEC-1). A new encrypted resource fails
// TestSEC1EveryEncryptedResourceNamesItsKey until it is added here.
var keyPurposes = map[string]string{
	"aws_cloudwatch_log_group kms_key_id":                      "logs",
	"aws_sqs_queue kms_master_key_id":                          "data",
	"aws_sns_topic kms_master_key_id":                          "sns",
	"aws_db_instance kms_key_id":                               "data",
	"aws_db_instance performance_insights_kms_key_id":          "data",
	"aws_db_instance master_user_secret_kms_key_id":            "data",
	"aws_elasticache_replication_group kms_key_id":             "data",
	"aws_efs_file_system kms_key_id":                           "data",
	"aws_eks_cluster encryption_config.provider.key_arn":       "eks-secrets",
	"aws_launch_template block_device_mappings.ebs.kms_key_id": "data",
	"aws_instance root_block_device.kms_key_id":                "data",
	"aws_ecr_repository encryption_configuration.kms_key":      "data",
	"aws_lambda_function kms_key_arn":                          "lambda",
	"aws_backup_vault kms_key_arn":                             "backup",
	"aws_cloudtrail kms_key_id":                                "cloudtrail",
	"aws_ebs_default_kms_key key_arn":                          "data",
	"aws_xray_encryption_config key_id":                        "logs",
	"aws_kms_alias target_key_id":                              "", // the alias of each key
	"aws_s3_bucket_server_side_encryption_configuration rule.apply_server_side_encryption_by_default.kms_master_key_id": "bucket",
}

// kmsReferences collects every attribute path whose name says it holds a KMS key.
func kmsReferences(prefix string, v any, out map[string][]string) {
	switch node := v.(type) {
	case map[string]any:
		for k, child := range node {
			if k == "//" || k == "depends_on" || k == "lifecycle" {
				continue
			}
			path := strings.TrimPrefix(prefix+"."+k, ".")
			if s, ok := child.(string); ok && (strings.Contains(k, "kms") || strings.HasSuffix(k, "key_arn") || k == "key_id" || k == "target_key_id") {
				out[path] = append(out[path], s)
				continue
			}
			kmsReferences(path, child, out)
		}
	case []any:
		for _, child := range node {
			kmsReferences(prefix, child, out)
		}
	}
}

// SEC-1, RES-3: every encrypted resource names a customer-managed key of the right purpose;
// every key rotates.
func TestSEC1EveryEncryptedResourceNamesItsKey(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		purposeOf := map[string]string{}
		for _, k := range s.resources("aws_kms_key") {
			purposeOf[k.Ref("arn")] = strings.TrimPrefix(k.tag("Name"), env.Prefix()+"-")
			purposeOf[k.Ref("key_id")] = purposeOf[k.Ref("arn")]
			if !k.boolean("enable_key_rotation") {
				t.Errorf("%s: key %s does not rotate", name, k.tag("Name"))
			}
		}
		bucketPurpose := map[string]string{}
		for _, purpose := range buckets.Purposes {
			bucketPurpose[where(t, s, "aws_s3_bucket", "bucket", env.Prefix()+"-"+purpose).Ref("id")] = purpose
		}
		for _, typ := range s.resourceTypes() {
			for _, r := range s.resources(typ) {
				refs := map[string][]string{}
				kmsReferences("", r.Attrs, refs)
				for path, values := range refs {
					want, known := keyPurposes[typ+" "+path]
					if !known {
						t.Errorf("%s: %s.%s names a key in %s: add it to keyPurposes", name, typ, r.Name, path)
						continue
					}
					switch want {
					case "":
						continue
					case "bucket":
						want = map[bool]string{true: "assets", false: "data"}[bucketPurpose[r.str("bucket")] == buckets.Assets]
					}
					for _, v := range values {
						if got := purposeOf[v]; got != want {
							t.Errorf("%s: %s.%s %s = %s (key %q), want the %s key", name, typ, r.Name, path, v, got, want)
						}
					}
				}
			}
		}
	}
}

// SEC-5, OBS-4: one multi-region trail with log file validation, under the CloudTrail key,
// into the object-locked audit archive and a KMS log group; management events read and
// write; object access of the documents bucket.
func TestSEC5CloudTrail(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		trail := s.single(t, "aws_cloudtrail")
		archive := where(t, s, "aws_s3_bucket", "bucket", env.Prefix()+"-audit")
		documents := where(t, s, "aws_s3_bucket", "bucket", env.Prefix()+"-documents")
		group := where(t, s, "aws_cloudwatch_log_group", "name", env.Prefix()+"-trail")
		if !trail.boolean("is_multi_region_trail") || !trail.boolean("include_global_service_events") || !trail.boolean("enable_log_file_validation") ||
			!trail.boolean("enable_logging") || trail.str("kms_key_id") != key(t, s, "cloudtrail").Ref("arn") ||
			trail.str("s3_bucket_name") != archive.Ref("bucket") || trail.str("s3_key_prefix") != audit.Prefix ||
			trail.str("cloud_watch_logs_group_arn") != group.Ref("arn")+":*" {
			t.Errorf("%s: trail %v", name, trail.Attrs)
		}
		if group.num("retention_in_days") != env.Observability.AuditLogRetentionDays || group.num("retention_in_days") < 365 {
			t.Errorf("%s: trail log group keeps %d days", name, group.num("retention_in_days"))
		}
		selectors := map[string][]string{}
		for _, sel := range list(trail.Attrs["advanced_event_selector"]) {
			var fields []string
			for _, f := range list(sel["field_selector"]) {
				for _, op := range []string{"equals", "starts_with"} {
					if v, ok := f[op]; ok {
						fields = append(fields, fmt.Sprintf("%s %s %s", f["field"], op, strings.Join(toStrings(v), ",")))
					}
				}
			}
			sort.Strings(fields)
			selectors[sel["name"].(string)] = fields
		}
		want := map[string][]string{
			"Management events, read and write": {"eventCategory equals Management"},
			"S3 object access of the documents": {"eventCategory equals Data", "resources.ARN starts_with " + documents.Ref("arn") + "/", "resources.type equals AWS::S3::Object"},
		}
		if !reflect.DeepEqual(selectors, want) {
			t.Errorf("%s: event selectors\n got %v\nwant %v", name, selectors, want)
		}
		// The archive's policy admits this trail by its ARN, and the trail waits for it.
		policy := where(t, s, "aws_s3_bucket_policy", "bucket", archive.Ref("id"))
		trailArn := fmt.Sprintf("arn:aws:cloudtrail:ap-southeast-3:${data.aws_caller_identity.account.account_id}:trail/%s-trail", env.Prefix())
		var admitted []string
		for _, st := range policyStatements(t, s, policy.str("policy")) {
			if slices.Contains(principals(st, "Service"), "cloudtrail.amazonaws.com") && slices.Contains(conditions(st), "StringEquals aws:SourceArn "+trailArn) {
				admitted = append(admitted, toStrings(st["actions"])...)
			}
		}
		sort.Strings(admitted)
		if !reflect.DeepEqual(admitted, []string{"s3:GetBucketAcl", "s3:PutObject"}) {
			t.Errorf("%s: the audit bucket admits the trail for %v", name, admitted)
		}
		if !slices.Contains(trail.strs("depends_on"), policy.address()) {
			t.Errorf("%s: the trail does not wait for the audit bucket's policy", name)
		}
	}
}

// SEC-4: the platform's non-secret coordinates in Parameter Store under /smile5/<env>/.
func TestSEC4Parameters(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		got := map[string]bool{}
		for _, p := range s.resources("aws_ssm_parameter") {
			if !strings.HasPrefix(p.str("name"), "/smile5/"+env.Name+"/") || p.str("type") != "String" || p.str("value") == "" {
				t.Errorf("%s: parameter %s (%s)", name, p.str("name"), p.str("type"))
			}
			got[strings.TrimPrefix(p.str("name"), "/smile5/"+env.Name+"/")] = true
		}
		for _, want := range []string{"network/vpc-id", "eks/app-cluster-name", "eks/data-cluster-name", "database/endpoint",
			"cache/replication-group-id", "queues/events-url", "queues/events-fifo-url", "buckets/documents", "buckets/assets",
			"efs/file-system-id", "edge/api-url", "observability/alarm-topic-arn"} {
			if !got[want] {
				t.Errorf("%s: no parameter %s", name, want)
			}
		}
	}
}

// SEC-6: Patch Manager patches the bastion weekly with an Amazon Linux 2023 baseline.
func TestSEC6Patching(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		group := env.Prefix() + "-bastion"
		baselineRes := s.single(t, "aws_ssm_patch_baseline")
		rule := list(baselineRes.Attrs["approval_rule"])
		if baselineRes.str("operating_system") != "AMAZON_LINUX_2023" || len(rule) != 1 || int(rule[0]["approve_after_days"].(float64)) != patching.ApproveAfterDays {
			t.Errorf("%s: patch baseline %v", name, baselineRes.Attrs)
		}
		pg := s.single(t, "aws_ssm_patch_group")
		if pg.str("baseline_id") != baselineRes.Ref("id") || pg.str("patch_group") != group {
			t.Errorf("%s: patch group %v", name, pg.Attrs)
		}
		host := s.one(t, "aws_instance", env.Prefix()+"-bastion")
		if host.tag(patching.PatchGroupTag) != group {
			t.Errorf("%s: the bastion is not in patch group %s", name, group)
		}
		window := s.single(t, "aws_ssm_maintenance_window")
		target := s.single(t, "aws_ssm_maintenance_window_target")
		task := s.single(t, "aws_ssm_maintenance_window_task")
		targets := list(target.Attrs["targets"])
		if window.str("schedule") != patching.Schedule || window.str("schedule_timezone") != "Asia/Jakarta" ||
			target.str("window_id") != window.Ref("id") || len(targets) != 1 || targets[0]["key"] != "tag:Patch Group" ||
			!reflect.DeepEqual(toStrings(targets[0]["values"]), []string{group}) {
			t.Errorf("%s: window %v target %v", name, window.Attrs, target.Attrs)
		}
		params, _ := block(task, "task_invocation_parameters")["run_command_parameters"].(map[string]any)
		if task.str("task_arn") != "AWS-RunPatchBaseline" || task.str("task_type") != "RUN_COMMAND" || params == nil ||
			!strings.Contains(fmt.Sprint(params["parameter"]), "Install") {
			t.Errorf("%s: patch task %v", name, task.Attrs)
		}
	}
}

// SEC-7: the account baseline, where the environment owns it, and nowhere else.
func TestSEC7AccountBaseline(t *testing.T) {
	types := []string{"aws_ebs_encryption_by_default", "aws_ebs_default_kms_key", "aws_s3_account_public_access_block",
		"aws_iam_account_password_policy", "aws_guardduty_detector", "aws_securityhub_account", "aws_securityhub_standards_subscription",
		"aws_config_configuration_recorder", "aws_config_delivery_channel", "aws_config_configuration_recorder_status", "aws_xray_encryption_config"}
	for name, s := range synthReal(t) {
		env := envOf(name)
		if !env.Security.OwnsAccountBaseline {
			continue
		}
		for _, typ := range types {
			if len(s.resources(typ)) != 1 {
				t.Errorf("%s: %d %s, want 1", name, len(s.resources(typ)), typ)
			}
		}
		if t.Failed() {
			return
		}
		if !s.single(t, "aws_ebs_encryption_by_default").boolean("enabled") || s.single(t, "aws_ebs_default_kms_key").str("key_arn") != key(t, s, "data").Ref("arn") {
			t.Errorf("%s: EBS default encryption", name)
		}
		pab := s.single(t, "aws_s3_account_public_access_block")
		for _, a := range []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"} {
			if !pab.boolean(a) {
				t.Errorf("%s: account public access block %s off", name, a)
			}
		}
		pw := s.single(t, "aws_iam_account_password_policy")
		if pw.num("minimum_password_length") < 14 || pw.num("password_reuse_prevention") < 24 || !pw.boolean("require_symbols") || pw.num("max_password_age") > 90 {
			t.Errorf("%s: password policy %v", name, pw.Attrs)
		}
		var features []string
		for _, f := range s.resources("aws_guardduty_detector_feature") {
			if f.str("status") == "ENABLED" && f.str("detector_id") == s.single(t, "aws_guardduty_detector").Ref("id") {
				features = append(features, f.str("name"))
			}
		}
		sort.Strings(features)
		wantFeatures := slices.Clone(baseline.GuardDutyFeatures)
		sort.Strings(wantFeatures)
		if !reflect.DeepEqual(features, wantFeatures) || !slices.Contains(features, "EKS_AUDIT_LOGS") || !slices.Contains(features, "RDS_LOGIN_EVENTS") {
			t.Errorf("%s: GuardDuty features %v", name, features)
		}
		if got := s.single(t, "aws_securityhub_standards_subscription").str("standards_arn"); got != "arn:aws:securityhub:ap-southeast-3::standards/aws-foundational-security-best-practices/v/1.0.0" {
			t.Errorf("%s: Security Hub standard %s", name, got)
		}
		rec := block(s.single(t, "aws_config_configuration_recorder"), "recording_group")
		channel := s.single(t, "aws_config_delivery_channel")
		if rec["all_supported"] != true || rec["include_global_resource_types"] != true ||
			channel.str("s3_bucket_name") != where(t, s, "aws_s3_bucket", "bucket", env.Prefix()+"-audit").Ref("bucket") ||
			!s.single(t, "aws_config_configuration_recorder_status").boolean("is_enabled") {
			t.Errorf("%s: AWS Config recorder %v channel %v", name, rec, channel.Attrs)
		}
	}
	// The switch: the prod variant's account is owned by another stack.
	variant := synthVariants(t)["smile-prod"]
	for _, typ := range types {
		if n := len(variant.resources(typ)); n != 0 {
			t.Errorf("smile-prod variant without the baseline: %d %s", n, typ)
		}
	}
}

// OBS-1: every log group is encrypted with the logs key and keeps the environment's
// retention, 30 days at least; the audit trail's longer.
func TestOBS1LogGroups(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		for _, g := range s.resources("aws_cloudwatch_log_group") {
			want := env.Observability.LogRetentionDays
			if g.str("name") == env.Prefix()+"-trail" {
				want = env.Observability.AuditLogRetentionDays
			}
			if g.num("retention_in_days") != want || want < config.MinLogRetentionDays || g.str("kms_key_id") != key(t, s, "logs").Ref("arn") {
				t.Errorf("%s: log group %s keeps %d days under %s", name, g.str("name"), g.num("retention_in_days"), g.str("kms_key_id"))
			}
		}
	}
}

// OBS-2: an encrypted alarm topic with the configured subscriptions; the alarms the issue
// lists, with thresholds from config and alarm and OK actions on the topic; a dashboard
// with one widget per alarm.
func TestOBS2Alarms(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		th := env.Observability.Alarms
		topic := s.single(t, "aws_sns_topic")
		if topic.str("kms_master_key_id") != key(t, s, "sns").Ref("arn") {
			t.Errorf("%s: alarm topic key %s", name, topic.str("kms_master_key_id"))
		}
		var emails []string
		for _, sub := range s.resources("aws_sns_topic_subscription") {
			if sub.str("topic_arn") == topic.Ref("arn") && sub.str("protocol") == "email" {
				emails = append(emails, sub.str("endpoint"))
			}
		}
		if !reflect.DeepEqual(emails, env.Observability.AlarmEmails) {
			t.Errorf("%s: subscriptions %v, want %v", name, emails, env.Observability.AlarmEmails)
		}
		thresholds := map[string]float64{}
		for _, a := range s.resources("aws_cloudwatch_metric_alarm") {
			id := strings.TrimPrefix(a.str("alarm_name"), env.Prefix()+"-")
			thresholds[id] = a.Attrs["threshold"].(float64)
			if !reflect.DeepEqual(a.strs("alarm_actions"), []string{topic.Ref("arn")}) || !reflect.DeepEqual(a.strs("ok_actions"), []string{topic.Ref("arn")}) {
				t.Errorf("%s: alarm %s actions %v / %v", name, id, a.strs("alarm_actions"), a.strs("ok_actions"))
			}
		}
		want := map[string]float64{
			"database-cpu": th.DatabaseCPUPercent, "database-free-storage": th.DatabaseFreeStorageGiB * (1 << 30), "database-connections": th.DatabaseConnections,
			"cache-cpu": th.CacheCPUPercent, "cache-engine-cpu": th.CacheEngineCPUPercent, "cache-memory": th.CacheMemoryPercent,
			"events-dlq-depth": th.DeadLetterMessages, "events-fifo-dlq-depth": th.DeadLetterMessages, "redis-snapshot-dlq-depth": th.DeadLetterMessages,
			"events-oldest": th.QueueOldestMessageSeconds, "events-fifo-oldest": th.QueueOldestMessageSeconds,
			"alb-5xx": th.LoadBalancer5xxPer5Min, "alb-latency-p95": th.TargetResponseSecondsP95,
			"alb-unhealthy-blue": th.UnhealthyTargets, "alb-unhealthy-green": th.UnhealthyTargets,
			"redis-snapshot-errors": th.FunctionErrors, "redis-snapshot-throttles": th.FunctionThrottles,
		}
		for id, v := range want {
			if thresholds[id] != v {
				t.Errorf("%s: alarm %s threshold %v, want %v", name, id, thresholds[id], v)
			}
		}
		for _, cluster := range []string{"app", "data"} {
			if thresholds["eks-"+cluster+"-nodes"] < 1 {
				t.Errorf("%s: no node-count alarm for the %s cluster", name, cluster)
			}
		}
		// The busiest Redis node: one metric per node of the group, combined with MAX.
		cacheCPU := where(t, s, "aws_cloudwatch_metric_alarm", "alarm_name", env.Prefix()+"-cache-cpu")
		queries := list(cacheCPU.Attrs["metric_query"])
		if len(queries) != env.Cache.Shards*(1+env.Cache.ReplicasPerShard)+1 || !strings.HasPrefix(queries[len(queries)-1]["expression"].(string), "MAX(") {
			t.Errorf("%s: cache CPU alarm queries %v", name, queries)
		}
		var body struct {
			Widgets []struct {
				Properties struct {
					Annotations struct{ Alarms []string } `json:"annotations"`
				} `json:"properties"`
			} `json:"widgets"`
		}
		if err := json.Unmarshal([]byte(s.single(t, "aws_cloudwatch_dashboard").str("dashboard_body")), &body); err != nil {
			t.Fatalf("%s: dashboard body: %v", name, err)
		}
		if len(body.Widgets) != len(thresholds) {
			t.Errorf("%s: %d dashboard widgets for %d alarms", name, len(body.Widgets), len(thresholds))
		}
		alarmRef := regexp.MustCompile(`^\$\{aws_cloudwatch_metric_alarm\.[^.]+\.arn\}$`)
		for _, w := range body.Widgets {
			if len(w.Properties.Annotations.Alarms) != 1 || !alarmRef.MatchString(w.Properties.Annotations.Alarms[0]) {
				t.Errorf("%s: dashboard widget %v does not show one alarm", name, w.Properties.Annotations.Alarms)
			}
		}
	}
}

// OBS-3: X-Ray samples the configured share (10% in prod) and encrypts traces with KMS.
func TestOBS3Tracing(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		rule := s.single(t, "aws_xray_sampling_rule")
		if rule.Attrs["fixed_rate"].(float64) != env.Observability.TraceSamplingRate || (env.Name == "prod" && rule.Attrs["fixed_rate"].(float64) != 0.1) {
			t.Errorf("%s: sampling %v", name, rule.Attrs["fixed_rate"])
		}
		if env.Security.OwnsAccountBaseline && s.single(t, "aws_xray_encryption_config").str("type") != "KMS" {
			t.Errorf("%s: X-Ray traces are not KMS-encrypted", name)
		}
	}
}
