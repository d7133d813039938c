package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/smile/infra/config"
	"github.com/smile/infra/constructs/backup"
	"github.com/smile/infra/constructs/buckets"
	"github.com/smile/infra/constructs/rds"
)

// where returns the single resource of a type whose attribute attr is value.
func where(t *testing.T, s *synthesized, typ, attr, value string) resource {
	t.Helper()
	var found []resource
	for _, r := range s.resources(typ) {
		if r.str(attr) == value {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s: %d %s with %s %q, want 1", s.name, len(found), typ, attr, value)
	}
	return found[0]
}

func key(t *testing.T, s *synthesized, purpose string) resource {
	t.Helper()
	return s.one(t, "aws_kms_key", "smile5-"+envOf(s.name).Name+"-"+purpose)
}

func subnetRefs(t *testing.T, s *synthesized, tier string) []string {
	t.Helper()
	var out []string
	for _, zone := range zones {
		out = append(out, s.one(t, "aws_subnet", fmt.Sprintf("smile5-%s-%s-%s", envOf(s.name).Name, tier, zone[len(zone)-1:])).Ref("id"))
	}
	return out
}

// denyInsecureTransport reports whether a policy document denies every request without TLS.
func denyInsecureTransport(t *testing.T, s *synthesized, policyRef string, resources ...string) bool {
	t.Helper()
	for _, st := range policyStatements(t, s, policyRef) {
		cond, _ := st["condition"].([]any)
		if st["effect"] != "Deny" || len(cond) != 1 {
			continue
		}
		c := cond[0].(map[string]any)
		if c["variable"] == "aws:SecureTransport" && reflect.DeepEqual(toStrings(c["values"]), []string{"false"}) &&
			reflect.DeepEqual(principals(st, "AWS"), []string{"*"}) && reflect.DeepEqual(toStrings(st["resources"]), resources) {
			return true
		}
	}
	return false
}

// DB-1: the ENV table's database per environment, encrypted, private, in the database tier.
func TestDB1Database(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		d := env.Database
		db := where(t, s, "aws_db_instance", "identifier", "smile5-"+env.Name+"-mysql")
		if db.str("instance_class") != d.InstanceClass || db.num("allocated_storage") != d.AllocatedStorageGiB ||
			db.boolean("multi_az") != d.MultiAZ || db.num("backup_retention_period") != d.BackupRetentionDays {
			t.Errorf("%s: database %s %d GiB multi-AZ %v backups %d", name, db.str("instance_class"), db.num("allocated_storage"), db.Attrs["multi_az"], db.num("backup_retention_period"))
		}
		wantMax := 0
		if name == "smile-prod" {
			wantMax = 1000 // storage autoscaling (ENV table)
		}
		if db.num("max_allocated_storage") != wantMax {
			t.Errorf("%s: max_allocated_storage %d, want %d", name, db.num("max_allocated_storage"), wantMax)
		}
		if db.str("engine") != "mysql" || db.str("engine_version") != config.CurrentVersions().MySQL || db.str("storage_type") != "gp3" ||
			!db.boolean("storage_encrypted") || db.str("kms_key_id") != key(t, s, "data").Ref("arn") ||
			db.Attrs["publicly_accessible"] != false {
			t.Errorf("%s: database engine %s %s storage %s encrypted %v key %s public %v", name, db.str("engine"), db.str("engine_version"),
				db.str("storage_type"), db.Attrs["storage_encrypted"], db.str("kms_key_id"), db.Attrs["publicly_accessible"])
		}
		subnets := s.byRef(t, db.str("db_subnet_group_name"))
		if !reflect.DeepEqual(subnets.strs("subnet_ids"), subnetRefs(t, s, "database")) {
			t.Errorf("%s: database subnets %v", name, subnets.strs("subnet_ids"))
		}
		if !reflect.DeepEqual(db.strs("vpc_security_group_ids"), []string{s.one(t, "aws_security_group", "smile5-"+env.Name+"-database").Ref("id")}) {
			t.Errorf("%s: database security groups %v", name, db.strs("vpc_security_group_ids"))
		}
	}
}

