package network

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/flowlog"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"

	"github.com/smile/infra/constructs/iampolicy"
	"github.com/smile/infra/constructs/loggroup"
)

// NET-7: every accepted and rejected flow, to a KMS-encrypted log group (RES-3, OBS-1).
func newFlowLogs(scope constructs.Construct, cfg Config, vpcID *string) *string {
	logGroupName := fmt.Sprintf("/%s/vpc-flow-logs", cfg.Prefix)
	group := loggroup.New(scope, "flow-log-group", loggroup.Config{Name: logGroupName, KeyArn: cfg.FlowLogKmsKeyArn, RetentionDays: cfg.FlowLogRetentionDays, Audit: true})

	trust := iampolicy.Document(scope, "flow-log-trust", iampolicy.Statement{
		Principals: []iampolicy.Principal{{Type: "Service", Identifiers: []*string{jsii.String("vpc-flow-logs.amazonaws.com")}}},
		Actions:    []string{"sts:AssumeRole"},
		// Only flow logs of this account may assume the role (confused-deputy protection).
		Conditions: []iampolicy.Condition{{Test: "StringEquals", Variable: "aws:SourceAccount", Values: []*string{cfg.AccountID}}},
	})
	role := iamrole.NewIamRole(scope, jsii.String("flow-log-role"), &iamrole.IamRoleConfig{
		Name:             jsii.String(cfg.Prefix + "-vpc-flow-logs"),
		AssumeRolePolicy: trust,
	})
	groupArn := group.Arn()
	write := iampolicy.Document(scope, "flow-log-write", iampolicy.Statement{
		Actions:   []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
		Resources: []*string{groupArn, jsii.String(fmt.Sprintf("%s:*", *groupArn))},
	}, iampolicy.Statement{
		// The service checks the group exists before writing; DescribeLogGroups has no
		// per-group resource, so it is scoped to this account's groups in the region.
		Actions:   []string{"logs:DescribeLogGroups"},
		Resources: []*string{jsii.String(fmt.Sprintf("arn:aws:logs:%s:%s:log-group:*", cfg.Region, *cfg.AccountID))},
	})
	iamrolepolicy.NewIamRolePolicy(scope, jsii.String("flow-log-write-policy"), &iamrolepolicy.IamRolePolicyConfig{
		Name: jsii.String(cfg.Prefix + "-vpc-flow-logs-write"), Role: role.Id(), Policy: write,
	})

	flowlog.NewFlowLog(scope, jsii.String("flow-log"), &flowlog.FlowLogConfig{
		VpcId:                  vpcID,
		TrafficType:            jsii.String("ALL"),
		LogDestinationType:     jsii.String("cloud-watch-logs"),
		LogDestination:         groupArn,
		IamRoleArn:             role.Arn(),
		MaxAggregationInterval: jsii.Number(60),
		Tags:                   &map[string]*string{"Name": jsii.String(cfg.Prefix + "-vpc-flow-log")},
	})
	return group.Name()
}
