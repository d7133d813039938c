// Package baseline holds the settings an AWS account has once per region, which a SOC 2
// audit expects (SEC-7): EBS encryption by default, the account's S3 public access block,
// an IAM password policy, GuardDuty, Security Hub with the AWS Foundational Security Best
// Practices standard, an AWS Config recorder, X-Ray encryption, and the account's cost
// controls (COST-2): cost allocation tags activated and Cost Anomaly Detection alerting a
// topic. Exactly one stack per account builds it (config.Security.OwnsAccountBaseline).
package baseline

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ceanomalymonitor"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ceanomalysubscription"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cecostallocationtag"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/configconfigurationrecorder"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/configconfigurationrecorderstatus"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/configdeliverychannel"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ebsdefaultkmskey"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ebsencryptionbydefault"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/guarddutydetector"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/guarddutydetectorfeature"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamaccountpasswordpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3accountpublicaccessblock"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securityhubaccount"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securityhubstandardssubscription"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/xrayencryptionconfig"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/constructs/iampolicy"
	"github.com/smile/infra/constructs/iamrole"
)

// ConfigPrefix is where AWS Config delivers in the audit bucket.
const ConfigPrefix = "config"

// GuardDutyFeatures are the protection plans turned on besides the foundational sources:
// the clusters' audit logs, database logins, S3 data events and malware scans of volumes.
var GuardDutyFeatures = []string{"EKS_AUDIT_LOGS", "RDS_LOGIN_EVENTS", "S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION"}

// Password policy (CIS AWS Foundations 1.8-1.9, Security Hub IAM.7).
const (
	MinimumPasswordLength   = 14
	PasswordReusePrevention = 24
	MaxPasswordAgeDays      = 90
)

// Config is the account baseline.
type Config struct {
	Name      string
	Region    string
	AccountID *string
	// DataKeyArn encrypts new EBS volumes by default; LogsKeyArn encrypts X-Ray traces.
	DataKeyArn, LogsKeyArn *string
	// AuditBucketName and AuditBucketArn receive AWS Config's snapshots and history under
	// ConfigPrefix; the bucket's default key is DataKeyArn.
	AuditBucketName, AuditBucketArn *string
	// CostAllocationTags are activated for Cost Explorer and budgets (the tags of ENV-2
	// that tell environments apart); the budgets filter on them (COST-2).
	CostAllocationTags []string
	// AnomalyTopicArn receives Cost Anomaly Detection's alerts of anomalies whose total
	// impact reaches AnomalyAlertUSD; its policy must let costalerts.amazonaws.com publish.
	AnomalyTopicArn *string
	AnomalyAlertUSD float64
}

// Output is what other tiers refer to.
type Output struct {
	GuardDutyDetectorID *string
}

