package preflight

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/smile/infra/config"
)

// SessionPreferencesDocument is the one document per account and region that holds the
// Session Manager preferences.
const SessionPreferencesDocument = "SSM-SessionManagerRunShell"

// Singletons finds what an account holds once per region and already has, where this stack
// would create it: each becomes a BLOCKER with the import that adopts it. The import IDs
// are those of the AWS provider's documentation: the detector ID, the account ID, the
// recorder's, channel's and document's names, the trail's ARN.
func (p *Preflight) Singletons(ctx context.Context) []Finding {
	findings := p.sharedSingletons()
	if p.Env.Security.OwnsAccountBaseline {
		findings = append(findings, p.guardDuty(ctx), p.securityHub(ctx))
		findings = append(findings, p.configService(ctx)...)
	}
	if p.Env.Compute.Bastion.ManageSessionPreferences {
		findings = append(findings, p.sessionPreferences(ctx))
	}
	return append(findings, p.trails(ctx)...)
}

// sharedSingletons: of the environments sharing the account, at most one may own each
// singleton, or their stacks fight over it.
func (p *Preflight) sharedSingletons() []Finding {
	var findings []Finding
	for _, s := range []struct {
		field string
		owns  func(config.Environment) bool
	}{
		{"Security.OwnsAccountBaseline", func(e config.Environment) bool { return e.Security.OwnsAccountBaseline }},
		{"Compute.Bastion.ManageSessionPreferences", func(e config.Environment) bool { return e.Compute.Bastion.ManageSessionPreferences }},
	} {
		var owners []string
		for _, env := range p.Shared {
			if s.owns(env) {
				owners = append(owners, env.Name)
			}
		}
		if len(owners) > 1 {
			findings = append(findings, Finding{Severity: Blocker, Check: "config",
				What: fmt.Sprintf("%s share the account and each set %s", strings.Join(owners, ", "), s.field),
				Why:  "the second stack to deploy fails on settings the first already created",
				Fix:  fmt.Sprintf("set %s on one of them only (config/)", s.field)})
		}
	}
	return findings
}

// existing is the finding for a singleton that the stack's resource of type typ would
// create but the account already has.
func (p *Preflight) existing(typ, what, address, id, extra string) Finding {
	fix := "import it: " + p.importCommand(address, id)
	if address == "" {
		fix = "the stack's synthesized JSON has no " + typ + ": run the preflight with -synth cdktf.out/stacks/" + p.Env.StackName()
	}
	return Finding{Severity: Blocker, Check: "singleton", What: what + " already exists",
		Why: "creating the stack's own fails (one per account and region)" + extra, Fix: fix}
}

func (p *Preflight) guardDuty(ctx context.Context) Finding {
	out, err := p.AWS.GuardDuty.ListDetectors(ctx, &guardduty.ListDetectorsInput{})
	if err != nil {
		return couldNotCheck("singleton", "the GuardDuty detector (ListDetectors)", err, "aws guardduty list-detectors --region "+p.Env.Region)
	}
	if len(out.DetectorIds) == 0 {
		return Finding{Severity: OK, Check: "singleton", What: "no GuardDuty detector yet"}
	}
	id := out.DetectorIds[0]
	return p.existing("aws_guardduty_detector", "GuardDuty detector "+id, p.Synth.Address("aws_guardduty_detector", ""), id, "")
}

func (p *Preflight) securityHub(ctx context.Context) Finding {
	_, err := p.AWS.SecurityHub.DescribeHub(ctx, &securityhub.DescribeHubInput{})
	var notSubscribed *shtypes.InvalidAccessException
	switch {
	case errors.As(err, &notSubscribed):
		return Finding{Severity: OK, Check: "singleton", What: "Security Hub not enabled yet"}
	case err != nil:
		return couldNotCheck("singleton", "Security Hub (DescribeHub)", err, "aws securityhub describe-hub --region "+p.Env.Region)
	}
	return p.existing("aws_securityhub_account", "Security Hub (enabled in account "+p.AccountID+")",
		p.Synth.Address("aws_securityhub_account", ""), p.AccountID,
		"; after the import, check the plan: the stack turns the default standards off and subscribes FSBP")
}

func (p *Preflight) configService(ctx context.Context) []Finding {
	var findings []Finding
	manual := "aws configservice describe-configuration-recorders --region " + p.Env.Region
	recorders, err := p.AWS.Config.DescribeConfigurationRecorders(ctx, &configservice.DescribeConfigurationRecordersInput{})
	if err != nil {
		findings = append(findings, couldNotCheck("singleton", "the AWS Config recorder (DescribeConfigurationRecorders)", err, manual))
	} else {
		var names []string
		for _, r := range recorders.ConfigurationRecorders {
			names = append(names, aws.ToString(r.Name))
		}
		findings = append(findings, p.configSingleton("aws_config_configuration_recorder", "AWS Config recorder", names,
			"aws configservice delete-configuration-recorder --configuration-recorder-name"))
	}
	channels, err := p.AWS.Config.DescribeDeliveryChannels(ctx, &configservice.DescribeDeliveryChannelsInput{})
	if err != nil {
		return append(findings, couldNotCheck("singleton", "the AWS Config delivery channel (DescribeDeliveryChannels)", err,
			"aws configservice describe-delivery-channels --region "+p.Env.Region))
	}
	var names []string
	for _, c := range channels.DeliveryChannels {
		names = append(names, aws.ToString(c.Name))
	}
	return append(findings, p.configSingleton("aws_config_delivery_channel", "AWS Config delivery channel", names,
		"aws configservice delete-delivery-channel --delivery-channel-name"))
}

