package main

import (
	"fmt"
	"net/netip"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

var zones = []string{"ap-southeast-3a", "ap-southeast-3b", "ap-southeast-3c"}

// NET-1: one VPC, 10.0.0.0/16, DNS support and hostnames on.
func TestNET1VPC(t *testing.T) {
	for name, s := range synthReal(t) {
		v := s.single(t, "aws_vpc")
		if v.str("cidr_block") != "10.0.0.0/16" || !v.boolean("enable_dns_support") || !v.boolean("enable_dns_hostnames") {
			t.Errorf("%s: VPC cidr %q dns_support %v dns_hostnames %v", name, v.str("cidr_block"), v.Attrs["enable_dns_support"], v.Attrs["enable_dns_hostnames"])
		}
	}
}

// NET-2, RES-1: three tiers, one subnet per tier in each Jakarta zone, inside the VPC, no
// public IPs on launch.
func TestNET2Subnets(t *testing.T) {
	want := map[string][]string{
		"public":   {"10.0.0.0/22", "10.0.4.0/22", "10.0.8.0/22"},
		"private":  {"10.0.32.0/19", "10.0.64.0/19", "10.0.96.0/19"},
		"database": {"10.0.128.0/24", "10.0.129.0/24", "10.0.130.0/24"},
	}
	for name, s := range synthReal(t) {
		vpc := s.single(t, "aws_vpc")
		subnets := s.resources("aws_subnet")
		if len(subnets) != 9 {
			t.Errorf("%s: %d subnets, want 9 (3 tiers x 3 zones)", name, len(subnets))
		}
		for tier, cidrs := range want {
			for i, zone := range zones {
				sn := s.one(t, "aws_subnet", fmt.Sprintf("smile5-%s-%s-%s", envOf(name).Name, tier, zone[len(zone)-1:]))
				if sn.str("cidr_block") != cidrs[i] || sn.str("availability_zone") != zone {
					t.Errorf("%s: %s subnet in %s is %s in %s", name, tier, zone, sn.str("cidr_block"), sn.str("availability_zone"))
				}
				if sn.str("vpc_id") != vpc.Ref("id") {
					t.Errorf("%s: subnet %s is not in the VPC", name, sn.Name)
				}
				if v, ok := sn.Attrs["map_public_ip_on_launch"]; !ok || v != false {
					t.Errorf("%s: subnet %s map_public_ip_on_launch = %v, want false", name, sn.Name, v)
				}
			}
		}
	}
}

// NET-3: a NAT gateway per zone in staging and prod, a single one in dev; each private
// route table sends the internet through a NAT gateway (its own zone's where there is
// one); the database tier has no route out of the VPC.
func TestNET3NatGateways(t *testing.T) {
	wantNats := map[string]int{"smile-dev": 1, "smile-staging": 3, "smile-prod": 3}
	for name, s := range synthReal(t) {
		nats := s.resources("aws_nat_gateway")
		if len(nats) != wantNats[name] {
			t.Errorf("%s: %d NAT gateways, want %d", name, len(nats), wantNats[name])
		}
		natSubnetZone := map[string]string{}
		for _, n := range nats {
			sn := s.byRef(t, n.str("subnet_id"))
			if sn.tag("Tier") != "public" {
				t.Errorf("%s: NAT gateway %s is in a %s subnet, want public", name, n.Name, sn.tag("Tier"))
			}
			natSubnetZone[n.Ref("id")] = sn.str("availability_zone")
		}
		routes := s.resources("aws_route")
		for _, zone := range zones {
			rt := s.one(t, "aws_route_table", fmt.Sprintf("smile5-%s-private-rt-%s", envOf(name).Name, zone[len(zone)-1:]))
			var defaults []resource
			for _, r := range routes {
				if r.str("route_table_id") == rt.Ref("id") && r.str("destination_cidr_block") == "0.0.0.0/0" {
					defaults = append(defaults, r)
				}
			}
			if len(defaults) != 1 {
				t.Fatalf("%s: private route table in %s has %d default routes, want 1", name, zone, len(defaults))
			}
			natZone, ok := natSubnetZone[defaults[0].str("nat_gateway_id")]
			if !ok {
				t.Errorf("%s: private default route in %s does not go through a NAT gateway", name, zone)
			}
			if wantNats[name] == 3 && natZone != zone {
				t.Errorf("%s: private subnets in %s leave through the NAT gateway in %s", name, zone, natZone)
			}
		}
		dbRT := s.one(t, "aws_route_table", fmt.Sprintf("smile5-%s-database-rt", envOf(name).Name))
		for _, r := range routes {
			if r.str("route_table_id") == dbRT.Ref("id") {
				t.Errorf("%s: database route table has route %v: the tier must not leave the VPC", name, r.Attrs)
			}
		}
	}
}

// aclEntry is a NACL rule as synthesized.
type aclEntry struct {
	number   int
	egress   bool
	protocol string
	cidr     netip.Prefix
	from, to int
	allow    bool
}

// nacls maps each tier to its rules, and checks each NACL covers exactly its tier's subnets.
func nacls(t *testing.T, s *synthesized) map[string][]aclEntry {
	t.Helper()
	env := envOf(s.name).Name
	out := map[string][]aclEntry{}
	for _, tier := range []string{"public", "private", "database"} {
		acl := s.one(t, "aws_network_acl", fmt.Sprintf("smile5-%s-%s-nacl", env, tier))
		var wantSubnets []string
		for _, sn := range s.resources("aws_subnet") {
			if sn.tag("Tier") == tier {
				wantSubnets = append(wantSubnets, sn.Ref("id"))
			}
		}
		got := acl.strs("subnet_ids")
		sort.Strings(got)
		sort.Strings(wantSubnets)
		if !reflect.DeepEqual(got, wantSubnets) {
			t.Errorf("%s: %s NACL covers %v, want the tier's subnets %v", s.name, tier, got, wantSubnets)
		}
		if _, inline := acl.Attrs["ingress"]; inline {
			t.Errorf("%s: %s NACL has inline rules; rules are separate resources", s.name, tier)
		}
		for _, r := range s.resources("aws_network_acl_rule") {
			if r.str("network_acl_id") != acl.Ref("id") {
				continue
			}
			out[tier] = append(out[tier], aclEntry{
				number: r.num("rule_number"), egress: r.boolean("egress"), protocol: r.str("protocol"),
				cidr: netip.MustParsePrefix(r.str("cidr_block")), from: r.num("from_port"), to: r.num("to_port"),
				allow: r.str("rule_action") == "allow",
			})
		}
		sort.Slice(out[tier], func(i, j int) bool { return out[tier][i].number < out[tier][j].number })
	}
	return out
}

// allows evaluates a stateless NACL as AWS does: lowest rule number first, first match
// wins, anything unmatched is denied.
func allows(rules []aclEntry, egress bool, peer netip.Addr, port int) bool {
	for _, r := range rules {
		if r.egress != egress || !r.cidr.Contains(peer) {
			continue
		}
		if r.protocol == "-1" || (r.protocol == "tcp" && port >= r.from && port <= r.to) {
			return r.allow
		}
	}
	return false
}

// NET-4: each tier's NACL, checked as a list of rules and by simulating the flows the
// platform needs, including the ephemeral-port return traffic real AWS would otherwise drop.
func TestNET4NetworkAcls(t *testing.T) {
	for name, s := range synthReal(t) {
		rules := nacls(t, s)
		addr := func(tier string, zone int) netip.Addr {
			sn := s.one(t, "aws_subnet", fmt.Sprintf("smile5-%s-%s-%s", envOf(name).Name, tier, zones[zone][len(zones[zone])-1:]))
			p := netip.MustParsePrefix(sn.str("cidr_block"))
			a := p.Addr()
			for range 10 {
				a = a.Next()
			}
			return a
		}
		internet := netip.MustParseAddr("203.0.113.10")
		// Client source ports: Linux's range and the NAT gateway's/ELB's wider one.
		ephemeral := []int{1024, 32768, 50000, 60999, 65535}

		// check is one packet crossing one subnet boundary.
		type check struct {
			tier   string
			egress bool
			peer   netip.Addr
			ports  []int
			what   string
		}
		// roundTrip is a TCP connection between two NACL-guarded subnets (or the internet, tier ""):
		// the request leaves src and enters dst on port, the reply leaves dst and enters src on
		// the client's ephemeral port.
		roundTrip := func(what, srcTier string, src netip.Addr, dstTier string, dst netip.Addr, port int) []check {
			var cs []check
			if srcTier != "" {
				cs = append(cs, check{srcTier, true, dst, []int{port}, what + ": request out of " + srcTier},
					check{srcTier, false, dst, ephemeral, what + ": reply into " + srcTier})
			}
			if dstTier != "" {
				cs = append(cs, check{dstTier, false, src, []int{port}, what + ": request into " + dstTier},
					check{dstTier, true, src, ephemeral, what + ": reply out of " + dstTier})
			}
			return cs
		}
		natPath := func(port int) []check {
			what := fmt.Sprintf("application tier to the internet on %d via NAT", port)
			priv := addr("private", 1)
			return []check{
				{"private", true, internet, []int{port}, what + ": request out of private"},
				{"public", false, priv, []int{port}, what + ": request into the NAT subnet"},
				{"public", true, internet, []int{port}, what + ": request out of the NAT subnet"},
				{"public", false, internet, ephemeral, what + ": reply into the NAT subnet"},
				{"public", true, priv, ephemeral, what + ": reply out of the NAT subnet"},
				{"private", false, internet, ephemeral, what + ": reply into private"},
			}
		}

		var must []check
		for _, port := range []int{443, 80} {
			must = append(must, roundTrip(fmt.Sprintf("internet to the ALB on %d", port), "", internet, "public", addr("public", 0), port)...)
			must = append(must, natPath(port)...)
		}
		for _, port := range []int{443, 8080} {
			must = append(must, roundTrip(fmt.Sprintf("ALB to the application tier on %d", port), "public", addr("public", 0), "private", addr("private", 1), port)...)
		}
		for _, port := range []int{3306, 6379, 2049} {
			for z := range zones {
				must = append(must, roundTrip(fmt.Sprintf("application tier (zone %d) to the database tier on %d", z, port),
					"private", addr("private", z), "database", addr("database", (z+1)%3), port)...)
			}
		}
		must = append(must, roundTrip("application tier to an interface endpoint in another zone", "private", addr("private", 0), "private", addr("private", 2), 443)...)
		must = append(must, roundTrip("Redis replica to its primary in another zone", "database", addr("database", 0), "database", addr("database", 2), 6379)...)

		for _, c := range must {
			for _, port := range c.ports {
				if !allows(rules[c.tier], c.egress, c.peer, port) {
					t.Errorf("%s: %s: %s NACL drops port %d (peer %s)", name, c.what, c.tier, port, c.peer)
				}
			}
		}

		// What must not pass: the database tier accepts nothing from the public tier or the
		// internet, and nothing but its three ports from the application tier.
		mustNot := []check{
			{"database", false, addr("public", 0), []int{3306, 6379, 2049, 22}, "public tier into the database tier"},
			{"database", false, internet, []int{3306, 443, 22}, "internet into the database tier"},
			{"database", false, addr("private", 0), []int{22, 443, 5432, 8080}, "other ports from the application tier"},
			{"database", true, internet, []int{443, 80}, "database tier out to the internet"},
			// Ports from 1024 up stay open for return traffic (NACLs are stateless); the
			// security groups are what close them.
			{"public", false, internet, []int{22, 25, 445, 1023}, "internet into the public tier on other ports"},
			{"private", true, internet, []int{22, 3306, 25}, "application tier out to the internet on other ports"},
			// Security Hub EC2.21, Checkov CKV_AWS_231: no world-open entry admits SSH or RDP.
			{"public", false, internet, []int{22, 3389}, "internet into the public tier on SSH or RDP"},
			{"private", false, internet, []int{22, 3389}, "internet into the private tier on SSH or RDP"},
		}
		for _, c := range mustNot {
			for _, port := range c.ports {
				if allows(rules[c.tier], c.egress, c.peer, port) {
					t.Errorf("%s: %s: %s NACL lets port %d through (peer %s)", name, c.what, c.tier, port, c.peer)
				}
			}
		}
	}
}

// sgRule is a security group rule as synthesized.
type sgRule struct {
	group     string // the group's Name
	egress    bool
	port      int
	peer      string // a CIDR, "sg:<Name>" or "pl:<prefix list>"
	protocol  string
	portRange bool
}

func securityGroupRules(t *testing.T, s *synthesized) []sgRule {
	t.Helper()
	groupName := map[string]string{}
	for _, g := range s.resources("aws_security_group") {
		groupName[g.Ref("id")] = g.str("name")
		for _, inline := range []string{"ingress", "egress"} {
			// An empty list is no rule: a group that accepts nothing says so (sgrule.NoInbound).
			if rules, ok := g.Attrs[inline]; ok && (inline == "egress" || len(rules.([]any)) > 0) {
				t.Errorf("%s: security group %s has inline %s rules; rules are separate resources", s.name, g.str("name"), inline)
			}
		}
	}
	var out []sgRule
	for _, kind := range []string{"aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"} {
		for _, r := range s.resources(kind) {
			rule := sgRule{
				group: groupName[r.str("security_group_id")], egress: strings.Contains(kind, "egress"),
				port: r.num("from_port"), protocol: r.str("ip_protocol"), portRange: r.num("from_port") != r.num("to_port"),
			}
			switch {
			case r.str("cidr_ipv4") != "":
				rule.peer = r.str("cidr_ipv4")
			case r.str("referenced_security_group_id") != "":
				rule.peer = "sg:" + groupName[r.str("referenced_security_group_id")]
			case r.str("prefix_list_id") != "":
				rule.peer = "pl:" + r.str("prefix_list_id")
			}
			out = append(out, rule)
		}
	}
	return out
}

// net5Groups are the security groups of NET-5, which the network owns.
var net5Groups = []string{"alb", "vpc-link", "app", "database", "cache", "efs", "endpoints"}

// NET-5: the security groups allow exactly the listed traffic; the database group has no
// egress; the VPC's default group allows nothing.
func TestNET5SecurityGroups(t *testing.T) {
	for name, s := range synthReal(t) {
		p := "smile5-" + envOf(name).Name + "-"
		type key struct {
			group  string
			egress bool
		}
		got := map[key][]string{}
		for _, r := range securityGroupRules(t, s) {
			if !slices.Contains(net5Groups, strings.TrimPrefix(r.group, p)) {
				continue // the clusters' and the bastion's groups: compute_test.go
			}
			if r.protocol != "tcp" || r.portRange {
				t.Errorf("%s: %s rule %+v is not a single TCP port", name, r.group, r)
			}
			got[key{r.group, r.egress}] = append(got[key{r.group, r.egress}], fmt.Sprintf("%d from/to %s", r.port, r.peer))
		}
		want := map[key][]string{
			{p + "alb", false}:       {"443 from/to sg:" + p + "vpc-link"},
			{p + "vpc-link", true}:   {"443 from/to sg:" + p + "alb"},
			{p + "alb", true}:        {"443 from/to sg:" + p + "app", "8080 from/to sg:" + p + "app"},
			{p + "app", false}:       {"443 from/to sg:" + p + "alb", "8080 from/to sg:" + p + "alb"},
			{p + "app", true}:        {"443 from/to 0.0.0.0/0", "80 from/to 0.0.0.0/0", "3306 from/to sg:" + p + "database", "6379 from/to sg:" + p + "cache", "2049 from/to sg:" + p + "efs"},
			{p + "database", false}:  {"3306 from/to sg:" + p + "app"},
			{p + "cache", false}:     {"6379 from/to sg:" + p + "app"},
			{p + "efs", false}:       {"2049 from/to sg:" + p + "app"},
			{p + "endpoints", false}: {"443 from/to 10.0.0.0/16"},
		}
		for k := range got {
			sort.Strings(got[k])
		}
		for k := range want {
			sort.Strings(want[k])
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: security group rules\n got %v\nwant %v", name, got, want)
		}
		if len(got[key{p + "database", true}]) != 0 {
			t.Errorf("%s: the database security group has egress rules", name)
		}
		defaultSG := s.single(t, "aws_default_security_group")
		for _, attr := range []string{"ingress", "egress"} {
			if rules, ok := defaultSG.Attrs[attr].([]any); ok && len(rules) > 0 {
				t.Errorf("%s: the default security group has %s rules", name, attr)
			}
		}
	}
}

// NET-5, EDGE-5: nothing on the internet reaches the load balancer directly: it is
// internal, and its only ingress is HTTPS from the API Gateway VPC link.
func TestNET5LoadBalancerOnlyBehindVpcLink(t *testing.T) {
	for name, s := range synthReal(t) {
		for _, r := range securityGroupRules(t, s) {
			if !r.egress && (r.peer == "0.0.0.0/0" || strings.HasPrefix(r.peer, "pl:")) {
				t.Errorf("%s: %s is open to %s on %d", name, r.group, r.peer, r.port)
			}
		}
		for _, lb := range s.resources("aws_lb") {
			if !lb.boolean("internal") {
				t.Errorf("%s: load balancer %s is not internal", name, lb.Name)
			}
		}
	}
}

// NET-6: an S3 gateway endpoint on the private and database route tables, and interface
// endpoints with private DNS in the private subnets for every service the tiers need.
func TestNET6VpcEndpoints(t *testing.T) {
	wantInterface := []string{"ec2messages", "ecr.api", "ecr.dkr", "kms", "logs", "secretsmanager", "sqs", "ssm", "ssmmessages", "sts"}
	for name, s := range synthReal(t) {
		env := envOf(name).Name
		var privateSubnets, routeTables []string
		for _, sn := range s.resources("aws_subnet") {
			if sn.tag("Tier") == "private" {
				privateSubnets = append(privateSubnets, sn.Ref("id"))
			}
		}
		for _, rt := range s.resources("aws_route_table") {
			if strings.Contains(rt.tag("Name"), "-private-rt-") || strings.HasSuffix(rt.tag("Name"), "-database-rt") {
				routeTables = append(routeTables, rt.Ref("id"))
			}
		}
		sort.Strings(privateSubnets)
		sort.Strings(routeTables)
		endpointsSG := s.one(t, "aws_security_group", "smile5-"+env+"-endpoints").Ref("id")

		var gotInterface []string
		gateways := 0
		for _, e := range s.resources("aws_vpc_endpoint") {
			service := strings.TrimPrefix(e.str("service_name"), "com.amazonaws.ap-southeast-3.")
			switch e.str("vpc_endpoint_type") {
			case "Gateway":
				gateways++
				got := e.strs("route_table_ids")
				sort.Strings(got)
				if service != "s3" || !reflect.DeepEqual(got, routeTables) {
					t.Errorf("%s: gateway endpoint %s on %v, want s3 on %v", name, service, got, routeTables)
				}
			case "Interface":
				gotInterface = append(gotInterface, service)
				// COST-1: the first InterfaceEndpointZones private subnets (one in dev).
				got, want := e.strs("subnet_ids"), subnetRefs(t, s, "private")[:envOf(name).Network.InterfaceEndpointZones]
				if !reflect.DeepEqual(got, want) || !e.boolean("private_dns_enabled") ||
					!reflect.DeepEqual(e.strs("security_group_ids"), []string{endpointsSG}) {
					t.Errorf("%s: interface endpoint %s: subnets %v private DNS %v groups %v", name, service, got, e.Attrs["private_dns_enabled"], e.strs("security_group_ids"))
				}
			default:
				t.Errorf("%s: endpoint %s has type %q", name, service, e.str("vpc_endpoint_type"))
			}
		}
		sort.Strings(gotInterface)
		if gateways != 1 || !reflect.DeepEqual(gotInterface, wantInterface) {
			t.Errorf("%s: %d gateway endpoints and interface endpoints %v, want 1 and %v", name, gateways, gotInterface, wantInterface)
		}
	}
}

// NET-7, OBS-1, RES-3: flow logs of all traffic to a KMS-encrypted log group kept 30 days,
// written by a role only the flow-logs service of this account can assume.
func TestNET7FlowLogs(t *testing.T) {
	for name, s := range synthReal(t) {
		fl := s.single(t, "aws_flow_log")
		if fl.str("traffic_type") != "ALL" || fl.str("log_destination_type") != "cloud-watch-logs" ||
			fl.str("vpc_id") != s.single(t, "aws_vpc").Ref("id") {
			t.Errorf("%s: flow log %v", name, fl.Attrs)
		}
		group := s.byRef(t, fl.str("log_destination"))
		if group.num("retention_in_days") != 30 {
			t.Errorf("%s: flow log retention %d days, want 30", name, group.num("retention_in_days"))
		}
		key := s.byRef(t, group.str("kms_key_id"))
		if key.Type != "aws_kms_key" || !key.boolean("enable_key_rotation") {
			t.Errorf("%s: flow log group key %s.%s rotation %v", name, key.Type, key.Name, key.Attrs["enable_key_rotation"])
		}
		role := s.byRef(t, fl.str("iam_role_arn"))
		trust := policyStatements(t, s, role.str("assume_role_policy"))
		if len(trust) != 1 || !slices.Contains(principals(trust[0], "Service"), "vpc-flow-logs.amazonaws.com") || len(trust[0]["condition"].([]any)) != 1 {
			t.Errorf("%s: flow log role trust %v", name, trust)
		}
	}
}

// SEC-1, RES-3: customer-managed keys rotate and carry an explicit policy; CloudWatch Logs
// may use the logs key only for this account's log groups.
func TestSEC1LogsKey(t *testing.T) {
	for name, s := range synthReal(t) {
		key := s.one(t, "aws_kms_key", "smile5-"+envOf(name).Name+"-logs")
		if !key.boolean("enable_key_rotation") || key.num("deletion_window_in_days") != 30 {
			t.Errorf("%s: logs key rotation %v deletion window %v", name, key.Attrs["enable_key_rotation"], key.Attrs["deletion_window_in_days"])
		}
		statements := policyStatements(t, s, key.str("policy"))
		var service map[string]any
		for _, st := range statements {
			if slices.Contains(principals(st, "Service"), "logs.ap-southeast-3.amazonaws.com") {
				service = st
			}
		}
		if service == nil {
			t.Fatalf("%s: the logs key does not let CloudWatch Logs use it", name)
		}
		cond := service["condition"].([]any)[0].(map[string]any)
		if cond["variable"] != "kms:EncryptionContext:aws:logs:arn" ||
			!strings.HasPrefix(fmt.Sprint(cond["values"]), "[arn:aws:logs:ap-southeast-3:") {
			t.Errorf("%s: logs key service condition %v", name, cond)
		}
		alias := s.one(t, "aws_kms_alias", "alias/smile5-"+envOf(name).Name+"-logs")
		if alias.str("target_key_id") != key.Ref("key_id") {
			t.Errorf("%s: logs key alias points at %s", name, alias.str("target_key_id"))
		}
	}
}

// unscopableReads are read-only calls that support no resource-level permissions: an
// identity policy may grant them on "*" (the load balancer controller and the autoscaler
// discover the VPC, subnets, instances and groups through them).
var unscopableReads = regexp.MustCompile(`^((ec2|elasticloadbalancing|autoscaling):(Describe|Get)[A-Za-z]+|acm:ListCertificates)$`)

// SEC-2: no identity policy allows every action on every resource, no identity policy
// grants anything but unscopable reads on every resource, and no statement in any policy
// allows the bare "*" action.
func TestSEC2NoWildcardPolicies(t *testing.T) {
	for name, s := range synthReal(t) {
		for _, doc := range s.block("data", "aws_iam_policy_document") {
			for _, raw := range doc.Attrs["statement"].([]any) {
				st := raw.(map[string]any)
				actions := toStrings(st["actions"])
				resources := toStrings(st["resources"])
				if slices.Contains(actions, "*") {
					t.Errorf("%s: policy %s allows action *", name, doc.Name)
				}
				if slices.Contains(resources, "*") && len(principals(st, "AWS")) == 0 && len(principals(st, "Service")) == 0 {
					for _, a := range actions {
						if !unscopableReads.MatchString(a) {
							t.Errorf("%s: identity policy %s allows %s on every resource", name, doc.Name, a)
						}
					}
				}
			}
		}
	}
}

// policyStatements resolves a policy attribute that references a policy document data source.
func policyStatements(t *testing.T, s *synthesized, ref string) []map[string]any {
	t.Helper()
	m := strings.TrimSuffix(strings.TrimPrefix(ref, "${data.aws_iam_policy_document."), ".json}")
	for _, doc := range s.block("data", "aws_iam_policy_document") {
		if doc.Name == m {
			var out []map[string]any
			for _, st := range doc.Attrs["statement"].([]any) {
				out = append(out, st.(map[string]any))
			}
			return out
		}
	}
	t.Fatalf("%s: %q is not a policy document reference", s.name, ref)
	return nil
}

func principals(statement map[string]any, typ string) []string {
	var out []string
	list, _ := statement["principals"].([]any)
	for _, p := range list {
		pm := p.(map[string]any)
		if pm["type"] == typ {
			out = append(out, toStrings(pm["identifiers"])...)
		}
	}
	return out
}