// DB-2, SEC-3: TLS enforced, the master password managed and rotated by Secrets Manager,
// IAM authentication, logs to encrypted groups, Performance Insights and enhanced
// monitoring in staging and prod, deletion protection and a final snapshot in prod.
func TestDB2DatabaseProtection(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		db := where(t, s, "aws_db_instance", "identifier", "smile5-"+env.Name+"-mysql")
		params := map[string]string{}
		for _, p := range s.byRef(t, db.str("parameter_group_name")).Attrs["parameter"].([]any) {
			pm := p.(map[string]any)
			params[pm["name"].(string)] = pm["value"].(string)
		}
		if params["require_secure_transport"] != "1" || !reflect.DeepEqual(params, rds.Parameters) {
			t.Errorf("%s: parameters %v", name, params)
		}
		// LIFE-3: the family follows the engine; a major upgrade creates the new group first.
		group := s.byRef(t, db.str("parameter_group_name"))
		if lc, _ := group.Attrs["lifecycle"].(map[string]any); group.str("family") != "mysql"+env.Database.EngineVersion || lc["create_before_destroy"] != true {
			t.Errorf("%s: parameter group family %s lifecycle %v", name, group.str("family"), group.Attrs["lifecycle"])
		}
		if !db.boolean("manage_master_user_password") || db.str("master_user_secret_kms_key_id") != key(t, s, "data").Ref("arn") ||
			db.Attrs["password"] != nil || db.str("username") == "admin" || !db.boolean("iam_database_authentication_enabled") {
			t.Errorf("%s: credentials managed %v key %s username %s iam %v", name, db.Attrs["manage_master_user_password"],
				db.str("master_user_secret_kms_key_id"), db.str("username"), db.Attrs["iam_database_authentication_enabled"])
		}
		rotation := s.single(t, "aws_secretsmanager_secret_rotation")
		if rotation.str("secret_id") != db.Ref("master_user_secret[0].secret_arn") ||
			block(rotation, "rotation_rules")["automatically_after_days"] != float64(env.Database.PasswordRotationDays) {
			t.Errorf("%s: rotation %v", name, rotation.Attrs)
		}
		if !reflect.DeepEqual(db.strs("enabled_cloudwatch_logs_exports"), []string{"error", "slowquery", "general"}) {
			t.Errorf("%s: log exports %v", name, db.strs("enabled_cloudwatch_logs_exports"))
		}
		for _, log := range rds.LogExports {
			g := s.one(t, "aws_cloudwatch_log_group", fmt.Sprintf("/aws/rds/instance/smile5-%s-mysql/%s", env.Name, log))
			if g.str("kms_key_id") != key(t, s, "logs").Ref("arn") || g.num("retention_in_days") != 30 || !slices.Contains(db.strs("depends_on"), g.address()) {
				t.Errorf("%s: %s log group %v", name, log, g.Attrs)
			}
		}
		prodLike := name != "smile-dev"
		if db.boolean("performance_insights_enabled") != prodLike || (db.num("monitoring_interval") > 0) != prodLike {
			t.Errorf("%s: Performance Insights %v monitoring %d", name, db.Attrs["performance_insights_enabled"], db.num("monitoring_interval"))
		}
		if prodLike && (db.str("performance_insights_kms_key_id") != key(t, s, "data").Ref("arn") || db.str("monitoring_role_arn") == "") {
			t.Errorf("%s: Performance Insights key %s monitoring role %s", name, db.str("performance_insights_kms_key_id"), db.str("monitoring_role_arn"))
		}
		prod := name == "smile-prod"
		if db.boolean("deletion_protection") != prod || db.boolean("skip_final_snapshot") == prod || (db.str("final_snapshot_identifier") != "") != prod {
			t.Errorf("%s: deletion protection %v skip final snapshot %v final %q", name, db.Attrs["deletion_protection"], db.Attrs["skip_final_snapshot"], db.str("final_snapshot_identifier"))
		}
		if !db.boolean("copy_tags_to_snapshot") || !db.boolean("auto_minor_version_upgrade") || db.str("maintenance_window") != env.Database.MaintenanceWindow {
			t.Errorf("%s: copy tags %v minor upgrades %v window %s", name, db.Attrs["copy_tags_to_snapshot"], db.Attrs["auto_minor_version_upgrade"], db.str("maintenance_window"))
		}
	}
}

