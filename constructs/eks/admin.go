package eks

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"

	"github.com/smile/infra/constructs/iampolicy"
)

// NewAdminRole creates an environment's cluster-admin role, for access entries on its
// clusters (EKS-5). It trusts the account, which delegates to IAM: only principals whose
// own IAM policy allows sts:AssumeRole on this role can assume it, so who administers the
// clusters is decided in IAM, reviewed, and survives a change of deployer.
func NewAdminRole(scope constructs.Construct, id, name string, accountID *string) (*string, error) {
	return NewAccessRole(scope, id, name, "Cluster-admin on this environment's EKS clusters, through access entries", accountID)
}

// NewAccessRole creates a role for people to reach the clusters through an access entry,
// trusted the same way as the admin role: whoever IAM allows to assume it.
func NewAccessRole(scope constructs.Construct, id, name, description string, accountID *string) (*string, error) {
	if name == "" || accountID == nil {
		return nil, fmt.Errorf("eks.NewAccessRole %s: name and accountID are required", id)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	trust := iampolicy.Document(c, "trust", iampolicy.Statement{
		Principals: []iampolicy.Principal{{Type: "AWS", Identifiers: []*string{jsii.String(fmt.Sprintf("arn:aws:iam::%s:root", *accountID))}}},
		Actions:    []string{"sts:AssumeRole"},
	})
	role := iamrole.NewIamRole(c, jsii.String("role"), &iamrole.IamRoleConfig{
		Name:               jsii.String(name),
		Description:        jsii.String(description),
		AssumeRolePolicy:   trust,
		MaxSessionDuration: jsii.Number(3600),
	})
	return role.Arn(), nil
}
