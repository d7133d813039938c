package config

import (
	"encoding/base64"
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/smile/infra/lifecycle"
)

// retiredEKSVersions are versions EKS no longer creates: their extended support has ended.
// The source document's 1.24 is one of them (EKS-3). The versions EKS does create are the
// support calendar's (lifecycle/calendar.go), with their dates.
var retiredEKSVersions = []string{
	"1.23", "1.24", "1.25", "1.26", "1.27", "1.28", "1.29", "1.30", "1.31", "1.32",
}

// nodeInstanceVCPUs are the instance types node groups are sized and tested with, and their
// vCPUs (EKS-4 allows 2-16). Adding a type is a reviewed change here.
var nodeInstanceVCPUs = map[string]int{
	"m5.large": 2, "m5.xlarge": 4, "m5.2xlarge": 8, "m5.4xlarge": 16, "m5.8xlarge": 32,
	"c5.large": 2, "c5.xlarge": 4, "c5.2xlarge": 8, "c5.4xlarge": 16, "c5.9xlarge": 36,
	"r5.large": 2, "r5.xlarge": 4, "r5.2xlarge": 8, "r5.4xlarge": 16, "r5.8xlarge": 32,
	"m6i.large": 2, "m6i.xlarge": 4, "c6i.2xlarge": 8, "r6i.large": 2, "r6i.xlarge": 4,
	"g5.xlarge": 4, "g5.2xlarge": 8, "g5.4xlarge": 16, "g5.8xlarge": 32,
	"t3.micro": 2, "t3.small": 2, "t3.medium": 2,
}

// gpuFamilies are the instance families with NVIDIA GPUs.
var gpuFamilies = []string{"g5"}

// bastionInstanceTypes are the burstable types a Session Manager host needs (CMP-1: t3.micro).
var bastionInstanceTypes = []string{"t3.micro", "t3.small", "t3a.micro", "t3a.small"}

const (
	MinNodeDiskGiB = 30
	MaxNodeDiskGiB = 100
	MinNodeVCPUs   = 2
	MaxNodeVCPUs   = 16
)

var (
	nodeGroupNamePattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,19}$`)
	roleArnPattern       = regexp.MustCompile(`^arn:aws:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$`)
	repositoryPattern    = regexp.MustCompile(`^[a-z0-9]+(?:[._-][a-z0-9]+)*$`)
	addonVersionPattern  = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+-eksbuild\.[0-9]+$`)
	labelKeyPattern      = regexp.MustCompile(`^([a-z0-9.-]{1,253}/)?[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$`)
	taintEffects         = []string{"NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"}
	sshKeyTypes          = []string{"ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"}
)