// CACHE-1, CACHE-2: cluster mode, shards and replicas per environment, Multi-AZ with
// failover, encrypted at rest and in transit, IAM-authenticated users only.
func TestCACHE1Redis(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		g := where(t, s, "aws_elasticache_replication_group", "replication_group_id", "smile5-"+env.Name+"-redis")
		if g.str("replication_group_id") != "smile5-"+env.Name+"-redis" {
			t.Fatalf("%s: replication group %v", name, g.Attrs)
		}
		if g.num("num_node_groups") != env.Cache.Shards || g.num("replicas_per_node_group") != env.Cache.ReplicasPerShard || g.str("cluster_mode") != "enabled" {
			t.Errorf("%s: %d shards x %d replicas, mode %s", name, g.num("num_node_groups"), g.num("replicas_per_node_group"), g.str("cluster_mode"))
		}
		if name == "smile-prod" && (g.num("num_node_groups") != 2 || g.num("replicas_per_node_group") != 2) {
			t.Errorf("smile-prod: Redis must be 2 shards of 1 primary + 2 replicas (CACHE-1)")
		}
		if !g.boolean("automatic_failover_enabled") || !g.boolean("multi_az_enabled") || g.str("at_rest_encryption_enabled") != "true" ||
			g.str("kms_key_id") != key(t, s, "data").Ref("arn") || !g.boolean("transit_encryption_enabled") || g.str("transit_encryption_mode") != "required" {
			t.Errorf("%s: failover %v multi-AZ %v at rest %v key %s transit %v", name, g.Attrs["automatic_failover_enabled"], g.Attrs["multi_az_enabled"],
				g.Attrs["at_rest_encryption_enabled"], g.str("kms_key_id"), g.Attrs["transit_encryption_enabled"])
		}
		// LIFE-1: Valkey at the calendar's version, its parameter group of the same family.
		params := s.one(t, "aws_elasticache_parameter_group", g.str("parameter_group_name"))
		if g.str("engine") != "valkey" || g.str("engine_version") != config.CurrentVersions().CacheEngineVersion || params.str("family") != "valkey8" {
			t.Errorf("%s: cache engine %s %s, parameter group family %s", name, g.str("engine"), g.str("engine_version"), params.str("family"))
		}
		if g.num("snapshot_retention_limit") != env.Cache.SnapshotRetentionDays || g.Attrs["auth_token"] != nil {
			t.Errorf("%s: snapshot retention %d auth token %v", name, g.num("snapshot_retention_limit"), g.Attrs["auth_token"])
		}
		subnets := s.one(t, "aws_elasticache_subnet_group", "smile5-"+env.Name+"-redis")
		if g.str("subnet_group_name") != subnets.str("name") || !reflect.DeepEqual(subnets.strs("subnet_ids"), subnetRefs(t, s, "database")) {
			t.Errorf("%s: Redis subnets %v", name, subnets.strs("subnet_ids"))
		}
		if !reflect.DeepEqual(g.strs("security_group_ids"), []string{s.one(t, "aws_security_group", "smile5-"+env.Name+"-cache").Ref("id")}) {
			t.Errorf("%s: Redis security groups %v", name, g.strs("security_group_ids"))
		}
		group := s.single(t, "aws_elasticache_user_group")
		if !reflect.DeepEqual(g.strs("user_group_ids"), []string{group.str("user_group_id")}) {
			t.Errorf("%s: Redis user groups %v", name, g.strs("user_group_ids"))
		}
		modes := map[string]string{}
		for _, u := range s.resources("aws_elasticache_user") {
			modes[u.str("user_name")+" "+u.str("access_string")] = block(u, "authentication_mode")["type"].(string)
		}
		want := map[string]string{"default off -@all": "no-password-required", "smile5-" + env.Name + "-redis-app on ~* +@all -@dangerous": "iam"}
		if !reflect.DeepEqual(modes, want) {
			t.Errorf("%s: Redis users %v, want %v", name, modes, want)
		}
		var logTypes []string
		for _, l := range g.Attrs["log_delivery_configuration"].([]any) {
			lm := l.(map[string]any)
			logTypes = append(logTypes, lm["log_type"].(string))
			if lm["destination_type"] != "cloudwatch-logs" {
				t.Errorf("%s: Redis log delivery %v", name, lm)
			}
		}
		if !reflect.DeepEqual(logTypes, []string{"slow-log", "engine-log"}) {
			t.Errorf("%s: Redis logs %v", name, logTypes)
		}
	}
}

