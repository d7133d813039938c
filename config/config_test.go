package config

import (
	"slices"
	"strings"
	"testing"
)

// ENV-1, ENV table: the three environments are valid as shipped and sized as the spec says.
func TestShippedEnvironmentsAreValid(t *testing.T) {
	for _, name := range Names() {
		env, err := Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := env.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if env.Prefix() != "smile5-"+name || env.StackName() != "smile-"+name {
			t.Errorf("%s: prefix %q stack %q", name, env.Prefix(), env.StackName())
		}
	}
}

func TestENVTableSizing(t *testing.T) {
	cases := []struct {
		env                                  Environment
		class                                string
		storage, maxStorage, backupDays, min int
		multiAZ, singleNat, autoscaling      bool
	}{
		{Dev(), "db.t3.micro", 20, 20, 0, 1, false, true, false},
		{Staging(), "db.t3.medium", 100, 100, 7, 2, false, false, false},
		{Prod(), "db.r5.large", 500, 1000, 30, 3, true, false, true},
	}
	for _, c := range cases {
		d := c.env.Database
		if d.InstanceClass != c.class || d.AllocatedStorageGiB != c.storage || d.MaxAllocatedStorageGiB != c.maxStorage ||
			d.BackupRetentionDays != c.backupDays || d.MultiAZ != c.multiAZ {
			t.Errorf("%s: database %+v", c.env.Name, d)
		}
		if c.env.Network.SingleNatGateway != c.singleNat { // NET-3
			t.Errorf("%s: SingleNatGateway %v, want %v", c.env.Name, c.env.Network.SingleNatGateway, c.singleNat)
		}
		if c.env.Services.MinReplicas != c.min || c.env.Services.Autoscaling != c.autoscaling {
			t.Errorf("%s: services %+v", c.env.Name, c.env.Services)
		}
		if c.env.Region != "ap-southeast-3" || len(c.env.AvailabilityZones) != 3 { // RES-1
			t.Errorf("%s: region %s zones %v", c.env.Name, c.env.Region, c.env.AvailabilityZones)
		}
	}
}

