// Package sgrule writes security group rules as separate resources, never inline blocks:
// inline and separate rules fight each other in Terraform, and policy scanners do not see
// inline rules in JSON (NET-5).
package sgrule

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupegressrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupingressrule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// AllTraffic is the protocol of a rule that allows every protocol and port.
const AllTraffic = "-1"

// Rule is one direction of allowed traffic for one security group. Exactly one peer is set.
type Rule struct {
	GroupID *string
	Egress  bool
	// Protocol is "tcp", "udp" or AllTraffic (which takes no ports).
	Protocol         string
	FromPort, ToPort int
	Cidr             string
	PeerGroupID      *string
	PrefixListID     *string
	Description      string
}

// TCP is a rule for one TCP port.
func TCP(group *string, egress bool, port int, description string) Rule {
	return Rule{GroupID: group, Egress: egress, Protocol: "tcp", FromPort: port, ToPort: port, Description: description}
}

// New creates the rule.
func New(scope constructs.Construct, id string, r Rule) {
	var cidr *string
	if r.Cidr != "" {
		cidr = jsii.String(r.Cidr)
	}
	var fromPort, toPort *float64
	if r.Protocol != AllTraffic {
		fromPort, toPort = jsii.Number(float64(r.FromPort)), jsii.Number(float64(r.ToPort))
	}
	if r.Egress {
		vpcsecuritygroupegressrule.NewVpcSecurityGroupEgressRule(scope, jsii.String(id), &vpcsecuritygroupegressrule.VpcSecurityGroupEgressRuleConfig{
			SecurityGroupId: r.GroupID, IpProtocol: jsii.String(r.Protocol), FromPort: fromPort, ToPort: toPort,
			CidrIpv4: cidr, ReferencedSecurityGroupId: r.PeerGroupID, PrefixListId: r.PrefixListID,
			Description: jsii.String(r.Description),
		})
		return
	}
	vpcsecuritygroupingressrule.NewVpcSecurityGroupIngressRule(scope, jsii.String(id), &vpcsecuritygroupingressrule.VpcSecurityGroupIngressRuleConfig{
		SecurityGroupId: r.GroupID, IpProtocol: jsii.String(r.Protocol), FromPort: fromPort, ToPort: toPort,
		CidrIpv4: cidr, ReferencedSecurityGroupId: r.PeerGroupID, PrefixListId: r.PrefixListID,
		Description: jsii.String(r.Description),
	})
}

// NoInbound makes "no inbound rule" part of a group's configuration (ingress = []), for
// groups that must never accept traffic. The group's own rules are otherwise separate
// resources, and Terraform cannot see a rule it does not manage: with this, a rule added
// behind its back (an SSH port opened to the internet) shows in every plan as drift and the
// next deploy removes it. Only for groups with no separate ingress rule, which it would fight.
func NoInbound(group cdktf.TerraformResource) {
	group.AddOverride(jsii.String("ingress"), []any{})
}

// Internet is the destination of a rule that needs the internet, through the NAT gateways.
const Internet = "0.0.0.0/0"

// Out is one destination of a group's HTTPS egress, the rule's logical ID and why the
// group sends there (NET-5). Exactly one of Cidr, PrefixListID and PeerGroupID is set;
// Internet only where no endpoint in the VPC serves the destination.
type Out struct {
	RuleID       string
	Cidr         string
	PrefixListID *string
	PeerGroupID  *string
	Description  string
}

// HTTPSOutOnly is a group that accepts nothing (NoInbound) and calls out on 443 only, to
// the destinations given: the bastion, the CI runner, the functions. groupID is the
// group's logical ID.
func HTTPSOutOnly(scope constructs.Construct, groupID, name, description string, vpcID *string, outs ...Out) securitygroup.SecurityGroup {
	sg := securitygroup.NewSecurityGroup(scope, jsii.String(groupID), &securitygroup.SecurityGroupConfig{
		Name: jsii.String(name), Description: jsii.String(description), VpcId: vpcID, RevokeRulesOnDelete: jsii.Bool(true),
		Tags: &map[string]*string{"Name": jsii.String(name)},
	})
	NoInbound(sg)
	for _, o := range outs {
		r := TCP(sg.Id(), true, 443, o.Description)
		r.Cidr, r.PrefixListID, r.PeerGroupID = o.Cidr, o.PrefixListID, o.PeerGroupID
		New(scope, o.RuleID, r)
	}
	return sg
}
