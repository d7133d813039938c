package lifecycle

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
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
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Type    string `json:"type"`
			Change  struct {
				Actions      []string       `json:"actions"`
				Before       map[string]any `json:"before"`
				After        map[string]any `json:"after"`
				ReplacePaths [][]any        `json:"replace_paths"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal(planJSON, &plan); err != nil || plan.ResourceChanges == nil {
		return UpgradeReport{}, fmt.Errorf("not the JSON of a plan (terraform show -json PLAN): %v", err)
	}
	var r UpgradeReport
	seen := map[string]bool{}
	for _, rc := range plan.ResourceChanges {
		if !slices.Contains(UpgradeProtected, rc.Type) {
			continue
		}
		actions := rc.Change.Actions
		switch {
		case slices.Contains(actions, "delete"):
			var paths []string
			for _, p := range rc.Change.ReplacePaths {
				steps := make([]string, len(p))
				for i, step := range p {
					steps[i] = fmt.Sprint(step)
				}
				paths = append(paths, strings.Join(steps, "."))
			}
			what := "deleted"
			if slices.Contains(actions, "create") {
				what = "replaced (forced by " + strings.Join(paths, ", ") + ")"
			}
			r.Replaced = append(r.Replaced, rc.Address+": "+what)
		case slices.Equal(actions, []string{"update"}):
			for _, k := range changed(rc.Change.Before, rc.Change.After) {
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

// changed are the top-level attributes that differ between before and after, sorted.
func changed(before, after map[string]any) []string {
	var out []string
	for k, v := range after {
		if !reflect.DeepEqual(before[k], v) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
