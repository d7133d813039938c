package preflight

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
)

// DNS checks that the environment's domain is delegated to its hosted zone: the
// certificates validate through records in that zone, so without the delegation the first
// apply waits on validation until it times out.
func (p *Preflight) DNS(ctx context.Context) []Finding {
	domain := strings.TrimSuffix(p.Env.Edge.Domain, ".")
	zoneID, servers, err := p.zoneNameServers(ctx, domain)
	if err != nil {
		return []Finding{couldNotCheck("dns", "the hosted zone of "+domain+" (Route 53)", err, "aws route53 list-hosted-zones-by-name --dns-name "+domain)}
	}
	if zoneID == "" {
		return []Finding{{Severity: Warning, Check: "dns", What: "no hosted zone for " + domain + " yet (first deploy)",
			Why: "the first apply creates it and then waits up to 75 minutes for certificate validation",
			Fix: "as soon as the zone exists, delegate " + domain + " at its parent zone to the name servers of the output hosted_zone_name_servers (or set Edge.HostedZoneID to a delegated zone)"}}
	}
	delegated, err := p.AWS.DNS.LookupNS(ctx, domain)
	var dnsErr *net.DNSError
	if err != nil && !(errors.As(err, &dnsErr) && dnsErr.IsNotFound) {
		return []Finding{couldNotCheck("dns", "the delegation of "+domain+" (NS lookup)", err, "dig NS "+domain)}
	}
	var public []string
	for _, ns := range delegated {
		public = append(public, normalizeHost(ns.Host))
	}
	slices.Sort(public)
	if slices.Equal(public, servers) {
		return []Finding{{Severity: OK, Check: "dns", What: fmt.Sprintf("%s is delegated to its hosted zone %s", domain, zoneID)}}
	}
	return []Finding{{Severity: Blocker, Check: "dns",
		What: fmt.Sprintf("%s is not delegated to its hosted zone %s: public DNS answers NS [%s], the zone's name servers are [%s]",
			domain, zoneID, strings.Join(public, ", "), strings.Join(servers, ", ")),
		Why: "certificate validation never finishes and the apply times out",
		Fix: fmt.Sprintf("at the parent zone of %s, set its NS records to %s", domain, strings.Join(servers, ", "))}}
}

// zoneNameServers finds the public hosted zone of domain (Edge.HostedZoneID when set) and
// its name servers, sorted; an empty ID when there is none.
func (p *Preflight) zoneNameServers(ctx context.Context, domain string) (string, []string, error) {
	id := p.Env.Edge.HostedZoneID
	if id == "" {
		out, err := p.AWS.Route53.ListHostedZonesByName(ctx, &route53.ListHostedZonesByNameInput{DNSName: aws.String(domain)})
		if err != nil {
			return "", nil, err
		}
		for _, z := range out.HostedZones {
			if normalizeHost(aws.ToString(z.Name)) == domain && (z.Config == nil || !z.Config.PrivateZone) {
				id = strings.TrimPrefix(aws.ToString(z.Id), "/hostedzone/")
				break
			}
		}
		if id == "" {
			return "", nil, nil
		}
	}
	zone, err := p.AWS.Route53.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: aws.String(id)})
	if err != nil {
		return "", nil, err
	}
	var servers []string
	if zone.DelegationSet != nil {
		for _, s := range zone.DelegationSet.NameServers {
			servers = append(servers, normalizeHost(s))
		}
	}
	slices.Sort(servers)
	return id, servers, nil
}

func normalizeHost(h string) string { return strings.ToLower(strings.TrimSuffix(h, ".")) }
