// Package stacks assembles the constructs into one stack per environment (ENV-1), passing
// each tier's outputs to the next one's config.
package stacks

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/config"
)

// New builds the stack smile-<env>. The environment must have passed Validate.
func New(scope constructs.Construct, env config.Environment) (cdktf.TerraformStack, error) {
	stack := cdktf.NewTerraformStack(scope, jsii.String(env.StackName()))
	newAwsProvider(stack, env)
	configureBackend(stack, env)

	b := &builder{stack: stack, env: env}
	keys := b.keys()
	net := b.network(keys)
	runner := b.delivery(net, keys)
	clusters := b.compute(net, keys, runner)
	data := b.data(net, keys)
	edge := b.edge(net, keys, data)
	alarms := b.observability(keys, clusters, data, edge)
	b.security(net, keys, clusters, data, edge, alarms)
	b.kubernetesPlatform(keys, clusters, data)
	// The budget prices everything above it (COST-2).
	b.budget(alarms)
	if env.Security.PreventDestroy {
		b.preventDestroy()
	}
	if env.Emulated() {
		b.emulatorExceptions()
	}
	return stack, b.err
}

// builder wires one stack tier by tier. It keeps the first error; every step after it
// does nothing, so New reads like the architecture and checks the error once.
type builder struct {
	stack cdktf.TerraformStack
	env   config.Environment
	err   error
}

// ok reports whether no earlier step failed.
func (b *builder) ok() bool { return b.err == nil }

// fail records err if it is the first error.
func (b *builder) fail(err error) {
	if b.err == nil {
		b.err = err
	}
}

func (b *builder) preventDestroy() {
	if b.ok() {
		b.fail(preventDestroy(b.stack))
	}
}

func (b *builder) emulatorExceptions() {
	if b.ok() {
		b.fail(applyEmulatorExceptions(b.stack, b.env.Deployment.EmulatorUpgradeCheck))
	}
}

// output is a stack output, owned by the tier that owns the value.
func (b *builder) output(name string, value any) {
	cdktf.NewTerraformOutput(b.stack, jsii.String(name), &cdktf.TerraformOutputConfig{Value: value})
}
