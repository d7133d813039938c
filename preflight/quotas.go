package preflight

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	sqtypes "github.com/aws/aws-sdk-go-v2/service/servicequotas/types"

	"github.com/smile/infra/config"
)

// Quota is one Service Quotas entry. Default is AWS's default value, used when the
// account's applied value cannot be read; 0 means it depends on the account.
type Quota struct {
	Service, Code, Name string
	Default             float64
}

// The quota codes and defaults, checked 2026-12-06 against public sources: the VPC user
// guide's quota table (awsdocs/amazon-vpc-user-guide, doc_source/amazon-vpc-limits.md) and
// the checks of public quota tools (aws-quota-checker's ec2_eip_count and eks_count, and
// others that name each code with its quota name).
var (
	// Elastic IP addresses per Region, default 5.
	QuotaElasticIPs = Quota{"ec2", "L-0263D0A3", "EC2-VPC Elastic IPs", 5}
	// The VPC user guide: "VPCs per Region | 5 | .../services/vpc/quotas/L-F678F1CE".
	QuotaVPCs = Quota{"vpc", "L-F678F1CE", "VPCs per Region", 5}
	// Default 50.
	QuotaInterfaceEndpoints = Quota{"vpc", "L-29B6F2EB", "Interface VPC endpoints per VPC", 50}
	// Clusters per Region, default 100.
	QuotaEKSClusters = Quota{"eks", "L-1194D53C", "Clusters", 100}
	// vCPUs of running standard instances: set per account, so there is no default to fall
	// back on.
	QuotaStandardVCPUs = Quota{"ec2", "L-1216C47A", "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances", 0}
	// vCPUs of running G and VT instances: per account too, and 0 in many new ones.
	QuotaGAndVTVCPUs = Quota{"ec2", "L-DB2E81BA", "Running On-Demand G and VT instances", 0}
)

// need is what the account must hold of one quota.
type need struct {
	quota Quota
	count int
	// parts explains count ("dev 1 + prod 3 NAT gateways"); why says what fails beyond it.
	parts, why string
}

// Quotas checks each quota against the sum over the environments sharing the account,
// plus what the account already holds that is not theirs.
func (p *Preflight) Quotas(ctx context.Context) []Finding {
	needs, findings := p.quotaNeeds(ctx)
	for _, n := range needs {
		findings = append(findings, p.checkQuota(ctx, n))
	}
	return findings
}

func (p *Preflight) quotaNeeds(ctx context.Context) ([]need, []Finding) {
	var findings []Finding
	per := func(unit string, f func(config.Environment) int) (int, string) {
		total, parts := 0, []string{}
		for _, env := range p.Shared {
			total += f(env)
			parts = append(parts, fmt.Sprintf("%s %d", env.Name, f(env)))
		}
		return total, strings.Join(parts, " + ") + " " + unit
	}
	existing := func(what string, count func(context.Context) (int, error)) (int, string) {
		n, err := count(ctx)
		if err != nil {
			findings = append(findings, couldNotCheck("quota", what+" already in the account", err, "count them in the console and add them to the need below"))
			return 0, ""
		}
		return n, fmt.Sprintf(" + %d %s already in the account", n, what)
	}

	eips, parts := per("NAT gateways", natGateways)
	n, more := existing("Elastic IPs", p.foreignAddresses)
	needs := []need{{QuotaElasticIPs, eips + n, parts + more, "each NAT gateway needs one; the ones beyond the quota fail to create"}}

	vpcs, parts := per("VPCs", func(config.Environment) int { return 1 })
	n, more = existing("VPCs", p.foreignVpcs)
	needs = append(needs, need{QuotaVPCs, vpcs + n, parts + more, "the network tier cannot create its VPC"})

	needs = append(needs, need{QuotaInterfaceEndpoints, p.Synth.InterfaceEndpoints(),
		"interface endpoints in the stack's VPC", "the endpoints beyond it fail to create"})

	clusters, parts := per("clusters (app and data)", func(config.Environment) int { return 2 })
	n, more = existing("EKS clusters", p.foreignClusters)
	needs = append(needs, need{QuotaEKSClusters, clusters + n, parts + more, "the clusters beyond it fail to create"})

	standard, gpu, err := p.vcpuNeeds(ctx)
	if err != nil {
		return needs, append(findings, couldNotCheck("quota", "the vCPU quotas (DescribeInstanceTypes)", err,
			"compare the node groups' max sizes with the On-Demand vCPU quotas in the Service Quotas console"))
	}
	why := "nodes beyond it never launch: the cluster autoscaler stops short of the max size"
	if standard.count > 0 {
		standard.quota, standard.why = QuotaStandardVCPUs, why
		needs = append(needs, standard)
	}
	if gpu.count > 0 {
		gpu.quota, gpu.why = QuotaGAndVTVCPUs, why
		needs = append(needs, gpu)
	}
	return needs, findings
}

