package stacks

import (
	"fmt"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawscalleridentity"

	"github.com/smile/infra/constructs/iampolicy"
	"github.com/smile/infra/constructs/security"
)

// keys are the account and the customer-managed keys per purpose (SEC-1, RES-3).
type keys struct {
	accountID *string
	// logs encrypts every CloudWatch log group and Session Manager session data.
	logs *security.KeyOutput
	// data encrypts data at rest: volumes, images, the database, cache, queues, buckets,
	// the file system and the database's managed secret.
	data *security.KeyOutput
	// eksSecrets envelope-encrypts Kubernetes secrets (EKS-5).
	eksSecrets *security.KeyOutput
	// assets encrypts the frontend's files: CloudFront reads them, so it may decrypt with
	// this key and never with the data key.
	assets *security.KeyOutput
	// cloudTrail encrypts the audit trail: CloudTrail may encrypt with it for this account's
	// trails; reading it is an IAM decision (SEC-5).
	cloudTrail *security.KeyOutput
	// sns encrypts the alarm topic; CloudWatch alarms of this account may publish (OBS-2).
	sns *security.KeyOutput
	// lambda encrypts the functions' environment variables.
	lambda *security.KeyOutput
	// backup encrypts the AWS Backup vault (DR-1): recovery points under a key of their
	// own, so losing or disabling the data key cannot take the backups with it.
	backup *security.KeyOutput
}

func (b *builder) keys() *keys {
	if !b.ok() {
		return nil
	}
	env := b.env
	account := dataawscalleridentity.NewDataAwsCallerIdentity(b.stack, jsii.String("account"), &dataawscalleridentity.DataAwsCallerIdentityConfig{})
	k := &keys{accountID: account.AccountId()}
	key := func(id, purpose, description string, cfg security.KeyConfig) *security.KeyOutput {
		cfg.Name = env.Prefix() + "-" + purpose
		cfg.Description = fmt.Sprintf("SMILE %s: %s", env.Name, description)
		cfg.AccountID = k.accountID
		cfg.DeletionWindowDays = 30
		out, err := security.NewKey(b.stack, id, cfg)
		b.fail(err)
		return out
	}

	k.logs = key("logs-key", "logs", "CloudWatch Logs", security.KeyConfig{
		ServiceUsers: []security.ServiceUser{{
			Principal: fmt.Sprintf("logs.%s.amazonaws.com", env.Region),
			Condition: iampolicy.Condition{
				Test:     "ArnLike",
				Variable: "kms:EncryptionContext:aws:logs:arn",
				Values:   []*string{jsii.String(fmt.Sprintf("arn:aws:logs:%s:%s:log-group:*", env.Region, *k.accountID))},
			},
		}},
	})
	k.data = key("data-key", "data", "data at rest", security.KeyConfig{
		// EKS node groups launch through EC2 Auto Scaling, whose service-linked role
		// creates the encrypted root volumes: without this, real nodes never launch.
		ServiceLinkedRoles: []security.ServiceLinkedRole{{
			Name: "AutoScaling",
			Arn: jsii.String(fmt.Sprintf("arn:aws:iam::%s:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
				*k.accountID)),
		}},
	})
	k.assets = key("assets-key", "assets", "frontend assets served by CloudFront", security.KeyConfig{
		ServiceUsers: []security.ServiceUser{{
			// EDGE-1: CloudFront reads SSE-KMS objects through origin access control. The
			// key is built before the distribution, so it names this account's
			// distributions; the assets bucket's policy names the one distribution.
			Principal: "cloudfront.amazonaws.com",
			Actions:   []string{"kms:Decrypt"},
			Condition: iampolicy.Condition{
				Test: "ArnLike", Variable: "AWS:SourceArn",
				Values: []*string{jsii.String(fmt.Sprintf("arn:aws:cloudfront::%s:distribution/*", *k.accountID))},
			},
		}},
	})
	k.eksSecrets = key("eks-secrets-key", "eks-secrets", "EKS secrets envelope encryption", security.KeyConfig{})
	k.backup = key("backup-key", "backup", "AWS Backup vault", security.KeyConfig{})
	accountID := *k.accountID
	k.cloudTrail = key("cloudtrail-key", "cloudtrail", "CloudTrail", security.KeyConfig{
		ServiceUsers: []security.ServiceUser{{
			Principal: "cloudtrail.amazonaws.com", Name: "Encrypt",
			Actions: []string{"kms:GenerateDataKey*"},
			Condition: iampolicy.Condition{
				Test: "StringLike", Variable: "kms:EncryptionContext:aws:cloudtrail:arn",
				Values: []*string{jsii.String(fmt.Sprintf("arn:aws:cloudtrail:*:%s:trail/*", accountID))},
			},
		}, {
			Principal: "cloudtrail.amazonaws.com", Name: "Describe",
			Actions:   []string{"kms:DescribeKey"},
			Condition: iampolicy.Condition{Test: "StringEquals", Variable: "aws:SourceAccount", Values: []*string{k.accountID}},
		}},
	})
	k.sns = key("sns-key", "sns", "SNS topics", security.KeyConfig{
		ServiceUsers: append([]security.ServiceUser{{
			Principal: "cloudwatch.amazonaws.com",
			Actions:   []string{"kms:Decrypt", "kms:GenerateDataKey*"},
			Condition: iampolicy.Condition{
				Test: "ArnLike", Variable: "aws:SourceArn",
				Values: []*string{jsii.String(fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:*", env.Region, accountID))},
			},
		}}, costAlertKeyUsers(k.accountID)...),
	})
	k.lambda = key("lambda-key", "lambda", "Lambda environment variables", security.KeyConfig{})
	return k
}
