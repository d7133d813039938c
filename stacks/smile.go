// Package stacks assembles the constructs into one stack per environment (ENV-1), passing
// each construct's outputs to the next one's config.
package stacks

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawscalleridentity"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/config"
	"github.com/smile/infra/constructs/iampolicy"
	"github.com/smile/infra/constructs/network"
	"github.com/smile/infra/constructs/security"
)

// New builds the stack smile-<env>. The environment must have passed Validate.
func New(scope constructs.Construct, env config.Environment) (cdktf.TerraformStack, error) {
	stack := cdktf.NewTerraformStack(scope, jsii.String(env.StackName()))
	newAwsProvider(stack, env)
	configureBackend(stack, env)

	account := dataawscalleridentity.NewDataAwsCallerIdentity(stack, jsii.String("account"), &dataawscalleridentity.DataAwsCallerIdentityConfig{})
	accountID := account.AccountId()

	// SEC-1: the logs key encrypts every CloudWatch log group of the stack.
	logsKey, err := security.NewKey(stack, "logs-key", security.KeyConfig{
		Name:               env.Prefix() + "-logs",
		Description:        fmt.Sprintf("SMILE %s: CloudWatch Logs", env.Name),
		AccountID:          accountID,
		DeletionWindowDays: 30,
		ServiceUsers: []security.ServiceUser{{
			Principal: fmt.Sprintf("logs.%s.amazonaws.com", env.Region),
			Condition: iampolicy.Condition{
				Test:     "ArnLike",
				Variable: "kms:EncryptionContext:aws:logs:arn",
				Values:   []*string{jsii.String(fmt.Sprintf("arn:aws:logs:%s:%s:log-group:*", env.Region, *accountID))},
			},
		}},
	})
	if err != nil {
		return nil, err
	}

	net, err := network.New(stack, "network", network.Config{
		Network:                env.Network,
		Prefix:                 env.Prefix(),
		Region:                 env.Region,
		AccountID:              accountID,
		AvailabilityZones:      env.AvailabilityZones,
		FlowLogKmsKeyArn:       logsKey.Arn,
		FlowLogRetentionDays:   env.Observability.LogRetentionDays,
		CloudFrontPrefixListID: cloudFrontPrefixList(stack, env),
	})
	if err != nil {
		return nil, err
	}

	output(stack, "vpc_id", net.VpcID)
	output(stack, "public_subnet_ids", net.PublicSubnetIDs)
	output(stack, "private_subnet_ids", net.PrivateSubnetIDs)
	output(stack, "database_subnet_ids", net.DatabaseSubnetIDs)
	output(stack, "nat_gateway_ids", net.NatGatewayIDs)
	output(stack, "flow_log_group", net.FlowLogGroupName)

	if env.Emulated() {
		if err := applyEmulatorExceptions(stack); err != nil {
			return nil, err
		}
	}
	return stack, nil
}

func output(stack cdktf.TerraformStack, name string, value any) {
	cdktf.NewTerraformOutput(stack, jsii.String(name), &cdktf.TerraformOutputConfig{Value: value})
}
