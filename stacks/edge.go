package stacks

import (
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/constructs/apigateway"
	"github.com/smile/infra/constructs/buckets"
	"github.com/smile/infra/constructs/cdn"
	"github.com/smile/infra/constructs/certificate"
	"github.com/smile/infra/constructs/dns"
	"github.com/smile/infra/constructs/loadbalancer"
	"github.com/smile/infra/constructs/network"
	"github.com/smile/infra/constructs/waf"
)

// edge is what the observability tier watches of the request path.
type edge struct {
	alb *loadbalancer.Output
	api *apigateway.Output
	cdn *cdn.Output
}

// edge is the request path (EDGE-1 … EDGE-5, docs/edge.md):
//
//	browser -> CloudFront -> S3 (the React app)
//	        -> CloudFront /api/* -> API Gateway (api.<domain>) -> VPC link
//	           -> internal load balancer (blue/green weights) -> pods
//
// Nothing but API Gateway's VPC link reaches the load balancer.
func (b *builder) edge(net *network.Output, k *keys, d *data) *edge {
	if !b.ok() {
		return nil
	}
	env := b.env
	e := env.Edge
	name := env.Prefix()
	apiDomain, albDomain := "api."+e.Domain, "alb."+e.Domain
	global := newGlobalProvider(b.stack, env)

	zone, err := dns.New(b.stack, "zone", dns.Config{Domain: e.Domain, ExistingZoneID: e.HostedZoneID})
	b.fail(err)
	if !b.ok() {
		return nil
	}
	cert := func(id, domain string, provider cdktf.TerraformProvider) *certificate.Output {
		out, err := certificate.New(b.stack, id, certificate.Config{DomainName: domain, ZoneID: zone.ZoneID, Provider: provider})
		b.fail(err)
		return out
	}
	// RES-2: CloudFront's certificate in us-east-1; the regional ones in Jakarta.
	frontendCert := cert("frontend-certificate", e.Domain, global)
	apiCert, albCert := cert("api-certificate", apiDomain, nil), cert("alb-certificate", albDomain, nil)
	if !b.ok() {
		return nil
	}

	logs := d.buckets.Buckets[buckets.Logs]
	alb, err := loadbalancer.New(b.stack, "load-balancer", loadbalancer.Config{
		Name: name + "-alb", VpcID: net.VpcID, SubnetIDs: net.PrivateSubnetIDs, SecurityGroupID: net.SecurityGroups.Alb,
		CertificateArn: albCert.Arn, LogsBucket: logs.Name, LogsBucketReady: logs.Policy, LogPrefix: buckets.LoadBalancerLogPrefix,
		DeletionProtection: e.LoadBalancerDeletionProtection, Traffic: e.Traffic,
	})
	if err != nil {
		b.fail(err)
		return nil
	}
	albWaf, err := waf.New(b.stack, "alb-waf", waf.Config{
		Name: name + "-alb", Scope: waf.ScopeRegional, RateLimitPer5Min: e.WafRateLimitPer5Min, SampledRequests: true,
		LogsKeyArn: k.logs.Arn, LogRetentionDays: env.Observability.LogRetentionDays, ProtectedArn: alb.Arn,
	})
	b.fail(err)
	api, err := apigateway.New(b.stack, "api", apigateway.Config{
		Name: name + "-api", Domain: apiDomain, CertificateArn: apiCert.Arn,
		SubnetIDs: net.PrivateSubnetIDs, SecurityGroupID: net.SecurityGroups.VpcLink,
		ListenerArn: alb.ListenerArn, ListenerHostname: albDomain, Throttling: e.Api,
		LogsKeyArn: k.logs.Arn, LogRetentionDays: env.Observability.LogRetentionDays,
	})
	if err != nil {
		b.fail(err)
		return nil
	}
	// RES-2: the CloudFront web ACL lives in us-east-1, without logs (stacks/useast1.go).
	cdnWaf, err := waf.New(b.stack, "cloudfront-waf", waf.Config{
		Name: name + "-cloudfront", Scope: waf.ScopeCloudFront, RateLimitPer5Min: e.WafRateLimitPer5Min, Provider: global,
	})
	if err != nil {
		b.fail(err)
		return nil
	}
	assets := d.buckets.Buckets[buckets.Assets]
	frontend, err := cdn.New(b.stack, "cdn", cdn.Config{
		Name: name, Domain: e.Domain, CertificateArn: frontendCert.Arn, WebAclArn: cdnWaf.Arn, PriceClass: e.PriceClass,
		AssetsBucketDomain: assets.DomainName, APIDomain: apiDomain,
		LogsBucketArn: logs.Arn, LogPrefix: buckets.CloudFrontLogPrefix, GlobalProvider: global,
	})
	if err != nil {
		b.fail(err)
		return nil
	}
	// EDGE-1: the bucket stays private; this distribution alone may read it.
	b.fail(d.buckets.AllowInPolicy(buckets.Assets, frontend.AssetsReadStatement(assets.Arn)))

	dns.Alias(b.stack, "frontend-alias", zone.ZoneID, e.Domain, dns.Target{DNSName: frontend.DomainName, ZoneID: frontend.HostedZoneID, IPv6: true})
	dns.Alias(b.stack, "api-alias", zone.ZoneID, apiDomain, dns.Target{DNSName: api.TargetDomainName, ZoneID: api.TargetZoneID, IPv6: true})
	// The load balancer is internal: its name resolves to private addresses, for operators
	// and in-VPC clients, and is the name API Gateway checks its certificate against.
	dns.Alias(b.stack, "alb-alias", zone.ZoneID, albDomain, dns.Target{DNSName: alb.DNSName, ZoneID: alb.ZoneID})

	b.output("hosted_zone_id", zone.ZoneID)
	b.output("hosted_zone_name_servers", zone.NameServers)
	b.output("cloudfront_distribution_id", frontend.ID)
	b.output("frontend_url", "https://"+e.Domain)
	b.output("api_url", "https://"+apiDomain)
	b.output("load_balancer_dns_name", alb.DNSName)
	b.output("target_group_blue_arn", alb.TargetGroupArns["blue"])
	b.output("target_group_green_arn", alb.TargetGroupArns["green"])
	b.output("api_access_log_group", api.AccessLogGroup)
	b.output("alb_waf_log_group", albWaf.LogGroupName)
	return &edge{alb: alb, api: api, cdn: frontend}
}
