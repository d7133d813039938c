// Package bastion builds the host operators reach private resources through (CMP-1): no
// public address and no inbound rule; shell and SSH only through SSM Session Manager, and
// every shell session logged to a KMS-encrypted log group (SEC-6).
package bastion

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawsssmparameter"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iaminstanceprofile"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/instance"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/keypair"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ssmdocument"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/config"
	"github.com/smile/infra/constructs/iampolicy"
	"github.com/smile/infra/constructs/iamrole"
	"github.com/smile/infra/constructs/loggroup"
	"github.com/smile/infra/constructs/sgrule"
)

// AmiParameter is the public SSM parameter with the latest Amazon Linux 2023 AMI.
const AmiParameter = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"

// SessionPreferencesDocument is the account-wide Session Manager preferences document.
const SessionPreferencesDocument = "SSM-SessionManagerRunShell"

// Config is the bastion of one environment.
type Config struct {
	config.Bastion
	// Name of the host and prefix of what it owns, e.g. smile5-dev-bastion (ENV-2).
	Name      string
	Region    string
	AccountID *string
	VpcID     *string
	// VpcCidr and S3PrefixListID (the S3 gateway endpoint's prefix list) are where the host
	// may send: it has no route to the internet in its rules (NET-5).
	VpcCidr        string
	S3PrefixListID *string
	// SubnetID is a private subnet: the host has no route from the internet.
	SubnetID *string
	// VolumeKeyArn encrypts the root volume; LogsKeyArn the session logs and session data.
	VolumeKeyArn     *string
	LogsKeyArn       *string
	LogRetentionDays int
	// PatchGroup puts the host into the patch group Patch Manager patches (SEC-6).
	PatchGroup string
}

// Output is what the clusters and operators need of the bastion.
type Output struct {
	InstanceID          *string
	SecurityGroupID     *string
	SessionLogGroupName *string
}

