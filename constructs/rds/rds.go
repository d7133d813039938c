// Package rds builds the MySQL database (DB-1, DB-2): encrypted, private, TLS only,
// its master password managed and rotated by Secrets Manager, IAM authentication, logs
// to encrypted log groups.
package rds

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dbinstance"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dbparametergroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dbsubnetgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecretrotation"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/config"
	"github.com/smile/infra/constructs/iamrole"
	"github.com/smile/infra/constructs/loggroup"
)

// LogExports are the MySQL logs sent to CloudWatch (DB-2).
var LogExports = []string{"error", "slowquery", "general"}

// Parameters of the parameter group. require_secure_transport refuses every connection
// without TLS (DB-2, RES-3); the slow and general logs feed LogExports.
var Parameters = map[string]string{
	"require_secure_transport": "1",
	"tls_version":              "TLSv1.2,TLSv1.3",
	"slow_query_log":           "1",
	"long_query_time":          "1",
	"general_log":              "1",
	"log_output":               "FILE",
}

// Config is the database of one environment.
type Config struct {
	config.Database
	// Name is the instance identifier and prefix, e.g. smile5-dev-mysql (ENV-2).
	Name             string
	SubnetIDs        []*string
	SecurityGroupID  *string
	DataKeyArn       *string
	LogsKeyArn       *string
	LogRetentionDays int
	// Tags mark the instance for the AWS Backup selection (DR-1).
	Tags map[string]string
}

// Output is what applications, alarms and backups need of the database.
type Output struct {
	Arn, Endpoint, Identifier *string
	// MasterSecretArn is the RDS-managed secret holding the master credentials (SEC-3).
	MasterSecretArn *string
}

