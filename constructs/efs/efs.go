// Package efs builds the shared file system (EFS-1): encrypted, provisioned (prod) or elastic throughput, a
// mount target per zone, an access point for the application, TLS only, backed up.
package efs

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/efsaccesspoint"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/efsbackuppolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/efsfilesystem"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/efsfilesystempolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/efsmounttarget"

	"github.com/smile/infra/config"
	"github.com/smile/infra/constructs/iampolicy"
)

// AppUID and AppGID are the POSIX identity the application's access point enforces.
const (
	AppUID = 1000
	AppGID = 1000
)

// Config is the file system of one environment.
type Config struct {
	config.FileSystem
	// Name, e.g. smile5-dev-efs (ENV-2).
	Name string
	// SubnetIDs get one mount target each (the private subnets, one per zone).
	SubnetIDs       []*string
	SecurityGroupID *string
	DataKeyArn      *string
	// Tags mark the file system for the AWS Backup selection (DR-1).
	Tags map[string]string
}

// Output is what the CSI driver's storage class needs.
type Output struct {
	FileSystemID, FileSystemArn, AccessPointID *string
}

// New builds the file system.
func New(scope constructs.Construct, id string, cfg Config) (*Output, error) {
	if cfg.Name == "" || len(cfg.SubnetIDs) == 0 || cfg.SecurityGroupID == nil || cfg.DataKeyArn == nil {
		return nil, fmt.Errorf("efs: Name, SubnetIDs, SecurityGroupID and DataKeyArn are required (EFS-1)")
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	tags := map[string]*string{"Name": jsii.String(cfg.Name)}
	for k, v := range cfg.Tags {
		tags[k] = jsii.String(v)
	}
	fsCfg := &efsfilesystem.EfsFileSystemConfig{
		CreationToken:   jsii.String(cfg.Name),
		Encrypted:       jsii.Bool(true),
		KmsKeyId:        cfg.DataKeyArn,
		PerformanceMode: jsii.String("generalPurpose"),
		// COST-1: elastic throughput is paid per GB moved, provisioned per MiB/s held (EFS-1).
		ThroughputMode: jsii.String("elastic"),
		Tags:           &tags,
	}
	if !cfg.Elastic() {
		fsCfg.ThroughputMode = jsii.String("provisioned")
		fsCfg.ProvisionedThroughputInMibps = jsii.Number(float64(cfg.ProvisionedThroughputMiBps))
	}
	fs := efsfilesystem.NewEfsFileSystem(c, jsii.String("file-system"), fsCfg)
	fsID, fsArn := fs.Id(), fs.Arn()
	for i, subnet := range cfg.SubnetIDs {
		efsmounttarget.NewEfsMountTarget(c, jsii.String(fmt.Sprintf("mount-target-%d", i)), &efsmounttarget.EfsMountTargetConfig{
			FileSystemId: fsID, SubnetId: subnet, SecurityGroups: &[]*string{cfg.SecurityGroupID},
		})
	}
	ap := efsaccesspoint.NewEfsAccessPoint(c, jsii.String("app-access-point"), &efsaccesspoint.EfsAccessPointConfig{
		FileSystemId: fsID,
		PosixUser:    &efsaccesspoint.EfsAccessPointPosixUser{Uid: jsii.Number(AppUID), Gid: jsii.Number(AppGID)},
		RootDirectory: &efsaccesspoint.EfsAccessPointRootDirectory{
			Path: jsii.String("/smile"),
			CreationInfo: &efsaccesspoint.EfsAccessPointRootDirectoryCreationInfo{
				OwnerUid: jsii.Number(AppUID), OwnerGid: jsii.Number(AppGID), Permissions: jsii.String("750"),
			},
		},
		Tags: &map[string]*string{"Name": jsii.String(cfg.Name + "-app")},
	})
	// Clients mount and write through a mount target, over TLS only; nobody gets root.
	mountTargetsOnly := iampolicy.Condition{Test: "Bool", Variable: "elasticfilesystem:AccessedViaMountTarget", Values: []*string{jsii.String("true")}}
	efsfilesystempolicy.NewEfsFileSystemPolicy(c, jsii.String("policy"), &efsfilesystempolicy.EfsFileSystemPolicyConfig{
		FileSystemId: fsID,
		Policy: iampolicy.Document(c, "policy-document",
			iampolicy.DenyInsecureTransport([]string{"elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite", "elasticfilesystem:ClientRootAccess"}, fsArn),
			iampolicy.Statement{
				Sid:        "MountThroughMountTargets",
				Principals: []iampolicy.Principal{{Type: "AWS", Identifiers: []*string{jsii.String("*")}}},
				Actions:    []string{"elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"},
				Resources:  []*string{fsArn},
				Conditions: []iampolicy.Condition{mountTargetsOnly},
			}),
	})
	// EFS-1: EFS's own daily automatic backups, besides the AWS Backup plan (DR-1).
	efsbackuppolicy.NewEfsBackupPolicy(c, jsii.String("backup-policy"), &efsbackuppolicy.EfsBackupPolicyConfig{
		FileSystemId: fsID, BackupPolicy: &efsbackuppolicy.EfsBackupPolicyBackupPolicy{Status: jsii.String("ENABLED")},
	})
	return &Output{FileSystemID: fsID, FileSystemArn: fsArn, AccessPointID: ap.Id()}, nil
}
