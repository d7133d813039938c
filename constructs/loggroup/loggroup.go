// Package loggroup creates the CloudWatch log groups of every tier the same way: under the
// logs key, with the environment's retention (OBS-1, RES-3).
package loggroup

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"

	"github.com/smile/infra/stateful"
)

// Config is one log group.
type Config struct {
	Name          string
	KeyArn        *string
	RetentionDays int
	// Audit marks a group that holds evidence (the trail's, the flow logs'): it is stateful
	// (SAFE-1), so a plan that deletes or replaces it stops the workflows.
	Audit bool
}

// New creates the log group directly in scope under id, so callers keep their logical IDs.
func New(scope constructs.Construct, id string, cfg Config) cloudwatchloggroup.CloudwatchLogGroup {
	var tags *map[string]*string
	if cfg.Audit {
		tags = &map[string]*string{stateful.ClassTag: jsii.String(stateful.Audit)}
	}
	return cloudwatchloggroup.NewCloudwatchLogGroup(scope, jsii.String(id), &cloudwatchloggroup.CloudwatchLogGroupConfig{
		Name:            jsii.String(cfg.Name),
		RetentionInDays: jsii.Number(float64(cfg.RetentionDays)),
		KmsKeyId:        cfg.KeyArn,
		Tags:            tags,
	})
}