// New builds the database.
func New(scope constructs.Construct, id string, cfg Config) (*Output, error) {
	if cfg.Name == "" || len(cfg.SubnetIDs) < 2 || cfg.SecurityGroupID == nil || cfg.DataKeyArn == nil || cfg.LogsKeyArn == nil {
		return nil, fmt.Errorf("rds: Name, two or more SubnetIDs, SecurityGroupID, DataKeyArn and LogsKeyArn are required")
	}
	c := constructs.NewConstruct(scope, jsii.String(id))

	subnets := dbsubnetgroup.NewDbSubnetGroup(c, jsii.String("subnets"), &dbsubnetgroup.DbSubnetGroupConfig{
		Name: jsii.String(cfg.Name), Description: jsii.String("Database subnets"), SubnetIds: &cfg.SubnetIDs,
	})
	var params []*dbparametergroup.DbParameterGroupParameter
	for _, name := range slices.Sorted(maps.Keys(Parameters)) {
		params = append(params, &dbparametergroup.DbParameterGroupParameter{
			Name: jsii.String(name), Value: jsii.String(Parameters[name]), ApplyMethod: jsii.String("immediate"),
		})
	}
	// A family is fixed for a parameter group's life: a major upgrade needs a new group. Its
	// name carries the version, and the new group exists before the instance moves to it
	// and the old one goes (LIFE-3).
	family := cfg.ParameterGroupFamily()
	parameters := dbparametergroup.NewDbParameterGroup(c, jsii.String("parameters"), &dbparametergroup.DbParameterGroupConfig{
		Name: jsii.String(cfg.Name + "-" + strings.ReplaceAll(cfg.EngineVersion, ".", "-")), Family: jsii.String(family),
		Description: jsii.String("SMILE MySQL " + cfg.EngineVersion + ": TLS only, slow and general logs"), Parameter: &params,
		Lifecycle: &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: jsii.Bool(true)},
	})

	// Created before the instance, with our key and retention; RDS would otherwise create
	// them unencrypted and kept forever.
	var logGroups []cdktf.ITerraformDependable
	for _, log := range LogExports {
		logGroups = append(logGroups, loggroup.New(c, log+"-log", loggroup.Config{Name: fmt.Sprintf("/aws/rds/instance/%s/%s", cfg.Name, log), KeyArn: cfg.LogsKeyArn, RetentionDays: cfg.LogRetentionDays}))
	}

	tags := map[string]*string{}
	for k, v := range cfg.Tags {
		tags[k] = jsii.String(v)
	}
	d := cfg.Database
	instance := &dbinstance.DbInstanceConfig{
		Identifier:    jsii.String(cfg.Name),
		Engine:        jsii.String("mysql"),
		EngineVersion: jsii.String(d.EngineVersion),
		InstanceClass: jsii.String(d.InstanceClass),
		// DB-1: gp3, encrypted with the data key; storage autoscaling when the ceiling is higher.
		AllocatedStorage: jsii.Number(float64(d.AllocatedStorageGiB)),
		StorageType:      jsii.String("gp3"),
		StorageEncrypted: jsii.Bool(true),
		KmsKeyId:         cfg.DataKeyArn,
		MultiAz:          jsii.Bool(d.MultiAZ),

		DbSubnetGroupName:   subnets.Name(),
		VpcSecurityGroupIds: &[]*string{cfg.SecurityGroupID},
		PubliclyAccessible:  jsii.Bool(false),
		ParameterGroupName:  parameters.Name(),

		// DB-2, SEC-3: RDS keeps the master password in Secrets Manager under the data key;
		// nobody ever sees it in Terraform.
		Username:                         jsii.String(d.MasterUsername),
		ManageMasterUserPassword:         jsii.Bool(true),
		MasterUserSecretKmsKeyId:         cfg.DataKeyArn,
		IamDatabaseAuthenticationEnabled: jsii.Bool(true),
		EnabledCloudwatchLogsExports:     jsii.Strings(LogExports...),

		BackupRetentionPeriod:   jsii.Number(float64(d.BackupRetentionDays)),
		BackupWindow:            jsii.String(d.BackupWindow),
		MaintenanceWindow:       jsii.String(d.MaintenanceWindow),
		AutoMinorVersionUpgrade: jsii.Bool(true),
		// A major version is changed only by a reviewed change of Database.EngineVersion
		// (LIFE-3), which this lets apply; minor versions follow AutoMinorVersionUpgrade.
		AllowMajorVersionUpgrade: jsii.Bool(true),
		CopyTagsToSnapshot:       jsii.Bool(true),
		DeletionProtection:       jsii.Bool(d.DeletionProtection),
		// Where deletion is protected the data matters: a final snapshot, always.
		SkipFinalSnapshot: jsii.Bool(!d.DeletionProtection),
		Tags:              &tags,
		DependsOn:         &logGroups,
	}
	if d.DeletionProtection {
		instance.FinalSnapshotIdentifier = jsii.String(cfg.Name + "-final")
	}
	if d.MaxAllocatedStorageGiB > d.AllocatedStorageGiB {
		instance.MaxAllocatedStorage = jsii.Number(float64(d.MaxAllocatedStorageGiB))
	}
	if d.PerformanceInsights {
		instance.PerformanceInsightsEnabled = jsii.Bool(true)
		instance.PerformanceInsightsKmsKeyId = cfg.DataKeyArn
		instance.PerformanceInsightsRetentionPeriod = jsii.Number(7)
	}
	if d.MonitoringIntervalSeconds > 0 {
		instance.MonitoringInterval = jsii.Number(float64(d.MonitoringIntervalSeconds))
		// DB-2: enhanced monitoring publishes OS metrics through this role.
		role, err := iamrole.New(c, "monitoring-role", iamrole.Config{
			Name: cfg.Name + "-monitoring", Service: "monitoring.rds.amazonaws.com",
			ManagedPolicyArns: []string{"arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"},
		})
		if err != nil {
			return nil, err
		}
		instance.MonitoringRoleArn = role.Arn
	}
	db := dbinstance.NewDbInstance(c, jsii.String("instance"), instance)

	secretArn := db.MasterUserSecret().Get(jsii.Number(0)).SecretArn()
	// DB-2: the RDS-managed secret rotates on our schedule (RDS rotates it itself; no
	// rotation function is needed).
	secretsmanagersecretrotation.NewSecretsmanagerSecretRotation(c, jsii.String("password-rotation"), &secretsmanagersecretrotation.SecretsmanagerSecretRotationConfig{
		SecretId: secretArn,
		RotationRules: &secretsmanagersecretrotation.SecretsmanagerSecretRotationRotationRules{
			AutomaticallyAfterDays: jsii.Number(float64(d.PasswordRotationDays)),
		},
	})
	return &Output{Arn: db.Arn(), Endpoint: db.Endpoint(), Identifier: db.Identifier(), MasterSecretArn: secretArn}, nil
}
