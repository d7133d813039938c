// Package cirunner builds an environment's CI runner (CICD-1, CICD-2): an AWS CodeBuild
// project that runs GitHub Actions jobs in the VPC's private subnets, so the jobs that plan
// and deploy reach the clusters' private API endpoint (EKS-5). The runner's own role can
// only run the runner (logs, network interfaces, the GitHub connection); a job's AWS rights
// come from GitHub's OIDC token and the bootstrap stack's plan and deploy roles.
package cirunner

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/codebuildproject"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/codebuildwebhook"

	"github.com/smile/infra/config"
	"github.com/smile/infra/constructs/iampolicy"
	"github.com/smile/infra/constructs/iamrole"
	"github.com/smile/infra/constructs/loggroup"
	"github.com/smile/infra/constructs/sgrule"
)

// WorkflowJobQueued is the GitHub webhook event that makes CodeBuild start a runner.
const WorkflowJobQueued = "WORKFLOW_JOB_QUEUED"

// Config is one environment's runner.
type Config struct {
	config.Runner
	// Name is the CodeBuild project, and the runner label's middle part.
	Name      string
	Region    string
	AccountID *string
	VpcID     *string
	SubnetIDs []*string
	// KeyArn encrypts the project's build output and LogsKeyArn its log group.
	KeyArn           *string
	LogsKeyArn       *string
	LogRetentionDays int
}

// Output is what the clusters and the workflows need of the runner.
type Output struct {
	ProjectName     *string
	SecurityGroupID *string
	// Label is what a job's runs-on names, with the run's ID and attempt appended.
	Label string
}

// New builds the runner.
func New(scope constructs.Construct, id string, cfg Config) (*Output, error) {
	if cfg.Name == "" || cfg.Region == "" || cfg.AccountID == nil || cfg.VpcID == nil || len(cfg.SubnetIDs) == 0 ||
		cfg.KeyArn == nil || cfg.LogsKeyArn == nil || cfg.ConnectionArn == "" || cfg.Repository == "" {
		return nil, fmt.Errorf("cirunner: Name, Region, AccountID, VpcID, SubnetIDs, KeyArn, LogsKeyArn, ConnectionArn and Repository are required")
	}
	c := constructs.NewConstruct(scope, jsii.String(id))

	// No inbound rule: the runner polls GitHub for its job. Out: HTTPS only (GitHub, the
	// AWS APIs through the endpoints, the Go, npm and Terraform registries, the cluster APIs).
	sg := sgrule.HTTPSOutOnly(c, "sg", cfg.Name, "CI runner: no inbound; HTTPS out to GitHub, AWS and the cluster APIs",
		cfg.VpcID, sgrule.Out{
			// NET-5: the internet, on purpose. The runner's jobs talk to GitHub (jobs, the
			// checkout, the actions and their artifacts) and to the Go, npm and Terraform
			// registries, none of which has an endpoint in the VPC; through the NAT gateways.
			RuleID: "out-https", Cidr: sgrule.Internet,
			Description: "GitHub, AWS APIs, registries and the cluster APIs",
		})

	logGroup := loggroup.New(c, "logs", loggroup.Config{Name: "/aws/codebuild/" + cfg.Name, KeyArn: cfg.LogsKeyArn, RetentionDays: cfg.LogRetentionDays})

	role, err := iamrole.New(c, "role", iamrole.Config{
		Name: cfg.Name, Description: "Runs the GitHub Actions runner; no rights beyond it",
		Service: "codebuild.amazonaws.com", SourceAccount: cfg.AccountID,
		Statements: runnerStatements(cfg, logGroup.Arn(), sg.Id()),
	})
	if err != nil {
		return nil, err
	}

	subnet := cfg.SubnetIDs
	project := codebuildproject.NewCodebuildProject(c, jsii.String("project"), &codebuildproject.CodebuildProjectConfig{
		Name:        jsii.String(cfg.Name),
		Description: jsii.String("GitHub Actions runner for " + cfg.Repository + " inside the VPC"),
		ServiceRole: role.Arn, EncryptionKey: cfg.KeyArn,
		BuildTimeout:         jsii.Number(float64(cfg.TimeoutMinutes)),
		ConcurrentBuildLimit: jsii.Number(float64(cfg.ConcurrentJobs)),
		Source: &codebuildproject.CodebuildProjectSource{
			Type: jsii.String("GITHUB"), Location: jsii.String("https://github.com/" + cfg.Repository + ".git"),
			Auth: &codebuildproject.CodebuildProjectSourceAuth{Type: jsii.String("CODECONNECTIONS"), Resource: jsii.String(cfg.ConnectionArn)},
		},
		Artifacts: &codebuildproject.CodebuildProjectArtifacts{Type: jsii.String("NO_ARTIFACTS")},
		Environment: &codebuildproject.CodebuildProjectEnvironment{
			Type: jsii.String("LINUX_CONTAINER"), ComputeType: jsii.String(cfg.ComputeType), Image: jsii.String(cfg.Image),
			ImagePullCredentialsType: jsii.String("CODEBUILD"), PrivilegedMode: jsii.Bool(false),
		},
		VpcConfig: &codebuildproject.CodebuildProjectVpcConfig{VpcId: cfg.VpcID, Subnets: &subnet, SecurityGroupIds: &[]*string{sg.Id()}},
		LogsConfig: &codebuildproject.CodebuildProjectLogsConfig{
			CloudwatchLogs: &codebuildproject.CodebuildProjectLogsConfigCloudwatchLogs{Status: jsii.String("ENABLED"), GroupName: logGroup.Name()},
			S3Logs:         &codebuildproject.CodebuildProjectLogsConfigS3Logs{Status: jsii.String("DISABLED")},
		},
		DependsOn: &role.Policies,
	})
	// CodeBuild starts a runner for every queued job of the repository that names this
	// project in its runs-on label.
	codebuildwebhook.NewCodebuildWebhook(c, jsii.String("webhook"), &codebuildwebhook.CodebuildWebhookConfig{
		ProjectName: project.Name(), BuildType: jsii.String("BUILD"),
		FilterGroup: []*codebuildwebhook.CodebuildWebhookFilterGroup{{
			Filter: []*codebuildwebhook.CodebuildWebhookFilterGroupFilter{{Type: jsii.String("EVENT"), Pattern: jsii.String(WorkflowJobQueued)}},
		}},
	})
	return &Output{ProjectName: project.Name(), SecurityGroupID: sg.Id(), Label: "codebuild-" + cfg.Name}, nil
}