// CACHE-3, CMP-3: a Go function on provided.al2023 snapshots Redis every 6 hours, traced,
// in the private subnets, with an encrypted dead-letter queue, environment and log group,
// and a role allowed exactly the snapshot calls on this group and its own snapshots.
func TestCACHE3SnapshotFunction(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		fn := s.single(t, "aws_lambda_function")
		if fn.str("function_name") != "smile5-"+env.Name+"-redis-snapshot" || fn.str("runtime") != "provided.al2023" ||
			fn.str("handler") != "bootstrap" || !reflect.DeepEqual(fn.strs("architectures"), []string{"arm64"}) {
			t.Errorf("%s: function %s %s %s %v", name, fn.str("function_name"), fn.str("runtime"), fn.str("handler"), fn.strs("architectures"))
		}
		if block(fn, "tracing_config")["mode"] != "Active" || fn.str("kms_key_arn") != key(t, s, "lambda").Ref("arn") || fn.num("reserved_concurrent_executions") != 1 {
			t.Errorf("%s: tracing %v key %s concurrency %d", name, block(fn, "tracing_config"), fn.str("kms_key_arn"), fn.num("reserved_concurrent_executions"))
		}
		vpc := block(fn, "vpc_config")
		if !reflect.DeepEqual(toStrings(vpc["subnet_ids"]), subnetRefs(t, s, "private")) {
			t.Errorf("%s: function subnets %v", name, vpc["subnet_ids"])
		}
		dlq := s.byRef(t, block(fn, "dead_letter_config")["target_arn"].(string))
		if dlq.Type != "aws_sqs_queue" || dlq.str("kms_master_key_id") != key(t, s, "data").Ref("arn") {
			t.Errorf("%s: dead-letter queue %s %v", name, dlq.Type, dlq.Attrs)
		}
		logGroup := s.one(t, "aws_cloudwatch_log_group", "/aws/lambda/"+fn.str("function_name"))
		if block(fn, "logging_config")["log_group"] != logGroup.Ref("name") || logGroup.str("kms_key_id") != key(t, s, "logs").Ref("arn") {
			t.Errorf("%s: function logs %v", name, block(fn, "logging_config"))
		}
		vars := block(resource{Attrs: block(fn, "environment")}, "variables")
		if vars["REPLICATION_GROUP_ID"] != "smile5-"+env.Name+"-redis" || vars["RETENTION_HOURS"] != fmt.Sprint(env.Cache.ScheduledSnapshotRetentionHours) {
			t.Errorf("%s: function environment %v", name, vars)
		}
		if len(fn.str("source_code_hash")) != 44 {
			t.Errorf("%s: source_code_hash %q is not a base64 SHA-256", name, fn.str("source_code_hash"))
		}
		schedule := s.single(t, "aws_scheduler_schedule")
		if schedule.str("schedule_expression") != "rate(6 hours)" || block(schedule, "target")["arn"] != fn.Ref("arn") {
			t.Errorf("%s: schedule %v", name, schedule.Attrs)
		}
		// The role's own statements: exactly the ElastiCache calls, on this group.
		role := s.byRef(t, fn.str("role"))
		var elasticache []string
		for _, p := range s.resources("aws_iam_role_policy") {
			if p.str("role") != role.Ref("id") {
				continue
			}
			for _, st := range policyStatements(t, s, p.str("policy")) {
				for _, a := range toStrings(st["actions"]) {
					if strings.HasPrefix(a, "elasticache:") {
						elasticache = append(elasticache, a)
						for _, r := range toStrings(st["resources"]) {
							if !strings.Contains(r, ":replicationgroup:smile5-"+env.Name+"-redis") && !strings.Contains(r, ":snapshot:smile5-"+env.Name+"-redis-snapshot-*") {
								t.Errorf("%s: %s on %s, outside the group and its snapshots", name, a, r)
							}
						}
					}
				}
			}
		}
		sort.Strings(elasticache)
		if !reflect.DeepEqual(elasticache, []string{"elasticache:CreateSnapshot", "elasticache:DeleteSnapshot", "elasticache:DescribeSnapshots"}) {
			t.Errorf("%s: function ElastiCache actions %v", name, elasticache)
		}
	}
	// Reproducibility across machines and runs is pinned by TestSnapshots: the snapshot holds
	// the zip's hash, and every test run rebuilds the zip (lambda/build tests byte equality).
}