func (e Environment) validateCompute(p *problems) {
	c := e.Compute
	if _, ok := lifecycle.Lookup(lifecycle.Kubernetes, c.KubernetesVersion); !ok {
		known := strings.Join(lifecycle.Versions(lifecycle.Kubernetes), ", ")
		if slices.Contains(retiredEKSVersions, c.KubernetesVersion) {
			p.add("Compute.KubernetesVersion", "%q is a version EKS no longer creates (its extended support has ended): use one of %s (EKS-3)",
				c.KubernetesVersion, known)
		} else {
			p.add("Compute.KubernetesVersion", "%q is not in the support calendar: use one of %s, or add the version to lifecycle/calendar.go after checking the EKS release calendar (EKS-3, LIFE-1)",
				c.KubernetesVersion, known)
		}
	}
	for i, cidr := range c.PublicEndpointCidrs {
		field := fmt.Sprintf("Compute.PublicEndpointCidrs[%d]", i)
		prefix, err := netip.ParsePrefix(cidr)
		switch {
		case err != nil || !prefix.Addr().Is4() || prefix.Masked() != prefix:
			p.add(field, "%q is not an IPv4 network in CIDR notation such as 203.0.113.0/24", cidr)
		case prefix.Bits() == 0:
			p.add(field, "%q opens the cluster API to the whole internet: list the networks that need it, or none for a private endpoint (EKS-5)", cidr)
		case prefix.Addr().IsPrivate():
			p.add(field, "%q is a private range: the public endpoint only sees public addresses; inside the VPC the private endpoint is used (EKS-5)", cidr)
		}
	}
	for i, arn := range c.AdminRoleArns {
		if !roleArnPattern.MatchString(arn) {
			p.add(fmt.Sprintf("Compute.AdminRoleArns[%d]", i), "%q is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>) (EKS-5)", arn)
		}
	}
	for _, dup := range duplicates(c.AdminRoleArns) {
		p.add("Compute.AdminRoleArns", "%q is listed twice: one access entry per role", dup)
	}
	e.validateAddons(p)
	validateCluster(p, "Compute.Application", c.Application, e.AvailabilityZones)
	validateCluster(p, "Compute.Data", c.Data, e.AvailabilityZones)

	b := c.Bastion
	if !slices.Contains(bastionInstanceTypes, b.InstanceType) {
		p.add("Compute.Bastion.InstanceType", "%q is not allowed: use one of %s (CMP-1)", b.InstanceType, strings.Join(bastionInstanceTypes, ", "))
	}
	if b.RootVolumeGiB < 8 || b.RootVolumeGiB > 100 {
		p.add("Compute.Bastion.RootVolumeGiB", "%d is outside 8-100 (the AL2023 image needs 8)", b.RootVolumeGiB)
	}
	if b.SSHPublicKey != "" && !validSSHPublicKey(b.SSHPublicKey) {
		p.add("Compute.Bastion.SSHPublicKey", "is not an OpenSSH public key (\"ssh-ed25519 AAAA... comment\", one line, as in ~/.ssh/id_ed25519.pub) (CMP-1)")
	}

	if len(c.EcrRepositories) == 0 {
		p.add("Compute.EcrRepositories", "is empty: list one repository per microservice (CMP-2)")
	}
	for i, r := range c.EcrRepositories {
		if !repositoryPattern.MatchString(r) || len(r) > 200 {
			p.add(fmt.Sprintf("Compute.EcrRepositories[%d]", i), "%q is not a valid repository name: lowercase letters and digits, separated by single '.', '_' or '-' (CMP-2)", r)
		}
	}
	for _, dup := range duplicates(c.EcrRepositories) {
		p.add("Compute.EcrRepositories", "%q is listed twice: repository names must be unique (CMP-2)", dup)
	}
}

func (e Environment) validateAddons(p *problems) {
	a := e.Compute.Addons
	for _, name := range AddonNames() {
		v, ok := a[name]
		switch {
		case !ok:
			p.add("Compute.Addons", "has no version for %q: pin every managed add-on (EKS-6)", name)
		case !addonVersionPattern.MatchString(v):
			p.add("Compute.Addons["+name+"]", "%q is not an EKS add-on version such as v1.20.4-eksbuild.1 (EKS-6)", v)
		}
	}
	for name := range a {
		if !slices.Contains(AddonNames(), name) {
			p.add("Compute.Addons", "%q is not an add-on this platform installs (%s)", name, strings.Join(AddonNames(), ", "))
		}
	}
	// kube-proxy is built per Kubernetes minor version and must match the control plane.
	if v, ok := a[AddonKubeProxy]; ok && addonVersionPattern.MatchString(v) && !strings.HasPrefix(v, "v"+e.Compute.KubernetesVersion+".") {
		p.add("Compute.Addons["+AddonKubeProxy+"]", "%q does not match KubernetesVersion %s: use a v%s.x-eksbuild.N version (EKS-6)",
			v, e.Compute.KubernetesVersion, e.Compute.KubernetesVersion)
	}
}

