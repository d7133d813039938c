// Package ecr builds one private image repository per microservice (CMP-2).
package ecr

import (
	"encoding/json"
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecrlifecyclepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecrrepository"
)

// Config is the repositories of one environment.
type Config struct {
	// Prefix namespaces the repositories: <Prefix>/<name>, e.g. smile5-dev/api (ENV-2).
	Prefix       string
	Repositories []string
	// KmsKeyArn encrypts the images (RES-3).
	KmsKeyArn *string
}

// Output maps each repository name (as configured) to its URL.
type Output struct {
	RepositoryURLs map[string]*string
}

// Lifecycle of CMP-2: untagged images go after 30 days, and at most the newest 100 images
// are kept.
const (
	UntaggedExpiryDays = 30
	KeepImages         = 100
)

type lifecycleRule struct {
	RulePriority int                `json:"rulePriority"`
	Description  string             `json:"description"`
	Selection    lifecycleSelection `json:"selection"`
	Action       lifecycleAction    `json:"action"`
}

type lifecycleSelection struct {
	TagStatus   string `json:"tagStatus"`
	CountType   string `json:"countType"`
	CountUnit   string `json:"countUnit,omitempty"`
	CountNumber int    `json:"countNumber"`
}

type lifecycleAction struct {
	Type string `json:"type"`
}

// LifecyclePolicy is the policy every repository gets. ECR applies rules by priority; the
// rule that selects any tag status must come last.
func LifecyclePolicy() string {
	policy := struct {
		Rules []lifecycleRule `json:"rules"`
	}{Rules: []lifecycleRule{{
		RulePriority: 1,
		Description:  fmt.Sprintf("Expire untagged images after %d days", UntaggedExpiryDays),
		Selection:    lifecycleSelection{TagStatus: "untagged", CountType: "sinceImagePushed", CountUnit: "days", CountNumber: UntaggedExpiryDays},
		Action:       lifecycleAction{Type: "expire"},
	}, {
		RulePriority: 2,
		Description:  fmt.Sprintf("Keep only the last %d images", KeepImages),
		Selection:    lifecycleSelection{TagStatus: "any", CountType: "imageCountMoreThan", CountNumber: KeepImages},
		Action:       lifecycleAction{Type: "expire"},
	}}}
	raw, err := json.Marshal(policy)
	if err != nil {
		panic(err) // a fixed struct of strings and numbers always marshals
	}
	return string(raw)
}

// New creates the repositories.
func New(scope constructs.Construct, id string, cfg Config) (*Output, error) {
	if cfg.Prefix == "" || cfg.KmsKeyArn == nil || len(cfg.Repositories) == 0 {
		return nil, fmt.Errorf("ecr: Prefix, KmsKeyArn and at least one repository are required (CMP-2)")
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	out := &Output{RepositoryURLs: map[string]*string{}}
	policy := LifecyclePolicy()
	for _, name := range cfg.Repositories {
		repo := ecrrepository.NewEcrRepository(c, jsii.String(name), &ecrrepository.EcrRepositoryConfig{
			Name: jsii.String(cfg.Prefix + "/" + name),
			// A tag names one image forever: what was tested is what is deployed.
			ImageTagMutability:         jsii.String("IMMUTABLE"),
			ImageScanningConfiguration: &ecrrepository.EcrRepositoryImageScanningConfiguration{ScanOnPush: jsii.Bool(true)},
			EncryptionConfiguration: &[]*ecrrepository.EcrRepositoryEncryptionConfiguration{{
				EncryptionType: jsii.String("KMS"), KmsKey: cfg.KmsKeyArn,
			}},
		})
		ecrlifecyclepolicy.NewEcrLifecyclePolicy(c, jsii.String(name+"-lifecycle"), &ecrlifecyclepolicy.EcrLifecyclePolicyConfig{
			Repository: repo.Name(), Policy: jsii.String(policy),
		})
		out.RepositoryURLs[name] = repo.RepositoryUrl()
	}
	return out, nil
}
