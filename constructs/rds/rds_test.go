package rds

import (
	"strings"
	"testing"
)

// An incomplete config is an error before any resource exists (ENV-3).
func TestNewRejectsIncompleteConfig(t *testing.T) {
	if _, err := New(nil, "database", Config{Name: "smile5-dev-mysql"}); err == nil || !strings.Contains(err.Error(), "SubnetIDs") {
		t.Errorf("New without subnets: %v", err)
	}
}

// DB-2: TLS is required by the parameter group.
func TestParametersRequireTLS(t *testing.T) {
	if Parameters["require_secure_transport"] != "1" {
		t.Errorf("require_secure_transport = %q", Parameters["require_secure_transport"])
	}
}
