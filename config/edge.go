package config

// Edge is the request path from the browser to the pods (EDGE-1 … EDGE-5): CloudFront
// for the frontend and /api/*, the HTTP API and its VPC link, the internal load balancer
// with its blue and green target groups, and the DNS names of all three.
type Edge struct {
	// Domain is the environment's public DNS name: the frontend answers at Domain itself,
	// the API at api.<Domain> and the internal load balancer at alb.<Domain> (EDGE-2).
	Domain string
	// HostedZoneID is an existing public hosted zone for Domain; empty creates the zone in
	// the stack (then delegate Domain to its name servers, see docs/edge.md, DNS).
	HostedZoneID string
	// PriceClass of the CloudFront distribution (EDGE-1). PriceClass_100 has no edge
	// locations in Asia, so only PriceClass_200 and PriceClass_All serve Jakarta locally.
	PriceClass string
	// WafRateLimitPer5Min blocks a client IP address that sends more requests than this in
	// five minutes, on CloudFront and on the load balancer (SEC-6).
	WafRateLimitPer5Min int
	// LoadBalancerDeletionProtection keeps the load balancer from being deleted by a plan.
	LoadBalancerDeletionProtection bool
	Traffic                        Traffic
	Api                            Api
}

// Traffic is how the load balancer splits requests between the blue and the green
// deployment (EDGE-4). A canary or a blue/green switch is a change of the two weights.
type Traffic struct {
	// BlueWeight and GreenWeight are percentages, 0-100, summing to 100.
	BlueWeight  int
	GreenWeight int
	// StickinessSeconds > 0 keeps a client on the target group it first reached for this
	// long (1-604800), so one user does not flip between versions during a canary.
	StickinessSeconds int
	// HealthCheckPath is what the load balancer requests on port 8080 of every pod.
	HealthCheckPath string
}

// Api is the HTTP API's default stage throttling (EDGE-5).
type Api struct {
	// ThrottlingBurstLimit is the bucket size of the token bucket; ThrottlingRateLimit the
	// steady requests per second.
	ThrottlingBurstLimit int
	ThrottlingRateLimit  float64
}

// Price classes CloudFront offers.
const (
	PriceClass100 = "PriceClass_100"
	PriceClass200 = "PriceClass_200"
	PriceClassAll = "PriceClass_All"
)

// defaultEdge is what every environment's edge shares; the environments set the domain,
// the price class and the API throttling.
func defaultEdge(domain string) Edge {
	return Edge{
		Domain:              domain,
		PriceClass:          PriceClass200,
		WafRateLimitPer5Min: 2000,
		Traffic:             Traffic{BlueWeight: 100, GreenWeight: 0, HealthCheckPath: "/healthz"},
	}
}
