package bastion

import (
	"strings"
	"testing"
)

func TestNewRejectsIncompleteConfig(t *testing.T) {
	if _, err := New(nil, "bastion", Config{Name: "smile5-dev-bastion", Region: "ap-southeast-3"}); err == nil ||
		!strings.Contains(err.Error(), "SubnetID") {
		t.Errorf("New without a subnet: %v", err)
	}
}
