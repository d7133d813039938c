package preflight

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/smile/infra/config"
)

// Offerings checks that Jakarta offers, in the zones the stack uses, every instance type of
// the node groups and the bastion, the database class and the cache node type.
func (p *Preflight) Offerings(ctx context.Context) []Finding {
	env := p.Env
	types := instanceTypes(env)
	slices.Sort(types)
	zones, err := p.offeredZones(ctx, slices.Compact(types))
	if err != nil {
		return append([]Finding{couldNotCheck("offering", "the EC2 instance types per zone (DescribeInstanceTypeOfferings)", err,
			"aws ec2 describe-instance-type-offerings --location-type availability-zone --region "+env.Region)}, p.databaseAndCache(ctx)...)
	}
	var findings []Finding
	check := func(what string, instanceType string, needed []string, why string) {
		missing := slices.DeleteFunc(slices.Clone(needed), func(z string) bool { return slices.Contains(zones[instanceType], z) })
		f := Finding{Severity: OK, Check: "offering", What: fmt.Sprintf("%s: %s is offered in %s", what, instanceType, strings.Join(needed, ", "))}
		if len(missing) > 0 {
			f = Finding{Severity: Blocker, Check: "offering",
				What: fmt.Sprintf("%s: Jakarta does not offer %s in %s (offered in: %s)", what, instanceType, strings.Join(missing, ", "), orNone(zones[instanceType])),
				Why:  why,
				Fix: fmt.Sprintf("list only the zones that offer it in the node group's Zones, or choose a type offered in every zone of Environment.AvailabilityZones, in config/ (aws ec2 describe-instance-type-offerings --location-type availability-zone --filters Name=instance-type,Values=%s --region %s)",
					instanceType, env.Region)}
		}
		findings = append(findings, f)
	}
	clusters := map[string][]config.NodeGroup{"app": env.Compute.Application.ActiveNodeGroups(), "data": env.Compute.Data.ActiveNodeGroups()}
	for _, cluster := range []string{"app", "data"} {
		for _, g := range clusters[cluster] {
			for _, t := range g.InstanceTypes {
				check(fmt.Sprintf("node group %s/%s", cluster, g.Name), t, g.ZonesIn(env.AvailabilityZones),
					"the node group spans the private subnets of those zones, so its creation fails or its nodes never launch there")
			}
		}
	}
	// The bastion sits in the first private subnet (stacks/compute.go).
	check("bastion", env.Compute.Bastion.InstanceType, env.AvailabilityZones[:1], "the bastion instance fails to launch")
	return append(findings, p.databaseAndCache(ctx)...)
}

func orNone(zones []string) string {
	if len(zones) == 0 {
		return "none"
	}
	return strings.Join(zones, ", ")
}

