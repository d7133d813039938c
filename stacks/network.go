package stacks

import (
	"github.com/smile/infra/constructs/network"
)

func (b *builder) network(k *keys) *network.Output {
	if !b.ok() {
		return nil
	}
	env := b.env
	net, err := network.New(b.stack, "network", network.Config{
		Network:              env.Network,
		Prefix:               env.Prefix(),
		Region:               env.Region,
		AccountID:            k.accountID,
		AvailabilityZones:    env.AvailabilityZones,
		FlowLogKmsKeyArn:     k.logs.Arn,
		FlowLogRetentionDays: env.Observability.LogRetentionDays,
	})
	if err != nil {
		b.fail(err)
		return nil
	}
	b.output("vpc_id", net.VpcID)
	b.output("public_subnet_ids", net.PublicSubnetIDs)
	b.output("private_subnet_ids", net.PrivateSubnetIDs)
	b.output("database_subnet_ids", net.DatabaseSubnetIDs)
	b.output("nat_gateway_ids", net.NatGatewayIDs)
	b.output("flow_log_group", net.FlowLogGroupName)
	return net
}
