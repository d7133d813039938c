package preflight

import (
	"context"
	"net"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cstypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	ectypes "github.com/aws/aws-sdk-go-v2/service/elasticache/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	sqtypes "github.com/aws/aws-sdk-go-v2/service/servicequotas/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/smile/infra/config"
)

// fakeAWS answers every call the rules make from recorded values; errs[operation] makes
// that call fail instead.
type fakeAWS struct {
	applied, defaults map[string]float64 // "service/code"
	offered           map[string][]string
	vcpus             map[string]int32
	addresses         []ec2types.Address
	vpcs              []ec2types.Vpc
	clusters          []string
	orderable         []rdstypes.OrderableDBInstanceOption
	cacheOfferings    int
	addons            map[string][]string // add-on → versions compatible with the asked version
	detectors         []string
	hubEnabled        bool
	recorders         []string
	channels          []string
	sessionDocument   bool
	trails            []cttypes.Trail
	roles             []string
	zones             []r53types.HostedZone
	nameServers       []string
	ns                []string
	errs              map[string]error
}

func (f *fakeAWS) clients() Clients {
	return Clients{EC2: f, ServiceQuotas: f, RDS: f, ElastiCache: f, EKS: f, GuardDuty: f, SecurityHub: f,
		Config: f, SSM: f, CloudTrail: f, IAM: f, Route53: f, DNS: f}
}

func (f *fakeAWS) GetServiceQuota(_ context.Context, in *servicequotas.GetServiceQuotaInput, _ ...func(*servicequotas.Options)) (*servicequotas.GetServiceQuotaOutput, error) {
	if err := f.errs["GetServiceQuota"]; err != nil {
		return nil, err
	}
	v, ok := f.applied[*in.ServiceCode+"/"+*in.QuotaCode]
	if !ok {
		return nil, &sqtypes.NoSuchResourceException{Message: aws.String("no applied value")}
	}
	return &servicequotas.GetServiceQuotaOutput{Quota: &sqtypes.ServiceQuota{Value: aws.Float64(v)}}, nil
}

func (f *fakeAWS) GetAWSDefaultServiceQuota(_ context.Context, in *servicequotas.GetAWSDefaultServiceQuotaInput, _ ...func(*servicequotas.Options)) (*servicequotas.GetAWSDefaultServiceQuotaOutput, error) {
	v, ok := f.defaults[*in.ServiceCode+"/"+*in.QuotaCode]
	if err := f.errs["GetAWSDefaultServiceQuota"]; err != nil || !ok {
		return nil, &sqtypes.NoSuchResourceException{Message: aws.String("no default")}
	}
	return &servicequotas.GetAWSDefaultServiceQuotaOutput{Quota: &sqtypes.ServiceQuota{Value: aws.Float64(v)}}, nil
}

func (f *fakeAWS) DescribeInstanceTypeOfferings(_ context.Context, in *ec2.DescribeInstanceTypeOfferingsInput, _ ...func(*ec2.Options)) (*ec2.DescribeInstanceTypeOfferingsOutput, error) {
	if err := f.errs["DescribeInstanceTypeOfferings"]; err != nil {
		return nil, err
	}
	out := &ec2.DescribeInstanceTypeOfferingsOutput{}
	for _, t := range in.Filters[0].Values {
		for _, z := range f.offered[t] {
			out.InstanceTypeOfferings = append(out.InstanceTypeOfferings, ec2types.InstanceTypeOffering{InstanceType: ec2types.InstanceType(t), Location: aws.String(z)})
		}
	}
	return out, nil
}

func (f *fakeAWS) DescribeInstanceTypes(_ context.Context, in *ec2.DescribeInstanceTypesInput, _ ...func(*ec2.Options)) (*ec2.DescribeInstanceTypesOutput, error) {
	out := &ec2.DescribeInstanceTypesOutput{}
	for _, t := range in.InstanceTypes {
		out.InstanceTypes = append(out.InstanceTypes, ec2types.InstanceTypeInfo{InstanceType: t, VCpuInfo: &ec2types.VCpuInfo{DefaultVCpus: aws.Int32(f.vcpus[string(t)])}})
	}
	return out, f.errs["DescribeInstanceTypes"]
}

func (f *fakeAWS) DescribeAddresses(context.Context, *ec2.DescribeAddressesInput, ...func(*ec2.Options)) (*ec2.DescribeAddressesOutput, error) {
	return &ec2.DescribeAddressesOutput{Addresses: f.addresses}, f.errs["DescribeAddresses"]
}

func (f *fakeAWS) DescribeVpcs(context.Context, *ec2.DescribeVpcsInput, ...func(*ec2.Options)) (*ec2.DescribeVpcsOutput, error) {
	return &ec2.DescribeVpcsOutput{Vpcs: f.vpcs}, f.errs["DescribeVpcs"]
}

func (f *fakeAWS) ListClusters(context.Context, *eks.ListClustersInput, ...func(*eks.Options)) (*eks.ListClustersOutput, error) {
	return &eks.ListClustersOutput{Clusters: f.clusters}, f.errs["ListClusters"]
}

