// Package tfplan reads the JSON of a saved plan (`terraform show -json PLAN`): the part of
// it that the pull-request comment, the stateful-change guard (prcomment) and the upgrade
// check (lifecycle) read. It is the one description of that format in the repository.
package tfplan

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// Plan is the part of `terraform show -json <plan>` this repository reads.
type Plan struct {
	// ResourceChanges are what the plan does; ResourceDrift what the refresh found changed
	// outside Terraform (no actions of its own).
	ResourceChanges []ResourceChange `json:"resource_changes"`
	ResourceDrift   []ResourceChange `json:"resource_drift"`
	// RelevantAttributes are the attributes the planned changes depend on. Terraform's own
	// output shows only the drift that touches them; refreshes report much more (computed
	// values that moved, attributes a construct ignores).
	RelevantAttributes []struct {
		Resource  string `json:"resource"`
		Attribute []any  `json:"attribute"`
	} `json:"relevant_attributes"`
}

// ResourceChange is one resource's entry in a plan: its actions and its states before and
// after (either absent when it is created or gone).
type ResourceChange struct {
	Address string `json:"address"`
	Type    string `json:"type"`
	// PreviousAddress is set when a moved block moves the resource here.
	PreviousAddress string `json:"previous_address"`
	Change          struct {
		Actions []string       `json:"actions"`
		Before  map[string]any `json:"before"`
		After   map[string]any `json:"after"`
		// ReplacePaths are the attributes that force a replacement.
		ReplacePaths [][]any `json:"replace_paths"`
	} `json:"change"`
}

// Parse reads the JSON of a plan. A document without "format_version" (not written by
// `terraform show -json`) is an error; a plan that changes nothing has no resource changes.
func Parse(planJSON []byte) (Plan, error) {
	var doc struct {
		FormatVersion string `json:"format_version"`
		Plan
	}
	if err := json.Unmarshal(planJSON, &doc); err != nil {
		return Plan{}, fmt.Errorf("not the JSON of a plan (terraform show -json PLAN): %w", err)
	}
	if doc.FormatVersion == "" {
		return Plan{}, fmt.Errorf("not the JSON of a plan (terraform show -json PLAN): no format_version")
	}
	return doc.Plan, nil
}

// Action is the change in one word: "create", "update", "delete", "replace" (delete and
// create, in either order), "no-op" or "read".
func (rc ResourceChange) Action() string {
	switch a := strings.Join(rc.Change.Actions, ","); a {
	case "delete,create", "create,delete":
		return "replace"
	default:
		return a
	}
}

// ForcedBy are the attributes that force a replacement, as paths: ["ebs", 0, "size"] is
// ebs[0].size.
func (rc ResourceChange) ForcedBy() []string {
	var out []string
	for _, path := range rc.Change.ReplacePaths {
		var b strings.Builder
		for _, step := range path {
			switch s := step.(type) {
			case string:
				if b.Len() > 0 {
					b.WriteString(".")
				}
				b.WriteString(s)
			default:
				fmt.Fprintf(&b, "[%v]", s)
			}
		}
		out = append(out, b.String())
	}
	return out
}

// Changed are the top-level attributes whose values differ between the states before and
// after, sorted (every attribute of the other side when one side is absent).
func (rc ResourceChange) Changed() []string {
	before, after := rc.Change.Before, rc.Change.After
	keys := map[string]any{}
	maps.Copy(keys, before)
	maps.Copy(keys, after)
	var out []string
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if before == nil || after == nil || !reflect.DeepEqual(before[k], after[k]) {
			out = append(out, k)
		}
	}
	return out
}
