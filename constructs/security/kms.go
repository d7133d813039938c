// Package security holds the account-level protections the other constructs build on:
// customer-managed KMS keys per purpose (SEC-1, RES-3).
package security

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsalias"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"

	"github.com/smile/infra/constructs/iampolicy"
)

// KeyConfig describes one customer-managed key.
type KeyConfig struct {
	// Name becomes the alias alias/<Name>, e.g. smile5-dev-logs.
	Name        string
	Description string
	AccountID   *string
	// ServiceUsers are AWS services that may use the key for envelope encryption.
	ServiceUsers []ServiceUser
	// ServiceLinkedRoles are roles through which AWS services act on this account's
	// resources (e.g. EC2 Auto Scaling launching encrypted volumes): they may use the key
	// and create grants for the AWS resources they manage.
	ServiceLinkedRoles []ServiceLinkedRole
	// DeletionWindowDays is how long a scheduled deletion can still be cancelled (7-30).
	DeletionWindowDays int
}

// ServiceUser lets an AWS service principal use the key, limited by a condition so the
// service can only use it on this account's resources.
type ServiceUser struct {
	Principal string // e.g. logs.ap-southeast-3.amazonaws.com
	Condition iampolicy.Condition
	// Actions the service may take; empty means envelope encryption and decryption.
	Actions []string
	// Name tells two statements for one principal apart in their statement IDs.
	Name string
}

// ServiceLinkedRole is one service-linked role that uses the key.
type ServiceLinkedRole struct {
	// Name is a short label for the statement IDs, e.g. "AutoScaling".
	Name string
	Arn  *string
}

// KeyOutput is what other constructs need of a key.
type KeyOutput struct {
	Arn       *string
	ID        *string
	AliasName string
}

// NewKey creates a key with rotation on and an explicit key policy (SEC-1).
func NewKey(scope constructs.Construct, id string, cfg KeyConfig) (*KeyOutput, error) {
	if cfg.Name == "" || cfg.AccountID == nil {
		return nil, fmt.Errorf("security.NewKey %s: Name and AccountID are required", id)
	}
	if cfg.DeletionWindowDays < 7 || cfg.DeletionWindowDays > 30 {
		return nil, fmt.Errorf("security.NewKey %s: DeletionWindowDays %d is outside 7-30", id, cfg.DeletionWindowDays)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))

	rootArn := jsii.String(fmt.Sprintf("arn:aws:iam::%s:root", *cfg.AccountID))
	statements := []iampolicy.Statement{{
		// The account root statement is what lets IAM policies grant use of the key at
		// all; without it the key becomes unmanageable. It does not grant anyone access by itself.
		Sid:        "AccountAdministersKeyThroughIam",
		Principals: []iampolicy.Principal{{Type: "AWS", Identifiers: []*string{rootArn}}},
		Actions:    []string{"kms:*"},
		Resources:  []*string{jsii.String("*")},
	}}
	for _, u := range cfg.ServiceUsers {
		actions := u.Actions
		if len(actions) == 0 {
			actions = []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"}
		}
		statements = append(statements, iampolicy.Statement{
			Sid:        "ServiceUse" + sidSuffix(u.Principal) + u.Name,
			Principals: []iampolicy.Principal{{Type: "Service", Identifiers: []*string{jsii.String(u.Principal)}}},
			Actions:    actions,
			Resources:  []*string{jsii.String("*")},
			Conditions: []iampolicy.Condition{u.Condition},
		})
	}
	for _, r := range cfg.ServiceLinkedRoles {
		principal := []iampolicy.Principal{{Type: "AWS", Identifiers: []*string{r.Arn}}}
		statements = append(statements, iampolicy.Statement{
			Sid:        "ServiceLinkedRoleUse" + r.Name,
			Principals: principal,
			Actions:    []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"},
			Resources:  []*string{jsii.String("*")},
		}, iampolicy.Statement{
			// EC2 attaches an encrypted volume to an instance through a grant; only grants
			// for AWS resources are allowed, never one a person could use.
			Sid:        "ServiceLinkedRoleGrants" + r.Name,
			Principals: principal,
			Actions:    []string{"kms:CreateGrant"},
			Resources:  []*string{jsii.String("*")},
			Conditions: []iampolicy.Condition{{Test: "Bool", Variable: "kms:GrantIsForAWSResource", Values: []*string{jsii.String("true")}}},
		})
	}
	policy := iampolicy.Document(c, "policy", statements...)

	key := kmskey.NewKmsKey(c, jsii.String("key"), &kmskey.KmsKeyConfig{
		Description:          jsii.String(cfg.Description),
		EnableKeyRotation:    jsii.Bool(true),
		DeletionWindowInDays: jsii.Number(float64(cfg.DeletionWindowDays)),
		Policy:               policy,
		Tags:                 &map[string]*string{"Name": jsii.String(cfg.Name)},
	})
	keyID := key.KeyId()
	alias := "alias/" + cfg.Name
	kmsalias.NewKmsAlias(c, jsii.String("alias"), &kmsalias.KmsAliasConfig{
		Name:        jsii.String(alias),
		TargetKeyId: keyID,
	})
	return &KeyOutput{Arn: key.Arn(), ID: keyID, AliasName: alias}, nil
}

// sidSuffix turns "logs.ap-southeast-3.amazonaws.com" into "Logs": statement IDs allow
// only letters and digits.
func sidSuffix(principal string) string {
	out := []rune{}
	for i, r := range principal {
		if r == '.' {
			break
		}
		if i == 0 && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		if (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			out = append(out, r)
		}
	}
	return string(out)
}
