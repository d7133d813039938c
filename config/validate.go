package config

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// RequiredZoneCount is the number of availability zones every environment spans (NET-1).
const RequiredZoneCount = 3

// MinLogRetentionDays is the compliance floor for log retention (OBS-1).
const MinLogRetentionDays = 30

// logRetentionDays are the values CloudWatch Logs accepts for retention_in_days.
var logRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
	1096, 1827, 2192, 2557, 2922, 3288, 3653}

// databaseInstanceClasses are the RDS MySQL 8.0 classes this platform is sized and tested for
// (DB-1); adding one is a reviewed change here.
var databaseInstanceClasses = []string{
	"db.t3.micro", "db.t3.small", "db.t3.medium", "db.t3.large",
	"db.m5.large", "db.m5.xlarge", "db.m5.2xlarge",
	"db.r5.large", "db.r5.xlarge", "db.r5.2xlarge", "db.r5.4xlarge",
}

var (
	envNamePattern    = regexp.MustCompile(`^[a-z][a-z0-9]{1,11}$`)
	bucketNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
)

// Validate returns every problem of the environment at once (ENV-3), each naming the field
// and what it may be, or nil.
func (e Environment) Validate() error {
	var p problems
	if !envNamePattern.MatchString(e.Name) {
		p.add("Name", "%q must be 2-12 lowercase letters or digits, starting with a letter (it becomes part of every resource name)", e.Name)
	}
	if e.Region != Region {
		p.add("Region", "%q is not allowed: SMILE data stays in Jakarta, set it to %q (RES-1)", e.Region, Region)
	}
	e.validateZones(&p)
	e.validateNetwork(&p)
	e.validateCompute(&p)
	e.validateServices(&p)
	e.validateDatabase(&p)
	e.validateData(&p)
	e.validateEdge(&p)
	e.validateObservability(&p)
	e.validateKubernetes(&p)
	e.validateDelivery(&p)
	if !slices.Contains(logRetentionDays, e.Observability.LogRetentionDays) || e.Observability.LogRetentionDays < MinLogRetentionDays {
		p.add("Observability.LogRetentionDays", "%d is not allowed: use a CloudWatch retention of at least %d days (30, 60, 90, 120, 150, 180, 365, ...) (OBS-1)",
			e.Observability.LogRetentionDays, MinLogRetentionDays)
	}
	e.validateDeployment(&p)
	if len(p) == 0 {
		return nil
	}
	return fmt.Errorf("environment %q has an invalid configuration (fix it in config/config.go or the SMILE_* variables):\n%w",
		e.Name, errors.Join(p...))
}

func (e Environment) validateZones(p *problems) {
	zones := e.AvailabilityZones
	if len(zones) != RequiredZoneCount {
		p.add("AvailabilityZones", "has %d zones, needs exactly %d (NET-1)", len(zones), RequiredZoneCount)
	}
	seen := map[string]bool{}
	for _, z := range zones {
		if !strings.HasPrefix(z, Region) || len(z) != len(Region)+1 {
			p.add("AvailabilityZones", "%q is not a zone of %s (use %sa, %sb or %sc) (RES-1)", z, Region, Region, Region, Region)
		}
		if seen[z] {
			p.add("AvailabilityZones", "%q is listed twice: each tier needs one subnet in each of %d different zones", z, RequiredZoneCount)
		}
		seen[z] = true
	}
}

