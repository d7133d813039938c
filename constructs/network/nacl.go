package network

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/networkacl"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/networkaclrule"
)

// Ports the NACLs and security groups open (NET-4, NET-5).
const (
	portHTTP       = 80
	portHTTPS      = 443
	portHealth     = 8080
	portMySQL      = 3306
	portRedis      = 6379
	portNFS        = 2049
	ephemeralFirst = 1024 // covers Linux, NAT gateway and ELB source ports
	ephemeralLast  = 65535
	// portRDP is left out of every world-open range: Security Hub EC2.21 and Checkov
	// CKV_AWS_231 fail any NACL entry that admits 22 or 3389 from 0.0.0.0/0, and nothing
	// here needs it. A reply to a NAT connection that happened to use source port 3389 is
	// dropped and retried by TCP; one port in 64,512.
	portRDP  = 3389
	anywhere = "0.0.0.0/0"
)

// aclRule is one stateless rule. Protocol "-1" means every protocol and port.
type aclRule struct {
	egress   bool
	number   int
	protocol string
	cidr     string
	from, to int
}

func tcp(egress bool, number int, cidr string, from, to int) aclRule {
	return aclRule{egress: egress, number: number, protocol: "tcp", cidr: cidr, from: from, to: to}
}

func allTraffic(egress bool, number int, cidr string) aclRule {
	return aclRule{egress: egress, number: number, protocol: "-1", cidr: cidr}
}

const (
	in  = false
	out = true
)

// NET-4. NACLs are stateless, so every tier allows the ephemeral-port return traffic of
// what it accepts and of what it sends; real AWS drops it otherwise (the emulator does not
// enforce NACLs, which is why network_policy_test.go simulates the flows).
func networkAclRules(cfg Config) map[string][]aclRule {
	public := []aclRule{
		// NET-4 opens HTTP and HTTPS into the public tier. Nothing there listens today (the
		// load balancer is internal, EDGE-5); the NAT gateways drop unsolicited traffic.
		tcp(in, 100, anywhere, portHTTPS, portHTTPS),
		tcp(in, 110, anywhere, portHTTP, portHTTP),
		// Replies to the NAT gateways' connections to the internet, without 3389.
		tcp(in, 120, anywhere, ephemeralFirst, portRDP-1),
		tcp(in, 125, anywhere, portRDP+1, ephemeralLast),
		allTraffic(out, 100, anywhere),
	}

	private := []aclRule{
		// Everything inside the VPC: the ALB, endpoints, the cluster control plane, DNS.
		allTraffic(in, 100, cfg.VpcCidr),
		// Replies from the internet to connections made through the NAT gateways, without 3389.
		tcp(in, 110, anywhere, ephemeralFirst, portRDP-1),
		tcp(in, 115, anywhere, portRDP+1, ephemeralLast),
		allTraffic(out, 100, cfg.VpcCidr),
		tcp(out, 110, anywhere, portHTTPS, portHTTPS),
		// NET-5 lets the application tier reach HTTP (80) out, e.g. OS package mirrors.
		tcp(out, 120, anywhere, portHTTP, portHTTP),
	}

	var database []aclRule
	for j, cidr := range cfg.PrivateSubnetCidrs {
		for i, port := range []int{portMySQL, portRedis, portNFS} {
			database = append(database, tcp(in, 100+10*i+j, cidr, port, port))
		}
		database = append(database, tcp(out, 100+j, cidr, ephemeralFirst, ephemeralLast))
	}
	// Inside the tier, Redis replicas connect to their primaries in other zones.
	for j, cidr := range cfg.DatabaseSubnetCidrs {
		database = append(database,
			tcp(in, 200+j, cidr, portRedis, portRedis),
			tcp(in, 210+j, cidr, ephemeralFirst, ephemeralLast),
			tcp(out, 200+j, cidr, portRedis, portRedis),
			tcp(out, 210+j, cidr, ephemeralFirst, ephemeralLast),
		)
	}
	return map[string][]aclRule{"public": public, "private": private, "database": database}
}

func newNetworkAcls(scope constructs.Construct, cfg Config, vpcID *string, net *Output) {
	subnets := map[string][]*string{
		"public": net.PublicSubnetIDs, "private": net.PrivateSubnetIDs, "database": net.DatabaseSubnetIDs,
	}
	rules := networkAclRules(cfg)
	for _, tier := range []string{"public", "private", "database"} {
		ids := subnets[tier]
		acl := networkacl.NewNetworkAcl(scope, jsii.String(tier+"-nacl"), &networkacl.NetworkAclConfig{
			VpcId:     vpcID,
			SubnetIds: &ids,
			Tags:      &map[string]*string{"Name": jsii.String(cfg.Prefix + "-" + tier + "-nacl")},
		})
		aclID := acl.Id()
		for _, r := range rules[tier] {
			direction := "in"
			if r.egress {
				direction = "out"
			}
			networkaclrule.NewNetworkAclRule(scope, jsii.String(fmt.Sprintf("%s-nacl-%s-%d", tier, direction, r.number)),
				&networkaclrule.NetworkAclRuleConfig{
					NetworkAclId: aclID,
					Egress:       jsii.Bool(r.egress),
					RuleNumber:   jsii.Number(float64(r.number)),
					RuleAction:   jsii.String("allow"),
					Protocol:     jsii.String(r.protocol),
					CidrBlock:    jsii.String(r.cidr),
					FromPort:     jsii.Number(float64(r.from)),
					ToPort:       jsii.Number(float64(r.to)),
				})
		}
	}
}
