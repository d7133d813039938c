package eks

import (
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/smile/infra/config"
)

func validConfig() Config {
	env := config.Dev()
	arn := jsii.String("arn:aws:kms:ap-southeast-3:123456789012:key/x")
	return Config{
		Name: "smile5-dev-app", KubernetesVersion: env.Compute.KubernetesVersion, Cluster: env.Compute.Application, Addons: env.Compute.Addons,
		VpcID: jsii.String("vpc-1"), SubnetIDs: []*string{jsii.String("subnet-a"), jsii.String("subnet-b")},
		AppSecurityGroupID: jsii.String("sg-1"),
		Admins:             []Admin{{Key: "environment", Arn: jsii.String("arn:aws:iam::123456789012:role/admin")}},
		SecretsKeyArn:      arn, LogsKeyArn: arn, NodeVolumeKeyArn: arn, LogRetentionDays: 30,
	}
}

// An incomplete config is an error before any resource exists, so no jsii runtime is
// needed here (ENV-3).
func TestConfigCheck(t *testing.T) {
	if err := validConfig().check(); err != nil {
		t.Fatalf("valid config rejected: %v", err)
	}
	cases := []struct {
		name   string
		mutate func(*Config)
		want   string
	}{
		{"no keys", func(c *Config) { c.SecretsKeyArn, c.NodeVolumeKeyArn = nil, nil }, "smile5-dev-app: NodeVolumeKeyArn, SecretsKeyArn required"},
		{"one subnet", func(c *Config) { c.SubnetIDs = c.SubnetIDs[:1] }, "subnets in at least two availability zones"},
		{"no admin", func(c *Config) { c.Admins = nil }, "at least one admin role is required"},
		{"admin keys collide", func(c *Config) { c.Admins = append(c.Admins, c.Admins[0]) }, `admin "environment": every admin needs an ARN and a key of its own`},
		{"add-on without version", func(c *Config) { c.Addons = map[string]string{} }, "no version for add-on vpc-cni (EKS-6)"},
		{"no node groups", func(c *Config) { c.Cluster = config.Cluster{} }, "no node groups"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := validConfig()
			tc.mutate(&cfg)
			out, err := New(nil, "cluster", cfg)
			if err == nil || out != nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New = %v, %v; want an error containing %q", out, err, tc.want)
			}
		})
	}
}

func TestIrsaRoleNeedsItsServiceAccount(t *testing.T) {
	oidc := OIDC{ProviderArn: jsii.String("arn"), IssuerHost: jsii.String("oidc.example/id/1")}
	for _, cfg := range []IrsaRoleConfig{
		{Name: "r", OIDC: oidc, Namespace: "kube-system", ManagedPolicyArns: []string{"p"}},
		{Name: "r", OIDC: OIDC{}, Namespace: "kube-system", ServiceAccount: "sa", ManagedPolicyArns: []string{"p"}},
		{Name: "r", OIDC: oidc, Namespace: "kube-system", ServiceAccount: "sa"},
	} {
		if _, err := NewIrsaRole(nil, "irsa", cfg); err == nil {
			t.Errorf("NewIrsaRole(%+v) accepted an incomplete role", cfg)
		}
	}
}

// Access entries keep their logical IDs when the list is reordered.
func TestAdminKey(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:iam::123456789012:role/smile-ci-deploy":                                                       "smile-ci-deploy",
		"arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/ap-southeast-3/AWSReservedSSO_Admin_01": "aws-reserved-sso-amazonaws-com-ap-southeast-3-AWSReservedSSO-Admin-01",
	} {
		if got := AdminKey(arn); got != want {
			t.Errorf("AdminKey(%q) = %q, want %q", arn, got, want)
		}
	}
}
