// Package iamrole builds the roles AWS services assume on the platform's behalf (SEC-2):
// trust limited to one service (and, where the service supports it, to this account),
// AWS managed policies attached by name, and the role's own rights as one inline policy.
package iamrole

import (
	"fmt"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicyattachment"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/constructs/iampolicy"
)

// Config is one service role.
type Config struct {
	Name        string
	Description string
	// Service is the principal that assumes the role, e.g. ec2.amazonaws.com.
	Service string
	// SourceAccount, when set, lets the service assume the role only on behalf of this
	// account (confused-deputy protection); not every service sends it.
	SourceAccount *string
	// ManagedPolicyArns are attached as they are (AttachManagedPolicies).
	ManagedPolicyArns []string
	// Statements become one inline policy named after the role.
	Statements []iampolicy.Statement
}

// Role is the created role. Policies are its attachments and inline policy: resources
// that must not act before the role has its rights (or outlive them) depend on them.
type Role struct {
	Arn, Name, ID *string
	Policies      []cdktf.ITerraformDependable
}

// New creates the role under a construct of its own.
func New(scope constructs.Construct, id string, cfg Config) (*Role, error) {
	if cfg.Name == "" || cfg.Service == "" {
		return nil, fmt.Errorf("iamrole %s: Name and Service are required", id)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	trust := iampolicy.Statement{
		Principals: []iampolicy.Principal{{Type: "Service", Identifiers: []*string{jsii.String(cfg.Service)}}},
		Actions:    []string{"sts:AssumeRole"},
	}
	if cfg.SourceAccount != nil {
		trust.Conditions = []iampolicy.Condition{{Test: "StringEquals", Variable: "aws:SourceAccount", Values: []*string{cfg.SourceAccount}}}
	}
	roleConfig := &iamrole.IamRoleConfig{Name: jsii.String(cfg.Name), AssumeRolePolicy: iampolicy.Document(c, "trust", trust)}
	if cfg.Description != "" {
		roleConfig.Description = jsii.String(cfg.Description)
	}
	role := iamrole.NewIamRole(c, jsii.String("role"), roleConfig)
	out := &Role{Arn: role.Arn(), Name: role.Name(), ID: role.Id()}
	out.Policies = AttachManagedPolicies(c, out.Name, cfg.ManagedPolicyArns)
	if len(cfg.Statements) > 0 {
		out.Policies = append(out.Policies, iamrolepolicy.NewIamRolePolicy(c, jsii.String("inline"), &iamrolepolicy.IamRolePolicyConfig{
			Name: jsii.String(cfg.Name), Role: out.ID, Policy: iampolicy.Document(c, "inline-policy", cfg.Statements...),
		}))
	}
	return out, nil
}

// AttachManagedPolicies attaches AWS managed policies to a role, each keyed by its name so
// the list can be reordered without replacing an attachment.
func AttachManagedPolicies(scope constructs.Construct, roleName *string, arns []string) []cdktf.ITerraformDependable {
	var out []cdktf.ITerraformDependable
	for _, arn := range arns {
		out = append(out, iamrolepolicyattachment.NewIamRolePolicyAttachment(scope, jsii.String(arn[strings.LastIndex(arn, "/")+1:]),
			&iamrolepolicyattachment.IamRolePolicyAttachmentConfig{Role: roleName, PolicyArn: jsii.String(arn)}))
	}
	return out
}