func (f *fakeAWS) DescribeAddonVersions(_ context.Context, in *eks.DescribeAddonVersionsInput, _ ...func(*eks.Options)) (*eks.DescribeAddonVersionsOutput, error) {
	if err := f.errs["DescribeAddonVersions"]; err != nil {
		return nil, err
	}
	info := ekstypes.AddonInfo{AddonName: in.AddonName}
	for _, v := range f.addons[*in.AddonName] {
		info.AddonVersions = append(info.AddonVersions, ekstypes.AddonVersionInfo{AddonVersion: aws.String(v),
			Compatibilities: []ekstypes.Compatibility{{ClusterVersion: in.KubernetesVersion}}})
	}
	return &eks.DescribeAddonVersionsOutput{Addons: []ekstypes.AddonInfo{info}}, nil
}

func (f *fakeAWS) DescribeOrderableDBInstanceOptions(_ context.Context, in *rds.DescribeOrderableDBInstanceOptionsInput, _ ...func(*rds.Options)) (*rds.DescribeOrderableDBInstanceOptionsOutput, error) {
	out := &rds.DescribeOrderableDBInstanceOptionsOutput{}
	for _, o := range f.orderable {
		if in.DBInstanceClass == nil || aws.ToString(o.DBInstanceClass) == *in.DBInstanceClass {
			out.OrderableDBInstanceOptions = append(out.OrderableDBInstanceOptions, o)
		}
	}
	return out, f.errs["DescribeOrderableDBInstanceOptions"]
}

func (f *fakeAWS) DescribeReservedCacheNodesOfferings(context.Context, *elasticache.DescribeReservedCacheNodesOfferingsInput, ...func(*elasticache.Options)) (*elasticache.DescribeReservedCacheNodesOfferingsOutput, error) {
	return &elasticache.DescribeReservedCacheNodesOfferingsOutput{ReservedCacheNodesOfferings: make([]ectypes.ReservedCacheNodesOffering, f.cacheOfferings)},
		f.errs["DescribeReservedCacheNodesOfferings"]
}

func (f *fakeAWS) ListDetectors(context.Context, *guardduty.ListDetectorsInput, ...func(*guardduty.Options)) (*guardduty.ListDetectorsOutput, error) {
	return &guardduty.ListDetectorsOutput{DetectorIds: f.detectors}, f.errs["ListDetectors"]
}

func (f *fakeAWS) DescribeHub(context.Context, *securityhub.DescribeHubInput, ...func(*securityhub.Options)) (*securityhub.DescribeHubOutput, error) {
	if err := f.errs["DescribeHub"]; err != nil {
		return nil, err
	}
	if !f.hubEnabled {
		return nil, &shtypes.InvalidAccessException{Message: aws.String("Account is not subscribed to AWS Security Hub")}
	}
	return &securityhub.DescribeHubOutput{HubArn: aws.String("arn:aws:securityhub:ap-southeast-3:123456789012:hub/default")}, nil
}

func (f *fakeAWS) DescribeConfigurationRecorders(context.Context, *configservice.DescribeConfigurationRecordersInput, ...func(*configservice.Options)) (*configservice.DescribeConfigurationRecordersOutput, error) {
	out := &configservice.DescribeConfigurationRecordersOutput{}
	for _, n := range f.recorders {
		out.ConfigurationRecorders = append(out.ConfigurationRecorders, cstypes.ConfigurationRecorder{Name: aws.String(n)})
	}
	return out, f.errs["DescribeConfigurationRecorders"]
}

func (f *fakeAWS) DescribeDeliveryChannels(context.Context, *configservice.DescribeDeliveryChannelsInput, ...func(*configservice.Options)) (*configservice.DescribeDeliveryChannelsOutput, error) {
	out := &configservice.DescribeDeliveryChannelsOutput{}
	for _, n := range f.channels {
		out.DeliveryChannels = append(out.DeliveryChannels, cstypes.DeliveryChannel{Name: aws.String(n)})
	}
	return out, f.errs["DescribeDeliveryChannels"]
}

func (f *fakeAWS) DescribeDocument(_ context.Context, in *ssm.DescribeDocumentInput, _ ...func(*ssm.Options)) (*ssm.DescribeDocumentOutput, error) {
	if err := f.errs["DescribeDocument"]; err != nil {
		return nil, err
	}
	if !f.sessionDocument || *in.Name != SessionPreferencesDocument {
		return nil, &ssmtypes.InvalidDocument{Message: aws.String("The specified document does not exist.")}
	}
	return &ssm.DescribeDocumentOutput{}, nil
}

func (f *fakeAWS) DescribeTrails(context.Context, *cloudtrail.DescribeTrailsInput, ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error) {
	return &cloudtrail.DescribeTrailsOutput{TrailList: f.trails}, f.errs["DescribeTrails"]
}

