package config

// Observability is logging, alarms, the dashboard and tracing (OBS-1 … OBS-4).
type Observability struct {
	// LogRetentionDays of every log group, 30 days at least (OBS-1).
	LogRetentionDays int
	// AuditLogRetentionDays keeps CloudTrail's log group searchable for longer; the 7-year
	// archive is the audit bucket (SEC-5, OBS-4).
	AuditLogRetentionDays int
	// AlarmEmails receive every alarm and its recovery through the alarm topic (OBS-2).
	AlarmEmails []string
	// TraceSamplingRate is the share of requests X-Ray traces beyond the first one each
	// second (OBS-3).
	TraceSamplingRate float64
	Alarms            AlarmThresholds
}

// AlarmThresholds are the limits of the metric alarms (OBS-2); the dashboard shows the same
// metrics with the same lines.
type AlarmThresholds struct {
	// DatabaseCPUPercent alarms above, DatabaseFreeStorageGiB below, DatabaseConnections
	// above (the RDS instance).
	DatabaseCPUPercent     float64
	DatabaseFreeStorageGiB float64
	DatabaseConnections    float64
	// CacheCPUPercent, CacheEngineCPUPercent and CacheMemoryPercent: the busiest node of
	// the cache's replication group.
	CacheCPUPercent       float64
	CacheEngineCPUPercent float64
	CacheMemoryPercent    float64
	// DeadLetterMessages waiting in any dead-letter queue.
	DeadLetterMessages float64
	// QueueOldestMessageSeconds: how long the oldest message of a main queue may wait.
	QueueOldestMessageSeconds float64
	// LoadBalancer5xxPer5Min counts 5xx answers of the load balancer and its targets.
	LoadBalancer5xxPer5Min float64
	// TargetResponseSecondsP95 is the 95th percentile of the pods' response time.
	TargetResponseSecondsP95 float64
	// UnhealthyTargets per target group.
	UnhealthyTargets float64
	// FunctionErrors and FunctionThrottles per 5 minutes, per Lambda function.
	FunctionErrors    float64
	FunctionThrottles float64
}

// Security is who owns the account-level settings.
type Security struct {
	// Account names the AWS account the environment deploys to. Recommended: one account
	// per environment (docs/security.md).
	Account string
	// OwnsAccountBaseline makes this environment's stack create the settings an account has
	// once per region: EBS default encryption, the S3 account public access block, the IAM
	// password policy, GuardDuty, Security Hub, AWS Config and X-Ray encryption. Exactly one
	// environment per Account owns them.
	OwnsAccountBaseline bool
	// PreventDestroy gives every stateful resource (package stateful) Terraform's
	// lifecycle.prevent_destroy, so no plan can delete or replace one (SAFE-1). On in prod;
	// a deliberate teardown sets it false in a reviewed change and deploys that first
	// (docs/deploying.md, "prod carries prevent_destroy").
	PreventDestroy bool
}

// Cost is the environment's budget and, for the account baseline's owner, the account's
// cost anomaly alerts (COST-2).
type Cost struct {
	// BudgetMarginPercent above the cost table's estimate (docs/cost.md) is the monthly
	// budget: actual and forecast spend above it alert the alarm topic. The estimate is list
	// prices at assumed usage, so the margin absorbs traffic the usage file does not foresee.
	BudgetMarginPercent int
	// AnomalyAlertUSD is the total impact of a cost anomaly that alerts the alarm topic of
	// the stack owning the account baseline (Security.OwnsAccountBaseline).
	AnomalyAlertUSD int
}

// MinBudgetMarginPercent keeps a budget at the estimate from alerting on every month's noise.
const MinBudgetMarginPercent = 5

// MinAuditLogRetentionDays keeps CloudTrail's log group a year (OBS-4).
const MinAuditLogRetentionDays = 365

func defaultObservability() Observability {
	return Observability{
		LogRetentionDays:      MinLogRetentionDays,
		AuditLogRetentionDays: MinAuditLogRetentionDays,
		AlarmEmails:           []string{"platform-oncall@smile.example.org"},
		TraceSamplingRate:     0.1,
		Alarms: AlarmThresholds{
			DatabaseCPUPercent: 80, DatabaseFreeStorageGiB: 5, DatabaseConnections: 50,
			CacheCPUPercent: 80, CacheEngineCPUPercent: 75, CacheMemoryPercent: 80,
			DeadLetterMessages: 1, QueueOldestMessageSeconds: 900,
			LoadBalancer5xxPer5Min: 25, TargetResponseSecondsP95: 1, UnhealthyTargets: 1,
			FunctionErrors: 1, FunctionThrottles: 1,
		},
	}
}