// configSingleton: AWS Config allows one recorder and one channel per region; both are
// imported by name, and a name other than the stack's makes the next plan replace it.
func (p *Preflight) configSingleton(typ, what string, names []string, deleteCommand string) Finding {
	if len(names) == 0 {
		return Finding{Severity: OK, Check: "singleton", What: "no " + what + " yet"}
	}
	name, ours := names[0], p.Synth.Name(typ)
	f := p.existing(typ, what+" "+name, p.Synth.Address(typ, ""), name, "")
	if ours != "" && name != ours {
		f.Fix += fmt.Sprintf(" (the stack names it %s, so the next plan replaces it), or delete it: %s %s", ours, deleteCommand, name)
	}
	return f
}

func (p *Preflight) sessionPreferences(ctx context.Context) Finding {
	_, err := p.AWS.SSM.DescribeDocument(ctx, &ssm.DescribeDocumentInput{Name: aws.String(SessionPreferencesDocument)})
	var missing *ssmtypes.InvalidDocument
	switch {
	case errors.As(err, &missing):
		return Finding{Severity: OK, Check: "singleton", What: "no Session Manager preferences document yet"}
	case err != nil:
		return couldNotCheck("singleton", "the Session Manager preferences (DescribeDocument "+SessionPreferencesDocument+")", err,
			"aws ssm describe-document --name "+SessionPreferencesDocument+" --region "+p.Env.Region)
	}
	return p.existing("aws_ssm_document", "Session Manager preferences document "+SessionPreferencesDocument,
		p.Synth.Address("aws_ssm_document", SessionPreferencesDocument), SessionPreferencesDocument,
		" (someone saved the preferences in the console)")
}

// trails: a trail of the stack's name blocks; other trails only cost (every trail after the
// first that records management events is charged).
func (p *Preflight) trails(ctx context.Context) []Finding {
	ours := p.Synth.Name("aws_cloudtrail")
	out, err := p.AWS.CloudTrail.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
	if err != nil {
		return []Finding{couldNotCheck("singleton", "the CloudTrail trails (DescribeTrails)", err, "aws cloudtrail describe-trails --region "+p.Env.Region)}
	}
	var findings []Finding
	for _, t := range out.TrailList {
		name, arn := aws.ToString(t.Name), aws.ToString(t.TrailARN)
		if name == ours {
			findings = append(findings, p.existing("aws_cloudtrail", "CloudTrail trail "+name, p.Synth.Address("aws_cloudtrail", ours), arn, ""))
			continue
		}
		kind := "trail"
		if aws.ToBool(t.IsOrganizationTrail) {
			kind = "organization trail"
		}
		findings = append(findings, Finding{Severity: Warning, Check: "singleton",
			What: fmt.Sprintf("CloudTrail %s %s (%s) already records this account", kind, name, arn),
			Why:  "the stack's trail " + ours + " is a second copy of the management events, which CloudTrail charges for",
			Fix:  "nothing is required; keep both, or remove the other trail once " + ours + " runs"})
	}
	if len(findings) == 0 {
		findings = append(findings, Finding{Severity: OK, Check: "singleton", What: "no CloudTrail trail yet"})
	}
	return findings
}

// ServiceLinkedRoles checks that the service-linked roles the key policies name exist: KMS
// rejects a key policy whose principal does not (MalformedPolicyDocumentException).
func (p *Preflight) ServiceLinkedRoles(ctx context.Context) []Finding {
	var findings []Finding
	for _, role := range p.Synth.KeyPolicyServiceLinkedRoles() {
		what := fmt.Sprintf("service-linked role %s (%s), named in a key policy", role.Name, role.Service)
		_, err := p.AWS.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(role.Name)})
		var missing *iamtypes.NoSuchEntityException
		switch {
		case errors.As(err, &missing):
			findings = append(findings, Finding{Severity: Blocker, Check: "role", What: what + " does not exist",
				Why: "KMS rejects the key policy that names it, and everything encrypted with the key waits on it",
				Fix: "aws iam create-service-linked-role --aws-service-name " + role.Service})
		case err != nil:
			findings = append(findings, couldNotCheck("role", what+" (GetRole)", err, "aws iam get-role --role-name "+role.Name))
		default:
			findings = append(findings, Finding{Severity: OK, Check: "role", What: what + " exists"})
		}
	}
	return findings
}
