package security

import (
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
)

func TestNewKeyRejectsIncompleteConfig(t *testing.T) {
	cases := []struct {
		cfg  KeyConfig
		want string
	}{
		{KeyConfig{AccountID: jsii.String("1"), DeletionWindowDays: 30}, "Name and AccountID are required"},
		{KeyConfig{Name: "k", DeletionWindowDays: 30}, "Name and AccountID are required"},
		{KeyConfig{Name: "k", AccountID: jsii.String("1"), DeletionWindowDays: 3}, "DeletionWindowDays 3 is outside 7-30"},
	}
	for _, c := range cases {
		if _, err := NewKey(nil, "key", c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewKey(%+v) = %v, want %q", c.cfg, err, c.want)
		}
	}
}

// Statement IDs allow only letters and digits.
func TestSidSuffix(t *testing.T) {
	for in, want := range map[string]string{
		"logs.ap-southeast-3.amazonaws.com": "Logs",
		"vpc-flow-logs.amazonaws.com":       "Vpcflowlogs",
		"backup.amazonaws.com":              "Backup",
	} {
		if got := sidSuffix(in); got != want {
			t.Errorf("sidSuffix(%q) = %q, want %q", in, got, want)
		}
	}
}
