// Package buckets builds the S3 buckets (S3-1, S3-2): public access blocked, owner-enforced,
// versioned, encrypted, TLS only, access-logged to the logs bucket, with lifecycle rules;
// the audit archive under object lock.
package buckets

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucket"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketlifecycleconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketlogging"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketobjectlockconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketownershipcontrols"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpublicaccessblock"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketserversideencryptionconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketversioning"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/config"
	"github.com/smile/infra/constructs/iampolicy"
)

// The buckets' purposes: smile5-<env>-<purpose><suffix>.
const (
	State     = "state"     // Terraform state of every environment (the bootstrap stack, CICD-3)
	Assets    = "assets"    // the React frontend, served by CloudFront (EDGE-1)
	Documents = "documents" // documents and media uploaded through the application
	Backups   = "backups"   // database exports and other backups, kept 7 years
	Logs      = "logs"      // access logs of the buckets, the load balancer and CloudFront
	Audit     = "audit"     // the audit archive: object lock, kept 7 years
)

// Prefixes in the logs bucket of the logs other services deliver.
const (
	LoadBalancerLogPrefix = "alb"
	CloudFrontLogPrefix   = "cloudfront"
)

// Purposes lists an environment's buckets, the logs bucket first (the others log to it).
var Purposes = []string{Logs, Assets, Documents, Backups, Audit}

// BootstrapPurposes are the bootstrap stack's buckets: the state and its access logs.
var BootstrapPurposes = []string{Logs, State}

// Config is the buckets of one environment.
type Config struct {
	config.Buckets
	// Prefix names the buckets, e.g. smile5-dev (ENV-2).
	Prefix     string
	Region     string
	AccountID  *string
	DataKeyArn *string
	// AssetsKeyArn encrypts the assets bucket: CloudFront may decrypt with it (EDGE-1).
	AssetsKeyArn *string
	// Purposes are the buckets to build, the logs bucket first; nil means Purposes. Only
	// an environment's logs bucket (with the assets bucket) takes load balancer and
	// CloudFront logs.
	Purposes []string
}

func (cfg Config) purposes() []string {
	if cfg.Purposes == nil {
		return Purposes
	}
	return cfg.Purposes
}

func (cfg Config) has(purpose string) bool { return slices.Contains(cfg.purposes(), purpose) }

// Bucket is one bucket's identity.
type Bucket struct {
	Name, Arn, DomainName *string
	// Policy is the bucket's policy: a service that delivers into the bucket checks it
	// when it is configured, so it must exist first (depends_on).
	Policy cdktf.ITerraformDependable
}

// Output maps each purpose to its bucket.
type Output struct {
	Buckets  map[string]Bucket
	policies map[string]*iampolicy.Doc
}

// AllowInPolicy adds statements to the policy of a purpose's bucket, for readers built
// after the buckets (the CloudFront distribution of the assets bucket).
func (o *Output) AllowInPolicy(purpose string, statements ...iampolicy.Statement) error {
	doc, ok := o.policies[purpose]
	if !ok {
		return fmt.Errorf("buckets: no bucket for purpose %q", purpose)
	}
	doc.Add(statements...)
	return nil
}

// Name is the bucket name of a purpose.
func (cfg Config) Name(purpose string) string { return cfg.Prefix + "-" + purpose + cfg.NameSuffix }

