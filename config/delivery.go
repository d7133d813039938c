package config

import (
	"regexp"
	"slices"
)

// Delivery is how CI reaches the environment (CICD-1, CICD-2).
type Delivery struct {
	Runner Runner
	// PlanRoleArn is the bootstrap stack's pull-request plan role (output ci_plan_role_arn).
	// It gets a view-only access entry on both clusters (AmazonEKSAdminViewPolicy, which
	// includes reading Secrets, where Helm keeps its release state), so a plan can refresh
	// the Kubernetes objects without the admin role.
	PlanRoleArn string
}

// Runner is the environment's CI runner: an AWS CodeBuild project that serves GitHub
// Actions jobs inside the VPC's private subnets, so the jobs that plan and deploy reach the
// clusters' private API endpoint (EKS-5) without opening it to the internet. A job asks for
// it with `runs-on: codebuild-<project>-${{ github.run_id }}-${{ github.run_attempt }}`;
// AWS access inside the job still comes from GitHub's OIDC token and the bootstrap's roles,
// never from the runner's own role.
type Runner struct {
	// Repository is the GitHub repository ("owner/name") whose jobs the runner takes.
	Repository string
	// ConnectionArn is the AWS CodeConnections connection to GitHub, created and approved
	// once per account in the console (the GitHub App handshake cannot be automated).
	ConnectionArn string
	// ComputeType and Image are CodeBuild's: BUILD_GENERAL1_MEDIUM is 4 vCPU and 7 GiB,
	// enough for a three-stack synth and its Terraform.
	ComputeType string
	Image       string
	// TimeoutMinutes bounds one job; the first deploy of an environment waits up to 75
	// minutes on certificate validation.
	TimeoutMinutes int
	// ConcurrentJobs caps the runner's parallel jobs (plans of pull requests queue behind).
	ConcurrentJobs int
}

// DefaultRepository is SMILE's infrastructure repository.
const DefaultRepository = "smile-health/smile-infra"

func defaultDelivery() Delivery {
	return Delivery{PlanRoleArn: "arn:aws:iam::123456789012:role/smile5-terraform-ci-plan", Runner: Runner{
		Repository: DefaultRepository,
		// The example account of every placeholder here; set the real connection before the
		// first deploy (docs/deploying.md).
		ConnectionArn:  "arn:aws:codeconnections:" + Region + ":123456789012:connection/00000000-0000-4000-8000-000000000000",
		ComputeType:    "BUILD_GENERAL1_MEDIUM",
		Image:          "aws/codebuild/amazonlinux-x86_64-standard:6.0",
		TimeoutMinutes: 120,
		ConcurrentJobs: 2,
	}}
}

// RunnerProject is the CodeBuild project name of the environment's CI runner.
func (e Environment) RunnerProject() string { return e.Prefix() + "-ci-runner" }

var (
	connectionArnPattern  = regexp.MustCompile(`^arn:aws:codeconnections:[a-z0-9-]+:\d{12}:connection/[0-9a-f-]{36}$`)
	runnerComputeTypes    = []string{"BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE", "BUILD_GENERAL1_XLARGE", "BUILD_GENERAL1_2XLARGE"}
	codebuildImagePattern = regexp.MustCompile(`^aws/codebuild/[a-z0-9._-]+:[0-9.]+$`)
)

func (e Environment) validateDelivery(p *problems) {
	if !roleArnPattern.MatchString(e.Delivery.PlanRoleArn) {
		p.add("Delivery.PlanRoleArn", "%q is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>): use the bootstrap's ci_plan_role_arn output", e.Delivery.PlanRoleArn)
	} else if slices.Contains(e.Compute.AdminRoleArns, e.Delivery.PlanRoleArn) || slices.Contains(e.Kubernetes.OnCallRoleArns, e.Delivery.PlanRoleArn) {
		p.add("Delivery.PlanRoleArn", "%q is also an admin or on-call role: a role has one access entry per cluster", e.Delivery.PlanRoleArn)
	}
	r := e.Delivery.Runner
	if !githubRepositoryPattern.MatchString(r.Repository) {
		p.add("Delivery.Runner.Repository", "%q is not a GitHub repository such as %s", r.Repository, DefaultRepository)
	}
	if !connectionArnPattern.MatchString(r.ConnectionArn) {
		p.add("Delivery.Runner.ConnectionArn", "%q is not a CodeConnections connection ARN (arn:aws:codeconnections:<region>:<account>:connection/<id>); create the GitHub connection in the console", r.ConnectionArn)
	}
	if !slices.Contains(runnerComputeTypes, r.ComputeType) {
		p.add("Delivery.Runner.ComputeType", "%q is not a CodeBuild Linux compute type (one of %v)", r.ComputeType, runnerComputeTypes)
	}
	if !codebuildImagePattern.MatchString(r.Image) {
		p.add("Delivery.Runner.Image", "%q is not a pinned CodeBuild managed image such as aws/codebuild/amazonlinux-x86_64-standard:5.0", r.Image)
	}
	if r.TimeoutMinutes < 60 || r.TimeoutMinutes > 480 {
		p.add("Delivery.Runner.TimeoutMinutes", "%d is outside 60-480: a first deploy needs over an hour, CodeBuild allows at most 8", r.TimeoutMinutes)
	}
	if r.ConcurrentJobs < 1 {
		p.add("Delivery.Runner.ConcurrentJobs", "%d: the runner must take at least one job", r.ConcurrentJobs)
	}
}