// ENV-3: each invalid config and the message it must produce. Every case must also name
// the field, and one Validate call reports all problems at once.
func TestValidateRejectsBadConfig(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Environment)
		want   []string
	}{
		{"region outside Jakarta", func(e *Environment) { e.Region = "ap-southeast-1" },
			[]string{`Region: "ap-southeast-1" is not allowed`, "RES-1"}},
		{"two zones", func(e *Environment) { e.AvailabilityZones = e.AvailabilityZones[:2] },
			[]string{"AvailabilityZones: has 2 zones, needs exactly 3", "Network.PublicSubnetCidrs: has 3 CIDRs for 2 availability zones"}},
		{"zone of another region", func(e *Environment) { e.AvailabilityZones[2] = "us-east-1a" },
			[]string{`AvailabilityZones: "us-east-1a" is not a zone of ap-southeast-3`}},
		{"duplicate zone", func(e *Environment) { e.AvailabilityZones[2] = "ap-southeast-3a" },
			[]string{`"ap-southeast-3a" is listed twice`}},
		{"overlapping CIDRs", func(e *Environment) { e.Network.DatabaseSubnetCidrs[0] = "10.0.33.0/24" },
			[]string{`Network.DatabaseSubnetCidrs[0]: "10.0.33.0/24" overlaps Network.PrivateSubnetCidrs[0] (10.0.32.0/19)`}},
		{"subnet outside the VPC", func(e *Environment) { e.Network.PublicSubnetCidrs[1] = "10.1.4.0/22" },
			[]string{`Network.PublicSubnetCidrs[1]: "10.1.4.0/22" is outside the VPC 10.0.0.0/16`}},
		{"malformed CIDR", func(e *Environment) { e.Network.PrivateSubnetCidrs[2] = "10.0.96.0/33" },
			[]string{`Network.PrivateSubnetCidrs[2]: "10.0.96.0/33" is not an IPv4 network`}},
		{"public VPC range", func(e *Environment) { e.Network.VpcCidr = "8.8.0.0/16" },
			[]string{`Network.VpcCidr: "8.8.0.0/16" is not a private (RFC 1918) range`}},
		{"VPC too large", func(e *Environment) { e.Network.VpcCidr = "10.0.0.0/8" },
			[]string{`Network.VpcCidr: "10.0.0.0/8" has a /8 mask`}},
		// OBS-1 … OBS-4, SEC-7
		{"audit log retention below a year", func(e *Environment) { e.Observability.AuditLogRetentionDays = 90 },
			[]string{"Observability.AuditLogRetentionDays: 90 is not allowed"}},
		{"malformed alarm e-mail", func(e *Environment) { e.Observability.AlarmEmails = []string{"oncall at smile"} },
			[]string{`Observability.AlarmEmails[0]: "oncall at smile" is not an e-mail address`}},
		{"sampling above 100%", func(e *Environment) { e.Observability.TraceSamplingRate = 1.5 },
			[]string{"Observability.TraceSamplingRate: 1.5 is outside 0-1"}},
		{"alarm threshold of zero", func(e *Environment) { e.Observability.Alarms.FunctionErrors = 0 },
			[]string{"Observability.Alarms.FunctionErrors: 0 must be above 0"}},
		{"percentage above 100", func(e *Environment) { e.Observability.Alarms.CacheMemoryPercent = 120 },
			[]string{"Observability.Alarms.CacheMemoryPercent: 120 is a percentage above 100"}},
		{"free storage alarm above the disk", func(e *Environment) { e.Observability.Alarms.DatabaseFreeStorageGiB = 2000 },
			[]string{"Observability.Alarms.DatabaseFreeStorageGiB: 2000 is not below the database's"}},
		{"account with capitals", func(e *Environment) { e.Security.Account = "Smile Prod" },
			[]string{`Security.Account: "Smile Prod" must name the AWS account`}},
		// SAFE-1
		{"prevent_destroy in the emulator", func(e *Environment) {
			e.Security.PreventDestroy = true
			e.Deployment.EmulatorEndpoint = "http://127.0.0.1:5000"
		}, []string{"Security.PreventDestroy: must be false with Deployment.EmulatorEndpoint"}},
		// EDGE-1 … EDGE-5
		{"domain with capitals", func(e *Environment) { e.Edge.Domain = "Smile.Example.org" },
			[]string{`Edge.Domain: "Smile.Example.org" is not a lowercase DNS name`}},
		{"domain of one label", func(e *Environment) { e.Edge.Domain = "smile" },
			[]string{`Edge.Domain: "smile" is not a lowercase DNS name`}},
		{"malformed hosted zone", func(e *Environment) { e.Edge.HostedZoneID = "zone-1" },
			[]string{`Edge.HostedZoneID: "zone-1" is not a Route 53 hosted zone ID`}},
		{"price class without Asia", func(e *Environment) { e.Edge.PriceClass = "PriceClass_100" },
			[]string{`Edge.PriceClass: "PriceClass_100" has no edge locations in Asia`}},
		{"unknown price class", func(e *Environment) { e.Edge.PriceClass = "cheap" },
			[]string{`Edge.PriceClass: "cheap" is not a CloudFront price class`}},
		{"WAF rate limit too low", func(e *Environment) { e.Edge.WafRateLimitPer5Min = 50 },
			[]string{"Edge.WafRateLimitPer5Min: 50 is outside 100-2000000000"}},
		{"weights not summing to 100", func(e *Environment) { e.Edge.Traffic.BlueWeight, e.Edge.Traffic.GreenWeight = 90, 20 },
			[]string{"Edge.Traffic: BlueWeight 90 + GreenWeight 20 = 110", "must sum to 100"}},
		{"negative weight", func(e *Environment) { e.Edge.Traffic.BlueWeight, e.Edge.Traffic.GreenWeight = 110, -10 },
			[]string{"Edge.Traffic.BlueWeight: 110 is outside 0-100", "Edge.Traffic.GreenWeight: -10 is outside 0-100"}},
		{"health check path without slash", func(e *Environment) { e.Edge.Traffic.HealthCheckPath = "healthz" },
			[]string{`Edge.Traffic.HealthCheckPath: "healthz" must be a path starting with /`}},
		{"health check path with a query", func(e *Environment) { e.Edge.Traffic.HealthCheckPath = "/healthz?deep=1" },
			[]string{`Edge.Traffic.HealthCheckPath: "/healthz?deep=1" must be a path starting with /`}},
		{"stickiness over 7 days", func(e *Environment) { e.Edge.Traffic.StickinessSeconds = 604801 },
			[]string{"Edge.Traffic.StickinessSeconds: 604801 is outside 0 (off) to 604800"}},
		{"API burst of zero", func(e *Environment) { e.Edge.Api.ThrottlingBurstLimit = 0 },
			[]string{"Edge.Api.ThrottlingBurstLimit: 0 is outside 1-5000"}},
		{"API rate of zero", func(e *Environment) { e.Edge.Api.ThrottlingRateLimit = 0 },
			[]string{"Edge.Api.ThrottlingRateLimit: 0 is outside (0, 10000]"}},
		{"min replicas above max", func(e *Environment) { e.Services.MinReplicas, e.Services.MaxReplicas = 4, 2 },
			[]string{"Services.MinReplicas: 4 is greater than Services.MaxReplicas 2"}},
		{"unknown instance class", func(e *Environment) { e.Database.InstanceClass = "db.x9.huge" },
			[]string{`Database.InstanceClass: "db.x9.huge" is not a supported RDS MySQL class`}},
		{"max storage below allocated", func(e *Environment) { e.Database.MaxAllocatedStorageGiB = 10 },
			[]string{"Database.MaxAllocatedStorageGiB: 10 is below AllocatedStorageGiB 20"}},
		{"log retention below the floor", func(e *Environment) { e.Observability.LogRetentionDays = 14 },
			[]string{"Observability.LogRetentionDays: 14 is not allowed", "OBS-1"}},
		{"log retention CloudWatch does not offer", func(e *Environment) { e.Observability.LogRetentionDays = 45 },
			[]string{"Observability.LogRetentionDays: 45 is not allowed"}},
		{"emulator endpoint not on loopback", func(e *Environment) { e.Deployment.EmulatorEndpoint = "http://moto.internal:5000" },
			[]string{`Deployment.EmulatorEndpoint: "http://moto.internal:5000" is not a local emulator address`}},
		{"emulator with remote state", func(e *Environment) {
			e.Deployment.EmulatorEndpoint = "http://127.0.0.1:5000"
			e.Deployment.StateBucket = "smile-state"
		}, []string{"Deployment.StateBucket: is set together with the emulator endpoint"}},
		{"emulator without the local Kubernetes API servers", func(e *Environment) { e.Deployment.EmulatorEndpoint = "http://127.0.0.1:5000" },
			[]string{"Deployment.EmulatorKubeDir: is empty: an emulator deployment needs the local Kubernetes API servers"}},
		{"Kubernetes API servers without the emulator", func(e *Environment) { e.Deployment.EmulatorKubeDir = "/tmp/kube" },
			[]string{"Deployment.EmulatorKubeDir: is set without the emulator endpoint"}},
		// LIFE-3: the upgrade drill's check plan exists only in the emulator.
		{"upgrade check without the emulator", func(e *Environment) { e.Deployment.EmulatorUpgradeCheck = true },
			[]string{"Deployment.EmulatorUpgradeCheck: is set without the emulator endpoint"}},
		{"caller credentials against the emulator", func(e *Environment) {
			e.Deployment.EmulatorEndpoint, e.Deployment.EmulatorKubeDir = "http://127.0.0.1:5000", "/tmp/kube"
			e.Deployment.KubeAsCaller = true
		}, []string{"Deployment.KubeAsCaller: is set together with the emulator endpoint"}},
		{"bad state bucket", func(e *Environment) { e.Deployment.StateBucket = "Smile_State" },
			[]string{`Deployment.StateBucket: "Smile_State" is not a valid S3 bucket name`}},
		{"bad name", func(e *Environment) { e.Name = "Dev-1" },
			[]string{`Name: "Dev-1" must be 2-12 lowercase letters or digits`}},
		// COST-1, COST-2
		{"Spot with one instance type", func(e *Environment) { e.Compute.Application.NodeGroups[0].InstanceTypes = []string{"m5.large"} },
			[]string{"Compute.Application.NodeGroups[0].InstanceTypes: web: Spot needs at least two instance types of the same size"}},
		{"Spot types of different sizes", func(e *Environment) {
			e.Compute.Application.NodeGroups[0].InstanceTypes = []string{"m5.large", "m5.xlarge"}
		},
			[]string{"Compute.Application.NodeGroups[0].InstanceTypes: web: Spot types m5.large, m5.xlarge differ in vCPUs"}},
		{"GPU group on Spot", func(e *Environment) {
			e.Compute.Data.GPU.Enabled, e.Compute.Data.GPU.Spot = true, true
			e.Compute.Data.GPU.InstanceTypes = []string{"g5.xlarge", "g5.xlarge"}
		}, []string{"Compute.Data.GPU.Spot: gpu: GPU training runs for hours"}},
		{"negative EFS throughput", func(e *Environment) { e.FileSystem.ProvisionedThroughputMiBps = -1 },
			[]string{"FileSystem.ProvisionedThroughputMiBps: -1 is outside 1-3414", "or 0 for elastic throughput"}},
		{"interface endpoints in no zone", func(e *Environment) { e.Network.InterfaceEndpointZones = 0 },
			[]string{"Network.InterfaceEndpointZones: 0 is outside 1-3"}},
		{"interface endpoints in more zones than the VPC", func(e *Environment) { e.Network.InterfaceEndpointZones = 4 },
			[]string{"Network.InterfaceEndpointZones: 4 is outside 1-3"}},
		{"budget margin below 5%", func(e *Environment) { e.Cost.BudgetMarginPercent = 2 },
			[]string{"Cost.BudgetMarginPercent: 2 is outside 5-100"}},
		{"anomaly alert of zero", func(e *Environment) { e.Cost.AnomalyAlertUSD = 0 },
			[]string{"Cost.AnomalyAlertUSD: is 0"}},
		// EKS-3
		{"EKS version EKS no longer creates", func(e *Environment) { e.Compute.KubernetesVersion = "1.24" },
			[]string{`Compute.KubernetesVersion: "1.24" is a version EKS no longer creates`, "EKS-3"}},
		{"unknown EKS version", func(e *Environment) { e.Compute.KubernetesVersion = "1.99" },
			[]string{`Compute.KubernetesVersion: "1.99" is not in the support calendar: use one of 1.33, 1.34, 1.35, 1.36, or add the version to lifecycle/calendar.go`}},
		// K8S-1, EKS-7
		{"quota limits below requests", func(e *Environment) { e.Kubernetes.Application.Limits = Resources{4000, 8192} },
			[]string{"Kubernetes.Application.Limits: 4 CPU / 8Gi is below the requests 8 CPU / 16Gi"}},
		{"quota without pods", func(e *Environment) { e.Kubernetes.Data.Pods = 0 },
			[]string{"Kubernetes.Data.Pods: 0 must be at least 1", "Kubernetes.Data.Pods: 0 cannot hold a Spark driver and 5 executors"}},
		{"quota too small for an API pod", func(e *Environment) { e.Kubernetes.Application.Requests = Resources{1000, 16384} },
			[]string{"Kubernetes.Application: the quota (requests 1 CPU / 16Gi, limits 16 CPU / 32Gi) cannot hold one API pod at its maximum 2 CPU / 4Gi"}},
		// K8S-2
		{"data quota too small for Spark", func(e *Environment) { e.Kubernetes.SparkExecutors.Max = 8 },
			[]string{"Kubernetes.Data.Requests: 16 CPU / 64Gi cannot hold a Spark driver and 8 executors at the ETL minimum (18 CPU / 72Gi)",
				"Kubernetes.Data.Limits: 24 CPU / 96Gi cannot hold a Spark driver and 8 executors at the ETL default limit (36 CPU / 144Gi)"}},
		{"Spark range upside down", func(e *Environment) { e.Kubernetes.SparkExecutors = Range{Min: 5, Max: 3} },
			[]string{"Kubernetes.SparkExecutors: 5-3 is not a range of at least one executor"}},
		{"chart version range", func(e *Environment) { e.Kubernetes.Charts.MetricsServer.Version = "^3.13" },
			[]string{`Kubernetes.Charts.metrics-server: version "^3.13" must be an exact chart version`}},
		{"chart repository over http", func(e *Environment) { e.Kubernetes.Charts.SparkOperator.Repository = "http://charts.example.org" },
			[]string{`Kubernetes.Charts.spark-operator: repository "http://charts.example.org" must be an https:// chart repository`}},
		{"collector image on latest", func(e *Environment) {
			e.Kubernetes.AdotCollectorImage = "public.ecr.aws/aws-observability/aws-otel-collector:latest"
		}, []string{`Kubernetes.AdotCollectorImage: "public.ecr.aws/aws-observability/aws-otel-collector:latest" must be an image pinned by a tag other than latest`}},
		// CICD-1, CICD-2: the CI runner inside the VPC
		{"plan role that is not a role", func(e *Environment) { e.Delivery.PlanRoleArn = "smile5-terraform-ci-plan" },
			[]string{`Delivery.PlanRoleArn: "smile5-terraform-ci-plan" is not an IAM role ARN`, "ci_plan_role_arn"}},
		{"plan role that is also an admin", func(e *Environment) { e.Compute.AdminRoleArns = []string{e.Delivery.PlanRoleArn} },
			[]string{`Delivery.PlanRoleArn: "arn:aws:iam::123456789012:role/smile5-terraform-ci-plan" is also an admin or on-call role`}},
		{"runner connection that is not one", func(e *Environment) {
			e.Delivery.Runner.ConnectionArn = "arn:aws:codestar:ap-southeast-3:123456789012:github"
		},
			[]string{`Delivery.Runner.ConnectionArn: "arn:aws:codestar:ap-southeast-3:123456789012:github" is not a CodeConnections connection ARN`}},
		{"runner repository without owner", func(e *Environment) { e.Delivery.Runner.Repository = "smile-infra" },
			[]string{`Delivery.Runner.Repository: "smile-infra" is not a GitHub repository`}},
		{"runner compute type unknown", func(e *Environment) { e.Delivery.Runner.ComputeType = "BUILD_LAMBDA_1GB" },
			[]string{`Delivery.Runner.ComputeType: "BUILD_LAMBDA_1GB" is not a CodeBuild Linux compute type`}},
		{"runner image unpinned", func(e *Environment) { e.Delivery.Runner.Image = "aws/codebuild/amazonlinux-x86_64-standard:latest" },
			[]string{`Delivery.Runner.Image: "aws/codebuild/amazonlinux-x86_64-standard:latest" is not a pinned CodeBuild managed image`}},
		{"runner timeout too short for a first deploy", func(e *Environment) { e.Delivery.Runner.TimeoutMinutes = 30 },
			[]string{"Delivery.Runner.TimeoutMinutes: 30 is outside 60-480"}},
		{"runner taking no job", func(e *Environment) { e.Delivery.Runner.ConcurrentJobs = 0 },
			[]string{"Delivery.Runner.ConcurrentJobs: 0: the runner must take at least one job"}},
		{"on-call role that is not a role", func(e *Environment) { e.Kubernetes.OnCallRoleArns = []string{"arn:aws:iam::123456789012:group/oncall"} },
			[]string{`Kubernetes.OnCallRoleArns[0]: "arn:aws:iam::123456789012:group/oncall" is not an IAM role ARN`}},
		{"on-call role that is also an admin", func(e *Environment) {
			e.Compute.AdminRoleArns = []string{"arn:aws:iam::123456789012:role/ops"}
			e.Kubernetes.OnCallRoleArns = []string{"arn:aws:iam::123456789012:role/ops"}
		}, []string{`Kubernetes.OnCallRoleArns[0]: "arn:aws:iam::123456789012:role/ops" is also in Compute.AdminRoleArns`}},
		// EKS-5
		{"public endpoint open to the internet", func(e *Environment) { e.Compute.PublicEndpointCidrs = []string{"0.0.0.0/0"} },
			[]string{`Compute.PublicEndpointCidrs[0]: "0.0.0.0/0" opens the cluster API to the whole internet`}},
		{"public endpoint CIDR malformed", func(e *Environment) { e.Compute.PublicEndpointCidrs = []string{"203.0.113.7/24"} },
			[]string{`Compute.PublicEndpointCidrs[0]: "203.0.113.7/24" is not an IPv4 network`}},
		{"admin role that is not a role ARN", func(e *Environment) { e.Compute.AdminRoleArns = []string{"arn:aws:iam::123456789012:user/alice"} },
			[]string{`Compute.AdminRoleArns[0]: "arn:aws:iam::123456789012:user/alice" is not an IAM role ARN`}},
		{"admin role twice", func(e *Environment) {
			e.Compute.AdminRoleArns = []string{"arn:aws:iam::123456789012:role/ops", "arn:aws:iam::123456789012:role/ops"}
		}, []string{`Compute.AdminRoleArns: "arn:aws:iam::123456789012:role/ops" is listed twice`}},
		// EKS-6
		{"add-on without a version", func(e *Environment) { delete(e.Compute.Addons, AddonCoreDNS) },
			[]string{`Compute.Addons: has no version for "coredns"`}},
		{"kube-proxy of another Kubernetes version", func(e *Environment) { e.Compute.Addons[AddonKubeProxy] = "v1.33.3-eksbuild.4" },
			[]string{`Compute.Addons[kube-proxy]: "v1.33.3-eksbuild.4" does not match KubernetesVersion 1.36`}},
		// LIFE-1: engines only at versions the support calendar lists.
		{"MySQL version not in the calendar", func(e *Environment) { e.Database.EngineVersion = "5.7" },
			[]string{`Database.EngineVersion: "5.7" is not a MySQL major version in the support calendar: use one of 8.0, 8.4`}},
		{"cache engine unknown", func(e *Environment) { e.Cache.Engine = "memcached" },
			[]string{`Cache.Engine: "memcached" is not an ElastiCache engine SMILE runs: use valkey`}},
		{"Valkey version not in the calendar", func(e *Environment) { e.Cache.EngineVersion = "7.2" },
			[]string{`Cache.EngineVersion: "7.2" is not a valkey version in the support calendar: use one of 8.1`}},
		{"node group zone outside the environment", func(e *Environment) { e.Compute.Data.NodeGroups[0].Zones = []string{"ap-southeast-1a"} },
			[]string{`Compute.Data.NodeGroups[0].Zones: compute: "ap-southeast-1a" is not one of the environment's zones`}},
		{"add-on version malformed", func(e *Environment) { e.Compute.Addons[AddonVpcCni] = "latest" },
			[]string{`Compute.Addons[vpc-cni]: "latest" is not an EKS add-on version`}},
		// EKS-1, EKS-2, EKS-4
		{"node group min above max", func(e *Environment) { e.Compute.Application.NodeGroups[0].MinSize = 5 },
			[]string{"Compute.Application.NodeGroups[0].MinSize: web: 5 is greater than MaxSize 3"}},
		{"node group desired outside min-max", func(e *Environment) { e.Compute.Data.NodeGroups[1].DesiredSize = 7 },
			[]string{"Compute.Data.NodeGroups[1].DesiredSize: memory: 7 is outside MinSize-MaxSize 1-3"}},
		{"node disk too small", func(e *Environment) { e.Compute.Application.NodeGroups[1].DiskGiB = 20 },
			[]string{"Compute.Application.NodeGroups[1].DiskGiB: api: 20 is outside 30-100 GiB", "EKS-4"}},
		{"node disk too large", func(e *Environment) { e.Compute.Data.NodeGroups[0].DiskGiB = 200 },
			[]string{"Compute.Data.NodeGroups[0].DiskGiB: compute: 200 is outside 30-100 GiB"}},
		{"node instance above 16 vCPUs", func(e *Environment) { e.Compute.Application.NodeGroups[2].InstanceTypes = []string{"m5.8xlarge"} },
			[]string{`Compute.Application.NodeGroups[2].InstanceTypes: batch: "m5.8xlarge" has 32 vCPUs, outside 2-16`}},
		{"unknown node instance type", func(e *Environment) { e.Compute.Application.NodeGroups[0].InstanceTypes = []string{"x9.huge"} },
			[]string{`Compute.Application.NodeGroups[0].InstanceTypes: web: "x9.huge" is not an instance type this platform is sized for`}},
		{"GPU group on a CPU instance", func(e *Environment) {
			e.Compute.Data.GPU.Enabled = true
			e.Compute.Data.GPU.InstanceTypes = []string{"r5.xlarge"}
		}, []string{`Compute.Data.GPU.InstanceTypes: gpu: "r5.xlarge" does not fit GPU true`}},
		{"duplicate node group", func(e *Environment) { e.Compute.Application.NodeGroups[1].Name = "web" },
			[]string{`Compute.Application: node group "web" is defined twice`}},
		{"unknown taint effect", func(e *Environment) {
			e.Compute.Application.NodeGroups[2].Taints = []Taint{{Key: "batch", Value: "true", Effect: "NoSchedule"}}
		}, []string{`batch: taint "batch" effect "NoSchedule"`}},
		// CMP-1
		{"bastion too big", func(e *Environment) { e.Compute.Bastion.InstanceType = "m5.large" },
			[]string{`Compute.Bastion.InstanceType: "m5.large" is not allowed`}},
		{"bastion key that is not an OpenSSH public key", func(e *Environment) { e.Compute.Bastion.SSHPublicKey = "-----BEGIN OPENSSH PRIVATE KEY-----" },
			[]string{"Compute.Bastion.SSHPublicKey: is not an OpenSSH public key"}},
		// CACHE-2
		{"Redis without replicas", func(e *Environment) { e.Cache.ReplicasPerShard = 0 },
			[]string{"Cache.ReplicasPerShard: 0 is outside 1-5: automatic failover needs at least one replica"}},
		{"Redis replicas out of range", func(e *Environment) { e.Cache.ReplicasPerShard = 6 },
			[]string{"Cache.ReplicasPerShard: 6 is outside 1-5"}},
		{"Redis shards out of range", func(e *Environment) { e.Cache.Shards = 0 },
			[]string{"Cache.Shards: 0 is outside 1-500 (CACHE-2)"}},
		{"unknown Redis node type", func(e *Environment) { e.Cache.NodeType = "cache.x9.huge" },
			[]string{`Cache.NodeType: "cache.x9.huge" is not a supported Redis node type`}},
		// EFS-1
		{"EFS throughput out of range", func(e *Environment) { e.FileSystem.ProvisionedThroughputMiBps = 5000 },
			[]string{"FileSystem.ProvisionedThroughputMiBps: 5000 is outside 1-3414"}},
		// S3-1, S3-2
		{"bucket suffix with invalid characters", func(e *Environment) { e.Buckets.NameSuffix = "_Prod" },
			[]string{`Buckets.NameSuffix: "_Prod" makes invalid bucket names`}},
		{"bucket suffix too long", func(e *Environment) { e.Buckets.NameSuffix = "-" + strings.Repeat("a", 50) },
			[]string{"Buckets.NameSuffix:", "63 characters in all"}},
		{"archive kept under 7 years", func(e *Environment) { e.Buckets.ArchiveRetentionDays = 365 },
			[]string{"Buckets.ArchiveRetentionDays: 365 is under 7 years"}},
		{"unknown object lock mode", func(e *Environment) { e.Buckets.AuditObjectLockMode = "LEGAL" },
			[]string{`Buckets.AuditObjectLockMode: "LEGAL" is not COMPLIANCE or GOVERNANCE`}},
		// MQ-1
		{"queue retention other than 14 days", func(e *Environment) { e.Queues.RetentionDays = 4 },
			[]string{"Queues.RetentionDays: 4 is not allowed"}},
		{"max receive count zero", func(e *Environment) { e.Queues.MaxReceiveCount = 0 },
			[]string{"Queues.MaxReceiveCount: 0 is outside 1-1000"}},
		// DB-1, DB-2
		{"default master username", func(e *Environment) { e.Database.MasterUsername = "admin" },
			[]string{`Database.MasterUsername: "admin" must be`}},
		{"malformed maintenance window", func(e *Environment) { e.Database.MaintenanceWindow = "sunday 2am" },
			[]string{`Database.MaintenanceWindow: "sunday 2am" is not a weekly window`}},
		{"monitoring interval RDS does not offer", func(e *Environment) { e.Database.MonitoringIntervalSeconds = 45 },
			[]string{"Database.MonitoringIntervalSeconds: 45 is not one of"}},
		// DR-1
		{"backup retention under the floor", func(e *Environment) { e.Backup.DailyRetentionDays = 7 },
			[]string{"Backup.DailyRetentionDays: 7 is below 30 (DR-1)"}},
		{"cold storage too short", func(e *Environment) { e.Backup.ColdStorageAfterDays = 2500 },
			[]string{"Backup.ArchiveRetentionDays: 2557: keep archives 7 years"}},
		{"compliance lock without grace", func(e *Environment) { e.Backup.VaultChangeableForDays = 1 },
			[]string{"Backup.VaultChangeableForDays: 1: a compliance lock needs a grace period of at least 3 days"}},
		// CMP-2
		{"duplicate ECR repository", func(e *Environment) { e.Compute.EcrRepositories = append(e.Compute.EcrRepositories, "api") },
			[]string{`Compute.EcrRepositories: "api" is listed twice`}},
		{"invalid ECR repository name", func(e *Environment) { e.Compute.EcrRepositories[0] = "API_Service" },
			[]string{`Compute.EcrRepositories[0]: "API_Service" is not a valid repository name`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := Dev()
			c.mutate(&env)
			err := env.Validate()
			if err == nil {
				t.Fatal("Validate accepted the config")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if !strings.HasPrefix(err.Error(), `environment "`) {
				t.Errorf("error does not start by naming the environment:\n%v", err)
			}
		})
	}
}