func natGateways(env config.Environment) int {
	if env.Network.SingleNatGateway {
		return 1
	}
	return len(env.AvailabilityZones)
}

// vcpuNeeds sums vCPUs at every node group's max size, plus the bastion, by quota family.
func (p *Preflight) vcpuNeeds(ctx context.Context) (standard, gpu need, err error) {
	var types []string
	for _, env := range p.Shared {
		types = append(types, instanceTypes(env)...)
	}
	slices.Sort(types)
	vcpus, err := p.vcpus(ctx, slices.Compact(types))
	if err != nil {
		return need{}, need{}, err
	}
	var standardParts, gpuParts []string
	add := func(n *need, parts *[]string, label string, count int) {
		n.count += count
		*parts = append(*parts, fmt.Sprintf("%s %d", label, count))
	}
	for _, env := range p.Shared {
		envStandard, envGPU := 0, 0
		groups := append(env.Compute.Application.ActiveNodeGroups(), env.Compute.Data.ActiveNodeGroups()...)
		for _, g := range groups {
			largest := 0
			for _, t := range g.InstanceTypes {
				largest = max(largest, vcpus[t])
			}
			if isGAndVT(g.InstanceTypes[0]) {
				envGPU += largest * g.MaxSize
			} else {
				envStandard += largest * g.MaxSize
			}
		}
		envStandard += vcpus[env.Compute.Bastion.InstanceType]
		add(&standard, &standardParts, env.Name, envStandard)
		if envGPU > 0 {
			add(&gpu, &gpuParts, env.Name, envGPU)
		}
	}
	standard.parts = strings.Join(standardParts, " + ") + " vCPUs at the node groups' max sizes and the bastion (instances already running not counted)"
	gpu.parts = strings.Join(gpuParts, " + ") + " vCPUs at the GPU groups' max sizes"
	return standard, gpu, nil
}

// isGAndVT: G and VT instances have a quota of their own; the standard one covers A, C, D,
// H, I, M, R, T and Z (the others SMILE does not use).
func isGAndVT(instanceType string) bool {
	return strings.HasPrefix(instanceType, "g") || strings.HasPrefix(instanceType, "vt")
}

// instanceTypes are every EC2 type an environment launches: node groups and the bastion.
func instanceTypes(env config.Environment) []string {
	var types []string
	for _, g := range append(env.Compute.Application.ActiveNodeGroups(), env.Compute.Data.ActiveNodeGroups()...) {
		types = append(types, g.InstanceTypes...)
	}
	return append(types, env.Compute.Bastion.InstanceType)
}