func (f *fakeAWS) GetRole(_ context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	if err := f.errs["GetRole"]; err != nil {
		return nil, err
	}
	for _, r := range f.roles {
		if r == *in.RoleName {
			return &iam.GetRoleOutput{Role: &iamtypes.Role{RoleName: in.RoleName}}, nil
		}
	}
	return nil, &iamtypes.NoSuchEntityException{Message: aws.String("not found")}
}

func (f *fakeAWS) ListHostedZonesByName(context.Context, *route53.ListHostedZonesByNameInput, ...func(*route53.Options)) (*route53.ListHostedZonesByNameOutput, error) {
	return &route53.ListHostedZonesByNameOutput{HostedZones: f.zones}, f.errs["ListHostedZonesByName"]
}

func (f *fakeAWS) GetHostedZone(context.Context, *route53.GetHostedZoneInput, ...func(*route53.Options)) (*route53.GetHostedZoneOutput, error) {
	return &route53.GetHostedZoneOutput{DelegationSet: &r53types.DelegationSet{NameServers: f.nameServers}}, f.errs["GetHostedZone"]
}

func (f *fakeAWS) LookupNS(_ context.Context, name string) ([]*net.NS, error) {
	if err := f.errs["LookupNS"]; err != nil {
		return nil, err
	}
	if len(f.ns) == 0 {
		return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
	}
	var out []*net.NS
	for _, h := range f.ns {
		out = append(out, &net.NS{Host: h + "."})
	}
	return out, nil
}

// healthy is an account that passes every check of prod (alone).
func healthy() *fakeAWS {
	all := []string{"ap-southeast-3a", "ap-southeast-3b", "ap-southeast-3c"}
	offered := map[string][]string{}
	for _, t := range []string{"m5.large", "m5.xlarge", "c5.2xlarge", "r5.large", "r5.xlarge", "g5.xlarge", "t3.micro"} {
		offered[t] = all
	}
	addons := map[string][]string{}
	for name, v := range config.Prod().Compute.Addons {
		addons[name] = []string{"v9.9.9-eksbuild.1", v}
	}
	return &fakeAWS{
		applied:  map[string]float64{"ec2/L-1216C47A": 2000, "ec2/L-DB2E81BA": 64},
		defaults: map[string]float64{"ec2/L-0263D0A3": 5, "vpc/L-F678F1CE": 5, "vpc/L-29B6F2EB": 50, "eks/L-1194D53C": 100},
		offered:  offered,
		vcpus:    map[string]int32{"m5.large": 2, "m5.xlarge": 4, "c5.2xlarge": 8, "r5.large": 2, "r5.xlarge": 4, "g5.xlarge": 4, "t3.micro": 2},
		vpcs:     []ec2types.Vpc{{IsDefault: aws.Bool(true)}},
		orderable: []rdstypes.OrderableDBInstanceOption{{DBInstanceClass: aws.String("db.r5.large"), EngineVersion: aws.String("8.4.9"), MultiAZCapable: aws.Bool(true)},
			{DBInstanceClass: aws.String("db.t3.micro"), EngineVersion: aws.String("8.4.9"), MultiAZCapable: aws.Bool(true)}},
		cacheOfferings: 3,
		addons:         addons,
		roles:          []string{"AWSServiceRoleForAutoScaling"},
		zones:          []r53types.HostedZone{{Id: aws.String("/hostedzone/Z123"), Name: aws.String("smile.example.org.")}},
		nameServers:    []string{"ns-1.awsdns-01.org", "ns-2.awsdns-02.com"},
		ns:             []string{"NS-2.awsdns-02.com", "ns-1.awsdns-01.org"},
	}
}

// newPreflight checks env in an account shared with the others, reading the stack's
// reviewed snapshot for addresses.
func newPreflight(t *testing.T, f *fakeAWS, env config.Environment, others ...config.Environment) *Preflight {
	t.Helper()
	raw, err := os.ReadFile("../testdata/" + env.StackName() + ".tf.json")
	if err != nil {
		t.Fatal(err)
	}
	synth, err := ParseSynth(raw)
	if err != nil {
		t.Fatal(err)
	}
	// In deployment order, as the command passes them.
	shared := append([]config.Environment{env}, others...)
	slices.SortFunc(shared, func(a, b config.Environment) int {
		return slices.Index(config.Names(), a.Name) - slices.Index(config.Names(), b.Name)
	})
	return &Preflight{Env: env, Shared: shared, Synth: synth, AWS: f.clients(), AccountID: "123456789012"}
}

// only is the one finding of check whose text contains want; the test fails unless
// exactly one matches.
func only(t *testing.T, findings []Finding, want string) Finding {
	t.Helper()
	var found []Finding
	for _, f := range findings {
		if strings.Contains(f.String(), want) {
			found = append(found, f)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d findings contain %q, want 1:\n%s", len(found), want, lines(findings))
	}
	return found[0]
}

func lines(findings []Finding) string {
	var b strings.Builder
	for _, f := range findings {
		b.WriteString(f.String() + "\n")
	}
	return b.String()
}
