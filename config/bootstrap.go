package config

import (
	"errors"
	"fmt"
	"regexp"
)

// Bootstrap is the stack smile-bootstrap, deployed once per AWS account with local state
// (it creates the place where every other state lives, CICD-3): the state bucket and its
// key, the GitHub OIDC provider, and the two roles CI assumes.
type Bootstrap struct {
	// Prefix names what the stack creates: <Prefix>-state, <Prefix>-logs, <Prefix>-ci-plan, ...
	Prefix string
	// Buckets sizes the state and logs buckets' lifecycle (versions kept, logs rotated).
	Buckets Buckets
	// Repository is the GitHub repository ("owner/name") whose workflows may assume the roles.
	Repository string
	// Branch is the branch whose pushes may deploy (staging), and ProductionEnvironment the
	// GitHub environment (with required reviewers) whose jobs may deploy prod.
	Branch                string
	ProductionEnvironment string
}

// DefaultBootstrap is the bootstrap of SMILE's accounts.
func DefaultBootstrap() Bootstrap {
	return Bootstrap{
		Prefix: "smile5-terraform", Buckets: defaultBuckets(""),
		Repository: DefaultRepository, Branch: "main", ProductionEnvironment: "production",
	}
}

// StackName is the bootstrap's cdktf stack.
func (Bootstrap) StackName() string { return "smile-bootstrap" }

// StateBucket is the bucket the environment stacks keep their state in
// (SMILE_STATE_BUCKET).
func (b Bootstrap) StateBucket() string { return b.Prefix + "-state" + b.Buckets.NameSuffix }

var (
	githubRepositoryPattern = regexp.MustCompile(`^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$`)
	gitRefNamePattern       = regexp.MustCompile(`^[A-Za-z0-9._/-]+$`)
)

// Validate lists every problem of the bootstrap config at once.
func (b Bootstrap) Validate() error {
	var p problems
	if !bucketNamePattern.MatchString(b.StateBucket()) || len(b.StateBucket()) > 63 {
		p.add("Bootstrap.Prefix", "%q makes the state bucket name %q, which is not a valid S3 bucket name", b.Prefix, b.StateBucket())
	}
	if !githubRepositoryPattern.MatchString(b.Repository) {
		p.add("Bootstrap.Repository", "%q is not a GitHub repository such as smile-health/smile-infra", b.Repository)
	}
	if !gitRefNamePattern.MatchString(b.Branch) {
		p.add("Bootstrap.Branch", "%q is not a branch name", b.Branch)
	}
	if !gitRefNamePattern.MatchString(b.ProductionEnvironment) {
		p.add("Bootstrap.ProductionEnvironment", "%q is not a GitHub environment name", b.ProductionEnvironment)
	}
	if b.Buckets.NoncurrentVersionDays < 30 {
		p.add("Bootstrap.Buckets.NoncurrentVersionDays", "%d keeps replaced state versions too briefly to recover from a bad apply: keep them at least 30 days", b.Buckets.NoncurrentVersionDays)
	}
	if len(p) == 0 {
		return nil
	}
	return fmt.Errorf("the bootstrap stack has an invalid configuration (fix it in config/bootstrap.go):\n%w", errors.Join(p...))
}
