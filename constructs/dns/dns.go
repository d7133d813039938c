// Package dns is the environment's public hosted zone and its alias records (EDGE-2).
package dns

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawsroute53zone"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route53record"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route53zone"
)

// Config is the zone of one environment.
type Config struct {
	Domain string
	// ExistingZoneID uses a zone created elsewhere (e.g. the parent domain's account
	// delegates it); empty creates the zone here.
	ExistingZoneID string
}

// Output is the zone.
type Output struct {
	ZoneID *string
	// NameServers are what the parent domain must delegate Domain to.
	NameServers *[]*string
}

// New creates or looks up the zone. The lookup is by ID from config, and fails the plan
// if the zone does not exist.
func New(scope constructs.Construct, id string, cfg Config) (*Output, error) {
	if cfg.Domain == "" {
		return nil, fmt.Errorf("dns %s: Domain is required", id)
	}
	if cfg.ExistingZoneID != "" {
		zone := dataawsroute53zone.NewDataAwsRoute53Zone(scope, jsii.String(id), &dataawsroute53zone.DataAwsRoute53ZoneConfig{
			ZoneId: jsii.String(cfg.ExistingZoneID),
		})
		return &Output{ZoneID: zone.ZoneId(), NameServers: zone.NameServers()}, nil
	}
	zone := route53zone.NewRoute53Zone(scope, jsii.String(id), &route53zone.Route53ZoneConfig{
		Name:    jsii.String(cfg.Domain),
		Comment: jsii.String("SMILE public names (EDGE-2)"),
	})
	return &Output{ZoneID: zone.ZoneId(), NameServers: zone.NameServers()}, nil
}

// Target is what an alias record points at: a distribution, a load balancer or an API
// domain, each with the hosted zone AWS gives its DNS name.
type Target struct {
	DNSName, ZoneID *string
	// IPv6 adds the AAAA record next to the A record.
	IPv6 bool
}

// Alias creates the A (and AAAA) alias records of name.
func Alias(scope constructs.Construct, id string, zoneID *string, name string, target Target) {
	types := []string{"A"}
	if target.IPv6 {
		types = append(types, "AAAA")
	}
	for _, t := range types {
		route53record.NewRoute53Record(scope, jsii.String(fmt.Sprintf("%s-%s", id, t)), &route53record.Route53RecordConfig{
			ZoneId: zoneID,
			Name:   jsii.String(name),
			Type:   jsii.String(t),
			Alias: &route53record.Route53RecordAlias{
				Name: target.DNSName, ZoneId: target.ZoneID,
				// The targets are highly available AWS endpoints; their health is their own.
				EvaluateTargetHealth: jsii.Bool(false),
			},
		})
	}
}