func (e Environment) validateNetwork(p *problems) {
	n := e.Network
	vpc, err := netip.ParsePrefix(n.VpcCidr)
	switch {
	case err != nil || !vpc.Addr().Is4() || vpc.Masked() != vpc:
		p.add("Network.VpcCidr", "%q is not an IPv4 network in CIDR notation such as 10.0.0.0/16", n.VpcCidr)
		vpc = netip.Prefix{}
	case vpc.Bits() < 16 || vpc.Bits() > 24:
		p.add("Network.VpcCidr", "%q has a /%d mask: AWS allows VPCs from /16 to /24 (NET-1)", n.VpcCidr, vpc.Bits())
	case !vpc.Addr().IsPrivate():
		p.add("Network.VpcCidr", "%q is not a private (RFC 1918) range", n.VpcCidr)
	}

	type subnet struct {
		field  string
		prefix netip.Prefix
	}
	var all []subnet
	tiers := []struct {
		field string
		cidrs []string
	}{
		{"Network.PublicSubnetCidrs", n.PublicSubnetCidrs},
		{"Network.PrivateSubnetCidrs", n.PrivateSubnetCidrs},
		{"Network.DatabaseSubnetCidrs", n.DatabaseSubnetCidrs},
	}
	for _, tier := range tiers {
		if len(tier.cidrs) != len(e.AvailabilityZones) {
			p.add(tier.field, "has %d CIDRs for %d availability zones: give one per zone (NET-2)", len(tier.cidrs), len(e.AvailabilityZones))
		}
		for i, c := range tier.cidrs {
			field := fmt.Sprintf("%s[%d]", tier.field, i)
			s, err := netip.ParsePrefix(c)
			if err != nil || !s.Addr().Is4() || s.Masked() != s {
				p.add(field, "%q is not an IPv4 network in CIDR notation such as 10.0.0.0/24", c)
				continue
			}
			if s.Bits() > 28 {
				p.add(field, "%q is smaller than /28, the smallest subnet AWS allows", c)
			}
			if vpc.IsValid() && (s.Bits() < vpc.Bits() || !vpc.Contains(s.Addr())) {
				p.add(field, "%q is outside the VPC %s", c, n.VpcCidr)
			}
			for _, other := range all {
				if other.prefix.Overlaps(s) {
					p.add(field, "%q overlaps %s (%s): subnets must not overlap", c, other.field, other.prefix)
				}
			}
			all = append(all, subnet{field, s})
		}
	}

	if z := n.InterfaceEndpointZones; z < 1 || z > len(e.AvailabilityZones) {
		p.add("Network.InterfaceEndpointZones", "%d is outside 1-%d, the number of AvailabilityZones (NET-6)", z, len(e.AvailabilityZones))
	} else if z < len(e.AvailabilityZones) && e.isProductionLike() {
		p.add("Network.InterfaceEndpointZones", "is %d in %s: put the interface endpoints in all %d zones, so a zone's failure does not cut the others off from ECR, STS and logs (NET-6)",
			z, e.Name, len(e.AvailabilityZones))
	}
	if n.SingleNatGateway && e.isProductionLike() {
		p.add("Network.SingleNatGateway", "must be false in %s: one NAT gateway per AZ keeps egress up when a zone fails (NET-3)", e.Name)
	}
}

func (e Environment) validateServices(p *problems) {
	s := e.Services
	if s.MinReplicas < 1 {
		p.add("Services.MinReplicas", "%d is below 1", s.MinReplicas)
	}
	if s.MinReplicas > s.MaxReplicas {
		p.add("Services.MinReplicas", "%d is greater than Services.MaxReplicas %d", s.MinReplicas, s.MaxReplicas)
	}
	if s.Autoscaling && s.MinReplicas == s.MaxReplicas {
		p.add("Services.Autoscaling", "is on but MinReplicas equals MaxReplicas (%d): give autoscaling room or turn it off", s.MinReplicas)
	}
	if e.Name == "prod" && (s.MinReplicas < 3 || !s.Autoscaling) {
		p.add("Services", "prod needs at least 3 replicas per service with autoscaling on (ENV table), has MinReplicas %d, Autoscaling %t",
			s.MinReplicas, s.Autoscaling)
	}
}