// offeredZones maps each instance type to the zones that offer it.
func (p *Preflight) offeredZones(ctx context.Context, types []string) (map[string][]string, error) {
	in := &ec2.DescribeInstanceTypeOfferingsInput{
		LocationType: ec2types.LocationTypeAvailabilityZone,
		Filters:      []ec2types.Filter{{Name: aws.String("instance-type"), Values: types}},
	}
	zones := map[string][]string{}
	for {
		out, err := p.AWS.EC2.DescribeInstanceTypeOfferings(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, o := range out.InstanceTypeOfferings {
			zones[string(o.InstanceType)] = append(zones[string(o.InstanceType)], aws.ToString(o.Location))
		}
		if in.NextToken = out.NextToken; in.NextToken == nil {
			break
		}
	}
	for t := range zones {
		slices.Sort(zones[t])
	}
	return zones, nil
}

func (p *Preflight) databaseAndCache(ctx context.Context) []Finding {
	return []Finding{p.database(ctx), p.cache(ctx)}
}

// database: RDS must offer the class for MySQL of the configured major version (Multi-AZ
// when configured).
func (p *Preflight) database(ctx context.Context) Finding {
	db := p.Env.Database
	what := fmt.Sprintf("database instance class %s for MySQL %s", db.InstanceClass, db.EngineVersion)
	if db.MultiAZ {
		what += " Multi-AZ"
	}
	manual := fmt.Sprintf("aws rds describe-orderable-db-instance-options --engine mysql --db-instance-class %s --region %s", db.InstanceClass, p.Env.Region)
	options, err := p.orderable(ctx, aws.String(db.InstanceClass))
	if err != nil {
		return couldNotCheck("offering", what+" (DescribeOrderableDBInstanceOptions)", err, manual)
	}
	for _, o := range options {
		if strings.HasPrefix(aws.ToString(o.EngineVersion), db.EngineVersion+".") && (!db.MultiAZ || aws.ToBool(o.MultiAZCapable)) {
			return Finding{Severity: OK, Check: "offering", What: what + " is orderable"}
		}
	}
	if len(options) == 0 {
		// An answer without any MySQL option at all is not a real region's: say so rather
		// than block on it.
		if all, err := p.orderable(ctx, nil); err == nil && len(all) == 0 {
			return couldNotCheck("offering", what, fmt.Errorf("DescribeOrderableDBInstanceOptions lists no MySQL option at all in %s", p.Env.Region), manual)
		}
	}
	return Finding{Severity: Blocker, Check: "offering", What: what + " is not orderable in " + p.Env.Region,
		Why: "the database fails to create", Fix: "choose an orderable class in Database.InstanceClass (config/): " + manual}
}

// orderable lists the MySQL options of class (the first page of every class when nil).
func (p *Preflight) orderable(ctx context.Context, class *string) ([]rdstypes.OrderableDBInstanceOption, error) {
	in := &rds.DescribeOrderableDBInstanceOptionsInput{Engine: aws.String("mysql"), DBInstanceClass: class}
	var options []rdstypes.OrderableDBInstanceOption
	for {
		out, err := p.AWS.RDS.DescribeOrderableDBInstanceOptions(ctx, in)
		if err != nil {
			return nil, err
		}
		options = append(options, out.OrderableDBInstanceOptions...)
		if in.Marker = out.Marker; in.Marker == nil || class == nil {
			return options, nil
		}
	}
}

// cache: ElastiCache has no read-only call that lists the on-demand node types of a region;
// its reserved-node offerings are listed per node type, so an offering says the type exists
// here, and none is a warning, not a proof.
func (p *Preflight) cache(ctx context.Context) Finding {
	nodeType := p.Env.Cache.NodeType
	what := "cache node type " + nodeType
	out, err := p.AWS.ElastiCache.DescribeReservedCacheNodesOfferings(ctx, &elasticache.DescribeReservedCacheNodesOfferingsInput{CacheNodeType: &nodeType})
	if err != nil {
		return couldNotCheck("offering", what+" (DescribeReservedCacheNodesOfferings)", err, "check the node type on the ElastiCache pricing page for Asia Pacific (Jakarta)")
	}
	if len(out.ReservedCacheNodesOfferings) == 0 {
		return Finding{Severity: Warning, Check: "offering", What: what + " has no reserved-node offering in " + p.Env.Region,
			Why: "it may not be offered here, and the replication group would fail to create",
			Fix: "check the node type on the ElastiCache pricing page for Asia Pacific (Jakarta), or choose another in Cache.NodeType (config/)"}
	}
	return Finding{Severity: OK, Check: "offering", What: what + " is offered (it has reserved-node offerings)"}
}

// Addons checks that EKS lists each pinned add-on version as compatible with the clusters'
// Kubernetes version.
func (p *Preflight) Addons(ctx context.Context) []Finding {
	version := p.Env.Compute.KubernetesVersion
	var findings []Finding
	for _, name := range slices.Sorted(maps.Keys(p.Env.Compute.Addons)) {
		pinned := p.Env.Compute.Addons[name]
		what := fmt.Sprintf("add-on %s %s on Kubernetes %s", name, pinned, version)
		available, err := p.addonVersions(ctx, name, version)
		if err != nil {
			// One warning for all: the call, not the add-on, failed.
			return append(findings, couldNotCheck("addon", fmt.Sprintf("the pinned versions of %s on Kubernetes %s (DescribeAddonVersions)",
				strings.Join(slices.Sorted(maps.Keys(p.Env.Compute.Addons)), ", "), version), err,
				fmt.Sprintf("aws eks describe-addon-versions --kubernetes-version %s --addon-name <name> --region %s", version, p.Env.Region)))
		}
		if slices.Contains(available, pinned) {
			findings = append(findings, Finding{Severity: OK, Check: "addon", What: what + " is available"})
			continue
		}
		latest := "none"
		if len(available) > 0 {
			latest = available[0]
		}
		findings = append(findings, Finding{Severity: Blocker, Check: "addon", What: what + " is not listed as compatible (newest listed: " + latest + ")",
			Why: "the add-on fails to install and the cluster's nodes lack networking or storage drivers",
			Fix: fmt.Sprintf("pin a listed version in Compute.Addons (config/compute.go): aws eks describe-addon-versions --kubernetes-version %s --addon-name %s --region %s",
				version, name, p.Env.Region)})
	}
	return findings
}

// addonVersions lists the versions of an add-on compatible with version, newest first (as
// EKS answers).
func (p *Preflight) addonVersions(ctx context.Context, name, version string) ([]string, error) {
	in := &eks.DescribeAddonVersionsInput{AddonName: &name, KubernetesVersion: &version}
	var versions []string
	for {
		out, err := p.AWS.EKS.DescribeAddonVersions(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, addon := range out.Addons {
			for _, v := range addon.AddonVersions {
				if slices.ContainsFunc(v.Compatibilities, func(c ekstypes.Compatibility) bool { return aws.ToString(c.ClusterVersion) == version }) {
					versions = append(versions, aws.ToString(v.AddonVersion))
				}
			}
		}
		if in.NextToken = out.NextToken; in.NextToken == nil {
			return versions, nil
		}
	}
}
