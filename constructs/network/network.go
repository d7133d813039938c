// Package network builds the SMILE VPC: three subnet tiers across three availability zones,
// NAT egress, per-tier NACLs, the security groups of NET-5, VPC endpoints and flow logs
// (NET-1 … NET-7).
package network

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/eip"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/internetgateway"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/natgateway"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/routetable"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/routetableassociation"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/subnet"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpc"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/config"
)

// Config is everything the network needs; it comes from config.Environment.
type Config struct {
	config.Network
	// Prefix names every resource, e.g. smile5-dev (ENV-2).
	Prefix            string
	Region            string
	AccountID         *string
	AvailabilityZones []string
	// FlowLogKmsKeyArn encrypts the flow-log group (NET-7, RES-3).
	FlowLogKmsKeyArn     *string
	FlowLogRetentionDays int
}

// Output is what later constructs (EKS, data tier, edge) are wired with.
type Output struct {
	VpcID   *string
	VpcCidr string
	// Subnet and route table IDs per tier, in the order of Config.AvailabilityZones.
	PublicSubnetIDs       []*string
	PrivateSubnetIDs      []*string
	DatabaseSubnetIDs     []*string
	PrivateRouteTableIDs  []*string
	DatabaseRouteTableIDs []*string
	NatGatewayIDs         []*string
	SecurityGroups        SecurityGroups
	FlowLogGroupName      *string
	// S3PrefixListID is the S3 gateway endpoint's prefix list, for egress rules to S3 that
	// need no internet (NET-5, NET-6).
	S3PrefixListID *string
}