// New builds the bastion.
func New(scope constructs.Construct, id string, cfg Config) (*Output, error) {
	if cfg.Name == "" || cfg.Region == "" || cfg.AccountID == nil || cfg.VpcID == nil || cfg.VpcCidr == "" || cfg.S3PrefixListID == nil ||
		cfg.SubnetID == nil || cfg.VolumeKeyArn == nil || cfg.LogsKeyArn == nil {
		return nil, fmt.Errorf("bastion: Name, Region, AccountID, VpcID, VpcCidr, S3PrefixListID, SubnetID, VolumeKeyArn and LogsKeyArn are required")
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	name := func(suffix string) *string { return jsii.String(cfg.Name + suffix) }

	// No inbound rule at all: Session Manager connections are opened by the agent, outwards.
	// NET-5: no internet. Everything the host calls is inside the VPC: Session Manager
	// (the ssm, ssmmessages and ec2messages endpoints), KMS, Logs and STS endpoints, and the
	// clusters' private API endpoints; and S3 through the gateway endpoint: Amazon Linux's
	// package repositories and Patch Manager's baselines are S3 buckets of the region.
	sg := sgrule.HTTPSOutOnly(c, "sg", cfg.Name, "Bastion: no inbound; HTTPS out to Session Manager and the cluster APIs",
		cfg.VpcID, sgrule.Out{
			RuleID: "out-https", Cidr: cfg.VpcCidr,
			Description: "Session Manager, AWS API endpoints and the cluster APIs, inside the VPC",
		}, sgrule.Out{
			RuleID: "out-https-s3", PrefixListID: cfg.S3PrefixListID,
			Description: "S3 through the gateway endpoint: package repositories and patch baselines",
		})

	logGroup := loggroup.New(c, "session-logs", loggroup.Config{Name: fmt.Sprintf("/%s/session-manager", cfg.Name), KeyArn: cfg.LogsKeyArn, RetentionDays: cfg.LogRetentionDays})

	profile, err := instanceProfile(c, cfg, logGroup.Arn())
	if err != nil {
		return nil, err
	}

	var keyName *string
	if cfg.SSHPublicKey != "" {
		keyName = keypair.NewKeyPair(c, jsii.String("key-pair"), &keypair.KeyPairConfig{
			KeyName: name(""), PublicKey: jsii.String(cfg.SSHPublicKey),
		}).KeyName()
	}

	ami := dataawsssmparameter.NewDataAwsSsmParameter(c, jsii.String("ami"), &dataawsssmparameter.DataAwsSsmParameterConfig{
		Name: jsii.String(AmiParameter),
	})
	// No public address: the subnet is private and maps none (NET-2).
	host := instance.NewInstance(c, jsii.String("instance"), &instance.InstanceConfig{
		Ami:                 ami.Value(),
		InstanceType:        jsii.String(cfg.InstanceType),
		SubnetId:            cfg.SubnetID,
		VpcSecurityGroupIds: &[]*string{sg.Id()},
		IamInstanceProfile:  profile,
		KeyName:             keyName,
		// IMDSv2 only; one hop, as nothing on the host runs in containers.
		MetadataOptions: &instance.InstanceMetadataOptions{
			HttpEndpoint: jsii.String("enabled"), HttpTokens: jsii.String("required"),
			HttpPutResponseHopLimit: jsii.Number(1),
		},
		RootBlockDevice: &instance.InstanceRootBlockDevice{
			VolumeType: jsii.String("gp3"), VolumeSize: jsii.Number(float64(cfg.RootVolumeGiB)),
			Encrypted: jsii.Bool(true), KmsKeyId: cfg.VolumeKeyArn, DeleteOnTermination: jsii.Bool(true),
		},
		Tags: &map[string]*string{"Name": name(""), "Patch Group": jsii.String(cfg.PatchGroup)},
		// A newer AMI in the parameter must not replace the host under someone's session:
		// Patch Manager keeps it current (SEC-6); replace it on purpose with
		// `terraform apply -replace`.
		Lifecycle: &cdktf.TerraformResourceLifecycle{IgnoreChanges: jsii.Strings("ami")},
	})

	if cfg.ManageSessionPreferences {
		sessionPreferences(c, cfg, logGroup.Name())
	}
	return &Output{InstanceID: host.Id(), SecurityGroupID: sg.Id(), SessionLogGroupName: logGroup.Name()}, nil
}

// instanceProfile is SSM core, plus the scoped rights session logging needs: without them
// Session Manager refuses to start sessions once logging is enforced.
func instanceProfile(scope constructs.Construct, cfg Config, logGroupArn *string) (*string, error) {
	role, err := iamrole.New(scope, "role", iamrole.Config{
		Name: cfg.Name, Service: "ec2.amazonaws.com",
		ManagedPolicyArns: []string{"arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"},
		Statements: []iampolicy.Statement{{
			Sid:       "WriteSessionLogs",
			Actions:   []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
			Resources: []*string{logGroupArn, jsii.String(*logGroupArn + ":*")},
		}, {
			// The agent checks the group exists; DescribeLogGroups has no per-group resource.
			Sid:       "FindSessionLogGroup",
			Actions:   []string{"logs:DescribeLogGroups"},
			Resources: []*string{jsii.String(fmt.Sprintf("arn:aws:logs:%s:%s:log-group:*", cfg.Region, *cfg.AccountID))},
		}, {
			Sid:       "DecryptSessionData",
			Actions:   []string{"kms:Decrypt", "kms:GenerateDataKey"},
			Resources: []*string{cfg.LogsKeyArn},
		}},
	})
	if err != nil {
		return nil, err
	}
	return iaminstanceprofile.NewIamInstanceProfile(scope, jsii.String("profile"), &iaminstanceprofile.IamInstanceProfileConfig{
		Name: jsii.String(cfg.Name), Role: role.Name,
	}).Name(), nil
}

// sessionPreferences sets the account's Session Manager preferences (SEC-6): every shell
// session encrypted with the logs key and streamed to the encrypted log group, ended when
// idle. The document is one per account and region (config.Bastion.ManageSessionPreferences).
func sessionPreferences(scope constructs.Construct, cfg Config, logGroupName *string) {
	content := map[string]any{
		"schemaVersion": "1.0",
		"description":   "SMILE Session Manager preferences: sessions encrypted and logged (CMP-1, SEC-6)",
		"sessionType":   "Standard_Stream",
		"inputs": map[string]any{
			"kmsKeyId":                    cfg.LogsKeyArn,
			"cloudWatchLogGroupName":      logGroupName,
			"cloudWatchEncryptionEnabled": true,
			"cloudWatchStreamingEnabled":  true,
			"s3BucketName":                "",
			"s3KeyPrefix":                 "",
			"s3EncryptionEnabled":         true,
			"runAsEnabled":                false,
			"runAsDefaultUser":            "",
			"idleSessionTimeout":          "20",
			"maxSessionDuration":          "120",
			"shellProfile":                map[string]any{"linux": "", "windows": ""},
		},
	}
	ssmdocument.NewSsmDocument(scope, jsii.String("session-preferences"), &ssmdocument.SsmDocumentConfig{
		Name:           jsii.String(SessionPreferencesDocument),
		DocumentType:   jsii.String("Session"),
		DocumentFormat: jsii.String("JSON"),
		Content:        cdktf.Fn_Jsonencode(content),
	})
}
