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
	if name == "" || accountID == nil {
		return nil, fmt.Errorf("eks.NewAdminRole %s: name and accountID are required", id)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	trust := iampolicy.Document(c, "trust", iampolicy.Statement{
		Principals: []iampolicy.Principal{{Type: "AWS", Identifiers: []*string{jsii.String(fmt.Sprintf("arn:aws:iam::%s:root", *accountID))}}},
		Actions:    []string{"sts:AssumeRole"},
	})
	role := iamrole.NewIamRole(c, jsii.String("role"), &iamrole.IamRoleConfig{
		Name:               jsii.String(name),
		Description:        jsii.String("Cluster-admin on this environment's EKS clusters, through access entries"),
		AssumeRolePolicy:   trust,
		MaxSessionDuration: jsii.Number(3600),
	})
	return role.Arn(), nil
}
