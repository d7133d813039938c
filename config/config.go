// Package config holds the typed settings of every SMILE environment. It is the only
// place that knows that prod is bigger than dev: constructs read these values and never
// branch on an environment's name (ENV-1).
package config

import (
	"fmt"
	"slices"
	"strings"
)

// Region is the only region SMILE data may live in (RES-1, RES-2).
const Region = "ap-southeast-3"

// Environment is everything one stack (`smile5-<env>`) is built from.
type Environment struct {
	// Name is the short environment name: dev, staging or prod.
	Name string
	// Region must be ap-southeast-3 (RES-1).
	Region string
	// AvailabilityZones are the zones the network spans, one subnet per tier in each (NET-1).
	AvailabilityZones []string

	Network       Network
	Compute       Compute
	Services      Services
	Database      Database
	Cache         Cache
	Queues        Queues
	Buckets       Buckets
	FileSystem    FileSystem
	Backup        Backup
	Edge          Edge
	Observability Observability
	Kubernetes    Kubernetes
	Security      Security
	Cost          Cost
	Delivery      Delivery
	Deployment    Deployment
}

// Network is the VPC layout (NET-1 … NET-7).
type Network struct {
	// VpcCidr is the VPC's address range, 10.0.0.0/16 (NET-1).
	VpcCidr string
	// PublicSubnetCidrs, PrivateSubnetCidrs and DatabaseSubnetCidrs hold one CIDR per
	// availability zone, in the order of Environment.AvailabilityZones (NET-2).
	PublicSubnetCidrs   []string
	PrivateSubnetCidrs  []string
	DatabaseSubnetCidrs []string
	// SingleNatGateway trades AZ-independent egress for cost; only dev may use it (NET-3).
	SingleNatGateway bool
	// InterfaceEndpointZones is how many zones (the first ones of AvailabilityZones) get a
	// network interface of each interface endpoint (NET-6). Every endpoint is billed per
	// zone-hour, so dev trades the endpoints' zone independence for two thirds of their
	// cost: instances in the other zones reach them across zones (COST-1).
	InterfaceEndpointZones int
}

// Services is the replica range of each microservice (ENV table).
type Services struct {
	// MinReplicas and MaxReplicas are the pod count of each microservice (ENV table).
	MinReplicas int
	MaxReplicas int
	// Autoscaling enables horizontal pod autoscaling between Min and MaxReplicas.
	Autoscaling bool
}

// Database is the RDS MySQL sizing of the ENV table (DB-1, DB-2).
type Database struct {
	// InstanceClass is the RDS instance class of the ENV table (DB-1).
	InstanceClass string
	// AllocatedStorageGiB is the storage at creation (ENV table: 20, 100, 500 GB).
	AllocatedStorageGiB int
	// MaxAllocatedStorageGiB above AllocatedStorageGiB turns on storage autoscaling; equal turns it off.
	MaxAllocatedStorageGiB int
	// MultiAZ keeps a synchronous standby in another zone (prod, ENV table).
	MultiAZ bool
	// BackupRetentionDays of 0 means manual snapshots only (dev).
	BackupRetentionDays int
	// DeletionProtection makes RDS refuse to delete the instance until it is turned off.
	DeletionProtection bool
	// EngineVersion is the MySQL major version; minor versions are applied automatically in
	// MaintenanceWindow.
	EngineVersion string
	// MasterUsername is not the default "admin", so it must be known to be guessed.
	MasterUsername string
	// MaintenanceWindow (ddd:hh24:mi-ddd:hh24:mi) and BackupWindow (hh24:mi-hh24:mi) are in
	// UTC (Jakarta is UTC+7) and must not overlap.
	MaintenanceWindow string
	BackupWindow      string
	// PerformanceInsights and MonitoringIntervalSeconds > 0 (enhanced monitoring) (DB-2).
	PerformanceInsights       bool
	MonitoringIntervalSeconds int
	// PasswordRotationDays rotates the RDS-managed master password (DB-2, SEC-3).
	PasswordRotationDays int
}

