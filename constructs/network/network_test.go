package network

import (
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/smile/infra/config"
)

func validConfig() Config {
	env := config.Dev()
	return Config{
		Network: env.Network, Prefix: env.Prefix(), Region: env.Region, AccountID: jsii.String("123456789012"),
		AvailabilityZones: env.AvailabilityZones, FlowLogKmsKeyArn: jsii.String("arn:aws:kms:ap-southeast-3:123456789012:key/x"),
		FlowLogRetentionDays: 30,
	}
}

// A construct given an incomplete config says so instead of synthesizing something broken;
// these errors come before any resource is created, so no jsii runtime is needed here.
func TestConfigCheck(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Config)
		want   string
	}{
		{"no account", func(c *Config) { c.AccountID = nil }, "AccountID are required"},
		{"tier without a CIDR per zone", func(c *Config) { c.DatabaseSubnetCidrs = c.DatabaseSubnetCidrs[:2] }, "one CIDR per availability zone"},
		{"no flow-log key", func(c *Config) { c.FlowLogKmsKeyArn = nil }, "FlowLogKmsKeyArn is required (NET-7)"},
	}
	if err := validConfig().check(); err != nil {
		t.Fatalf("valid config rejected: %v", err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := validConfig()
			tc.mutate(&cfg)
			out, err := New(nil, "network", cfg)
			if err == nil || out != nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New = %v, %v; want an error containing %q", out, err, tc.want)
			}
		})
	}
}

// NET-4: rule numbers are unique per NACL and direction, or AWS rejects the second rule.
func TestNetworkAclRuleNumbersAreUnique(t *testing.T) {
	for tier, rules := range networkAclRules(validConfig()) {
		type slot struct {
			number int
			egress bool
		}
		seen := map[slot]bool{}
		for _, r := range rules {
			key := slot{r.number, r.egress}
			if seen[key] {
				t.Errorf("%s NACL: rule %d (egress %v) is used twice", tier, r.number, r.egress)
			}
			seen[key] = true
			if r.number < 1 || r.number > 32766 {
				t.Errorf("%s NACL: rule number %d is outside 1-32766", tier, r.number)
			}
		}
	}
}
