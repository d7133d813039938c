package ecr

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestNewRejectsIncompleteConfig(t *testing.T) {
	if _, err := New(nil, "ecr", Config{Prefix: "smile5-dev", Repositories: []string{"api"}}); err == nil ||
		!strings.Contains(err.Error(), "KmsKeyArn") {
		t.Errorf("New without a key: %v", err)
	}
}

// CMP-2: ECR applies the lowest priority number first, and a rule selecting any tag status
// must have the highest number.
func TestLifecyclePolicyOrder(t *testing.T) {
	var p struct {
		Rules []lifecycleRule `json:"rules"`
	}
	if err := json.Unmarshal([]byte(LifecyclePolicy()), &p); err != nil {
		t.Fatal(err)
	}
	last := p.Rules[len(p.Rules)-1]
	if last.Selection.TagStatus != "any" || last.Selection.CountNumber != KeepImages || p.Rules[0].Selection.CountNumber != UntaggedExpiryDays {
		t.Errorf("rules %+v", p.Rules)
	}
}
