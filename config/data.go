package config

// Cache is the ElastiCache replication group in cluster mode, Valkey by default (Redis OSS
// still accepted), speaking the Redis protocol (CACHE-1 … CACHE-3).
type Cache struct {
	// NodeType of every node of the replication group (CACHE-1, CACHE-2).
	NodeType string
	// Engine is "valkey" or "redis" (Redis OSS) at EngineVersion (CurrentVersions says why Valkey).
	Engine, EngineVersion string
	// Shards (node groups) and ReplicasPerShard: prod 2 x (1 primary + 2 replicas) (CACHE-1);
	// dev and staging may shrink them (CACHE-2).
	Shards           int
	ReplicasPerShard int
	// SnapshotRetentionDays keeps ElastiCache's own daily snapshots; 0 turns them off.
	SnapshotRetentionDays int
	// ScheduledSnapshotRetentionHours is how long the 6-hourly snapshots of the Lambda are
	// kept (CACHE-3).
	ScheduledSnapshotRetentionHours int
	// MaintenanceWindow (ddd:hh24:mi-ddd:hh24:mi) and SnapshotWindow (hh24:mi-hh24:mi) are
	// in UTC (Jakarta is UTC+7).
	MaintenanceWindow string
	SnapshotWindow    string
}

// Queues are the SQS queues of the data pipeline (MQ-1, MQ-2).
type Queues struct {
	// MaxReceiveCount is how often a message is tried before it goes to the dead-letter queue.
	MaxReceiveCount int
	// RetentionDays of messages: 14, the SQS maximum (MQ-1).
	RetentionDays int
	// KmsDataKeyReuseSeconds trades KMS calls (cost, throttling at 10K-100K msg/s) against
	// how long one data key protects messages: 60-86400.
	KmsDataKeyReuseSeconds int
}

// Buckets are the S3 buckets (S3-1, S3-2).
type Buckets struct {
	// NameSuffix makes the globally unique names smile5-<env>-<purpose><suffix>, e.g. "-a1b2".
	NameSuffix string
	// Logs move to Standard-IA after LogTransitionDays and expire after LogExpirationDays
	// (S3-2: 50-200 GB with rotation).
	LogTransitionDays int
	LogExpirationDays int
	// ArchiveAfterDays moves backups and the audit archive to Glacier Deep Archive;
	// ArchiveRetentionDays keeps them (7 years, S3-2).
	ArchiveAfterDays     int
	ArchiveRetentionDays int
	// AuditObjectLockMode is COMPLIANCE (nobody, not even root, can delete before the
	// retention ends) or GOVERNANCE (privileged principals can).
	AuditObjectLockMode string
	// NoncurrentVersionDays keeps overwritten and deleted object versions for recovery.
	NoncurrentVersionDays int
}

// FileSystem is the shared EFS (EFS-1).
type FileSystem struct {
	// ProvisionedThroughputMiBps is the throughput paid for whether used or not (EFS-1:
	// 100 MiB/s, a production figure: 720 USD a month at list price). 0 uses elastic
	// throughput instead, paid per GB read and written, which suits the light, bursty use
	// of dev and staging (COST-1).
	ProvisionedThroughputMiBps int
}

// Elastic reports whether the file system uses elastic throughput.
func (f FileSystem) Elastic() bool { return f.ProvisionedThroughputMiBps == 0 }

// Backup is AWS Backup (DR-1).
type Backup struct {
	// DailyRetentionDays keeps the daily recovery points (30, DR-1).
	DailyRetentionDays int
	// ArchiveRetentionDays keeps the monthly recovery points, moved to cold storage after
	// ColdStorageAfterDays (7 years, DR-1).
	ColdStorageAfterDays int
	ArchiveRetentionDays int
	// ContinuousDatabaseBackup adds RDS continuous backup (point in time, RPO 15 min).
	ContinuousDatabaseBackup bool
	// Vault lock: recovery points cannot be deleted before VaultMinRetentionDays or kept past
	// VaultMaxRetentionDays. VaultChangeableForDays > 0 makes it a compliance lock that nobody can
	// remove once that grace period ends; 0 keeps a governance lock that privileged
	// principals can still remove (for dev).
	VaultMinRetentionDays  int
	VaultMaxRetentionDays  int
	VaultChangeableForDays int
}

func defaultCache() Cache {
	return Cache{
		NodeType: "cache.t4g.small", Engine: CurrentVersions().CacheEngine, EngineVersion: CurrentVersions().CacheEngineVersion, Shards: 1, ReplicasPerShard: 1,
		SnapshotRetentionDays: 1, ScheduledSnapshotRetentionHours: 24,
		// 01:00-02:00 and 00:00-01:00 Jakarta time, outside the evening peak.
		MaintenanceWindow: "sun:18:00-sun:19:00", SnapshotWindow: "17:00-18:00",
	}
}

func defaultQueues() Queues {
	return Queues{MaxReceiveCount: 5, RetentionDays: 14, KmsDataKeyReuseSeconds: 300}
}

func defaultBuckets(suffix string) Buckets {
	return Buckets{
		NameSuffix: suffix, LogTransitionDays: 30, LogExpirationDays: 90,
		ArchiveAfterDays: 30, ArchiveRetentionDays: 2557, AuditObjectLockMode: "COMPLIANCE",
		NoncurrentVersionDays: 90,
	}
}

func defaultBackup() Backup {
	return Backup{
		DailyRetentionDays: 30, ColdStorageAfterDays: 30, ArchiveRetentionDays: 2557,
		ContinuousDatabaseBackup: true,
		VaultMinRetentionDays:    7, VaultMaxRetentionDays: 2557, VaultChangeableForDays: 3,
	}
}