// ENV-3, NET-3, DB-1: what prod and staging must never be.
func TestValidateProductionRules(t *testing.T) {
	prod := Prod()
	prod.Database.MultiAZ = false
	prod.Database.DeletionProtection = false
	prod.Database.BackupRetentionDays = 7
	prod.Network.SingleNatGateway = true
	prod.Services.MinReplicas = 2
	prod.FileSystem.ProvisionedThroughputMiBps = 0
	prod.Network.InterfaceEndpointZones = 1
	err := prod.Validate()
	if err == nil {
		t.Fatal("Validate accepted a prod without Multi-AZ")
	}
	for _, w := range []string{
		"Database.MultiAZ: must be true in prod",
		"Database.DeletionProtection: must be true in prod",
		"Database.BackupRetentionDays: 7 is below 30 in prod",
		"Network.SingleNatGateway: must be false in prod",
		"Services: prod needs at least 3 replicas",
		"FileSystem.ProvisionedThroughputMiBps: is 0 in prod: EFS-1 asks for 100 MiB/s",
		"Network.InterfaceEndpointZones: is 1 in prod",
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
	if n := strings.Count(err.Error(), "\n  - "); n != 7 {
		t.Errorf("want all 7 problems reported at once, got %d:\n%v", n, err)
	}

	staging := Staging()
	staging.Database.BackupRetentionDays = 0
	if err := staging.Validate(); err == nil || !strings.Contains(err.Error(), "DR-1") {
		t.Errorf("staging without point-in-time recovery: %v", err)
	}
}

func TestLoad(t *testing.T) {
	envs, err := Load("", Deployment{})
	if err != nil || len(envs) != 3 || envs[0].Name != "dev" || envs[2].Name != "prod" {
		t.Fatalf("Load all: %v %v", envs, err)
	}
	envs, err = Load(" prod ,dev,prod", Deployment{StateBucket: "smile-state"})
	if err != nil || len(envs) != 2 || envs[0].Name != "prod" || envs[1].Deployment.StateBucket != "smile-state" {
		t.Fatalf("Load subset: %v %v", envs, err)
	}
	_, err = Load("dev,qa,uat", Deployment{})
	if err == nil || !strings.Contains(err.Error(), `unknown environment "qa"`) || !strings.Contains(err.Error(), `unknown environment "uat"`) {
		t.Fatalf("Load unknown: %v", err)
	}
	if !strings.Contains(err.Error(), "SMILE_ENVIRONMENTS") {
		t.Errorf("the unknown-environment error does not say how to fix it: %v", err)
	}
}

// EKS-1, EKS-2, EKS-3, CMP-1: node groups, their sizes per environment and the GPU switch.
func TestComputeSizing(t *testing.T) {
	cases := []struct {
		env                                    Environment
		appMin, appMax, dataMin, dataMax, disk int
		gpu                                    bool
	}{
		{Dev(), 1, 3, 1, 3, 30, false},
		{Staging(), 2, 10, 1, 10, 50, false},
		{Prod(), 2, 50, 1, 20, 100, true},
	}
	wantTypes := map[string]string{"web": "m5.large", "api": "m5.xlarge", "batch": "c5.2xlarge", "compute": "r5.large", "memory": "r5.xlarge", "gpu": "g5.xlarge"}
	for _, c := range cases {
		comp := c.env.Compute
		if comp.KubernetesVersion != CurrentVersions().Kubernetes || comp.Bastion.InstanceType != "t3.micro" {
			t.Errorf("%s: version %s bastion %s", c.env.Name, comp.KubernetesVersion, comp.Bastion.InstanceType)
		}
		check := func(groups []NodeGroup, names []string, minSize, maxSize int) {
			if len(groups) != len(names) {
				t.Fatalf("%s: node groups %+v, want %v", c.env.Name, groups, names)
			}
			for i, g := range groups {
				if g.Name != names[i] || g.InstanceTypes[0] != wantTypes[g.Name] || g.DiskGiB != c.disk {
					t.Errorf("%s: node group %d is %s %v %d GiB", c.env.Name, i, g.Name, g.InstanceTypes, g.DiskGiB)
				}
				if c.env.Name == "dev" && g.Name == "batch" {
					// COST-1: dev's batch group scales from zero (EKS-1: smaller floors in dev).
					if g.MinSize != 0 || g.MaxSize != maxSize || g.DesiredSize != 0 {
						t.Errorf("dev: batch scales %d-%d (desired %d), want 0-%d", g.MinSize, g.MaxSize, g.DesiredSize, maxSize)
					}
					continue
				}
				if g.Name != "gpu" && (g.MinSize != minSize || g.MaxSize != maxSize || g.DesiredSize != minSize) {
					t.Errorf("%s: %s scales %d-%d (desired %d), want %d-%d", c.env.Name, g.Name, g.MinSize, g.MaxSize, g.DesiredSize, minSize, maxSize)
				}
			}
		}
		check(comp.Application.ActiveNodeGroups(), []string{"web", "api", "batch"}, c.appMin, c.appMax)
		dataGroups := []string{"compute", "memory"}
		if c.gpu {
			dataGroups = append(dataGroups, "gpu")
		}
		check(comp.Data.ActiveNodeGroups(), dataGroups, c.dataMin, c.dataMax)
		if g := comp.Data.GPU; g.MinSize != 0 || !g.GPU || len(g.Taints) != 1 {
			t.Errorf("%s: GPU group %+v must scale from 0, use the NVIDIA AMI and be tainted", c.env.Name, g)
		}
	}
}

func TestValidSSHPublicKey(t *testing.T) {
	good := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ3m0VZ8x0d8c4hfy7o2kRk0m7e5mW9pQm3H0b6m8Q2f ops@smile"
	env := Dev()
	env.Compute.Bastion.SSHPublicKey = good
	if err := env.Validate(); err != nil {
		t.Errorf("a valid ed25519 key was rejected: %v", err)
	}
	for _, bad := range []string{
		"ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIJ3m0VZ8x0d8c4hfy7o2kRk0m7e5mW9pQm3H0b6m8Q2f", // blob says ed25519
		"ssh-ed25519 not-base64!",
		"ssh-ed25519",
		good + "\nssh-ed25519 AAAA",
	} {
		if validSSHPublicKey(bad) {
			t.Errorf("accepted %q", bad)
		}
	}
}

// ENV-3, CACHE-1, CACHE-3, DB-2, DR-1, S3-2: what the data tier of prod and staging must never be.
func TestValidateProductionDataRules(t *testing.T) {
	cases := []struct {
		name   string
		env    Environment
		mutate func(*Environment)
		want   string
	}{
		{"prod Redis snapshots off", Prod(), func(e *Environment) { e.Cache.SnapshotRetentionDays = 0 }, "Cache.SnapshotRetentionDays: is 0 in prod"},
		{"prod Redis smaller than CACHE-1", Prod(), func(e *Environment) { e.Cache.ReplicasPerShard = 1 }, "prod needs at least 2 shards of 1 primary + 2 replicas"},
		{"prod audit lock in governance mode", Prod(), func(e *Environment) { e.Buckets.AuditObjectLockMode = "GOVERNANCE" }, "must be COMPLIANCE in prod"},
		{"staging without continuous database backup", Staging(), func(e *Environment) { e.Backup.ContinuousDatabaseBackup = false }, "must be true in staging: the 15-minute RPO"},
		{"prod vault in governance mode", Prod(), func(e *Environment) { e.Backup.VaultChangeableForDays = 0 }, "is 0 in prod: its vault needs a compliance lock"},
		{"staging without Performance Insights", Staging(), func(e *Environment) { e.Database.PerformanceInsights = false }, "staging needs Performance Insights and enhanced monitoring (DB-2)"},
		{"staging alarms to nobody", Staging(), func(e *Environment) { e.Observability.AlarmEmails = nil }, "Observability.AlarmEmails: is empty in staging"},
		{"prod load balancer without deletion protection", Prod(), func(e *Environment) { e.Edge.LoadBalancerDeletionProtection = false }, "Edge.LoadBalancerDeletionProtection: must be true in prod (EDGE-3)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := c.env
			c.mutate(&env)
			if err := env.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want %q", err, c.want)
			}
		})
	}
}