// MQ-1, MQ-2: a standard and a high-throughput FIFO queue, each with its dead-letter queue,
// 14-day retention, the data key, and a policy refusing anything but TLS.
func TestMQ1Queues(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		p := "smile5-" + env.Name + "-"
		for _, q := range []struct{ queue, dlq string }{{"events", "events-dlq"}, {"events.fifo", "events-dlq.fifo"}} {
			queue, dlq := s.one(t, "aws_sqs_queue", p+q.queue), s.one(t, "aws_sqs_queue", p+q.dlq)
			for _, r := range []resource{queue, dlq} {
				if r.num("message_retention_seconds") != 14*24*3600 || r.str("kms_master_key_id") != key(t, s, "data").Ref("arn") ||
					r.num("kms_data_key_reuse_period_seconds") != env.Queues.KmsDataKeyReuseSeconds {
					t.Errorf("%s: %s retention %d key %s reuse %d", name, r.str("name"), r.num("message_retention_seconds"), r.str("kms_master_key_id"), r.num("kms_data_key_reuse_period_seconds"))
				}
				var policy resource
				for _, qp := range s.resources("aws_sqs_queue_policy") {
					if qp.str("queue_url") == r.Ref("url") {
						policy = qp
					}
				}
				if policy.Name == "" || !denyInsecureTransport(t, s, policy.str("policy"), r.Ref("arn")) {
					t.Errorf("%s: %s has no policy refusing non-TLS access", name, r.str("name"))
				}
			}
			redrive := queue.str("redrive_policy")
			want := fmt.Sprintf(`${jsonencode({"deadLetterTargetArn" = %s, "maxReceiveCount" = %d})}`, strings.Trim(dlq.Ref("arn"), "${}"), env.Queues.MaxReceiveCount)
			if redrive != want {
				t.Errorf("%s: %s redrive %s, want %s", name, q.queue, redrive, want)
			}
		}
		fifo := s.one(t, "aws_sqs_queue", p+"events.fifo")
		if !fifo.boolean("fifo_queue") || fifo.str("deduplication_scope") != "messageGroup" || fifo.str("fifo_throughput_limit") != "perMessageGroupId" {
			t.Errorf("%s: FIFO queue is not in high-throughput mode: %v", name, fifo.Attrs)
		}
	}
}

