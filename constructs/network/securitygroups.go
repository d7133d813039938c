package network

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/defaultsecuritygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"

	"github.com/smile/infra/constructs/sgrule"
)

// SecurityGroups are the IDs of the NET-5 groups.
type SecurityGroups struct {
	Alb       *string
	VpcLink   *string
	App       *string
	Database  *string
	Cache     *string
	Efs       *string
	Endpoints *string
}

// peer is the other side of a rule: exactly one of its fields is set.
type peer struct {
	cidr          string
	securityGroup *string
}

// sgRule is one TCP rule of the NET-5 groups.
func sgRule(scope constructs.Construct, id string, group *string, egress bool, port int, p peer, description string) {
	r := sgrule.TCP(group, egress, port, description)
	r.Cidr, r.PeerGroupID = p.cidr, p.securityGroup
	sgrule.New(scope, id, r)
}

// NET-5
func newSecurityGroups(scope constructs.Construct, cfg Config, vpcID *string) SecurityGroups {
	group := func(key, description string) *string {
		name := fmt.Sprintf("%s-%s", cfg.Prefix, key)
		sg := securitygroup.NewSecurityGroup(scope, jsii.String(key+"-sg"), &securitygroup.SecurityGroupConfig{
			Name: jsii.String(name), Description: jsii.String(description), VpcId: vpcID,
			// Without inline rules Terraform removes the allow-all egress rule AWS adds to
			// every new group, so a group without egress rules below sends nothing.
			RevokeRulesOnDelete: jsii.Bool(true),
			Tags:                &map[string]*string{"Name": jsii.String(name)},
		})
		return sg.Id()
	}
	// The cache's "Redis" is the protocol (Valkey speaks it): a group's description cannot
	// change in place, so rewording one would replace the group and every rule naming it.
	sgs := SecurityGroups{
		Alb:       group("alb", "Internal application load balancer: HTTPS from the API Gateway VPC link only"),
		VpcLink:   group("vpc-link", "API Gateway VPC link: HTTPS to the internal load balancer only"),
		App:       group("app", "Application tier: traffic from the load balancer only"),
		Database:  group("database", "RDS MySQL: 3306 from the application tier only, no egress"),
		Cache:     group("cache", "ElastiCache Redis: 6379 from the application tier only, no egress"),
		Efs:       group("efs", "EFS: NFS from the application tier only, no egress"),
		Endpoints: group("endpoints", "VPC interface endpoints: HTTPS from inside the VPC"),
	}

	// NET-5 names the internet or CloudFront as the load balancer's clients. Both reach it
	// through API Gateway (EDGE-5), whose VPC link is the only way in: the load balancer is
	// internal and has no listener on 80 to redirect from (docs/edge.md).
	sgRule(scope, "vpc-link-out-https", sgs.VpcLink, true, portHTTPS, peer{securityGroup: sgs.Alb}, "HTTPS to the internal load balancer")
	sgRule(scope, "alb-in-https", sgs.Alb, false, portHTTPS, peer{securityGroup: sgs.VpcLink}, "HTTPS from the API Gateway VPC link")
	sgRule(scope, "alb-out-app-https", sgs.Alb, true, portHTTPS, peer{securityGroup: sgs.App}, "HTTPS to the application tier")
	sgRule(scope, "alb-out-app-health", sgs.Alb, true, portHealth, peer{securityGroup: sgs.App}, "Health checks on 8080")

	sgRule(scope, "app-in-https", sgs.App, false, portHTTPS, peer{securityGroup: sgs.Alb}, "HTTPS from the load balancer")
	sgRule(scope, "app-in-health", sgs.App, false, portHealth, peer{securityGroup: sgs.Alb}, "Health checks from the load balancer")
	sgRule(scope, "app-out-https", sgs.App, true, portHTTPS, peer{cidr: anywhere}, "HTTPS to AWS endpoints and the internet via NAT")
	sgRule(scope, "app-out-http", sgs.App, true, portHTTP, peer{cidr: anywhere}, "HTTP via NAT")
	// NET-5 lists the application tier's egress as 443 and 80, but the data stores it must
	// reach only accept these ports from it; without them the tier could not use them.
	sgRule(scope, "app-out-mysql", sgs.App, true, portMySQL, peer{securityGroup: sgs.Database}, "MySQL to RDS")
	sgRule(scope, "app-out-redis", sgs.App, true, portRedis, peer{securityGroup: sgs.Cache}, "Redis to ElastiCache")
	sgRule(scope, "app-out-nfs", sgs.App, true, portNFS, peer{securityGroup: sgs.Efs}, "NFS to EFS")

	// Data stores accept connections and never open any: no egress rules at all.
	sgRule(scope, "database-in-mysql", sgs.Database, false, portMySQL, peer{securityGroup: sgs.App}, "MySQL from the application tier")
	sgRule(scope, "cache-in-redis", sgs.Cache, false, portRedis, peer{securityGroup: sgs.App}, "Redis from the application tier")
	sgRule(scope, "efs-in-nfs", sgs.Efs, false, portNFS, peer{securityGroup: sgs.App}, "NFS from the application tier")

	sgRule(scope, "endpoints-in-https", sgs.Endpoints, false, portHTTPS, peer{cidr: cfg.VpcCidr}, "HTTPS from inside the VPC")

	// The default group of the VPC allows nothing: managing it with no rules strips the
	// ones AWS puts there, so nothing can fall back on it.
	defaultsecuritygroup.NewDefaultSecurityGroup(scope, jsii.String("default-sg"), &defaultsecuritygroup.DefaultSecurityGroupConfig{
		VpcId: vpcID,
		Tags:  &map[string]*string{"Name": jsii.String(cfg.Prefix + "-default-deny")},
	})
	return sgs
}
