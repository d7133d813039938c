package stacks

import (
	"github.com/smile/infra/constructs/cirunner"
	"github.com/smile/infra/constructs/network"
)

// delivery wires the environment's CI runner into the private subnets (CICD-1, CICD-2):
// the workflows' plan and deploy jobs run on it, so they reach the private cluster API.
func (b *builder) delivery(net *network.Output, k *keys) *cirunner.Output {
	if !b.ok() {
		return nil
	}
	env := b.env
	runner, err := cirunner.New(b.stack, "ci-runner", cirunner.Config{
		Runner: env.Delivery.Runner, Name: env.RunnerProject(), Region: env.Region, AccountID: k.accountID,
		VpcID: net.VpcID, SubnetIDs: net.PrivateSubnetIDs,
		KeyArn: k.data.Arn, LogsKeyArn: k.logs.Arn, LogRetentionDays: env.Observability.LogRetentionDays,
	})
	b.fail(err)
	if !b.ok() {
		return nil
	}
	b.output("ci_runner_project", runner.ProjectName)
	b.output("ci_runner_label", runner.Label)
	return runner
}