// Deployment says where the stack is deployed and where its state lives.
type Deployment struct {
	// EmulatorEndpoint, when set, points every AWS service at a local emulator
	// (moto_server) and applies the emulator adjustments of stacks/emulator.go.
	// Empty means real AWS.
	EmulatorEndpoint string
	// EmulatorKubeDir, with the emulator, holds one directory per cluster (app, data)
	// with the local Kubernetes API server's host, token and ca.crt, which the kubernetes
	// and helm providers use instead of `aws eks get-token` (scripts/emulator-deploy
	// starts the servers and writes it).
	EmulatorKubeDir string
	// StateBucket is the encrypted S3 bucket holding remote state (CICD-3). Empty keeps
	// state in a local file, which is only right for the emulator and first experiments.
	StateBucket string
	// KubeAsCaller makes the kubernetes and helm providers call the clusters as the caller
	// instead of assuming the environment's admin role (SMILE_KUBE_AS_CALLER=1). The pull
	// request plans use it: the plan role reads the clusters through its own view-only
	// access entry (Delivery.PlanRoleArn) and may not become admin.
	KubeAsCaller bool
	// Versions "previous" builds the environment at PreviousVersions (SMILE_VERSIONS=previous):
	// the upgrade drill deploys that, then plans the move to the defaults (LIFE-3).
	// Empty or "current" keeps the defaults.
	Versions string
	// EmulatorUpgradeCheck keeps the updates the emulator cannot apply in the plan
	// (SMILE_EMULATOR_UPGRADE_CHECK=1): the upgrade drill checks that plan, and applies
	// one without them (stacks/emulator.go, UnsupportedUpdates).
	EmulatorUpgradeCheck bool
}

// Prefix is the name prefix of every resource of this environment (ENV-2).
func (e Environment) Prefix() string { return "smile5-" + e.Name }

// StackName is the cdktf stack of this environment (ENV-1).
func (e Environment) StackName() string { return "smile-" + e.Name }

// Emulated reports whether this environment deploys to the local emulator.
func (e Environment) Emulated() bool { return e.Deployment.EmulatorEndpoint != "" }

// Tags are the tags every taggable resource carries, applied once through the provider's
// default_tags (ENV-2).
func (e Environment) Tags() map[string]string {
	return map[string]string{"Project": "smile", "Environment": e.Name, "ManagedBy": "cdktf"}
}

var jakartaZones = []string{"ap-southeast-3a", "ap-southeast-3b", "ap-southeast-3c"}

// The subnet plan is the same in every environment: application subnets are /19 because
// EKS gives every pod a VPC address; public and database subnets stay small.
func defaultNetwork() Network {
	return Network{
		VpcCidr:             "10.0.0.0/16",
		PublicSubnetCidrs:   []string{"10.0.0.0/22", "10.0.4.0/22", "10.0.8.0/22"},
		PrivateSubnetCidrs:  []string{"10.0.32.0/19", "10.0.64.0/19", "10.0.96.0/19"},
		DatabaseSubnetCidrs: []string{"10.0.128.0/24", "10.0.129.0/24", "10.0.130.0/24"},
		// One endpoint interface per zone: a zone's failure leaves the others their endpoints.
		InterfaceEndpointZones: RequiredZoneCount,
	}
}

// base holds what every environment shares: Jakarta, three zones, the subnet plan and the
// log retention floor. Dev, Staging and Prod differ only in what they set after it.
func base(name string) Environment {
	return Environment{
		Name:              name,
		Region:            Region,
		AvailabilityZones: slices.Clone(jakartaZones),
		Network:           defaultNetwork(),
		Observability:     defaultObservability(),
		// Each environment in an account of its own, owning that account's baseline.
		Security: Security{Account: "smile-" + name, OwnsAccountBaseline: true},
		// COST-2: a fifth above the estimate; anomalies of 50 USD or more (a node group
		// left scaled up for a week) alert.
		Cost:       Cost{BudgetMarginPercent: 20, AnomalyAlertUSD: 50},
		Cache:      defaultCache(),
		Queues:     defaultQueues(),
		Buckets:    defaultBuckets(""),
		FileSystem: FileSystem{ProvisionedThroughputMiBps: 100},
		Backup:     defaultBackup(),
		Edge:       defaultEdge(name + ".smile.example.org"),
		Delivery:   defaultDelivery(),
	}
}

