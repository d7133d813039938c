// Package cache builds the ElastiCache replication group in cluster mode, Valkey or Redis OSS
// as the config says (CACHE-1, CACHE-2): Multi-AZ with automatic failover, encrypted at rest and in transit, and
// authenticated through IAM (RBAC users) rather than a shared AUTH token.
package cache

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/elasticacheparametergroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/elasticachereplicationgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/elasticachesubnetgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/elasticacheuser"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/elasticacheusergroup"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/config"
	"github.com/smile/infra/constructs/loggroup"
)

// Config is the cache of one environment.
type Config struct {
	config.Cache
	// Name is the replication group ID and prefix, e.g. smile5-dev-redis (ENV-2).
	Name             string
	Region           string
	AccountID        *string
	SubnetIDs        []*string
	SecurityGroupID  *string
	DataKeyArn       *string
	LogsKeyArn       *string
	LogRetentionDays int
}

// Output is what applications and the snapshot function need of the cache.
type Output struct {
	ReplicationGroupID  *string
	ReplicationGroupArn *string
	// AppUserID is the RBAC user applications connect as, with an IAM token: their IRSA
	// role needs elasticache:Connect on it and on the replication group.
	AppUserID  *string
	AppUserArn *string
}

// New builds the cache.
func New(scope constructs.Construct, id string, cfg Config) (*Output, error) {
	if cfg.Name == "" || cfg.Region == "" || cfg.AccountID == nil || len(cfg.SubnetIDs) < 2 || cfg.SecurityGroupID == nil || cfg.DataKeyArn == nil || cfg.LogsKeyArn == nil {
		return nil, fmt.Errorf("cache: Name, Region, AccountID, two or more SubnetIDs, SecurityGroupID, DataKeyArn and LogsKeyArn are required")
	}
	c := constructs.NewConstruct(scope, jsii.String(id))

	subnets := elasticachesubnetgroup.NewElasticacheSubnetGroup(c, jsii.String("subnets"), &elasticachesubnetgroup.ElasticacheSubnetGroupConfig{
		Name: jsii.String(cfg.Name), Description: jsii.String("Redis in the database subnets"), SubnetIds: &cfg.SubnetIDs,
	})
	// A family is fixed for a parameter group's life: an engine or major upgrade needs a new
	// group, named after its family and created before the old one goes (LIFE-3).
	family := cfg.ParameterGroupFamily()
	parameterGroup := cfg.Name + "-" + family
	parameters := elasticacheparametergroup.NewElasticacheParameterGroup(c, jsii.String("parameters"), &elasticacheparametergroup.ElasticacheParameterGroupConfig{
		Name: jsii.String(parameterGroup), Family: jsii.String(family),
		Description: jsii.String("SMILE " + cfg.Engine + " " + cfg.EngineVersion + ", cluster mode"),
		Lifecycle:   &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: jsii.Bool(true)},
		Parameter: &[]*elasticacheparametergroup.ElasticacheParameterGroupParameter{
			{Name: jsii.String("cluster-enabled"), Value: jsii.String("yes")},
		},
	})

	// AUTH through RBAC with IAM authentication: applications connect with short-lived IAM
	// tokens from their IRSA role, so there is no shared password to store, rotate or leak.
	// A user group must contain a user named "default": it is switched off.
	defaultUser := elasticacheuser.NewElasticacheUser(c, jsii.String("default-user"), &elasticacheuser.ElasticacheUserConfig{
		UserId: jsii.String(cfg.Name + "-default"), UserName: jsii.String("default"), Engine: jsii.String("redis"),
		AccessString:       jsii.String("off -@all"),
		AuthenticationMode: &elasticacheuser.ElasticacheUserAuthenticationMode{Type: jsii.String("no-password-required")},
	})
	// IAM authentication requires the user name to equal the user ID.
	appUser := elasticacheuser.NewElasticacheUser(c, jsii.String("app-user"), &elasticacheuser.ElasticacheUserConfig{
		UserId: jsii.String(cfg.Name + "-app"), UserName: jsii.String(cfg.Name + "-app"), Engine: jsii.String("redis"),
		AccessString:       jsii.String("on ~* +@all -@dangerous"),
		AuthenticationMode: &elasticacheuser.ElasticacheUserAuthenticationMode{Type: jsii.String("iam")},
	})
	users := elasticacheusergroup.NewElasticacheUserGroup(c, jsii.String("users"), &elasticacheusergroup.ElasticacheUserGroupConfig{
		UserGroupId: jsii.String(cfg.Name), Engine: jsii.String("redis"),
		UserIds: &[]*string{defaultUser.UserId(), appUser.UserId()},
	})

	var logs []*elasticachereplicationgroup.ElasticacheReplicationGroupLogDeliveryConfiguration
	for _, logType := range []string{"slow-log", "engine-log"} {
		group := loggroup.New(c, logType, loggroup.Config{Name: fmt.Sprintf("/%s/%s", cfg.Name, logType), KeyArn: cfg.LogsKeyArn, RetentionDays: cfg.LogRetentionDays})
		logs = append(logs, &elasticachereplicationgroup.ElasticacheReplicationGroupLogDeliveryConfiguration{
			Destination: group.Name(), DestinationType: jsii.String("cloudwatch-logs"),
			LogFormat: jsii.String("json"), LogType: jsii.String(logType),
		})
	}

	// The group's subnet, parameter and user groups are named, not referenced, and ordered by
	// depends_on: what refers to the cache (the snapshot function, IAM policies) keeps
	// working where these resources are left out (the emulator has no API for them).
	elasticachereplicationgroup.NewElasticacheReplicationGroup(c, jsii.String("replication-group"), &elasticachereplicationgroup.ElasticacheReplicationGroupConfig{
		ReplicationGroupId: jsii.String(cfg.Name),
		Description:        jsii.String("SMILE Redis, cluster mode"),
		// Redis OSS to Valkey is an in-place engine upgrade (provider 5.73+); the RBAC users
		// (engine "redis") serve both engines.
		Engine:             jsii.String(cfg.Engine),
		EngineVersion:      jsii.String(cfg.EngineVersion),
		NodeType:           jsii.String(cfg.NodeType),
		ParameterGroupName: jsii.String(parameterGroup),
		// CACHE-1: shards of one primary and its replicas, spread over the zones; a failed
		// primary is replaced by a replica in another zone.
		ClusterMode:              jsii.String("enabled"),
		NumNodeGroups:            jsii.Number(float64(cfg.Shards)),
		ReplicasPerNodeGroup:     jsii.Number(float64(cfg.ReplicasPerShard)),
		AutomaticFailoverEnabled: jsii.Bool(true),
		MultiAzEnabled:           jsii.Bool(true),
		SubnetGroupName:          jsii.String(cfg.Name),
		SecurityGroupIds:         &[]*string{cfg.SecurityGroupID},
		// RES-3
		AtRestEncryptionEnabled:  jsii.String("true"),
		KmsKeyId:                 cfg.DataKeyArn,
		TransitEncryptionEnabled: jsii.Bool(true),
		TransitEncryptionMode:    jsii.String("required"),
		UserGroupIds:             jsii.Strings(cfg.Name),
		SnapshotRetentionLimit:   jsii.Number(float64(cfg.SnapshotRetentionDays)),
		SnapshotWindow:           jsii.String(cfg.SnapshotWindow),
		MaintenanceWindow:        jsii.String(cfg.MaintenanceWindow),
		AutoMinorVersionUpgrade:  jsii.String("true"),
		LogDeliveryConfiguration: &logs,
		DependsOn:                &[]cdktf.ITerraformDependable{subnets, parameters, users},
	})
	return &Output{
		ReplicationGroupID:  jsii.String(cfg.Name),
		ReplicationGroupArn: jsii.String(fmt.Sprintf("arn:aws:elasticache:%s:%s:replicationgroup:%s", cfg.Region, *cfg.AccountID, cfg.Name)),
		AppUserID:           appUser.UserId(), AppUserArn: appUser.Arn(),
	}, nil
}
