// Package stateful names the resources whose loss loses data or an identity others depend
// on (SAFE-1): deleting or replacing one is never a routine change. The pull-request
// comment and the deploy gate (prcomment) read this list from plans; the stacks read it to
// mark prod's stateful resources prevent_destroy; the root tests check that every resource
// type the stacks create is classified, and keep a golden list of the stateful addresses
// per environment (SAFE-2).
package stateful

import "sort"

// Types are the stateful resource types, each with what a replacement loses.
var Types = map[string]string{
	"aws_db_instance":                   "the database and its automated backups",
	"aws_elasticache_replication_group": "the cache's data and its endpoint",
	"aws_efs_file_system":               "the shared files",
	"aws_s3_bucket":                     "the objects (a bucket name is global: it may not come back)",
	"aws_kms_key":                       "every ciphertext under the key (data, state, backups, logs)",
	"aws_kms_alias":                     "the name callers resolve the key by",
	"aws_eks_cluster":                   "the cluster, its workloads and its OIDC issuer",
	"aws_route53_zone":                  "the zone's name servers, which the parent delegates to",
	"aws_backup_vault":                  "the recovery points",
	"aws_sqs_queue":                     "the messages in flight",
	"aws_ecr_repository":                "the images",
	"aws_cloudtrail":                    "the audit trail's continuity",
}

// Log groups in general are recreated with no loss that matters; the audit trail's and the
// VPC flow logs' are evidence (SEC-5, NET-7). Their constructs tag them ClassTag=Audit.
const (
	LogGroupType = "aws_cloudwatch_log_group"
	ClassTag     = "DataClass"
	Audit        = "audit"
)

// Is reports whether a resource of typ with these tags is stateful.
func Is(typ string, tags map[string]string) bool {
	if typ == LogGroupType {
		return tags[ClassTag] == Audit
	}
	_, ok := Types[typ]
	return ok
}

// Why says what deleting or replacing a resource of typ loses.
func Why(typ string) string {
	if typ == LogGroupType {
		return "the audit evidence in the log group"
	}
	return Types[typ]
}

// TypeNames lists the stateful types, the audit log groups' type included, sorted.
func TypeNames() []string {
	out := []string{LogGroupType}
	for t := range Types {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}
