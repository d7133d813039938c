package stacks

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawscalleridentity"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamopenidconnectprovider"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/config"
	"github.com/smile/infra/constructs/buckets"
	"github.com/smile/infra/constructs/iampolicy"
	servicerole "github.com/smile/infra/constructs/iamrole"
	"github.com/smile/infra/constructs/security"
)

// GitHubIssuer is GitHub Actions' OIDC token issuer.
const GitHubIssuer = "token.actions.githubusercontent.com"

// NewBootstrap builds smile-bootstrap, the once-per-account stack with local state
// (CICD-3): the state bucket with every control the other buckets have (its own KMS key,
// versioning, TLS only, public access blocked, access logs), GitHub's OIDC provider, and
// the two roles CI assumes, trusted only by this repository: plan (read-only, from pull
// requests) and deploy (from the main branch and the production environment).
//
// With deployment's emulator endpoint it deploys to the emulator, like an environment.
func NewBootstrap(scope constructs.Construct, b config.Bootstrap, deployment config.Deployment) (cdktf.TerraformStack, error) {
	if err := b.Validate(); err != nil {
		return nil, err
	}
	stack := cdktf.NewTerraformStack(scope, jsii.String(b.StackName()))
	tags := map[string]*string{"Project": jsii.String("smile"), "Environment": jsii.String("bootstrap"), "ManagedBy": jsii.String("cdktf")}
	providerConfig := &provider.AwsProviderConfig{
		Region: jsii.String(config.Region), DefaultTags: &[]*provider.AwsProviderDefaultTags{{Tags: &tags}},
	}
	if deployment.EmulatorEndpoint != "" {
		applyEmulatorProvider(providerConfig, deployment.EmulatorEndpoint)
	}
	provider.NewAwsProvider(stack, jsii.String("aws"), providerConfig)
	stack.AddOverride(jsii.String("terraform.required_providers.aws.version"), jsii.String(AwsProviderConstraint))
	// The bootstrap cannot keep its state in the bucket it creates: it stays local (commit
	// nothing; keep the file with the account's break-glass material).
	cdktf.NewLocalBackend(stack, &cdktf.LocalBackendConfig{Path: jsii.String("../../../.state/smile-bootstrap.tfstate")})

	accountID := dataawscalleridentity.NewDataAwsCallerIdentity(stack, jsii.String("account"), &dataawscalleridentity.DataAwsCallerIdentityConfig{}).AccountId()
	key, err := security.NewKey(stack, "state-key", security.KeyConfig{
		Name: b.Prefix + "-state", Description: "Terraform state of every SMILE environment",
		AccountID: accountID, DeletionWindowDays: 30,
	})
	if err != nil {
		return nil, err
	}
	store, err := buckets.New(stack, "buckets", buckets.Config{
		Buckets: b.Buckets, Prefix: b.Prefix, Region: config.Region, AccountID: accountID,
		DataKeyArn: key.Arn, Purposes: buckets.BootstrapPurposes,
	})
	if err != nil {
		return nil, err
	}
	state := store.Buckets[buckets.State]

	github := iamopenidconnectprovider.NewIamOpenidConnectProvider(stack, jsii.String("github-oidc"), &iamopenidconnectprovider.IamOpenidConnectProviderConfig{
		Url: jsii.String("https://" + GitHubIssuer), ClientIdList: jsii.Strings("sts.amazonaws.com"),
	})
	role := func(id, name, description string, subjects []string, managed []string, statements []iampolicy.Statement) *string {
		c := constructs.NewConstruct(stack, jsii.String(id))
		trust := iampolicy.Document(c, "trust", iampolicy.Statement{
			Principals: []iampolicy.Principal{{Type: "Federated", Identifiers: []*string{github.Arn()}}},
			Actions:    []string{"sts:AssumeRoleWithWebIdentity"},
			Conditions: []iampolicy.Condition{
				{Test: "StringEquals", Variable: GitHubIssuer + ":aud", Values: []*string{jsii.String("sts.amazonaws.com")}},
				{Test: "StringEquals", Variable: GitHubIssuer + ":sub", Values: *jsii.Strings(subjects...)},
			},
		})
		r := iamrole.NewIamRole(c, jsii.String("role"), &iamrole.IamRoleConfig{
			Name: jsii.String(name), Description: jsii.String(description), AssumeRolePolicy: trust,
			MaxSessionDuration: jsii.Number(3600),
		})
		servicerole.AttachManagedPolicies(c, r.Name(), managed)
		iamrolepolicy.NewIamRolePolicy(c, jsii.String("inline"), &iamrolepolicy.IamRolePolicyConfig{
			Name: jsii.String(name), Role: r.Id(), Policy: iampolicy.Document(c, "inline-policy", statements...),
		})
		return r.Arn()
	}
	repo := "repo:" + b.Repository
	objects := jsii.String(*state.Arn + "/*")
	useKey := iampolicy.Statement{Sid: "StateKey", Actions: []string{"kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"}, Resources: []*string{key.Arn}}
	plan := role("ci-plan", b.Prefix+"-ci-plan", "CI: plan and diff every environment from pull requests (read-only)",
		[]string{repo + ":pull_request"}, []string{ReadOnlyPolicyArn}, []iampolicy.Statement{
			{Sid: "ReadState", Actions: []string{"s3:GetObject", "s3:ListBucket"}, Resources: []*string{state.Arn, objects}},
			// S3-native locking: a plan writes and removes <key>.tflock next to the state.
			{Sid: "LockState", Actions: []string{"s3:PutObject", "s3:DeleteObject"}, Resources: []*string{jsii.String(*state.Arn + "/*.tflock")}},
			useKey,
			// Read-only must not mean reading the data: no objects outside the state, no secrets.
			{Sid: "NoData", Effect: "Deny", Actions: []string{"s3:GetObject", "s3:GetObjectVersion"}, NotResources: []*string{objects}},
			{Sid: "NoSecrets", Effect: "Deny", Actions: []string{"secretsmanager:GetSecretValue"}, Resources: []*string{jsii.String("*")}},
		})
	deploy := role("ci-deploy", b.Prefix+"-ci-deploy", "CI: deploy from the main branch (staging) and the production environment (prod)",
		[]string{fmt.Sprintf("%s:ref:refs/heads/%s", repo, b.Branch), fmt.Sprintf("%s:environment:%s", repo, b.ProductionEnvironment)},
		// The stacks create IAM roles, KMS keys and every tier's resources: the deploy role
		// needs administrator rights in the account; who may assume it is what is narrow.
		[]string{AdministratorPolicyArn}, []iampolicy.Statement{useKey})

	for name, value := range map[string]*string{
		"state_bucket": state.Name, "logs_bucket": store.Buckets[buckets.Logs].Name, "state_key_arn": key.Arn, "github_oidc_provider_arn": github.Arn(),
		"ci_plan_role_arn": plan, "ci_deploy_role_arn": deploy,
	} {
		cdktf.NewTerraformOutput(stack, jsii.String(name), &cdktf.TerraformOutputConfig{Value: value})
	}
	return stack, nil
}

// The AWS-managed policies of the CI roles.
const (
	ReadOnlyPolicyArn      = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	AdministratorPolicyArn = "arn:aws:iam::aws:policy/AdministratorAccess"
)