func (p *Preflight) vcpus(ctx context.Context, types []string) (map[string]int, error) {
	in := &ec2.DescribeInstanceTypesInput{}
	for _, t := range types {
		in.InstanceTypes = append(in.InstanceTypes, ec2types.InstanceType(t))
	}
	vcpus := map[string]int{}
	for {
		out, err := p.AWS.EC2.DescribeInstanceTypes(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, info := range out.InstanceTypes {
			if info.VCpuInfo != nil {
				vcpus[string(info.InstanceType)] = int(aws.ToInt32(info.VCpuInfo.DefaultVCpus))
			}
		}
		if in.NextToken = out.NextToken; in.NextToken == nil {
			break
		}
	}
	for _, t := range types {
		if vcpus[t] == 0 {
			return nil, fmt.Errorf("EC2 does not know instance type %s in %s", t, config.Region)
		}
	}
	return vcpus, nil
}

// ours reports whether tags mark a resource of one of the sharing environments (the
// provider's default tags), which the need already counts.
func (p *Preflight) ours(tags []ec2types.Tag) bool {
	var project, env string
	for _, t := range tags {
		switch aws.ToString(t.Key) {
		case "Project":
			project = aws.ToString(t.Value)
		case "Environment":
			env = aws.ToString(t.Value)
		}
	}
	return project == "smile" && slices.ContainsFunc(p.Shared, func(e config.Environment) bool { return e.Name == env })
}

func (p *Preflight) foreignAddresses(ctx context.Context) (int, error) {
	out, err := p.AWS.EC2.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, a := range out.Addresses {
		if !p.ours(a.Tags) {
			n++
		}
	}
	return n, nil
}

func (p *Preflight) foreignVpcs(ctx context.Context) (int, error) {
	n := 0
	in := &ec2.DescribeVpcsInput{}
	for {
		out, err := p.AWS.EC2.DescribeVpcs(ctx, in)
		if err != nil {
			return 0, err
		}
		for _, v := range out.Vpcs {
			if !p.ours(v.Tags) {
				n++
			}
		}
		if in.NextToken = out.NextToken; in.NextToken == nil {
			return n, nil
		}
	}
}

func (p *Preflight) foreignClusters(ctx context.Context) (int, error) {
	n := 0
	in := &eks.ListClustersInput{}
	for {
		out, err := p.AWS.EKS.ListClusters(ctx, in)
		if err != nil {
			return 0, err
		}
		for _, name := range out.Clusters {
			if !slices.ContainsFunc(p.Shared, func(e config.Environment) bool { return strings.HasPrefix(name, e.Prefix()+"-") }) {
				n++
			}
		}
		if in.NextToken = out.NextToken; in.NextToken == nil {
			return n, nil
		}
	}
}

// quotaValue is the account's applied value, else AWS's default (from the API, else the
// known one), and where it came from.
func (p *Preflight) quotaValue(ctx context.Context, q Quota) (float64, string, error) {
	applied, err := p.AWS.ServiceQuotas.GetServiceQuota(ctx, &servicequotas.GetServiceQuotaInput{ServiceCode: &q.Service, QuotaCode: &q.Code})
	if err == nil && applied.Quota != nil && applied.Quota.Value != nil {
		return *applied.Quota.Value, "applied value", nil
	}
	var noApplied *sqtypes.NoSuchResourceException
	if err != nil && !errors.As(err, &noApplied) {
		// Not "no applied value" (access denied, no such service): try the default anyway.
		err = fmt.Errorf("GetServiceQuota: %w", err)
	}
	def, derr := p.AWS.ServiceQuotas.GetAWSDefaultServiceQuota(ctx, &servicequotas.GetAWSDefaultServiceQuotaInput{ServiceCode: &q.Service, QuotaCode: &q.Code})
	if derr == nil && def.Quota != nil && def.Quota.Value != nil {
		return *def.Quota.Value, "AWS default; no applied value", nil
	}
	if q.Default > 0 {
		return q.Default, "AWS's documented default; the Service Quotas API did not answer", nil
	}
	return 0, "", errors.Join(err, fmt.Errorf("GetAWSDefaultServiceQuota: %w", derr))
}

func (p *Preflight) checkQuota(ctx context.Context, n need) Finding {
	label := fmt.Sprintf("%s (%s %s)", n.quota.Name, n.quota.Service, n.quota.Code)
	value, source, err := p.quotaValue(ctx, n.quota)
	if err != nil {
		return couldNotCheck("quota", label, err, fmt.Sprintf("read it in the Service Quotas console; the need is %d (%s)", n.count, n.parts))
	}
	what := fmt.Sprintf("%s: need %d (%s), the account allows %g (%s)", label, n.count, n.parts, value, source)
	if float64(n.count) <= value {
		return Finding{Severity: OK, Check: "quota", What: what}
	}
	return Finding{Severity: Blocker, Check: "quota", What: what, Why: n.why,
		Fix: fmt.Sprintf("aws service-quotas request-service-quota-increase --service-code %s --quota-code %s --desired-value %d --region %s",
			n.quota.Service, n.quota.Code, n.count, p.Env.Region)}
}