// runnerStatements are the runner's own rights: write its logs, attach to the VPC (only
// in the configured subnets and its own security group, only for CodeBuild), use the
// GitHub connection and the project's key.
func runnerStatements(cfg Config, logGroupArn, securityGroupID *string) []iampolicy.Statement {
	ec2Arn := func(resource string) *string {
		return jsii.String(fmt.Sprintf("arn:aws:ec2:%s:%s:%s", cfg.Region, *cfg.AccountID, resource))
	}
	subnetArns := make([]*string, 0, len(cfg.SubnetIDs))
	for _, s := range cfg.SubnetIDs {
		subnetArns = append(subnetArns, ec2Arn("subnet/"+*s))
	}
	networkInterfaces, securityGroupArn := ec2Arn("network-interface/*"), ec2Arn("security-group/"+*securityGroupID)
	return []iampolicy.Statement{{
		Sid:       "WriteLogs",
		Actions:   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
		Resources: []*string{logGroupArn, jsii.String(*logGroupArn + ":*")},
	}, {
		// CodeBuild describes the network before it attaches; Describe* has no resource scope.
		Sid:       "DescribeNetwork",
		Actions:   []string{"ec2:DescribeNetworkInterfaces", "ec2:DescribeDhcpOptions", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs"},
		Resources: []*string{jsii.String("*")},
	}, {
		// Each job's container gets an interface in one of the private subnets, in the
		// runner's security group, and CodeBuild removes it afterwards.
		Sid:       "AttachToPrivateSubnets",
		Actions:   []string{"ec2:CreateNetworkInterface"},
		Resources: append([]*string{networkInterfaces, securityGroupArn}, subnetArns...),
	}, {
		Sid:       "DetachFromPrivateSubnets",
		Actions:   []string{"ec2:DeleteNetworkInterface"},
		Resources: []*string{networkInterfaces},
	}, {
		Sid:       "LetCodeBuildUseTheInterfaces",
		Actions:   []string{"ec2:CreateNetworkInterfacePermission"},
		Resources: []*string{networkInterfaces},
		Conditions: []iampolicy.Condition{
			{Test: "StringEquals", Variable: "ec2:AuthorizedService", Values: []*string{jsii.String("codebuild.amazonaws.com")}},
			{Test: "ArnEquals", Variable: "ec2:Subnet", Values: subnetArns},
		},
	}, {
		Sid:       "UseGitHubConnection",
		Actions:   []string{"codeconnections:UseConnection", "codeconnections:GetConnectionToken", "codeconnections:GetConnection"},
		Resources: []*string{jsii.String(cfg.ConnectionArn)},
	}, {
		Sid:       "UseProjectKey",
		Actions:   []string{"kms:Decrypt", "kms:GenerateDataKey"},
		Resources: []*string{cfg.KeyArn},
	}}
}
