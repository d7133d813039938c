package config

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	// A DNS name of at least two labels: lowercase letters, digits and inner hyphens.
	domainPattern     = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	hostedZonePattern = regexp.MustCompile(`^Z[A-Z0-9]{1,31}$`)
)

// MaxStickinessSeconds is the longest load balancer cookie stickiness AWS allows (7 days).
const MaxStickinessSeconds = 604800

func (e Environment) validateEdge(p *problems) {
	g := e.Edge
	if !domainPattern.MatchString(g.Domain) || len(g.Domain) > 253 {
		p.add("Edge.Domain", "%q is not a lowercase DNS name such as smile.example.org (EDGE-2)", g.Domain)
	}
	if g.HostedZoneID != "" && !hostedZonePattern.MatchString(g.HostedZoneID) {
		p.add("Edge.HostedZoneID", "%q is not a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ: leave it empty to create the zone (EDGE-2)", g.HostedZoneID)
	}
	switch g.PriceClass {
	case PriceClass200, PriceClassAll:
	case PriceClass100:
		p.add("Edge.PriceClass", "%q has no edge locations in Asia, so Indonesian users would be served from Europe or North America: use %q or %q (EDGE-1)",
			g.PriceClass, PriceClass200, PriceClassAll)
	default:
		p.add("Edge.PriceClass", "%q is not a CloudFront price class: use %q or %q (EDGE-1)", g.PriceClass, PriceClass200, PriceClassAll)
	}
	if g.WafRateLimitPer5Min < 100 || g.WafRateLimitPer5Min > 2000000000 {
		p.add("Edge.WafRateLimitPer5Min", "%d is outside 100-2000000000, the range of a WAF rate-based rule (SEC-6)", g.WafRateLimitPer5Min)
	}
	if e.Name == "prod" && !g.LoadBalancerDeletionProtection {
		p.add("Edge.LoadBalancerDeletionProtection", "must be true in prod (EDGE-3)")
	}

	t := g.Traffic
	for _, w := range []struct {
		field string
		value int
	}{{"Edge.Traffic.BlueWeight", t.BlueWeight}, {"Edge.Traffic.GreenWeight", t.GreenWeight}} {
		if w.value < 0 || w.value > 100 {
			p.add(w.field, "%d is outside 0-100 (EDGE-4)", w.value)
		}
	}
	if t.BlueWeight+t.GreenWeight != 100 {
		p.add("Edge.Traffic", "BlueWeight %d + GreenWeight %d = %d: the weights are percentages and must sum to 100 (EDGE-4)",
			t.BlueWeight, t.GreenWeight, t.BlueWeight+t.GreenWeight)
	}
	if t.StickinessSeconds < 0 || t.StickinessSeconds > MaxStickinessSeconds {
		p.add("Edge.Traffic.StickinessSeconds", "%d is outside 0 (off) to %d (EDGE-4)", t.StickinessSeconds, MaxStickinessSeconds)
	}
	if !strings.HasPrefix(t.HealthCheckPath, "/") || len(t.HealthCheckPath) > 1024 || strings.ContainsAny(t.HealthCheckPath, " ?#") {
		p.add("Edge.Traffic.HealthCheckPath", "%q must be a path starting with / (no spaces, query or fragment), such as /healthz (EDGE-3, EDGE-4)", t.HealthCheckPath)
	}

	a := g.Api
	if a.ThrottlingBurstLimit < 1 || a.ThrottlingBurstLimit > 5000 {
		p.add("Edge.Api.ThrottlingBurstLimit", "%d is outside 1-5000, the account-level burst API Gateway allows by default (EDGE-5)", a.ThrottlingBurstLimit)
	}
	if a.ThrottlingRateLimit <= 0 || a.ThrottlingRateLimit > 10000 {
		p.add("Edge.Api.ThrottlingRateLimit", "%s is outside (0, 10000] requests per second, the account-level default quota (EDGE-5)", fmt.Sprint(a.ThrottlingRateLimit))
	}
}
