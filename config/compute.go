package config

import "slices"

// Compute is everything that runs code: the application and data EKS clusters, the bastion
// and the image registry (EKS-1 … EKS-6, CMP-1, CMP-2).
type Compute struct {
	// KubernetesVersion of both clusters: a version EKS still creates (EKS-3).
	KubernetesVersion string
	// PublicEndpointCidrs may reach the clusters' API from outside the VPC. Empty keeps the
	// endpoint private: reach it from inside the VPC or through the bastion (EKS-5).
	PublicEndpointCidrs []string
	// AdminRoleArns get cluster-admin on both clusters through access entries, next to the
	// per-environment admin role the stack creates (EKS-5): e.g. the CI deploy role and an
	// SSO administrator role of this account.
	AdminRoleArns []string
	// Addons pins the version of every managed add-on by add-on name (EKS-6).
	Addons map[string]string
	// Application runs the microservices (EKS-1); Data runs ETL, Spark and ML (EKS-2).
	Application Cluster
	Data        Cluster
	Bastion     Bastion
	// EcrRepositories is one image repository per microservice (CMP-2).
	EcrRepositories []string
}

// The managed add-ons every cluster runs (EKS-6).
const (
	AddonVpcCni                  = "vpc-cni"
	AddonCoreDNS                 = "coredns"
	AddonKubeProxy               = "kube-proxy"
	AddonEbsCsiDriver            = "aws-ebs-csi-driver"
	AddonEfsCsiDriver            = "aws-efs-csi-driver"
	AddonCloudWatchObservability = "amazon-cloudwatch-observability"
)

// AddonNames lists the managed add-ons in install order.
func AddonNames() []string {
	return []string{AddonVpcCni, AddonKubeProxy, AddonCoreDNS, AddonEbsCsiDriver, AddonEfsCsiDriver, AddonCloudWatchObservability}
}

// Cluster is the node groups of one EKS cluster.
type Cluster struct {
	// NodeGroups are the cluster's managed node groups (EKS-1: web, api, batch; EKS-2: compute,
	// memory).
	NodeGroups []NodeGroup
	// GPU is an extra node group on the NVIDIA AMI for ML training, created only when
	// Enabled (EKS-2). It scales from zero, so it costs nothing until a pod asks for a GPU.
	GPU GPUNodeGroup
}

// GPUNodeGroup is the optional GPU node group and its switch.
type GPUNodeGroup struct {
	// Enabled creates the GPU node group (prod only, EKS-2).
	Enabled bool
	NodeGroup
}

// ActiveNodeGroups are the node groups the cluster gets: the GPU group only when enabled.
func (c Cluster) ActiveNodeGroups() []NodeGroup {
	groups := slices.Clone(c.NodeGroups)
	if c.GPU.Enabled {
		groups = append(groups, c.GPU.NodeGroup)
	}
	return groups
}

// NodeGroup is one EKS managed node group (EKS-1, EKS-2, EKS-4).
type NodeGroup struct {
	// Name is the group's role in its cluster (web, api, batch; compute, memory; gpu), part of
	// its AWS name.
	Name string
	// InstanceTypes the group may launch: one, or several of one size for Spot.
	InstanceTypes []string
	// MinSize and MaxSize bound the cluster autoscaler, in nodes (EKS-1, EKS-2).
	MinSize int
	MaxSize int
	// DesiredSize is the size at creation; afterwards the cluster autoscaler owns it.
	DesiredSize int
	// DiskGiB is the encrypted gp3 root volume of every node (EKS-4: 30-100).
	DiskGiB int
	// Labels are the Kubernetes labels of the group's nodes, which pods select.
	Labels map[string]string
	// Taints keep pods that do not tolerate them off the group's nodes.
	Taints []Taint
	// GPU nodes boot the NVIDIA AL2023 AMI and need a GPU instance type.
	GPU bool
	// Spot runs the group on Spot capacity (COST-1): AWS may take a node back with two
	// minutes' notice, so only for work that is retried or restarted (dev, and batch jobs
	// elsewhere). Spot needs several instance types of one size (InstanceTypes), so that
	// one pool running dry does not leave the group without nodes.
	Spot bool
	// Zones are the availability zones the group launches in, where its instance types are
	// not offered in every zone of the environment; empty means every zone.
	Zones []string
}

// ZonesIn are the zones the group launches in, of the environment's zones.
func (g NodeGroup) ZonesIn(all []string) []string {
	if len(g.Zones) == 0 {
		return all
	}
	return g.Zones
}

