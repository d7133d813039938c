package preflight

import (
	"context"
	"net"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// The calls the rules make, one interface per AWS client: the SDK's clients satisfy them,
// and the tests' fakes answer them from recorded values. Only reads.
type (
	EC2 interface {
		DescribeInstanceTypeOfferings(context.Context, *ec2.DescribeInstanceTypeOfferingsInput, ...func(*ec2.Options)) (*ec2.DescribeInstanceTypeOfferingsOutput, error)
		DescribeInstanceTypes(context.Context, *ec2.DescribeInstanceTypesInput, ...func(*ec2.Options)) (*ec2.DescribeInstanceTypesOutput, error)
		DescribeAddresses(context.Context, *ec2.DescribeAddressesInput, ...func(*ec2.Options)) (*ec2.DescribeAddressesOutput, error)
		DescribeVpcs(context.Context, *ec2.DescribeVpcsInput, ...func(*ec2.Options)) (*ec2.DescribeVpcsOutput, error)
	}
	ServiceQuotas interface {
		GetServiceQuota(context.Context, *servicequotas.GetServiceQuotaInput, ...func(*servicequotas.Options)) (*servicequotas.GetServiceQuotaOutput, error)
		GetAWSDefaultServiceQuota(context.Context, *servicequotas.GetAWSDefaultServiceQuotaInput, ...func(*servicequotas.Options)) (*servicequotas.GetAWSDefaultServiceQuotaOutput, error)
	}
	RDS interface {
		DescribeOrderableDBInstanceOptions(context.Context, *rds.DescribeOrderableDBInstanceOptionsInput, ...func(*rds.Options)) (*rds.DescribeOrderableDBInstanceOptionsOutput, error)
	}
	ElastiCache interface {
		DescribeReservedCacheNodesOfferings(context.Context, *elasticache.DescribeReservedCacheNodesOfferingsInput, ...func(*elasticache.Options)) (*elasticache.DescribeReservedCacheNodesOfferingsOutput, error)
	}
	EKS interface {
		DescribeAddonVersions(context.Context, *eks.DescribeAddonVersionsInput, ...func(*eks.Options)) (*eks.DescribeAddonVersionsOutput, error)
		ListClusters(context.Context, *eks.ListClustersInput, ...func(*eks.Options)) (*eks.ListClustersOutput, error)
	}
	GuardDuty interface {
		ListDetectors(context.Context, *guardduty.ListDetectorsInput, ...func(*guardduty.Options)) (*guardduty.ListDetectorsOutput, error)
	}
	SecurityHub interface {
		DescribeHub(context.Context, *securityhub.DescribeHubInput, ...func(*securityhub.Options)) (*securityhub.DescribeHubOutput, error)
	}
	ConfigService interface {
		DescribeConfigurationRecorders(context.Context, *configservice.DescribeConfigurationRecordersInput, ...func(*configservice.Options)) (*configservice.DescribeConfigurationRecordersOutput, error)
		DescribeDeliveryChannels(context.Context, *configservice.DescribeDeliveryChannelsInput, ...func(*configservice.Options)) (*configservice.DescribeDeliveryChannelsOutput, error)
	}
	SSM interface {
		DescribeDocument(context.Context, *ssm.DescribeDocumentInput, ...func(*ssm.Options)) (*ssm.DescribeDocumentOutput, error)
	}
	CloudTrail interface {
		DescribeTrails(context.Context, *cloudtrail.DescribeTrailsInput, ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error)
	}
	IAM interface {
		GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	}
	Route53 interface {
		ListHostedZonesByName(context.Context, *route53.ListHostedZonesByNameInput, ...func(*route53.Options)) (*route53.ListHostedZonesByNameOutput, error)
		GetHostedZone(context.Context, *route53.GetHostedZoneInput, ...func(*route53.Options)) (*route53.GetHostedZoneOutput, error)
	}
	// Resolver answers public DNS: net.Resolver, pointed at any server.
	Resolver interface {
		LookupNS(ctx context.Context, name string) ([]*net.NS, error)
	}
)

// Clients are the account's APIs in the stack's region.
type Clients struct {
	EC2           EC2
	ServiceQuotas ServiceQuotas
	RDS           RDS
	ElastiCache   ElastiCache
	EKS           EKS
	GuardDuty     GuardDuty
	SecurityHub   SecurityHub
	Config        ConfigService
	SSM           SSM
	CloudTrail    CloudTrail
	IAM           IAM
	Route53       Route53
	DNS           Resolver
}

// NewClients builds the SDK's clients from cfg (its region and endpoint included) and the
// resolver that answers public DNS.
func NewClients(cfg aws.Config, dns Resolver) Clients {
	return Clients{
		EC2: ec2.NewFromConfig(cfg), ServiceQuotas: servicequotas.NewFromConfig(cfg),
		RDS: rds.NewFromConfig(cfg), ElastiCache: elasticache.NewFromConfig(cfg), EKS: eks.NewFromConfig(cfg),
		GuardDuty: guardduty.NewFromConfig(cfg), SecurityHub: securityhub.NewFromConfig(cfg),
		Config: configservice.NewFromConfig(cfg), SSM: ssm.NewFromConfig(cfg), CloudTrail: cloudtrail.NewFromConfig(cfg),
		IAM: iam.NewFromConfig(cfg), Route53: route53.NewFromConfig(cfg), DNS: dns,
	}
}

// NewResolver asks the DNS server at addr (host:port), or the system's resolver when addr
// is empty.
func NewResolver(addr string) Resolver {
	if addr == "" {
		return net.DefaultResolver
	}
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
}