// New builds the baseline.
func New(scope constructs.Construct, id string, cfg Config) (*Output, error) {
	if cfg.Name == "" || cfg.Region == "" || cfg.AccountID == nil || cfg.DataKeyArn == nil || cfg.LogsKeyArn == nil ||
		cfg.AuditBucketName == nil || cfg.AuditBucketArn == nil || cfg.AnomalyTopicArn == nil || cfg.AnomalyAlertUSD < 1 {
		return nil, fmt.Errorf("baseline %s: Name, Region, AccountID, DataKeyArn, LogsKeyArn, AuditBucketName, AuditBucketArn, AnomalyTopicArn and AnomalyAlertUSD are required", id)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))

	ebsencryptionbydefault.NewEbsEncryptionByDefault(c, jsii.String("ebs-encryption"), &ebsencryptionbydefault.EbsEncryptionByDefaultConfig{Enabled: jsii.Bool(true)})
	ebsdefaultkmskey.NewEbsDefaultKmsKey(c, jsii.String("ebs-key"), &ebsdefaultkmskey.EbsDefaultKmsKeyConfig{KeyArn: cfg.DataKeyArn})
	s3accountpublicaccessblock.NewS3AccountPublicAccessBlock(c, jsii.String("s3-public-access-block"), &s3accountpublicaccessblock.S3AccountPublicAccessBlockConfig{
		BlockPublicAcls: jsii.Bool(true), BlockPublicPolicy: jsii.Bool(true), IgnorePublicAcls: jsii.Bool(true), RestrictPublicBuckets: jsii.Bool(true),
	})
	iamaccountpasswordpolicy.NewIamAccountPasswordPolicy(c, jsii.String("password-policy"), &iamaccountpasswordpolicy.IamAccountPasswordPolicyConfig{
		MinimumPasswordLength: jsii.Number(MinimumPasswordLength), PasswordReusePrevention: jsii.Number(PasswordReusePrevention),
		MaxPasswordAge:             jsii.Number(MaxPasswordAgeDays),
		RequireLowercaseCharacters: jsii.Bool(true), RequireUppercaseCharacters: jsii.Bool(true),
		RequireNumbers: jsii.Bool(true), RequireSymbols: jsii.Bool(true), AllowUsersToChangePassword: jsii.Bool(true),
	})

	detector := guarddutydetector.NewGuarddutyDetector(c, jsii.String("guardduty"), &guarddutydetector.GuarddutyDetectorConfig{
		Enable: jsii.Bool(true), FindingPublishingFrequency: jsii.String("FIFTEEN_MINUTES"),
	})
	for _, feature := range GuardDutyFeatures {
		guarddutydetectorfeature.NewGuarddutyDetectorFeature(c, jsii.String("guardduty-"+feature), &guarddutydetectorfeature.GuarddutyDetectorFeatureConfig{
			DetectorId: detector.Id(), Name: jsii.String(feature), Status: jsii.String("ENABLED"),
		})
	}

	hub := securityhubaccount.NewSecurityhubAccount(c, jsii.String("security-hub"), &securityhubaccount.SecurityhubAccountConfig{
		// The one standard below, chosen here rather than whatever AWS enables by default.
		EnableDefaultStandards:  jsii.Bool(false),
		ControlFindingGenerator: jsii.String("SECURITY_CONTROL"),
		AutoEnableControls:      jsii.Bool(true),
	})
	securityhubstandardssubscription.NewSecurityhubStandardsSubscription(c, jsii.String("fsbp"), &securityhubstandardssubscription.SecurityhubStandardsSubscriptionConfig{
		StandardsArn: jsii.String(fmt.Sprintf("arn:aws:securityhub:%s::standards/aws-foundational-security-best-practices/v/1.0.0", cfg.Region)),
		DependsOn:    &[]cdktf.ITerraformDependable{hub},
	})

	objects := jsii.String(fmt.Sprintf("%s/%s/AWSLogs/%s/*", *cfg.AuditBucketArn, ConfigPrefix, *cfg.AccountID))
	role, err := iamrole.New(c, "config-role", iamrole.Config{
		Name: cfg.Name + "-config", Service: "config.amazonaws.com", SourceAccount: cfg.AccountID,
		ManagedPolicyArns: []string{"arn:aws:iam::aws:policy/service-role/AWS_ConfigRole"},
		Statements: []iampolicy.Statement{
			{Sid: "CheckTheAuditBucket", Actions: []string{"s3:GetBucketAcl", "s3:ListBucket"}, Resources: []*string{cfg.AuditBucketArn}},
			{Sid: "DeliverToTheAuditBucket", Actions: []string{"s3:PutObject", "s3:PutObjectAcl"}, Resources: []*string{objects}},
			{Sid: "EncryptWithTheBucketKey", Actions: []string{"kms:GenerateDataKey", "kms:Decrypt"}, Resources: []*string{cfg.DataKeyArn}},
		},
	})
	if err != nil {
		return nil, err
	}
	recorder := configconfigurationrecorder.NewConfigConfigurationRecorder(c, jsii.String("config-recorder"), &configconfigurationrecorder.ConfigConfigurationRecorderConfig{
		Name: jsii.String(cfg.Name + "-config"), RoleArn: role.Arn,
		RecordingGroup: &configconfigurationrecorder.ConfigConfigurationRecorderRecordingGroup{
			AllSupported: jsii.Bool(true), IncludeGlobalResourceTypes: jsii.Bool(true),
		},
	})
	channel := configdeliverychannel.NewConfigDeliveryChannel(c, jsii.String("config-delivery"), &configdeliverychannel.ConfigDeliveryChannelConfig{
		Name: jsii.String(cfg.Name + "-config"), S3BucketName: cfg.AuditBucketName, S3KeyPrefix: jsii.String(ConfigPrefix),
		DependsOn: &[]cdktf.ITerraformDependable{recorder},
	})
	deps := append([]cdktf.ITerraformDependable{channel}, role.Policies...)
	configconfigurationrecorderstatus.NewConfigConfigurationRecorderStatus(c, jsii.String("config-recording"), &configconfigurationrecorderstatus.ConfigConfigurationRecorderStatusConfig{
		Name: recorder.Name(), IsEnabled: jsii.Bool(true), DependsOn: &deps,
	})

	xrayencryptionconfig.NewXrayEncryptionConfig(c, jsii.String("xray-encryption"), &xrayencryptionconfig.XrayEncryptionConfigConfig{
		Type: jsii.String("KMS"), KeyId: cfg.LogsKeyArn,
	})
	newCostControls(c, cfg)
	return &Output{GuardDutyDetectorID: detector.Id()}, nil
}

// newCostControls activates the cost allocation tags and watches the account's spend per
// service for anomalies (COST-2). A tag key can be activated only once AWS billing has
// seen it on a resource, up to a day after the first deploy (docs/known-limits.md).
func newCostControls(c constructs.Construct, cfg Config) {
	for _, key := range cfg.CostAllocationTags {
		cecostallocationtag.NewCeCostAllocationTag(c, jsii.String("cost-tag-"+key), &cecostallocationtag.CeCostAllocationTagConfig{
			TagKey: jsii.String(key), Status: jsii.String("Active"),
		})
	}
	monitor := ceanomalymonitor.NewCeAnomalyMonitor(c, jsii.String("cost-anomaly-monitor"), &ceanomalymonitor.CeAnomalyMonitorConfig{
		Name: jsii.String(cfg.Name + "-services"), MonitorType: jsii.String("DIMENSIONAL"), MonitorDimension: jsii.String("SERVICE"),
	})
	// An SNS subscriber needs IMMEDIATE alerts (daily and weekly summaries go by e-mail).
	ceanomalysubscription.NewCeAnomalySubscription(c, jsii.String("cost-anomaly-alerts"), &ceanomalysubscription.CeAnomalySubscriptionConfig{
		Name: jsii.String(cfg.Name + "-cost-anomalies"), Frequency: jsii.String("IMMEDIATE"),
		MonitorArnList: &[]*string{monitor.Arn()},
		Subscriber:     &[]*ceanomalysubscription.CeAnomalySubscriptionSubscriber{{Type: jsii.String("SNS"), Address: cfg.AnomalyTopicArn}},
		ThresholdExpression: &ceanomalysubscription.CeAnomalySubscriptionThresholdExpression{
			Dimension: &ceanomalysubscription.CeAnomalySubscriptionThresholdExpressionDimension{
				Key: jsii.String("ANOMALY_TOTAL_IMPACT_ABSOLUTE"), MatchOptions: jsii.Strings("GREATER_THAN_OR_EQUAL"),
				Values: jsii.Strings(fmt.Sprintf("%g", cfg.AnomalyAlertUSD)),
			},
		},
	})
}