func (e Environment) validateDatabase(p *problems) {
	d := e.Database
	if !slices.Contains(databaseInstanceClasses, d.InstanceClass) {
		p.add("Database.InstanceClass", "%q is not a supported RDS MySQL class (one of %s) (DB-1)",
			d.InstanceClass, strings.Join(databaseInstanceClasses, ", "))
	}
	if d.AllocatedStorageGiB < 20 || d.AllocatedStorageGiB > 65536 {
		p.add("Database.AllocatedStorageGiB", "%d is outside 20-65536, the range RDS MySQL gp3 storage allows", d.AllocatedStorageGiB)
	}
	if d.MaxAllocatedStorageGiB < d.AllocatedStorageGiB {
		p.add("Database.MaxAllocatedStorageGiB", "%d is below AllocatedStorageGiB %d: set it equal (no autoscaling) or higher",
			d.MaxAllocatedStorageGiB, d.AllocatedStorageGiB)
	}
	if d.BackupRetentionDays < 0 || d.BackupRetentionDays > 35 {
		p.add("Database.BackupRetentionDays", "%d is outside 0-35, the range RDS allows", d.BackupRetentionDays)
	}
	if e.isProductionLike() && d.BackupRetentionDays < 7 {
		p.add("Database.BackupRetentionDays", "%d is below 7 in %s: point-in-time recovery is required for the 15-minute RPO (DR-1)",
			d.BackupRetentionDays, e.Name)
	}
	if e.Name == "prod" {
		if !d.MultiAZ {
			p.add("Database.MultiAZ", "must be true in prod (ENV table, DB-1)")
		}
		if !d.DeletionProtection {
			p.add("Database.DeletionProtection", "must be true in prod (DB-2)")
		}
		if d.BackupRetentionDays < 30 {
			p.add("Database.BackupRetentionDays", "%d is below 30 in prod (ENV table)", d.BackupRetentionDays)
		}
	}
}

func (e Environment) validateDeployment(p *problems) {
	d := e.Deployment
	if d.EmulatorEndpoint != "" {
		u, err := url.Parse(d.EmulatorEndpoint)
		host := ""
		if err == nil {
			host = u.Hostname()
		}
		addr, addrErr := netip.ParseAddr(host)
		loopback := host == "localhost" || (addrErr == nil && addr.IsLoopback())
		if err != nil || u.Scheme != "http" || u.Port() == "" || !loopback || (u.Path != "" && u.Path != "/") {
			p.add("Deployment.EmulatorEndpoint", "%q is not a local emulator address: use http://127.0.0.1:PORT (SMILE_EMULATOR_ENDPOINT)", d.EmulatorEndpoint)
		}
		if d.StateBucket != "" {
			p.add("Deployment.StateBucket", "is set together with the emulator endpoint: emulator state is local, unset SMILE_STATE_BUCKET")
		}
		if d.EmulatorKubeDir == "" {
			p.add("Deployment.EmulatorKubeDir", "is empty: an emulator deployment needs the local Kubernetes API servers; scripts/emulator-deploy starts them and sets SMILE_EMULATOR_KUBE_DIR")
		}
		if d.KubeAsCaller {
			p.add("Deployment.KubeAsCaller", "is set together with the emulator endpoint: the local API servers take their own token, unset SMILE_KUBE_AS_CALLER")
		}
	} else if d.EmulatorKubeDir != "" {
		p.add("Deployment.EmulatorKubeDir", "is set without the emulator endpoint: the local Kubernetes API servers belong to the emulator, unset SMILE_EMULATOR_KUBE_DIR")
	}
	if d.StateBucket != "" && !bucketNamePattern.MatchString(d.StateBucket) {
		p.add("Deployment.StateBucket", "%q is not a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens) (SMILE_STATE_BUCKET)", d.StateBucket)
	}
	if d.EmulatorUpgradeCheck && d.EmulatorEndpoint == "" {
		p.add("Deployment.EmulatorUpgradeCheck", "is set without the emulator endpoint: it belongs to the emulator's upgrade drill, unset SMILE_EMULATOR_UPGRADE_CHECK")
	}
	if d.Versions != "" && d.Versions != "current" && d.Versions != "previous" {
		p.add("Deployment.Versions", "%q is neither current nor previous: leave SMILE_VERSIONS unset for the defaults, or set it to previous for the upgrade drill's starting point (LIFE-3)", d.Versions)
	}
}

// isProductionLike is true for the environments that carry real traffic or rehearse it.
func (e Environment) isProductionLike() bool { return e.Name == "prod" || e.Name == "staging" }

type problems []error

func (p *problems) add(field, format string, args ...any) {
	*p = append(*p, fmt.Errorf("  - %s: %s", field, fmt.Sprintf(format, args...)))
}
