package tfplan

import (
	"slices"
	"strings"
	"testing"
)

// SAFE-1, LIFE-3: the guard and the upgrade check read a replacement, what forces it and
// what an update changes from the same parse.
func TestParse(t *testing.T) {
	p, err := Parse([]byte(`{"format_version": "1.2", "resource_changes": [
	 {"address": "aws_instance.a", "type": "aws_instance", "change": {"actions": ["delete", "create"],
	   "before": {"ami": "x", "ebs": [{"size": 8}]}, "after": {"ami": "x", "ebs": [{"size": 16}]}, "replace_paths": [["ebs", 0, "size"], ["ami"]]}},
	 {"address": "aws_s3_bucket.b", "type": "aws_s3_bucket", "change": {"actions": ["create", "delete"], "before": {}, "after": {}}},
	 {"address": "aws_kms_key.k", "type": "aws_kms_key", "change": {"actions": ["update"],
	   "before": {"description": "old", "gone": 1, "same": [1]}, "after": {"description": "new", "same": [1], "new": true}}},
	 {"address": "aws_sqs_queue.q", "type": "aws_sqs_queue", "change": {"actions": ["create"], "before": null, "after": {"name": "q"}}}
	]}`))
	if err != nil {
		t.Fatal(err)
	}
	rc := p.ResourceChanges
	if got := []string{rc[0].Action(), rc[1].Action(), rc[2].Action(), rc[3].Action()}; !slices.Equal(got, []string{"replace", "replace", "update", "create"}) {
		t.Errorf("actions %v", got)
	}
	if got := rc[0].ForcedBy(); !slices.Equal(got, []string{"ebs[0].size", "ami"}) {
		t.Errorf("forced by %v, want ebs[0].size and ami", got)
	}
	if got := rc[2].Changed(); !slices.Equal(got, []string{"description", "gone", "new"}) {
		t.Errorf("changed %v, want the attributes that differ, removed and added ones included", got)
	}
	if got := rc[3].Changed(); !slices.Equal(got, []string{"name"}) {
		t.Errorf("a created resource changed %v, want all of its attributes", got)
	}
}

// SAFE-1: output that is not a plan's JSON is an error, never an empty plan, which the guard
// would pass: an error message, an empty object or a document without format_version would
// otherwise read as "no changes".
func TestParseRefusesWhatIsNotAPlan(t *testing.T) {
	for _, bad := range []string{"Error: Failed to load plugin schemas", "{}", `{"values": {}}`} {
		if _, err := Parse([]byte(bad)); err == nil || !strings.Contains(err.Error(), "terraform show -json PLAN") {
			t.Errorf("Parse(%q) = %v, want an error naming terraform show -json", bad, err)
		}
	}
	if p, err := Parse([]byte(`{"format_version": "1.2"}`)); err != nil || len(p.ResourceChanges) != 0 {
		t.Errorf("a plan with no changes: %+v, %v", p, err)
	}
}