// SEC-7: each account's one-per-region settings have exactly one owner among the shipped
// environments.
func TestAccountBaselineHasOneOwnerPerAccount(t *testing.T) {
	owners := map[string]int{}
	for _, name := range Names() {
		env, _ := Lookup(name)
		if _, seen := owners[env.Security.Account]; !seen {
			owners[env.Security.Account] = 0
		}
		if env.Security.OwnsAccountBaseline {
			owners[env.Security.Account]++
		}
	}
	for account, n := range owners {
		if n != 1 {
			t.Errorf("account %s has %d baseline owners, want exactly 1", account, n)
		}
	}
}

// COST-1: which node groups run on Spot, the endpoint zones and the budget margin per
// environment. Prod runs everything on demand in every zone.
func TestCOST1Levers(t *testing.T) {
	cases := []struct {
		env           Environment
		spot          []string
		endpointZones int
	}{
		{Dev(), []string{"web", "api", "batch", "compute", "memory"}, 1},
		{Staging(), []string{"batch"}, 3},
		{Prod(), nil, 3},
	}
	for _, c := range cases {
		var spot []string
		for _, g := range append(c.env.Compute.Application.ActiveNodeGroups(), c.env.Compute.Data.ActiveNodeGroups()...) {
			if g.Spot {
				spot = append(spot, g.Name)
				if len(g.InstanceTypes) < 2 {
					t.Errorf("%s: Spot group %s has only %v", c.env.Name, g.Name, g.InstanceTypes)
				}
			}
		}
		if !slices.Equal(spot, c.spot) {
			t.Errorf("%s: Spot groups %v, want %v", c.env.Name, spot, c.spot)
		}
		if z := c.env.Network.InterfaceEndpointZones; z != c.endpointZones {
			t.Errorf("%s: interface endpoints in %d zones, want %d", c.env.Name, z, c.endpointZones)
		}
		if c.env.Cost.BudgetMarginPercent < MinBudgetMarginPercent {
			t.Errorf("%s: budget margin %d%%", c.env.Name, c.env.Cost.BudgetMarginPercent)
		}
	}
}