func validateCluster(p *problems, field string, c Cluster, zones []string) {
	groups := c.ActiveNodeGroups()
	if len(c.NodeGroups) == 0 {
		p.add(field+".NodeGroups", "is empty: a cluster needs at least one node group")
	}
	var names []string
	for i, g := range groups {
		f := fmt.Sprintf("%s.NodeGroups[%d]", field, i)
		if i >= len(c.NodeGroups) {
			f = field + ".GPU"
		}
		names = append(names, g.Name)
		if !nodeGroupNamePattern.MatchString(g.Name) {
			p.add(f+".Name", "%q must be 1-20 lowercase letters, digits or '-', starting with a letter", g.Name)
		}
		if g.MinSize < 0 || g.MaxSize < 1 {
			p.add(f, "%s: MinSize %d and MaxSize %d must be at least 0 and 1", g.Name, g.MinSize, g.MaxSize)
		}
		if g.MinSize > g.MaxSize {
			p.add(f+".MinSize", "%s: %d is greater than MaxSize %d", g.Name, g.MinSize, g.MaxSize)
		}
		if g.DesiredSize < g.MinSize || g.DesiredSize > g.MaxSize {
			p.add(f+".DesiredSize", "%s: %d is outside MinSize-MaxSize %d-%d", g.Name, g.DesiredSize, g.MinSize, g.MaxSize)
		}
		if g.DiskGiB < MinNodeDiskGiB || g.DiskGiB > MaxNodeDiskGiB {
			p.add(f+".DiskGiB", "%s: %d is outside %d-%d GiB (EKS-4)", g.Name, g.DiskGiB, MinNodeDiskGiB, MaxNodeDiskGiB)
		}
		if len(g.InstanceTypes) == 0 {
			p.add(f+".InstanceTypes", "%s: is empty", g.Name)
		}
		for _, z := range g.Zones {
			if !slices.Contains(zones, z) {
				p.add(f+".Zones", "%s: %q is not one of the environment's zones (%s)", g.Name, z, strings.Join(zones, ", "))
			}
		}
		for _, t := range g.InstanceTypes {
			vcpus, known := nodeInstanceVCPUs[t]
			family, _, _ := strings.Cut(t, ".")
			switch {
			case !known:
				p.add(f+".InstanceTypes", "%s: %q is not an instance type this platform is sized for (%s); add it to nodeInstanceVCPUs with its vCPUs", g.Name, t,
					strings.Join(slices.Sorted(maps.Keys(nodeInstanceVCPUs)), ", "))
			case vcpus < MinNodeVCPUs || vcpus > MaxNodeVCPUs:
				p.add(f+".InstanceTypes", "%s: %q has %d vCPUs, outside %d-%d (EKS-4)", g.Name, t, vcpus, MinNodeVCPUs, MaxNodeVCPUs)
			case g.GPU != slices.Contains(gpuFamilies, family):
				p.add(f+".InstanceTypes", "%s: %q does not fit GPU %t: GPU groups need a GPU family (%s) and other groups must not use one",
					g.Name, t, g.GPU, strings.Join(gpuFamilies, ", "))
			}
		}
		if g.Spot {
			validateSpot(p, f, g)
		}
		for k := range g.Labels {
			if !labelKeyPattern.MatchString(k) {
				p.add(f+".Labels", "%s: %q is not a Kubernetes label key", g.Name, k)
			}
		}
		for _, t := range g.Taints {
			if !labelKeyPattern.MatchString(t.Key) || !slices.Contains(taintEffects, t.Effect) {
				p.add(f+".Taints", "%s: taint %q effect %q: the key must be a label key and the effect one of %s", g.Name, t.Key, t.Effect, strings.Join(taintEffects, ", "))
			}
		}
	}
	for _, dup := range duplicates(names) {
		p.add(field, "node group %q is defined twice: names must be unique within a cluster", dup)
	}
}

// validateSpot asks a Spot group for at least two instance types of one size (COST-1).
func validateSpot(p *problems, field string, g NodeGroup) {
	if len(g.InstanceTypes) < 2 {
		p.add(field+".InstanceTypes", "%s: Spot needs at least two instance types of the same size (e.g. m5.large, m6i.large), so that one Spot pool running dry does not empty the group (COST-1)", g.Name)
		return
	}
	sizes := map[int]bool{}
	for _, t := range g.InstanceTypes {
		if v, ok := nodeInstanceVCPUs[t]; ok {
			sizes[v] = true
		}
	}
	if len(sizes) > 1 {
		p.add(field+".InstanceTypes", "%s: Spot types %s differ in vCPUs: the cluster autoscaler sizes a group by one type, use types of the same size (COST-1)",
			g.Name, strings.Join(g.InstanceTypes, ", "))
	}
	if g.GPU {
		p.add(field+".Spot", "%s: GPU training runs for hours and loses its work when a Spot node is taken back: keep GPU groups on demand", g.Name)
	}
}

// validSSHPublicKey accepts one OpenSSH public key line whose key blob names the same type.
func validSSHPublicKey(key string) bool {
	fields := strings.Fields(key)
	if len(fields) < 2 || strings.ContainsAny(key, "\n\r") || !slices.Contains(sshKeyTypes, fields[0]) {
		return false
	}
	blob, err := base64.StdEncoding.DecodeString(fields[1])
	if err != nil || len(blob) < 4 {
		return false
	}
	n := int(blob[0])<<24 | int(blob[1])<<16 | int(blob[2])<<8 | int(blob[3])
	return len(blob) >= 4+n && string(blob[4:4+n]) == fields[0]
}

func duplicates(values []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range values {
		if seen[v] && !slices.Contains(out, v) {
			out = append(out, v)
		}
		seen[v] = true
	}
	return out
}