// S3-1, S3-2: each bucket's controls and lifecycle; the audit archive under object lock.
func TestS3Buckets(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		b := env.Buckets
		byBucket := func(typ string, bucket resource) resource {
			r, ok := bucketOf(s, typ, bucket)
			if !ok {
				t.Fatalf("%s: %s has no %s", name, bucket.str("bucket"), typ)
			}
			return r
		}
		logs := where(t, s, "aws_s3_bucket", "bucket", fmt.Sprintf("smile5-%s-logs", env.Name))
		if n := len(s.resources("aws_s3_bucket")); n != len(buckets.Purposes) {
			t.Errorf("%s: %d buckets", name, n)
		}
		for _, purpose := range buckets.Purposes {
			bucket := where(t, s, "aws_s3_bucket", "bucket", fmt.Sprintf("smile5-%s-%s", env.Name, purpose))
			what := name + ": " + bucket.str("bucket")
			pab := byBucket("aws_s3_bucket_public_access_block", bucket)
			for _, attr := range []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"} {
				if !pab.boolean(attr) {
					t.Errorf("%s: %s is off", what, attr)
				}
			}
			if block(byBucket("aws_s3_bucket_ownership_controls", bucket), "rule")["object_ownership"] != "BucketOwnerEnforced" {
				t.Errorf("%s: ownership is not BucketOwnerEnforced", what)
			}
			if block(byBucket("aws_s3_bucket_versioning", bucket), "versioning_configuration")["status"] != "Enabled" {
				t.Errorf("%s: versioning is off", what)
			}
			rule := byBucket("aws_s3_bucket_server_side_encryption_configuration", bucket).Attrs["rule"].([]any)[0].(map[string]any)
			sse := rule["apply_server_side_encryption_by_default"].(map[string]any)
			if purpose == buckets.Logs {
				if sse["sse_algorithm"] != "AES256" {
					t.Errorf("%s: the logs bucket must use SSE-S3 (log delivery cannot write SSE-KMS): %v", what, sse)
				}
			} else if want := map[bool]string{true: "assets", false: "data"}[purpose == buckets.Assets]; sse["sse_algorithm"] != "aws:kms" ||
				sse["kms_master_key_id"] != key(t, s, want).Ref("arn") || rule["bucket_key_enabled"] != true {
				t.Errorf("%s: encryption %v", what, rule)
			}
			policy := byBucket("aws_s3_bucket_policy", bucket)
			if !denyInsecureTransport(t, s, policy.str("policy"), bucket.Ref("arn"), bucket.Ref("arn")+"/*") {
				t.Errorf("%s: no policy refusing non-TLS access", what)
			}
			if purpose != buckets.Logs {
				logging := byBucket("aws_s3_bucket_logging", bucket)
				if logging.str("target_bucket") != logs.Ref("id") {
					t.Errorf("%s: access logs go to %s", what, logging.str("target_bucket"))
				}
			}
			if bucket.boolean("object_lock_enabled") != (purpose == buckets.Audit) {
				t.Errorf("%s: object lock %v", what, bucket.Attrs["object_lock_enabled"])
			}
			// Lifecycle days per purpose.
			got := map[string]any{}
			for _, r := range byBucket("aws_s3_bucket_lifecycle_configuration", bucket).Attrs["rule"].([]any) {
				rm := r.(map[string]any)
				raw, _ := json.Marshal(rm)
				got[rm["id"].(string)] = string(raw)
			}
			base := got["abort-incomplete-uploads-and-expire-old-versions"]
			if base == nil || !strings.Contains(base.(string), `"days_after_initiation":7`) || !strings.Contains(base.(string), fmt.Sprintf(`"noncurrent_days":%d`, b.NoncurrentVersionDays)) {
				t.Errorf("%s: base lifecycle %v", what, base)
			}
			switch purpose {
			case buckets.Logs:
				r, _ := got["rotate-logs"].(string)
				if !strings.Contains(r, fmt.Sprintf(`{"days":%d,"storage_class":"STANDARD_IA"}`, b.LogTransitionDays)) || !strings.Contains(r, fmt.Sprintf(`"expiration":[{"days":%d}]`, b.LogExpirationDays)) {
					t.Errorf("%s: log rotation %s", what, r)
				}
			case buckets.Backups, buckets.Audit:
				r, _ := got["archive-seven-years"].(string)
				if !strings.Contains(r, fmt.Sprintf(`{"days":%d,"storage_class":"DEEP_ARCHIVE"}`, b.ArchiveAfterDays)) || !strings.Contains(r, `"expiration":[{"days":2557}]`) {
					t.Errorf("%s: archive lifecycle %s", what, r)
				}
			default:
				if len(got) != 1 {
					t.Errorf("%s: lifecycle rules %v", what, got)
				}
			}
		}
		audit := where(t, s, "aws_s3_bucket", "bucket", fmt.Sprintf("smile5-%s-audit", env.Name))
		lock := byBucket("aws_s3_bucket_object_lock_configuration", audit)
		retention := block(resource{Attrs: block(lock, "rule")}, "default_retention")
		if retention["mode"] != b.AuditObjectLockMode || retention["days"] != float64(b.ArchiveRetentionDays) {
			t.Errorf("%s: audit object lock %v", name, retention)
		}
		if name == "smile-prod" && retention["mode"] != "COMPLIANCE" {
			t.Errorf("smile-prod: the audit archive is not in compliance mode")
		}
	}
}

// EFS-1: encrypted, 100 MiB/s provisioned in prod (elastic elsewhere, COST-1), a mount
// target per zone in the private subnets with the EFS group, an access point, TLS only,
// backed up.
func TestEFS1FileSystem(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		fs := s.single(t, "aws_efs_file_system")
		wantMode, wantMiBps := "provisioned", 100
		if env.FileSystem.Elastic() {
			wantMode, wantMiBps = "elastic", 0
		}
		if !fs.boolean("encrypted") || fs.str("kms_key_id") != key(t, s, "data").Ref("arn") || fs.str("throughput_mode") != wantMode ||
			fs.num("provisioned_throughput_in_mibps") != wantMiBps || (name == "smile-prod" && wantMode != "provisioned") {
			t.Errorf("%s: file system %v", name, fs.Attrs)
		}
		var subnets []string
		for _, mt := range s.resources("aws_efs_mount_target") {
			subnets = append(subnets, mt.str("subnet_id"))
			if !reflect.DeepEqual(mt.strs("security_groups"), []string{s.one(t, "aws_security_group", "smile5-"+env.Name+"-efs").Ref("id")}) {
				t.Errorf("%s: mount target security groups %v", name, mt.strs("security_groups"))
			}
		}
		if !reflect.DeepEqual(subnets, subnetRefs(t, s, "private")) {
			t.Errorf("%s: mount targets in %v", name, subnets)
		}
		ap := s.single(t, "aws_efs_access_point")
		if ap.str("file_system_id") != fs.Ref("id") || block(ap, "posix_user")["uid"] != float64(1000) {
			t.Errorf("%s: access point %v", name, ap.Attrs)
		}
		policy := s.single(t, "aws_efs_file_system_policy")
		if !denyInsecureTransport(t, s, policy.str("policy"), fs.Ref("arn")) {
			t.Errorf("%s: the file system accepts clients without TLS", name)
		}
		if block(s.single(t, "aws_efs_backup_policy"), "backup_policy")["status"] != "ENABLED" || fs.tag(backup.TagDaily) != "true" {
			t.Errorf("%s: file system backups are off", name)
		}
	}
}

