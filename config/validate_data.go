package config

import (
	"regexp"
	"slices"
	"strings"

	"github.com/smile/infra/lifecycle"
)

var (
	weeklyWindowPattern = regexp.MustCompile(`^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]$`)
	dailyWindowPattern  = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$`)
	usernamePattern     = regexp.MustCompile(`^[a-z][a-z0-9_]{0,15}$`)
	suffixPattern       = regexp.MustCompile(`^(-[a-z0-9]+)*$`)
	// cacheNodeTypes are the Redis node types this platform is sized for (CACHE-1).
	cacheNodeTypes = []string{"cache.t4g.micro", "cache.t4g.small", "cache.t4g.medium", "cache.r6g.large", "cache.r6g.xlarge", "cache.r6g.2xlarge", "cache.r7g.large", "cache.r7g.xlarge"}
	// monitoringIntervals are the enhanced-monitoring intervals RDS accepts (0 is off).
	monitoringIntervals = []int{0, 1, 5, 10, 15, 30, 60}
)

// The longest bucket purpose, so the suffix check covers every bucket name.
const longestBucketPurpose = "documents"

func (e Environment) validateData(p *problems) {
	d := e.Database
	if _, ok := lifecycle.Lookup(lifecycle.MySQL, d.EngineVersion); !ok {
		p.add("Database.EngineVersion", "%q is not a MySQL major version in the support calendar: use one of %s (DB-1, LIFE-1)",
			d.EngineVersion, strings.Join(lifecycle.Versions(lifecycle.MySQL), ", "))
	}
	if !usernamePattern.MatchString(d.MasterUsername) || slices.Contains([]string{"admin", "root", "mysql", "rdsadmin"}, d.MasterUsername) {
		p.add("Database.MasterUsername", "%q must be 1-16 lowercase letters, digits or _ and not a default or reserved name (admin, root, mysql, rdsadmin)", d.MasterUsername)
	}
	if !weeklyWindowPattern.MatchString(d.MaintenanceWindow) {
		p.add("Database.MaintenanceWindow", "%q is not a weekly window such as sun:19:00-sun:20:00 (UTC)", d.MaintenanceWindow)
	}
	if !dailyWindowPattern.MatchString(d.BackupWindow) {
		p.add("Database.BackupWindow", "%q is not a daily window such as 17:00-17:30 (UTC)", d.BackupWindow)
	}
	if !slices.Contains(monitoringIntervals, d.MonitoringIntervalSeconds) {
		p.add("Database.MonitoringIntervalSeconds", "%d is not one of 0, 1, 5, 10, 15, 30, 60", d.MonitoringIntervalSeconds)
	}
	if e.isProductionLike() && (!d.PerformanceInsights || d.MonitoringIntervalSeconds == 0) {
		p.add("Database", "%s needs Performance Insights and enhanced monitoring (DB-2)", e.Name)
	}
	if d.PasswordRotationDays < 1 || d.PasswordRotationDays > 365 {
		p.add("Database.PasswordRotationDays", "%d is outside 1-365 (DB-2, SEC-3)", d.PasswordRotationDays)
	}

	c := e.Cache
	if !slices.Contains(cacheNodeTypes, c.NodeType) {
		p.add("Cache.NodeType", "%q is not a supported Redis node type (one of %s)", c.NodeType, strings.Join(cacheNodeTypes, ", "))
	}
	switch c.Engine {
	case "valkey", "redis":
		// IAM authentication needs Redis OSS 7 or Valkey 7.2+; the calendar lists only those.
		if _, ok := lifecycle.Lookup(c.CalendarComponent(), c.EngineVersion); !ok {
			p.add("Cache.EngineVersion", "%q is not a %s version in the support calendar: use one of %s (LIFE-1)",
				c.EngineVersion, c.Engine, strings.Join(lifecycle.Versions(c.CalendarComponent()), ", "))
		}
	default:
		p.add("Cache.Engine", "%q is not an ElastiCache engine SMILE runs: use valkey (or redis, Redis OSS)", c.Engine)
	}
	if c.Shards < 1 || c.Shards > 500 {
		p.add("Cache.Shards", "%d is outside 1-500 (CACHE-2)", c.Shards)
	}
	if c.ReplicasPerShard < 1 || c.ReplicasPerShard > 5 {
		p.add("Cache.ReplicasPerShard", "%d is outside 1-5: automatic failover needs at least one replica per shard (CACHE-1, CACHE-2)", c.ReplicasPerShard)
	}
	if e.Name == "prod" && (c.Shards < 2 || c.ReplicasPerShard < 2) {
		p.add("Cache", "prod needs at least 2 shards of 1 primary + 2 replicas, has %d x %d (CACHE-1)", c.Shards, c.ReplicasPerShard)
	}
	if c.SnapshotRetentionDays < 0 || c.SnapshotRetentionDays > 35 {
		p.add("Cache.SnapshotRetentionDays", "%d is outside 0-35", c.SnapshotRetentionDays)
	}
	if e.Name == "prod" && c.SnapshotRetentionDays == 0 {
		p.add("Cache.SnapshotRetentionDays", "is 0 in prod: daily snapshots are the floor under the 6-hourly ones (CACHE-3, DR-1)")
	}
	if c.ScheduledSnapshotRetentionHours < 6 || c.ScheduledSnapshotRetentionHours > 24*35 {
		p.add("Cache.ScheduledSnapshotRetentionHours", "%d is outside 6-840: keep at least the last 6-hourly snapshot (CACHE-3)", c.ScheduledSnapshotRetentionHours)
	}
	if !weeklyWindowPattern.MatchString(c.MaintenanceWindow) || !dailyWindowPattern.MatchString(c.SnapshotWindow) {
		p.add("Cache", "MaintenanceWindow %q or SnapshotWindow %q is not a window such as sun:18:00-sun:19:00 / 17:00-18:00 (UTC)", c.MaintenanceWindow, c.SnapshotWindow)
	}

	q := e.Queues
	if q.MaxReceiveCount < 1 || q.MaxReceiveCount > 1000 {
		p.add("Queues.MaxReceiveCount", "%d is outside 1-1000 (MQ-1)", q.MaxReceiveCount)
	}
	if q.RetentionDays != 14 {
		p.add("Queues.RetentionDays", "%d is not allowed: MQ-1 keeps messages 14 days (the SQS maximum)", q.RetentionDays)
	}
	if q.KmsDataKeyReuseSeconds < 60 || q.KmsDataKeyReuseSeconds > 86400 {
		p.add("Queues.KmsDataKeyReuseSeconds", "%d is outside 60-86400, the range SQS allows", q.KmsDataKeyReuseSeconds)
	}

	b := e.Buckets
	longest := e.Prefix() + "-" + longestBucketPurpose + b.NameSuffix
	if !suffixPattern.MatchString(b.NameSuffix) || len(longest) > 63 {
		p.add("Buckets.NameSuffix", "%q makes invalid bucket names such as %q: use '-' and lowercase letters or digits, 63 characters in all (S3-1)", b.NameSuffix, longest)
	}
	if b.LogTransitionDays < 30 || b.LogExpirationDays <= b.LogTransitionDays {
		p.add("Buckets.LogTransitionDays", "%d and LogExpirationDays %d: Standard-IA needs at least 30 days, and logs must expire after they move (S3-2)", b.LogTransitionDays, b.LogExpirationDays)
	}
	if b.ArchiveRetentionDays < 2555 {
		p.add("Buckets.ArchiveRetentionDays", "%d is under 7 years (2555 days): audit data and backups are kept 7 years (S3-2)", b.ArchiveRetentionDays)
	}
	if b.ArchiveAfterDays < 0 || b.ArchiveRetentionDays < b.ArchiveAfterDays+180 {
		p.add("Buckets.ArchiveAfterDays", "%d: objects must stay at least 180 days in Deep Archive before they expire", b.ArchiveAfterDays)
	}
	if b.AuditObjectLockMode != "COMPLIANCE" && b.AuditObjectLockMode != "GOVERNANCE" {
		p.add("Buckets.AuditObjectLockMode", "%q is not COMPLIANCE or GOVERNANCE (S3-2)", b.AuditObjectLockMode)
	}
	if e.Name == "prod" && b.AuditObjectLockMode != "COMPLIANCE" {
		p.add("Buckets.AuditObjectLockMode", "must be COMPLIANCE in prod: nobody may shorten the audit archive (S3-2)")
	}
	if b.NoncurrentVersionDays < 1 {
		p.add("Buckets.NoncurrentVersionDays", "%d is below 1", b.NoncurrentVersionDays)
	}

	if t := e.FileSystem.ProvisionedThroughputMiBps; t < 0 || t > 3414 {
		p.add("FileSystem.ProvisionedThroughputMiBps", "%d is outside 1-3414, the range EFS provisioned throughput allows, or 0 for elastic throughput (EFS-1, COST-1)", t)
	}
	if t := e.FileSystem.ProvisionedThroughputMiBps; e.Name == "prod" && t < 100 {
		p.add("FileSystem.ProvisionedThroughputMiBps", "is %d in prod: EFS-1 asks for 100 MiB/s provisioned there (elastic throughput, 0, is for dev and staging)", t)
	}

	k := e.Backup
	if k.DailyRetentionDays < 30 {
		p.add("Backup.DailyRetentionDays", "%d is below 30 (DR-1)", k.DailyRetentionDays)
	}
	if k.ArchiveRetentionDays < 2555 || k.ArchiveRetentionDays < k.ColdStorageAfterDays+90 {
		p.add("Backup.ArchiveRetentionDays", "%d: keep archives 7 years (2555 days) and at least 90 days in cold storage (after ColdStorageAfterDays %d) (DR-1)", k.ArchiveRetentionDays, k.ColdStorageAfterDays)
	}
	if e.isProductionLike() && !k.ContinuousDatabaseBackup {
		p.add("Backup.ContinuousDatabaseBackup", "must be true in %s: the 15-minute RPO needs point-in-time recovery (DR-1)", e.Name)
	}
	if k.VaultMinRetentionDays < 1 || k.VaultMinRetentionDays > k.DailyRetentionDays || k.VaultMaxRetentionDays < k.ArchiveRetentionDays {
		p.add("Backup.VaultMinRetentionDays", "%d and VaultMaxRetentionDays %d must admit every rule: between 1 and %d, and at least %d (DR-1)",
			k.VaultMinRetentionDays, k.VaultMaxRetentionDays, k.DailyRetentionDays, k.ArchiveRetentionDays)
	}
	if k.VaultChangeableForDays != 0 && k.VaultChangeableForDays < 3 {
		p.add("Backup.VaultChangeableForDays", "%d: a compliance lock needs a grace period of at least 3 days (or 0 for a governance lock)", k.VaultChangeableForDays)
	}
	if e.isProductionLike() && k.VaultChangeableForDays == 0 {
		p.add("Backup.VaultChangeableForDays", "is 0 in %s: its vault needs a compliance lock (DR-1)", e.Name)
	}
}