// OBS-3: X-Ray samples 10% of prod's requests.
func TestTraceSampling(t *testing.T) {
	if got := Prod().Observability.TraceSamplingRate; got != 0.1 {
		t.Errorf("prod samples %v, want 0.1", got)
	}
}

// ENV table, CACHE-1/2, DR-1: the data tier's sizes per environment.
func TestDataSizing(t *testing.T) {
	cases := []struct {
		env                        Environment
		shards, replicas, snapDays int
		insights, continuous       bool
		lockMode                   string
		efsMiBps                   int
	}{
		// COST-1: elastic EFS throughput (0) outside prod; staging's cache in one shard (CACHE-2).
		{Dev(), 1, 1, 1, false, false, "GOVERNANCE", 0},
		{Staging(), 1, 1, 1, true, true, "COMPLIANCE", 0},
		{Prod(), 2, 2, 7, true, true, "COMPLIANCE", 100},
	}
	for _, c := range cases {
		e := c.env
		if e.Cache.Shards != c.shards || e.Cache.ReplicasPerShard != c.replicas || e.Cache.SnapshotRetentionDays != c.snapDays {
			t.Errorf("%s: cache %+v", e.Name, e.Cache)
		}
		if e.Database.PerformanceInsights != c.insights || e.Backup.ContinuousDatabaseBackup != c.continuous || e.Buckets.AuditObjectLockMode != c.lockMode {
			t.Errorf("%s: insights %v continuous %v lock %s", e.Name, e.Database.PerformanceInsights, e.Backup.ContinuousDatabaseBackup, e.Buckets.AuditObjectLockMode)
		}
		if e.FileSystem.ProvisionedThroughputMiBps != c.efsMiBps || e.Queues.RetentionDays != 14 || e.Backup.DailyRetentionDays != 30 || e.Backup.ArchiveRetentionDays < 2555 {
			t.Errorf("%s: efs %d queues %d backup %+v", e.Name, e.FileSystem.ProvisionedThroughputMiBps, e.Queues.RetentionDays, e.Backup)
		}
	}
}

