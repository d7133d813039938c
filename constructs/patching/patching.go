// Package patching keeps instances managed by SSM patched (SEC-6): an Amazon Linux 2023
// patch baseline for a patch group, and a weekly maintenance window that installs what it
// approves on every instance tagged with the group. EKS nodes are not patched here: their
// node groups roll to a new AMI instead (docs/security.md, "Patching").
package patching

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ssmmaintenancewindow"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ssmmaintenancewindowtarget"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ssmmaintenancewindowtask"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ssmpatchbaseline"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ssmpatchgroup"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// PatchGroupTag is the tag that puts an instance into a patch group.
const PatchGroupTag = "Patch Group"

// Schedule is Sunday 03:00 in Jakarta (20:00 UTC on Saturday), after the database's window.
const Schedule = "cron(0 3 ? * SUN *)"

// ApproveAfterDays gives a released patch a week before it is installed.
const ApproveAfterDays = 7

// Config is one patch group.
type Config struct {
	Name       string
	PatchGroup string
}

// Output is the baseline and the window.
type Output struct {
	BaselineID, WindowID *string
}

// New builds the baseline, the patch group, the window, its target and its task.
func New(scope constructs.Construct, id string, cfg Config) (*Output, error) {
	if cfg.Name == "" || cfg.PatchGroup == "" {
		return nil, fmt.Errorf("patching %s: Name and PatchGroup are required", id)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	baseline := ssmpatchbaseline.NewSsmPatchBaseline(c, jsii.String("baseline"), &ssmpatchbaseline.SsmPatchBaselineConfig{
		Name:            jsii.String(cfg.Name),
		Description:     jsii.String("Amazon Linux 2023: security and bug-fix updates, a week after release"),
		OperatingSystem: jsii.String("AMAZON_LINUX_2023"),
		ApprovalRule: []*ssmpatchbaseline.SsmPatchBaselineApprovalRule{{
			ApproveAfterDays: jsii.Number(ApproveAfterDays),
			ComplianceLevel:  jsii.String("HIGH"),
			PatchFilter: []*ssmpatchbaseline.SsmPatchBaselineApprovalRulePatchFilter{
				{Key: jsii.String("CLASSIFICATION"), Values: jsii.Strings("Security", "Bugfix")},
				{Key: jsii.String("SEVERITY"), Values: jsii.Strings("Critical", "Important", "Medium", "Low")},
			},
		}},
	})
	group := ssmpatchgroup.NewSsmPatchGroup(c, jsii.String("group"), &ssmpatchgroup.SsmPatchGroupConfig{
		BaselineId: baseline.Id(), PatchGroup: jsii.String(cfg.PatchGroup),
	})
	window := ssmmaintenancewindow.NewSsmMaintenanceWindow(c, jsii.String("window"), &ssmmaintenancewindow.SsmMaintenanceWindowConfig{
		Name:             jsii.String(cfg.Name),
		Description:      jsii.String("Weekly patching of " + cfg.PatchGroup),
		Schedule:         jsii.String(Schedule),
		ScheduleTimezone: jsii.String("Asia/Jakarta"),
		Duration:         jsii.Number(3),
		Cutoff:           jsii.Number(1),
	})
	target := ssmmaintenancewindowtarget.NewSsmMaintenanceWindowTarget(c, jsii.String("target"), &ssmmaintenancewindowtarget.SsmMaintenanceWindowTargetConfig{
		WindowId:     window.Id(),
		Name:         jsii.String(cfg.Name),
		ResourceType: jsii.String("INSTANCE"),
		Targets: []*ssmmaintenancewindowtarget.SsmMaintenanceWindowTargetTargets{{
			Key: jsii.String("tag:" + PatchGroupTag), Values: jsii.Strings(cfg.PatchGroup),
		}},
	})
	ssmmaintenancewindowtask.NewSsmMaintenanceWindowTask(c, jsii.String("install"), &ssmmaintenancewindowtask.SsmMaintenanceWindowTaskConfig{
		WindowId:       window.Id(),
		Name:           jsii.String(cfg.Name + "-install"),
		TaskType:       jsii.String("RUN_COMMAND"),
		TaskArn:        jsii.String("AWS-RunPatchBaseline"),
		Priority:       jsii.Number(1),
		MaxConcurrency: jsii.String("1"),
		MaxErrors:      jsii.String("1"),
		Targets: []*ssmmaintenancewindowtask.SsmMaintenanceWindowTaskTargets{{
			Key: jsii.String("WindowTargetIds"), Values: &[]*string{target.Id()},
		}},
		TaskInvocationParameters: &ssmmaintenancewindowtask.SsmMaintenanceWindowTaskTaskInvocationParameters{
			RunCommandParameters: &ssmmaintenancewindowtask.SsmMaintenanceWindowTaskTaskInvocationParametersRunCommandParameters{
				Parameter: []*ssmmaintenancewindowtask.SsmMaintenanceWindowTaskTaskInvocationParametersRunCommandParametersParameter{
					{Name: jsii.String("Operation"), Values: jsii.Strings("Install")},
					{Name: jsii.String("RebootOption"), Values: jsii.Strings("RebootIfNeeded")},
				},
			},
		},
		// The group must name the baseline before the first run, or the default baseline applies.
		DependsOn: &[]cdktf.ITerraformDependable{group},
	})
	return &Output{BaselineID: baseline.Id(), WindowID: window.Id()}, nil
}
