package stacks

import (
	"fmt"
	"strconv"

	"github.com/aws/jsii-runtime-go"

	"github.com/smile/infra/constructs/backup"
	"github.com/smile/infra/constructs/buckets"
	"github.com/smile/infra/constructs/cache"
	"github.com/smile/infra/constructs/efs"
	"github.com/smile/infra/constructs/function"
	"github.com/smile/infra/constructs/iampolicy"
	"github.com/smile/infra/constructs/network"
	"github.com/smile/infra/constructs/queues"
	"github.com/smile/infra/constructs/rds"
)

// data is the data tier, for the edge, observability and platform tiers.
type data struct {
	database *rds.Output
	cache    *cache.Output
	queues   *queues.Output
	buckets  *buckets.Output
	files    *efs.Output
	backups  *backup.Output
	// snapshots is the Redis snapshot function.
	snapshots *function.Output
}

// data wires the database, cache, queues, buckets, file system, backups and the Redis
// snapshot function (DB-*, CACHE-*, MQ-*, S3-*, EFS-1, DR-1, CMP-3).
func (b *builder) data(net *network.Output, k *keys) *data {
	if !b.ok() {
		return nil
	}
	env := b.env
	logs := env.Observability.LogRetentionDays
	d := &data{}
	var err error

	d.database, err = rds.New(b.stack, "database", rds.Config{
		Database: env.Database, Name: env.Prefix() + "-mysql",
		SubnetIDs: net.DatabaseSubnetIDs, SecurityGroupID: net.SecurityGroups.Database,
		DataKeyArn: k.data.Arn, LogsKeyArn: k.logs.Arn, LogRetentionDays: logs,
		Tags: backup.Tags(env.Backup.ContinuousDatabaseBackup),
	})
	b.fail(err)
	d.cache, err = cache.New(b.stack, "cache", cache.Config{
		Cache: env.Cache, Name: env.Prefix() + "-redis", Region: env.Region, AccountID: k.accountID,
		SubnetIDs: net.DatabaseSubnetIDs, SecurityGroupID: net.SecurityGroups.Cache,
		DataKeyArn: k.data.Arn, LogsKeyArn: k.logs.Arn, LogRetentionDays: logs,
	})
	b.fail(err)
	d.queues, err = queues.New(b.stack, "queues", queues.Config{Queues: env.Queues, Prefix: env.Prefix(), DataKeyArn: k.data.Arn})
	b.fail(err)
	d.buckets, err = buckets.New(b.stack, "buckets", buckets.Config{
		Buckets: env.Buckets, Prefix: env.Prefix(), Region: env.Region, AccountID: k.accountID, DataKeyArn: k.data.Arn, AssetsKeyArn: k.assets.Arn,
	})
	b.fail(err)
	// EFS-1: mount targets in the private subnets, next to the pods that mount it.
	d.files, err = efs.New(b.stack, "efs", efs.Config{
		FileSystem: env.FileSystem, Name: env.Prefix() + "-efs",
		SubnetIDs: net.PrivateSubnetIDs, SecurityGroupID: net.SecurityGroups.Efs, DataKeyArn: k.data.Arn,
		Tags: backup.Tags(false),
	})
	b.fail(err)
	d.backups, err = backup.New(b.stack, "backup", backup.Config{Backup: env.Backup, Name: env.Prefix() + "-backup", BackupKeyArn: k.backup.Arn})
	b.fail(err)
	if !b.ok() {
		return nil
	}
	d.snapshots = b.redisSnapshots(net, k, d.cache)
	if !b.ok() {
		return nil
	}

	b.output("database_endpoint", d.database.Endpoint)
	b.output("database_master_secret_arn", d.database.MasterSecretArn)
	b.output("redis_replication_group_id", d.cache.ReplicationGroupID)
	b.output("events_queue_url", d.queues.Events.URL)
	b.output("fifo_events_queue_url", d.queues.FifoEvents.URL)
	for _, purpose := range buckets.Purposes {
		b.output(purpose+"_bucket", d.buckets.Buckets[purpose].Name)
	}
	b.output("efs_file_system_id", d.files.FileSystemID)
	b.output("backup_vault", d.backups.VaultName)
	return d
}

// redisSnapshotPackage is the snapshot function's source (lambda/redis-snapshot).
const redisSnapshotPackage = "./lambda/redis-snapshot"

// Prepare starts building the stacks' Lambda functions in the background (function.Prepare):
// called before the first stack, the build, or the check that nothing changed, overlaps the
// jsii runtime's loading of the provider bindings instead of waiting for the data tier.
func Prepare() { function.Prepare(redisSnapshotPackage) }

// redisSnapshots runs the snapshot function every 6 hours: ElastiCache snapshots only
// daily by itself (CACHE-3, CMP-3).
func (b *builder) redisSnapshots(net *network.Output, k *keys, c *cache.Output) *function.Output {
	env := b.env
	// The function's name is also the prefix of the snapshots it makes and may delete.
	name := env.Prefix() + "-redis-snapshot"
	snapshots := jsii.String(fmt.Sprintf("arn:aws:elasticache:%s:%s:snapshot:%s-*", env.Region, *k.accountID, name))
	fn, err := function.New(b.stack, "redis-snapshot", function.Config{
		Name: name, Description: "Snapshots the Redis replication group and prunes its old snapshots (CACHE-3)",
		Package: redisSnapshotPackage, Region: env.Region, AccountID: k.accountID,
		VpcID: net.VpcID, SubnetIDs: net.PrivateSubnetIDs,
		DataKeyArn: k.data.Arn, LogsKeyArn: k.logs.Arn, LambdaKeyArn: k.lambda.Arn, LogRetentionDays: env.Observability.LogRetentionDays,
		Environment: map[string]*string{
			"REPLICATION_GROUP_ID": c.ReplicationGroupID,
			"SNAPSHOT_PREFIX":      jsii.String(name),
			"RETENTION_HOURS":      jsii.String(strconv.Itoa(env.Cache.ScheduledSnapshotRetentionHours)),
		},
		// Exactly the calls the function makes, on this group and its own snapshots.
		Statements: []iampolicy.Statement{{
			Sid:       "SnapshotTheGroup",
			Actions:   []string{"elasticache:CreateSnapshot"},
			Resources: []*string{c.ReplicationGroupArn, snapshots},
		}, {
			Sid:       "PruneOwnSnapshots",
			Actions:   []string{"elasticache:DescribeSnapshots", "elasticache:DeleteSnapshot"},
			Resources: []*string{c.ReplicationGroupArn, snapshots},
		}, {
			// Snapshots of an encrypted group are encrypted with its key.
			Sid:       "SnapshotWithDataKey",
			Actions:   []string{"kms:CreateGrant", "kms:DescribeKey", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:Decrypt"},
			Resources: []*string{k.data.Arn},
		}},
		TimeoutSeconds: 120, MemoryMiB: 128,
		Schedule: "rate(6 hours)",
	})
	if err != nil {
		b.fail(err)
		return nil
	}
	b.output("redis_snapshot_function", fn.FunctionName)
	return fn
}