// The quantities are written the way the API server stores them, so a re-plan after an
// apply shows no change (measured against kube-apiserver 1.34 in make emulator).
func TestK8S1CanonicalQuantities(t *testing.T) {
	for r, want := range map[Resources][2]string{
		{MilliCPU: 250, MemoryMiB: 256}:     {"250m", "256Mi"},
		{MilliCPU: 2000, MemoryMiB: 4096}:   {"2", "4Gi"},
		{MilliCPU: 1500, MemoryMiB: 1536}:   {"1500m", "1536Mi"},
		{MilliCPU: 16000, MemoryMiB: 98304}: {"16", "96Gi"},
	} {
		if got := [2]string{r.CPU(), r.Memory()}; got != want {
			t.Errorf("%+v: %v, want %v", r, got, want)
		}
	}
}

// CICD-3: the bootstrap config is checked like an environment's.
func TestBootstrapValidate(t *testing.T) {
	if err := DefaultBootstrap().Validate(); err != nil {
		t.Fatalf("default bootstrap: %v", err)
	}
	for _, tc := range []struct {
		name   string
		mutate func(*Bootstrap)
		want   string
	}{
		{"bucket name", func(b *Bootstrap) { b.Prefix = "Smile_State" }, `Bootstrap.Prefix: "Smile_State" makes the state bucket name "Smile_State-state"`},
		{"repository", func(b *Bootstrap) { b.Repository = "smile-infra" }, `Bootstrap.Repository: "smile-infra" is not a GitHub repository`},
		{"branch", func(b *Bootstrap) { b.Branch = "main branch" }, `Bootstrap.Branch: "main branch" is not a branch name`},
		{"environment", func(b *Bootstrap) { b.ProductionEnvironment = "" }, `Bootstrap.ProductionEnvironment: "" is not a GitHub environment name`},
		{"versions", func(b *Bootstrap) { b.Buckets.NoncurrentVersionDays = 7 }, "Bootstrap.Buckets.NoncurrentVersionDays: 7 keeps replaced state versions too briefly"},
	} {
		b := DefaultBootstrap()
		tc.mutate(&b)
		err := b.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

// LIFE-3: the upgrade drill's starting point is a valid environment one step behind the
// defaults in every engine it upgrades, and SMILE_VERSIONS chooses it.
func TestLIFE3PreviousVersionsAreOneStepBehind(t *testing.T) {
	cur, prev := CurrentVersions(), PreviousVersions()
	if cur.Kubernetes == prev.Kubernetes || cur.MySQL == prev.MySQL || cur.CacheEngine+cur.CacheEngineVersion == prev.CacheEngine+prev.CacheEngineVersion {
		t.Errorf("the drill would upgrade nothing: current %+v, previous %+v", cur, prev)
	}
	envs, err := Load("", Deployment{Versions: "previous"})
	if err != nil {
		t.Fatal(err)
	}
	for _, env := range envs {
		if env.Compute.KubernetesVersion != prev.Kubernetes || env.Database.EngineVersion != prev.MySQL || env.Cache.Engine != prev.CacheEngine ||
			env.Kubernetes.Charts.ClusterAutoscaler.ImageTag != prev.Charts.ClusterAutoscaler.ImageTag {
			t.Errorf("%s at previous versions: %s, MySQL %s, cache %s", env.Name, env.Compute.KubernetesVersion, env.Database.EngineVersion, env.Cache.Engine)
		}
	}
	if _, err := Load("dev", Deployment{Versions: "oldest"}); err == nil || !strings.Contains(err.Error(), `Deployment.Versions: "oldest" is neither current nor previous`) {
		t.Errorf("SMILE_VERSIONS=oldest: %v", err)
	}
}
