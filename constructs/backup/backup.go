// Package backup builds AWS Backup for the data tier (DR-1): a locked vault under the
// backup key, a plan meeting RPO 15 minutes / RTO 4 hours, and selections by tag.
package backup

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/backupplan"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/backupselection"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/backupvault"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/backupvaultlockconfiguration"

	"github.com/smile/infra/config"
	"github.com/smile/infra/constructs/iamrole"
)

// Tags that select resources, each for one plan (a selection puts a resource under every
// rule of its plan).
const (
	// TagDaily: daily recovery points kept 30 days, monthly ones kept 7 years (RDS, EFS, EBS).
	TagDaily = "smile:backup"
	// TagContinuous: RDS continuous backup, restorable to any second (RPO minutes).
	TagContinuous = "smile:backup-continuous"
)

// Tags marks a resource for the daily plan and, if continuous, the continuous plan.
func Tags(continuous bool) map[string]string {
	tags := map[string]string{TagDaily: "true"}
	if continuous {
		tags[TagContinuous] = "true"
	}
	return tags
}

// Schedules in UTC: 01:00 Jakarta every day, and on the first of the month.
const (
	dailySchedule   = "cron(0 18 * * ? *)"
	monthlySchedule = "cron(0 19 1 * ? *)"
	// Continuous backup keeps at most 35 days.
	continuousRetentionDays = 35
)

// Config is the backups of one environment.
type Config struct {
	config.Backup
	// Name of the vault, plans and role, e.g. smile5-dev-backup (ENV-2).
	Name         string
	BackupKeyArn *string
}

// Output is the vault and plan.
type Output struct {
	VaultName, VaultArn, PlanID, RoleArn *string
}

// New builds the vault, its lock, the plan and the selections.
func New(scope constructs.Construct, id string, cfg Config) (*Output, error) {
	if cfg.Name == "" || cfg.BackupKeyArn == nil {
		return nil, fmt.Errorf("backup: Name and BackupKeyArn are required (DR-1)")
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	vault := backupvault.NewBackupVault(c, jsii.String("vault"), &backupvault.BackupVaultConfig{
		Name: jsii.String(cfg.Name), KmsKeyArn: cfg.BackupKeyArn,
	})
	lock := &backupvaultlockconfiguration.BackupVaultLockConfigurationConfig{
		BackupVaultName:  vault.Name(),
		MinRetentionDays: jsii.Number(float64(cfg.VaultMinRetentionDays)),
		MaxRetentionDays: jsii.Number(float64(cfg.VaultMaxRetentionDays)),
	}
	// A compliance lock becomes permanent after its grace period: not even the root user
	// can then shorten retention or delete the vault. Without it, the lock is governance.
	if cfg.VaultChangeableForDays > 0 {
		lock.ChangeableForDays = jsii.Number(float64(cfg.VaultChangeableForDays))
	}
	backupvaultlockconfiguration.NewBackupVaultLockConfiguration(c, jsii.String("vault-lock"), lock)

	days := func(n int) *float64 { return jsii.Number(float64(n)) }
	rules := []*backupplan.BackupPlanRule{{
		RuleName: jsii.String("daily"), TargetVaultName: vault.Name(), Schedule: jsii.String(dailySchedule),
		StartWindow: jsii.Number(60), CompletionWindow: jsii.Number(240),
		Lifecycle: &backupplan.BackupPlanRuleLifecycle{DeleteAfter: days(cfg.DailyRetentionDays)},
	}, {
		RuleName: jsii.String("monthly-archive"), TargetVaultName: vault.Name(), Schedule: jsii.String(monthlySchedule),
		StartWindow: jsii.Number(60), CompletionWindow: jsii.Number(480),
		Lifecycle: &backupplan.BackupPlanRuleLifecycle{
			ColdStorageAfter: days(cfg.ColdStorageAfterDays), DeleteAfter: days(cfg.ArchiveRetentionDays),
			OptInToArchiveForSupportedResources: jsii.Bool(true),
		},
	}}
	plans := map[string]*[]*backupplan.BackupPlanRule{TagDaily: &rules}
	if cfg.ContinuousDatabaseBackup {
		// DR-1: RPO 15 minutes: continuous backup restores RDS to any second of the window.
		plans[TagContinuous] = &[]*backupplan.BackupPlanRule{{
			RuleName: jsii.String("continuous"), TargetVaultName: vault.Name(), Schedule: jsii.String(dailySchedule),
			EnableContinuousBackup: jsii.Bool(true),
			Lifecycle:              &backupplan.BackupPlanRuleLifecycle{DeleteAfter: days(continuousRetentionDays)},
		}}
	}

	role, err := iamrole.New(c, "role", iamrole.Config{
		Name: cfg.Name, Service: "backup.amazonaws.com",
		ManagedPolicyArns: []string{
			"arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
			"arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
		},
	})
	if err != nil {
		return nil, err
	}
	// Selections by tag: a resource joins a plan by carrying its tag.
	out := &Output{VaultName: vault.Name(), VaultArn: vault.Arn(), RoleArn: role.Arn}
	for _, tag := range []string{TagDaily, TagContinuous} {
		planRules, ok := plans[tag]
		if !ok {
			continue
		}
		name, key := cfg.Name, "plan"
		if tag == TagContinuous {
			name, key = cfg.Name+"-continuous", "continuous-plan"
		}
		plan := backupplan.NewBackupPlan(c, jsii.String(key), &backupplan.BackupPlanConfig{Name: jsii.String(name), Rule: planRules})
		backupselection.NewBackupSelection(c, jsii.String(key+"-selection"), &backupselection.BackupSelectionConfig{
			Name: jsii.String(name), PlanId: plan.Id(), IamRoleArn: role.Arn,
			SelectionTag: &[]*backupselection.BackupSelectionSelectionTag{{
				Type: jsii.String("STRINGEQUALS"), Key: jsii.String(tag), Value: jsii.String("true"),
			}},
		})
		if tag == TagDaily {
			out.PlanID = plan.Id()
		}
	}
	return out, nil
}