// database adds what every environment's database shares to its sizing.
func database(d Database) Database {
	d.EngineVersion = CurrentVersions().MySQL
	d.MasterUsername = "smile_dba"
	// 02:00-03:00 Jakarta on Sunday; backups 00:00-00:30, before it.
	d.MaintenanceWindow, d.BackupWindow = "sun:19:00-sun:20:00", "17:00-17:30"
	d.PasswordRotationDays = 30
	return d
}

// Dev is minimal and on-demand: one NAT gateway, one node per group, the smallest
// database, no backups beyond manual snapshots.
func Dev() Environment {
	env := base("dev")
	env.Network.SingleNatGateway = true
	// One node per group is enough to run every service once; no GPU group.
	env.Compute = defaultCompute(1, 3, 1, 3, 30)
	// COST-1: dev nodes run on Spot (its workloads restart), and the batch group scales
	// from zero when a job asks for it (EKS-1 allows smaller floors in dev). The data
	// cluster keeps one node per group (EKS-2: 1-20 nodes).
	for _, c := range []*Cluster{&env.Compute.Application, &env.Compute.Data} {
		for i := range c.NodeGroups {
			onSpot(&c.NodeGroups[i])
		}
	}
	batch := &env.Compute.Application.NodeGroups[2]
	batch.MinSize, batch.DesiredSize = 0, 0
	// COST-1: the interface endpoints in one zone (NET-6 keeps all ten), elastic EFS
	// throughput (EFS-1's 100 MiB/s provisioned is a prod figure).
	env.Network.InterfaceEndpointZones = 1
	env.FileSystem.ProvisionedThroughputMiBps = 0
	env.Services = Services{MinReplicas: 1, MaxReplicas: 2}
	env.Kubernetes = defaultKubernetes(
		NamespaceQuota{Requests: Resources{8000, 16384}, Limits: Resources{16000, 32768}, Pods: 60},
		NamespaceQuota{Requests: Resources{16000, 65536}, Limits: Resources{24000, 98304}, Pods: 30})
	env.Database = database(Database{
		InstanceClass: "db.t3.micro", AllocatedStorageGiB: 20, MaxAllocatedStorageGiB: 20,
		BackupRetentionDays: 0,
	})
	// Dev data is disposable: no continuous backup, and locks that can still be lifted.
	env.Backup.ContinuousDatabaseBackup = false
	env.Backup.VaultChangeableForDays = 0
	env.Buckets.AuditObjectLockMode = "GOVERNANCE"
	env.Edge.Api = Api{ThrottlingBurstLimit: 100, ThrottlingRateLimit: 50}
	// Little traffic: trace every request.
	env.Observability.TraceSamplingRate = 1
	// db.t3.micro allows ~60 connections.
	env.Observability.Alarms.DatabaseConnections = 45
	return env
}

