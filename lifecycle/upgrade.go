package lifecycle

import (
	"fmt"
	"slices"
	"strings"

	"github.com/smile/infra/tfplan"
)

// UpgradeProtected are the resource types a version upgrade must update in place (LIFE-3):
// replacing one of them loses data, a cluster's workloads, or its nodes at once.
var UpgradeProtected = []string{
	"aws_eks_cluster", "aws_eks_node_group", "aws_eks_addon", "aws_db_instance",
	"aws_elasticache_replication_group", "aws_efs_file_system", "aws_s3_bucket", "aws_kms_key",
}

// UpgradeReport is what an upgrade plan does to the protected resources.
type UpgradeReport struct {
	// Updated lists "address: attribute old -> new" for every protected resource updated in
	// place, by the attributes that changed.
	Updated []string
	// Replaced lists the protected resources the plan deletes or replaces, with the
	// attributes that force it.
	Replaced []string
	// Missing lists the expected updates ("type:attribute") the plan does not make.
	Missing []string
}

// OK reports whether the upgrade is in place and makes every expected update.
func (r UpgradeReport) OK() bool { return len(r.Replaced) == 0 && len(r.Missing) == 0 }

// CheckUpgradePlan reads `terraform show -json` of an upgrade's plan. expect names the
// updates it must make ("aws_eks_cluster:version"): a plan that changes nothing would
// pass the in-place check without proving anything.
func CheckUpgradePlan(planJSON []byte, expect []string) (UpgradeReport, error) {
	plan, err := tfplan.Parse(planJSON)
	if err != nil {
		return UpgradeReport{}, err
	}
	if len(plan.ResourceChanges) == 0 {
		return UpgradeReport{}, fmt.Errorf("the plan lists no resources: an upgrade is planned against a deployed stack")
	}
	var r UpgradeReport
	seen := map[string]bool{}
	for _, rc := range plan.ResourceChanges {
		if !slices.Contains(UpgradeProtected, rc.Type) {
			continue
		}
		switch rc.Action() {
		case "delete":
			r.Replaced = append(r.Replaced, rc.Address+": deleted")
		case "replace":
			r.Replaced = append(r.Replaced, rc.Address+": replaced (forced by "+strings.Join(rc.ForcedBy(), ", ")+")")
		case "update":
			for _, k := range rc.Changed() {
				if k == "tags_all" || k == "tags" {
					continue
				}
				seen[rc.Type+":"+k] = true
				r.Updated = append(r.Updated, fmt.Sprintf("%s: %s %v -> %v", rc.Address, k, rc.Change.Before[k], rc.Change.After[k]))
			}
		}
	}
	for _, e := range expect {
		if !seen[e] {
			r.Missing = append(r.Missing, e)
		}
	}
	return r, nil
}
