package stacks

import (
	"fmt"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/config"
)

// AwsProviderConstraint widens the exact pin the aws/v19 bindings write (5.99.1): the
// offline mirror and current users have 5.100.x, and the 5.x API the bindings describe is
// unchanged within it.
const AwsProviderConstraint = "~> 5.99"

// emulatorServices are the AWS services the emulator answers for; every one the platform
// uses must be listed, or the provider would call real AWS with dummy credentials.
var emulatorServices = []string{
	"acm", "apigateway", "apigatewayv2", "autoscaling", "backup", "cloudfront", "cloudtrail", "codebuild",
	"cloudwatch", "configservice", "dynamodb", "ec2", "ecr", "efs", "eks", "elasticache", "elbv2",
	"events", "guardduty", "iam", "kms", "lambda", "logs", "rds", "route53", "s3", "s3control",
	"scheduler", "secretsmanager", "securityhub", "sns", "sqs", "ssm", "sts", "wafv2", "xray",
}

func newAwsProvider(stack cdktf.TerraformStack, env config.Environment) {
	provider.NewAwsProvider(stack, jsii.String("aws"), awsProviderConfig(env, env.Region))
	stack.AddOverride(jsii.String("terraform.required_providers.aws.version"), jsii.String(AwsProviderConstraint))
}

// newGlobalProvider is the aliased provider in us-east-1, for exactly the resource types
// of UsEast1Resources (RES-2).
func newGlobalProvider(stack cdktf.TerraformStack, env config.Environment) cdktf.TerraformProvider {
	cfg := awsProviderConfig(env, GlobalRegion)
	cfg.Alias = jsii.String(GlobalProviderAlias)
	return provider.NewAwsProvider(stack, jsii.String("aws-"+GlobalProviderAlias), cfg)
}

func awsProviderConfig(env config.Environment, region string) *provider.AwsProviderConfig {
	tags := map[string]*string{}
	for k, v := range env.Tags() {
		tags[k] = jsii.String(v)
	}
	cfg := &provider.AwsProviderConfig{
		Region: jsii.String(region),
		// ENV-2: tags applied once, here, so no resource can forget them.
		DefaultTags: &[]*provider.AwsProviderDefaultTags{{Tags: &tags}},
	}
	if env.Emulated() {
		applyEmulatorProvider(cfg, env.Deployment.EmulatorEndpoint)
	}
	return cfg
}

// applyEmulatorProvider points every service at the emulator with dummy credentials.
func applyEmulatorProvider(cfg *provider.AwsProviderConfig, endpoint string) {
	cfg.AccessKey = jsii.String("test")
	cfg.SecretKey = jsii.String("test")
	cfg.SkipCredentialsValidation = jsii.Bool(true)
	cfg.SkipMetadataApiCheck = jsii.String("true")
	cfg.S3UsePathStyle = jsii.Bool(true)
	// The emulator answers unimplemented calls with HTTP 500; the default 25 retries turn
	// each into an 8-minute hang.
	cfg.MaxRetries = jsii.Number(2)
	endpoints := map[string]any{}
	for _, s := range emulatorServices {
		endpoints[s] = endpoint
	}
	// The bindings' endpoints struct has a field per service; a JSON-shaped map keeps the
	// list above the single source of truth.
	cfg.Endpoints = &[]any{endpoints}
}

// configureBackend keeps state in the encrypted, locked S3 bucket when one is configured
// (CICD-3), else in a local file under .state/ at the repository root, outside cdktf.out,
// so a clean synth never loses it.
func configureBackend(stack cdktf.TerraformStack, env config.Environment) {
	if env.Deployment.StateBucket == "" {
		cdktf.NewLocalBackend(stack, &cdktf.LocalBackendConfig{
			// Relative to cdktf.out/stacks/<stack>, where cdktf runs terraform.
			Path: jsii.String(fmt.Sprintf("../../../.state/%s.tfstate", env.StackName())),
		})
		return
	}
	backend := cdktf.NewS3Backend(stack, &cdktf.S3BackendConfig{
		Bucket:  jsii.String(env.Deployment.StateBucket),
		Key:     jsii.String(fmt.Sprintf("smile/%s/terraform.tfstate", env.StackName())),
		Region:  jsii.String(config.Region),
		Encrypt: jsii.Bool(true),
	})
	// S3-native locking (Terraform 1.10+); the 0.20 bindings predate the field.
	backend.AddOverride(jsii.String("use_lockfile"), jsii.Bool(true))
}
