package iamrole

import "testing"

func TestNewRejectsIncompleteConfig(t *testing.T) {
	if out, err := New(nil, "role", Config{Name: "smile5-dev-x"}); err == nil || out != nil {
		t.Errorf("New without a service = %v, %v; want an error", out, err)
	}
}
