package eks

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"

	"github.com/smile/infra/constructs/iampolicy"
	servicerole "github.com/smile/infra/constructs/iamrole"
)

// OIDC is a cluster's OpenID Connect identity provider, which IAM trusts for IRSA (EKS-6).
type OIDC struct {
	ProviderArn *string
	// IssuerHost is the issuer URL without https://, the prefix of the sub and aud claims
	// in trust policy conditions.
	IssuerHost *string
}

// IrsaRoleConfig is one IAM role for one Kubernetes service account (SEC-2: roles per
// service, never the node role).
type IrsaRoleConfig struct {
	Name           string
	OIDC           OIDC
	Namespace      string
	ServiceAccount string
	// ManagedPolicyArns are attached as they are; Statements become one inline policy.
	ManagedPolicyArns []string
	Statements        []iampolicy.Statement
}

// IrsaRole is the role a service account's eks.amazonaws.com/role-arn annotation names.
type IrsaRole struct {
	Arn  *string
	Name *string
}

// NewIrsaRole creates a role that only the given service account of the given cluster can
// assume: the web identity token's sub must name exactly that service account and its aud
// must be STS, so no other pod, cluster or audience can use it.
func NewIrsaRole(scope constructs.Construct, id string, cfg IrsaRoleConfig) (*IrsaRole, error) {
	if cfg.Name == "" || cfg.Namespace == "" || cfg.ServiceAccount == "" || cfg.OIDC.ProviderArn == nil || cfg.OIDC.IssuerHost == nil {
		return nil, fmt.Errorf("eks.NewIrsaRole %s: Name, Namespace, ServiceAccount and OIDC are required", id)
	}
	if len(cfg.ManagedPolicyArns) == 0 && len(cfg.Statements) == 0 {
		return nil, fmt.Errorf("eks.NewIrsaRole %s: the role needs a managed policy or statements", id)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	issuer := *cfg.OIDC.IssuerHost
	trust := iampolicy.Document(c, "trust", iampolicy.Statement{
		Principals: []iampolicy.Principal{{Type: "Federated", Identifiers: []*string{cfg.OIDC.ProviderArn}}},
		Actions:    []string{"sts:AssumeRoleWithWebIdentity"},
		Conditions: []iampolicy.Condition{
			{Test: "StringEquals", Variable: issuer + ":sub",
				Values: []*string{jsii.String(fmt.Sprintf("system:serviceaccount:%s:%s", cfg.Namespace, cfg.ServiceAccount))}},
			{Test: "StringEquals", Variable: issuer + ":aud", Values: []*string{jsii.String("sts.amazonaws.com")}},
		},
	})
	role := iamrole.NewIamRole(c, jsii.String("role"), &iamrole.IamRoleConfig{
		Name:             jsii.String(cfg.Name),
		AssumeRolePolicy: trust,
	})
	out := &IrsaRole{Arn: role.Arn(), Name: role.Name()}
	servicerole.AttachManagedPolicies(c, out.Name, cfg.ManagedPolicyArns)
	if len(cfg.Statements) > 0 {
		iamrolepolicy.NewIamRolePolicy(c, jsii.String("inline"), &iamrolepolicy.IamRolePolicyConfig{
			Name: jsii.String(cfg.Name), Role: role.Id(), Policy: iampolicy.Document(c, "inline-policy", cfg.Statements...),
		})
	}
	return out, nil
}
