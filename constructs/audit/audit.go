// Package audit is the CloudTrail trail (SEC-5, OBS-4): every region, management events
// read and write, S3 data events of the documents bucket, log file validation, encrypted
// with the CloudTrail key, to the object-locked audit bucket and to a CloudWatch log group.
package audit

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudtrail"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/constructs/iampolicy"
	"github.com/smile/infra/constructs/iamrole"
	"github.com/smile/infra/constructs/loggroup"
)

// Prefix is where the trail writes in the audit bucket.
const Prefix = "cloudtrail"

// Config is the trail of one environment.
type Config struct {
	Name      string
	Region    string
	AccountID *string
	// Bucket is the audit bucket (7-year object lock, S3-2); BucketReady its policy, which
	// must admit CloudTrail (BucketStatements) before the trail is created.
	BucketName, BucketArn *string
	BucketReady           cdktf.ITerraformDependable
	KeyArn                *string
	LogsKeyArn            *string
	LogRetentionDays      int
	// DataEventBucketArns are buckets whose object reads and writes are recorded.
	DataEventBucketArns []*string
}

// Output is the trail.
type Output struct {
	Arn, LogGroupName *string
}

// Arn is the trail's ARN, known before it exists (the bucket policy names it).
func (cfg Config) Arn() string {
	return fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/%s", cfg.Region, *cfg.AccountID, cfg.Name)
}

// BucketStatements let this trail, and only it, write into the audit bucket.
func (cfg Config) BucketStatements() []iampolicy.Statement {
	trail := iampolicy.Condition{Test: "StringEquals", Variable: "aws:SourceArn", Values: []*string{jsii.String(cfg.Arn())}}
	principal := []iampolicy.Principal{{Type: "Service", Identifiers: []*string{jsii.String("cloudtrail.amazonaws.com")}}}
	return []iampolicy.Statement{{
		Sid: "CloudTrailChecksTheBucket", Principals: principal,
		Actions: []string{"s3:GetBucketAcl"}, Resources: []*string{cfg.BucketArn}, Conditions: []iampolicy.Condition{trail},
	}, {
		Sid: "CloudTrailWrites", Principals: principal, Actions: []string{"s3:PutObject"},
		Resources:  []*string{jsii.String(fmt.Sprintf("%s/%s/AWSLogs/%s/*", *cfg.BucketArn, Prefix, *cfg.AccountID))},
		Conditions: []iampolicy.Condition{trail, {Test: "StringEquals", Variable: "s3:x-amz-acl", Values: []*string{jsii.String("bucket-owner-full-control")}}},
	}}
}

// New builds the trail.
func New(scope constructs.Construct, id string, cfg Config) (*Output, error) {
	if cfg.Name == "" || cfg.Region == "" || cfg.AccountID == nil || cfg.BucketName == nil || cfg.BucketArn == nil ||
		cfg.BucketReady == nil || cfg.KeyArn == nil || cfg.LogsKeyArn == nil {
		return nil, fmt.Errorf("audit %s: Name, Region, AccountID, BucketName, BucketArn, BucketReady, KeyArn and LogsKeyArn are required (SEC-5)", id)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	group := loggroup.New(c, "log-group", loggroup.Config{Name: cfg.Name, KeyArn: cfg.LogsKeyArn, RetentionDays: cfg.LogRetentionDays, Audit: true})
	streams := jsii.String(fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s:log-stream:*", cfg.Region, *cfg.AccountID, cfg.Name))
	role, err := iamrole.New(c, "logs-role", iamrole.Config{
		Name: cfg.Name + "-logs", Service: "cloudtrail.amazonaws.com", SourceAccount: cfg.AccountID,
		Statements: []iampolicy.Statement{{
			Sid: "DeliverToTheTrailLogGroup", Actions: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resources: []*string{streams},
		}},
	})
	if err != nil {
		return nil, err
	}

	selectors := []*cloudtrail.CloudtrailAdvancedEventSelector{{
		// Reads and writes: who looked at what is half of an audit.
		Name: jsii.String("Management events, read and write"),
		FieldSelector: []*cloudtrail.CloudtrailAdvancedEventSelectorFieldSelector{
			{Field: jsii.String("eventCategory"), EqualTo: jsii.Strings("Management")},
		},
	}}
	if len(cfg.DataEventBucketArns) > 0 {
		var objects []*string
		for _, arn := range cfg.DataEventBucketArns {
			objects = append(objects, jsii.String(*arn+"/"))
		}
		selectors = append(selectors, &cloudtrail.CloudtrailAdvancedEventSelector{
			Name: jsii.String("S3 object access of the documents"),
			FieldSelector: []*cloudtrail.CloudtrailAdvancedEventSelectorFieldSelector{
				{Field: jsii.String("eventCategory"), EqualTo: jsii.Strings("Data")},
				{Field: jsii.String("resources.type"), EqualTo: jsii.Strings("AWS::S3::Object")},
				{Field: jsii.String("resources.ARN"), StartsWith: &objects},
			},
		})
	}
	deps := append([]cdktf.ITerraformDependable{cfg.BucketReady}, role.Policies...)
	trail := cloudtrail.NewCloudtrail(c, jsii.String("trail"), &cloudtrail.CloudtrailConfig{
		Name:                       jsii.String(cfg.Name),
		S3BucketName:               cfg.BucketName,
		S3KeyPrefix:                jsii.String(Prefix),
		KmsKeyId:                   cfg.KeyArn,
		IsMultiRegionTrail:         jsii.Bool(true),
		IncludeGlobalServiceEvents: jsii.Bool(true),
		EnableLogFileValidation:    jsii.Bool(true),
		EnableLogging:              jsii.Bool(true),
		CloudWatchLogsGroupArn:     jsii.String(*group.Arn() + ":*"),
		CloudWatchLogsRoleArn:      role.Arn,
		AdvancedEventSelector:      selectors,
		// The bucket must admit the trail and the role must be able to write, or CloudTrail
		// refuses the configuration.
		DependsOn: &deps,
	})
	return &Output{Arn: trail.Arn(), LogGroupName: group.Name()}, nil
}