// New builds the buckets.
func New(scope constructs.Construct, id string, cfg Config) (*Output, error) {
	if cfg.Prefix == "" || cfg.Region == "" || cfg.AccountID == nil || cfg.DataKeyArn == nil || (cfg.has(Assets) && cfg.AssetsKeyArn == nil) {
		return nil, fmt.Errorf("buckets: Prefix, Region, AccountID, DataKeyArn and (with an assets bucket) AssetsKeyArn are required (S3-1)")
	}
	if p := cfg.purposes(); len(p) == 0 || p[0] != Logs {
		return nil, fmt.Errorf("buckets: the logs bucket must come first, the others log to it (S3-1)")
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	out := &Output{Buckets: map[string]Bucket{}, policies: map[string]*iampolicy.Doc{}}
	var logs *logTarget
	for _, purpose := range cfg.purposes() {
		b, policy, doc := newBucket(c, cfg, purpose, logs)
		if purpose == Logs {
			logs = &logTarget{bucket: b, policy: policy}
		}
		out.policies[purpose] = doc
		out.Buckets[purpose] = Bucket{Name: b.Bucket(), Arn: b.Arn(), DomainName: b.BucketRegionalDomainName(), Policy: policy}
	}
	return out, nil
}

// logTarget is the logs bucket and the policy that lets S3 deliver access logs into it.
type logTarget struct {
	bucket s3bucket.S3Bucket
	policy cdktf.ITerraformDependable
}

func newBucket(scope constructs.Construct, cfg Config, purpose string, logs *logTarget) (s3bucket.S3Bucket, cdktf.ITerraformDependable, *iampolicy.Doc) {
	c := constructs.NewConstruct(scope, jsii.String(purpose))
	bucket := s3bucket.NewS3Bucket(c, jsii.String("bucket"), &s3bucket.S3BucketConfig{
		Bucket: jsii.String(cfg.Name(purpose)),
		// S3-2: object lock can only be turned on when the bucket is created.
		ObjectLockEnabled: jsii.Bool(purpose == Audit),
	})
	// Each attribute read is a round trip to the jsii runtime: read them once.
	id, arn := bucket.Id(), bucket.Arn()
	s3bucketownershipcontrols.NewS3BucketOwnershipControls(c, jsii.String("ownership"), &s3bucketownershipcontrols.S3BucketOwnershipControlsConfig{
		Bucket: id, Rule: &s3bucketownershipcontrols.S3BucketOwnershipControlsRule{ObjectOwnership: jsii.String("BucketOwnerEnforced")},
	})
	s3bucketpublicaccessblock.NewS3BucketPublicAccessBlock(c, jsii.String("public-access-block"), &s3bucketpublicaccessblock.S3BucketPublicAccessBlockConfig{
		Bucket: id, BlockPublicAcls: jsii.Bool(true), BlockPublicPolicy: jsii.Bool(true),
		IgnorePublicAcls: jsii.Bool(true), RestrictPublicBuckets: jsii.Bool(true),
	})
	versioning := s3bucketversioning.NewS3BucketVersioningA(c, jsii.String("versioning"), &s3bucketversioning.S3BucketVersioningAConfig{
		Bucket: id, VersioningConfiguration: &s3bucketversioning.S3BucketVersioningVersioningConfiguration{Status: jsii.String("Enabled")},
	})

	// RES-3: the data key, with S3 bucket keys so KMS is called per bucket and not per
	// object; the assets under their own key, which CloudFront may use. The logs bucket is
	// the exception: S3 server access logs and load balancer access logs are only
	// delivered to buckets encrypted with S3-managed keys (SSE-S3).
	key := cfg.DataKeyArn
	if purpose == Assets {
		key = cfg.AssetsKeyArn
	}
	sse := &s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA{
		SseAlgorithm: jsii.String("aws:kms"), KmsMasterKeyId: key,
	}
	if purpose == Logs {
		sse = &s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA{SseAlgorithm: jsii.String("AES256")}
	}
	s3bucketserversideencryptionconfiguration.NewS3BucketServerSideEncryptionConfigurationA(c, jsii.String("encryption"), &s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationAConfig{
		Bucket: id,
		Rule: &[]*s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationRuleA{{
			ApplyServerSideEncryptionByDefault: sse, BucketKeyEnabled: jsii.Bool(purpose != Logs),
		}},
	})

	objects := jsii.String(fmt.Sprintf("%s/*", *arn))
	statements := []iampolicy.Statement{iampolicy.DenyInsecureTransport([]string{"s3:*"}, arn, objects)}
	if purpose == Logs {
		statements = append(statements, logDeliveryStatements(cfg, arn)...)
	}
	doc := iampolicy.NewDoc(c, "policy-document", statements...)
	policy := s3bucketpolicy.NewS3BucketPolicy(c, jsii.String("policy"), &s3bucketpolicy.S3BucketPolicyConfig{
		Bucket: id, Policy: doc.JSON(),
	})

	if logs != nil {
		// S3 refuses a logging target whose policy does not yet let it deliver.
		s3bucketlogging.NewS3BucketLoggingA(c, jsii.String("access-logging"), &s3bucketlogging.S3BucketLoggingAConfig{
			Bucket: id, TargetBucket: logs.bucket.Id(), TargetPrefix: jsii.String(AccessLogPrefix(cfg.Name(purpose))),
			DependsOn: &[]cdktf.ITerraformDependable{logs.policy},
		})
	}

	if purpose == Audit {
		s3bucketobjectlockconfiguration.NewS3BucketObjectLockConfigurationA(c, jsii.String("object-lock"), &s3bucketobjectlockconfiguration.S3BucketObjectLockConfigurationAConfig{
			Bucket: id,
			Rule: &s3bucketobjectlockconfiguration.S3BucketObjectLockConfigurationRuleA{
				DefaultRetention: &s3bucketobjectlockconfiguration.S3BucketObjectLockConfigurationRuleDefaultRetentionA{
					Mode: jsii.String(cfg.AuditObjectLockMode), Days: jsii.Number(float64(cfg.ArchiveRetentionDays)),
				},
			},
			DependsOn: &[]cdktf.ITerraformDependable{versioning},
		})
	}

	s3bucketlifecycleconfiguration.NewS3BucketLifecycleConfiguration(c, jsii.String("lifecycle"), &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationConfig{
		Bucket:    id,
		Rule:      LifecycleRules(cfg.Buckets, purpose),
		DependsOn: &[]cdktf.ITerraformDependable{versioning},
	})
	return bucket, policy, doc
}

// LifecycleRules are a bucket's lifecycle (S3-2): every bucket aborts stalled uploads and
// expires old versions; logs move to Standard-IA and expire; backups and the audit archive
// move to Glacier Deep Archive and are kept 7 years.
func LifecycleRules(b config.Buckets, purpose string) *[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRule {
	days := func(n int) *float64 { return jsii.Number(float64(n)) }
	all := &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleFilter{{Prefix: jsii.String("")}}
	rules := []*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRule{{
		Id: jsii.String("abort-incomplete-uploads-and-expire-old-versions"), Status: jsii.String("Enabled"), Filter: all,
		AbortIncompleteMultipartUpload: &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload{{DaysAfterInitiation: days(7)}},
		NoncurrentVersionExpiration:    &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration{{NoncurrentDays: days(b.NoncurrentVersionDays)}},
	}}
	switch purpose {
	case Logs:
		rules = append(rules, &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRule{
			Id: jsii.String("rotate-logs"), Status: jsii.String("Enabled"), Filter: all,
			Transition: &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleTransition{{Days: days(b.LogTransitionDays), StorageClass: jsii.String("STANDARD_IA")}},
			Expiration: &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleExpiration{{Days: days(b.LogExpirationDays)}},
		})
	case Backups, Audit:
		rules = append(rules, &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRule{
			Id: jsii.String("archive-seven-years"), Status: jsii.String("Enabled"), Filter: all,
			Transition: &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleTransition{{Days: days(b.ArchiveAfterDays), StorageClass: jsii.String("DEEP_ARCHIVE")}},
			Expiration: &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleExpiration{{Days: days(b.ArchiveRetentionDays)}},
		})
	}
	return &rules
}

// logDeliveryStatements let the AWS log delivery services of this account write into the
// logs bucket: S3 server access logs of each bucket under its own prefix, load balancer
// access logs (regions opened since Jakarta, December 2021, deliver through a service
// principal, not an ELB account) and CloudFront standard logs (v2, delivered by CloudWatch Logs' delivery
// service).
func logDeliveryStatements(cfg Config, bucketArn *string) []iampolicy.Statement {
	sourceAccount := iampolicy.Condition{Test: "StringEquals", Variable: "aws:SourceAccount", Values: []*string{cfg.AccountID}}
	deliver := func(sid, service, prefix string, conditions ...iampolicy.Condition) iampolicy.Statement {
		return iampolicy.Statement{
			Sid:        sid,
			Principals: []iampolicy.Principal{{Type: "Service", Identifiers: []*string{jsii.String(service)}}},
			Actions:    []string{"s3:PutObject"},
			Resources:  []*string{jsii.String(fmt.Sprintf("%s/%s*", *bucketArn, prefix))},
			Conditions: append([]iampolicy.Condition{sourceAccount}, conditions...),
		}
	}
	var statements []iampolicy.Statement
	for _, purpose := range cfg.purposes() {
		if purpose == Logs {
			continue
		}
		source := cfg.Name(purpose)
		statements = append(statements, deliver("S3ServerAccessLogs"+strings.ToUpper(purpose[:1])+purpose[1:], "logging.s3.amazonaws.com",
			AccessLogPrefix(source), iampolicy.Condition{Test: "ArnLike", Variable: "aws:SourceArn", Values: []*string{jsii.String("arn:aws:s3:::" + source)}}))
	}
	if !cfg.has(Assets) {
		return statements
	}
	return append(statements,
		deliver("LoadBalancerAccessLogs", "logdelivery.elasticloadbalancing.amazonaws.com", LoadBalancerLogPrefix+"/"),
		deliver("CloudFrontStandardLogs", "delivery.logs.amazonaws.com", CloudFrontLogPrefix+"/"),
	)
}

// AccessLogPrefix is where a bucket's server access logs go in the logs bucket.
func AccessLogPrefix(bucket string) string { return "s3/" + bucket + "/" }