// New builds the network.
func New(scope constructs.Construct, id string, cfg Config) (*Output, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	name := func(suffix string) *map[string]*string {
		return &map[string]*string{"Name": jsii.String(cfg.Prefix + "-" + suffix)}
	}

	// NET-1
	v := vpc.NewVpc(c, jsii.String("vpc"), &vpc.VpcConfig{
		CidrBlock:          jsii.String(cfg.VpcCidr),
		EnableDnsSupport:   jsii.Bool(true),
		EnableDnsHostnames: jsii.Bool(true),
		Tags:               name("vpc"),
	})
	vpcID := v.Id()
	out := &Output{VpcID: vpcID, VpcCidr: cfg.VpcCidr}

	igw := internetgateway.NewInternetGateway(c, jsii.String("igw"), &internetgateway.InternetGatewayConfig{
		VpcId: vpcID, Tags: name("igw"),
	})

	// NET-2: three tiers, one subnet per zone. Logical IDs carry the zone letter, not an
	// index, so they stay stable if the zone list is ever reordered.
	type tier struct {
		key   string
		cidrs []string
		ids   *[]*string
		tags  map[string]string
	}
	tiers := []tier{
		// The kubernetes.io role tags let the AWS Load Balancer Controller find the subnets.
		{"public", cfg.PublicSubnetCidrs, &out.PublicSubnetIDs, map[string]string{"kubernetes.io/role/elb": "1"}},
		{"private", cfg.PrivateSubnetCidrs, &out.PrivateSubnetIDs, map[string]string{"kubernetes.io/role/internal-elb": "1"}},
		{"database", cfg.DatabaseSubnetCidrs, &out.DatabaseSubnetIDs, nil},
	}
	for _, t := range tiers {
		for i, zone := range cfg.AvailabilityZones {
			suffix := zoneSuffix(zone)
			tags := map[string]*string{
				"Name": jsii.String(fmt.Sprintf("%s-%s-%s", cfg.Prefix, t.key, suffix)),
				"Tier": jsii.String(t.key),
			}
			for k, val := range t.tags {
				tags[k] = jsii.String(val)
			}
			s := subnet.NewSubnet(c, jsii.String(fmt.Sprintf("%s-subnet-%s", t.key, suffix)), &subnet.SubnetConfig{
				VpcId:            vpcID,
				CidrBlock:        jsii.String(t.cidrs[i]),
				AvailabilityZone: jsii.String(zone),
				// NET-2: nothing gets a public address by accident; only the ALB and NAT
				// gateways, which bring their own, live here.
				MapPublicIpOnLaunch: jsii.Bool(false),
				Tags:                &tags,
			})
			*t.ids = append(*t.ids, s.Id())
		}
	}

	// Public tier: one route table, default route to the internet gateway.
	publicRT := routetable.NewRouteTable(c, jsii.String("public-rt"), &routetable.RouteTableConfig{
		VpcId: vpcID, Tags: name("public-rt"),
	})
	publicRTID := publicRT.Id()
	route.NewRoute(c, jsii.String("public-default-route"), &route.RouteConfig{
		RouteTableId: publicRTID, DestinationCidrBlock: jsii.String("0.0.0.0/0"), GatewayId: igw.Id(),
	})
	for i, zone := range cfg.AvailabilityZones {
		routetableassociation.NewRouteTableAssociation(c, jsii.String("public-rta-"+zoneSuffix(zone)),
			&routetableassociation.RouteTableAssociationConfig{SubnetId: out.PublicSubnetIDs[i], RouteTableId: publicRTID})
	}

	// NET-3: a NAT gateway per zone, so losing a zone never cuts the others off; dev may
	// share one to save cost.
	natZones := cfg.AvailabilityZones
	if cfg.SingleNatGateway {
		natZones = natZones[:1]
	}
	for i, zone := range natZones {
		suffix := zoneSuffix(zone)
		ip := eip.NewEip(c, jsii.String("nat-eip-"+suffix), &eip.EipConfig{
			Domain: jsii.String("vpc"), Tags: name("nat-" + suffix),
		})
		nat := natgateway.NewNatGateway(c, jsii.String("nat-"+suffix), &natgateway.NatGatewayConfig{
			AllocationId: ip.AllocationId(),
			SubnetId:     out.PublicSubnetIDs[i],
			Tags:         name("nat-" + suffix),
			DependsOn:    &[]cdktf.ITerraformDependable{igw},
		})
		out.NatGatewayIDs = append(out.NatGatewayIDs, nat.Id())
	}

	// Private tier: a route table per zone, default route through that zone's NAT gateway.
	for i, zone := range cfg.AvailabilityZones {
		suffix := zoneSuffix(zone)
		rt := routetable.NewRouteTable(c, jsii.String("private-rt-"+suffix), &routetable.RouteTableConfig{
			VpcId: vpcID, Tags: name("private-rt-" + suffix),
		})
		rtID := rt.Id()
		nat := out.NatGatewayIDs[min(i, len(out.NatGatewayIDs)-1)]
		route.NewRoute(c, jsii.String("private-default-route-"+suffix), &route.RouteConfig{
			RouteTableId: rtID, DestinationCidrBlock: jsii.String("0.0.0.0/0"), NatGatewayId: nat,
		})
		routetableassociation.NewRouteTableAssociation(c, jsii.String("private-rta-"+suffix),
			&routetableassociation.RouteTableAssociationConfig{SubnetId: out.PrivateSubnetIDs[i], RouteTableId: rtID})
		out.PrivateRouteTableIDs = append(out.PrivateRouteTableIDs, rtID)
	}

	// Database tier: no route out of the VPC at all; AWS APIs are reached through the S3
	// gateway endpoint and the interface endpoints.
	databaseRT := routetable.NewRouteTable(c, jsii.String("database-rt"), &routetable.RouteTableConfig{
		VpcId: vpcID, Tags: name("database-rt"),
	})
	out.DatabaseRouteTableIDs = []*string{databaseRT.Id()}
	for i, zone := range cfg.AvailabilityZones {
		routetableassociation.NewRouteTableAssociation(c, jsii.String("database-rta-"+zoneSuffix(zone)),
			&routetableassociation.RouteTableAssociationConfig{SubnetId: out.DatabaseSubnetIDs[i], RouteTableId: out.DatabaseRouteTableIDs[0]})
	}

	newNetworkAcls(c, cfg, vpcID, out)
	out.SecurityGroups = newSecurityGroups(c, cfg, vpcID)
	newEndpoints(c, cfg, vpcID, out)
	out.FlowLogGroupName = newFlowLogs(c, cfg, vpcID)
	return out, nil
}

func (cfg Config) check() error {
	n := len(cfg.AvailabilityZones)
	switch {
	case cfg.Prefix == "" || cfg.Region == "" || cfg.AccountID == nil:
		return fmt.Errorf("network: Prefix, Region and AccountID are required")
	case n == 0 || len(cfg.PublicSubnetCidrs) != n || len(cfg.PrivateSubnetCidrs) != n || len(cfg.DatabaseSubnetCidrs) != n:
		return fmt.Errorf("network: every subnet tier needs one CIDR per availability zone (%d zones)", n)
	case cfg.FlowLogKmsKeyArn == nil:
		return fmt.Errorf("network: FlowLogKmsKeyArn is required (NET-7)")
	}
	return nil
}

// zoneSuffix is the zone letter: ap-southeast-3a -> a.
func zoneSuffix(zone string) string { return zone[len(zone)-1:] }