// Staging is medium-sized with a NAT gateway per AZ, like prod.
func Staging() Environment {
	env := base("staging")
	env.Compute = defaultCompute(2, 10, 1, 10, 50)
	env.Services = Services{MinReplicas: 2, MaxReplicas: 3}
	env.Kubernetes = defaultKubernetes(
		NamespaceQuota{Requests: Resources{24000, 49152}, Limits: Resources{48000, 98304}, Pods: 150},
		NamespaceQuota{Requests: Resources{24000, 98304}, Limits: Resources{40000, 163840}, Pods: 40})
	env.Database = database(Database{
		InstanceClass: "db.t3.medium", AllocatedStorageGiB: 100, MaxAllocatedStorageGiB: 100,
		BackupRetentionDays: 7, PerformanceInsights: true, MonitoringIntervalSeconds: 60,
	})
	// CACHE-2: one shard of a primary and a replica is enough to rehearse failover; prod's
	// second shard rehearses nothing staging tests (COST-1).
	env.Cache.NodeType, env.Cache.Shards = "cache.r6g.large", 1
	// COST-1: batch jobs are retried, so their nodes run on Spot; the services' nodes stay
	// on demand like prod's. Elastic EFS throughput: staging does not carry prod's load.
	onSpot(&env.Compute.Application.NodeGroups[2])
	env.FileSystem.ProvisionedThroughputMiBps = 0
	env.Edge.Api = Api{ThrottlingBurstLimit: 200, ThrottlingRateLimit: 100}
	env.Observability.TraceSamplingRate = 0.5
	env.Observability.Alarms.DatabaseFreeStorageGiB = 20
	env.Observability.Alarms.DatabaseConnections = 250
	return env
}

// Prod is high-availability: NAT per AZ, Multi-AZ database with storage autoscaling,
// 30-day backups and deletion protection.
func Prod() Environment {
	env := base("prod")
	// EKS-1: 2-50 nodes per application group; EKS-2: 1-20 per data group, plus the GPU
	// group for ML training, which scales from zero.
	env.Compute = defaultCompute(2, 50, 1, 20, 100)
	env.Compute.Data.GPU.Enabled = true
	env.Services = Services{MinReplicas: 3, MaxReplicas: 10, Autoscaling: true}
	// K8S-1: sized for 50 nodes per application group and 20 per data group (EKS-1, EKS-2).
	env.Kubernetes = defaultKubernetes(
		NamespaceQuota{Requests: Resources{160000, 327680}, Limits: Resources{320000, 655360}, Pods: 1000},
		NamespaceQuota{Requests: Resources{80000, 327680}, Limits: Resources{120000, 491520}, Pods: 200})
	env.Database = database(Database{
		InstanceClass: "db.r5.large", AllocatedStorageGiB: 500, MaxAllocatedStorageGiB: 1000,
		MultiAZ: true, BackupRetentionDays: 30, DeletionProtection: true,
		PerformanceInsights: true, MonitoringIntervalSeconds: 60,
	})
	// CACHE-1: 2 shards of 1 primary + 2 replicas.
	env.Cache.NodeType, env.Cache.Shards, env.Cache.ReplicasPerShard = "cache.r6g.large", 2, 2
	env.Cache.SnapshotRetentionDays = 7
	// The public name; dev and staging live under it.
	env.Edge.Domain = "smile.example.org"
	env.Edge.LoadBalancerDeletionProtection = true
	env.Security.PreventDestroy = true
	// Every microservice sits behind this one stage: sized for the whole platform's peak.
	env.Edge.Api = Api{ThrottlingBurstLimit: 2000, ThrottlingRateLimit: 1000}
	// Stickiness keeps a user on one version while a canary runs.
	env.Edge.Traffic.StickinessSeconds = 3600
	// OBS-3: 10% of requests in prod.
	env.Observability.TraceSamplingRate = 0.1
	env.Observability.Alarms.DatabaseFreeStorageGiB = 50
	env.Observability.Alarms.DatabaseConnections = 800
	return env
}

// Names lists the known environments in deployment order.
func Names() []string { return []string{"dev", "staging", "prod"} }

// Lookup returns the environment called name, or an error naming the known ones.
func Lookup(name string) (Environment, error) {
	switch name {
	case "dev":
		return Dev(), nil
	case "staging":
		return Staging(), nil
	case "prod":
		return Prod(), nil
	}
	return Environment{}, fmt.Errorf("unknown environment %q: known environments are %s (set SMILE_ENVIRONMENTS to a comma-separated list of them, or leave it unset for all)",
		name, strings.Join(Names(), ", "))
}