// DR-1, SEC-1: a vault under the backup key, locked per environment; daily points kept 30
// days, monthly ones moved to cold storage and kept 7 years; RDS continuous backup where
// the RPO applies; selections by tag and a role with the AWS backup and restore policies.
func TestDR1Backups(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		vault := s.single(t, "aws_backup_vault")
		backupKey := key(t, s, "backup")
		if vault.str("kms_key_arn") != backupKey.Ref("arn") || !backupKey.boolean("enable_key_rotation") {
			t.Errorf("%s: vault key %s", name, vault.str("kms_key_arn"))
		}
		lock := s.single(t, "aws_backup_vault_lock_configuration")
		if lock.num("min_retention_days") != env.Backup.VaultMinRetentionDays || lock.num("max_retention_days") != env.Backup.VaultMaxRetentionDays ||
			lock.num("changeable_for_days") != env.Backup.VaultChangeableForDays {
			t.Errorf("%s: vault lock %v", name, lock.Attrs)
		}
		if name != "smile-dev" && lock.num("changeable_for_days") < 3 {
			t.Errorf("%s: the vault needs a compliance lock", name)
		}
		rules := map[string]map[string]any{}
		for _, plan := range s.resources("aws_backup_plan") {
			for _, r := range plan.Attrs["rule"].([]any) {
				rm := r.(map[string]any)
				if rm["target_vault_name"] != vault.Ref("name") {
					t.Errorf("%s: rule %v backs up elsewhere", name, rm["rule_name"])
				}
				rules[rm["rule_name"].(string)] = rm
			}
		}
		lifecycle := func(rule string) map[string]any { m, _ := rules[rule]["lifecycle"].(map[string]any); return m }
		if lifecycle("daily")["delete_after"] != float64(30) || lifecycle("monthly-archive")["delete_after"] != float64(2557) ||
			lifecycle("monthly-archive")["cold_storage_after"] != float64(30) {
			t.Errorf("%s: rules %v", name, rules)
		}
		_, continuous := rules["continuous"]
		if continuous != env.Backup.ContinuousDatabaseBackup || (continuous && rules["continuous"]["enable_continuous_backup"] != true) {
			t.Errorf("%s: continuous backup %v", name, rules["continuous"])
		}
		var tags []string
		for _, sel := range s.resources("aws_backup_selection") {
			tag := sel.Attrs["selection_tag"].([]any)[0].(map[string]any)
			tags = append(tags, tag["key"].(string)+"="+tag["value"].(string))
			role := s.byRef(t, sel.str("iam_role_arn"))
			if got := attachedPolicies(s, role); !reflect.DeepEqual(got, []string{
				"arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
				"arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores"}) {
				t.Errorf("%s: backup role policies %v", name, got)
			}
		}
		wantTags := []string{backup.TagDaily + "=true"}
		if env.Backup.ContinuousDatabaseBackup {
			wantTags = append(wantTags, backup.TagContinuous+"=true")
		}
		sort.Strings(tags)
		sort.Strings(wantTags)
		if !reflect.DeepEqual(tags, wantTags) {
			t.Errorf("%s: selections %v, want %v", name, tags, wantTags)
		}
		db := s.single(t, "aws_db_instance")
		if db.tag(backup.TagDaily) != "true" || (db.tag(backup.TagContinuous) == "true") != env.Backup.ContinuousDatabaseBackup {
			t.Errorf("%s: database backup tags %v", name, db.Attrs["tags"])
		}
	}
}
