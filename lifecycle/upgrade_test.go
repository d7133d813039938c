package lifecycle

import (
	"strings"
	"testing"
)

// A plan of the shape `terraform show -json` writes for the upgrade from the previous
// versions: the cluster and its node group updated in place, the database's engine
// updated and its parameter group (not protected) replaced before the old one goes.
const upgradePlan = `{"format_version": "1.2", "resource_changes": [
 {"address": "aws_eks_cluster.app", "type": "aws_eks_cluster", "change": {"actions": ["update"],
   "before": {"name": "smile5-dev-app", "version": "1.35", "tags_all": {"a": "1"}}, "after": {"name": "smile5-dev-app", "version": "1.36", "tags_all": {"a": "2"}}}},
 {"address": "aws_eks_node_group.web", "type": "aws_eks_node_group", "change": {"actions": ["update"],
   "before": {"version": "1.35"}, "after": {"version": "1.36"}}},
 {"address": "aws_db_instance.db", "type": "aws_db_instance", "change": {"actions": ["update"],
   "before": {"engine_version": "8.0", "parameter_group_name": "smile5-dev-mysql-8-0"}, "after": {"engine_version": "8.4", "parameter_group_name": "smile5-dev-mysql-8-4"}}},
 {"address": "aws_db_parameter_group.p", "type": "aws_db_parameter_group", "change": {"actions": ["create", "delete"],
   "before": {"family": "mysql8.0"}, "after": {"family": "mysql8.4"}, "replace_paths": [["family"]]}},
 {"address": "aws_s3_bucket.logs", "type": "aws_s3_bucket", "change": {"actions": ["no-op"], "before": {}, "after": {}}}
]}`

// LIFE-3: the upgrade drill's check passes an in-place upgrade and says what it updated.
func TestLIFE3InPlaceUpgradePasses(t *testing.T) {
	r, err := CheckUpgradePlan([]byte(upgradePlan), []string{"aws_eks_cluster:version", "aws_db_instance:engine_version"})
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() || len(r.Updated) != 4 || !strings.Contains(strings.Join(r.Updated, "\n"), "aws_eks_cluster.app: version 1.35 -> 1.36") {
		t.Errorf("report %+v", r)
	}
}

// LIFE-3: a replaced cluster or a deleted database fails the check, naming the attribute
// that forces it; an expected update the plan does not make fails too.
func TestLIFE3ReplacementOrMissingUpdateFails(t *testing.T) {
	replaced := strings.Replace(upgradePlan, `"address": "aws_eks_cluster.app", "type": "aws_eks_cluster", "change": {"actions": ["update"],`,
		`"address": "aws_eks_cluster.app", "type": "aws_eks_cluster", "change": {"actions": ["delete", "create"], "replace_paths": [["vpc_config", 0, "subnet_ids"]],`, 1)
	r, err := CheckUpgradePlan([]byte(replaced), nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() || len(r.Replaced) != 1 || !strings.Contains(r.Replaced[0], "aws_eks_cluster.app: replaced (forced by vpc_config[0].subnet_ids)") {
		t.Errorf("a replaced cluster: %+v", r)
	}
	deleted := strings.Replace(upgradePlan, `"address": "aws_db_instance.db", "type": "aws_db_instance", "change": {"actions": ["update"],`,
		`"address": "aws_db_instance.db", "type": "aws_db_instance", "change": {"actions": ["delete"],`, 1)
	if r, _ := CheckUpgradePlan([]byte(deleted), nil); r.OK() || !strings.Contains(strings.Join(r.Replaced, ""), "aws_db_instance.db: deleted") {
		t.Errorf("a deleted database: %+v", r)
	}
	if r, _ := CheckUpgradePlan([]byte(upgradePlan), []string{"aws_elasticache_replication_group:engine"}); r.OK() || r.Missing[0] != "aws_elasticache_replication_group:engine" {
		t.Errorf("a missing update: %+v", r)
	}
	if _, err := CheckUpgradePlan([]byte(`{"planned_values": {}}`), nil); err == nil {
		t.Error("a file that is not a plan must be an error")
	}
}