// Taint keeps pods off a node group unless they tolerate it.
type Taint struct {
	// Key and Value are the taint's, matched by a pod's toleration.
	Key, Value string
	// Effect is NO_SCHEDULE, NO_EXECUTE or PREFER_NO_SCHEDULE (the EKS API's spelling).
	Effect string
}

// Bastion is the Session Manager host (CMP-1).
type Bastion struct {
	// InstanceType is the bastion's EC2 type (CMP-1: t3.micro).
	InstanceType string
	// RootVolumeGiB is its encrypted root volume.
	RootVolumeGiB int
	// SSHPublicKey (OpenSSH format) becomes the bastion's key pair. SSH then works only
	// through Session Manager port forwarding; empty means no key pair, shell through
	// Session Manager only.
	SSHPublicKey string
	// ManageSessionPreferences makes this stack own the account's Session Manager
	// preferences (SSM-SessionManagerRunShell): one per account and region, so when
	// environments share an account exactly one of them may set it.
	ManageSessionPreferences bool
}

// nodeGroup is a node group without labels beyond its role, on the standard AMI.
func nodeGroup(name, instanceType string, minSize, maxSize, desired, diskGiB int) NodeGroup {
	return NodeGroup{
		Name: name, InstanceTypes: []string{instanceType},
		MinSize: minSize, MaxSize: maxSize, DesiredSize: desired, DiskGiB: diskGiB,
		Labels: map[string]string{"smile.io/node-group": name},
	}
}

// spotTypes are interchangeable types for a Spot group: the same vCPUs and memory, from
// the current and the previous generation of one family.
var spotTypes = map[string][]string{
	"m5.large": {"m5.large", "m6i.large"}, "m5.xlarge": {"m5.xlarge", "m6i.xlarge"},
	"c5.2xlarge": {"c5.2xlarge", "c6i.2xlarge"},
	"r5.large":   {"r5.large", "r6i.large"}, "r5.xlarge": {"r5.xlarge", "r6i.xlarge"},
}

// onSpot moves a node group to Spot capacity with its diversified instance types.
func onSpot(g *NodeGroup) {
	g.Spot = true
	g.InstanceTypes = slices.Clone(spotTypes[g.InstanceTypes[0]])
}

// defaultCompute is the shape every environment shares; Dev, Staging and Prod size it.
func defaultCompute(appMin, appMax, dataMin, dataMax, diskGiB int) Compute {
	gpu := nodeGroup("gpu", "g5.xlarge", 0, 4, 0, 100)
	gpu.GPU = true
	// Jakarta offers g5 (its only NVIDIA family) in ap-southeast-3a and 3c, not 3b
	// (DescribeInstanceTypeOfferings; make preflight checks it).
	gpu.Zones = []string{"ap-southeast-3a", "ap-southeast-3c"}
	gpu.Labels["nvidia.com/gpu.present"] = "true"
	// Only pods that ask for a GPU (and tolerate this) land on the expensive nodes.
	gpu.Taints = []Taint{{Key: "nvidia.com/gpu", Value: "true", Effect: "NO_SCHEDULE"}}
	return Compute{
		KubernetesVersion: CurrentVersions().Kubernetes,
		Addons:            CurrentVersions().Addons,
		Application: Cluster{NodeGroups: []NodeGroup{
			nodeGroup("web", "m5.large", appMin, appMax, appMin, diskGiB),
			nodeGroup("api", "m5.xlarge", appMin, appMax, appMin, diskGiB),
			nodeGroup("batch", "c5.2xlarge", appMin, appMax, appMin, diskGiB),
		}},
		Data: Cluster{
			NodeGroups: []NodeGroup{
				nodeGroup("compute", "r5.large", dataMin, dataMax, dataMin, diskGiB),
				nodeGroup("memory", "r5.xlarge", dataMin, dataMax, dataMin, diskGiB),
			},
			GPU: GPUNodeGroup{NodeGroup: gpu},
		},
		Bastion: Bastion{InstanceType: "t3.micro", RootVolumeGiB: 20, ManageSessionPreferences: true},
		// The images SMILE builds: API services, background workers, ETL jobs, the Spark
		// analytics jobs and the ML training jobs (the React frontend is served from S3).
		EcrRepositories: []string{"api", "worker", "etl", "analytics", "ml-training"},
	}
}
