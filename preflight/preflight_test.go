package preflight

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/smile/infra/config"
)

// TestRules runs each rule on recorded answers: a passing and a failing account per rule
// (SAFE-3).
func TestRules(t *testing.T) {
	dev, staging, prod := config.Dev(), config.Staging(), config.Prod()
	// A shared account in which only prod owns the singletons.
	devShared, stagingShared := dev, staging
	for _, e := range []*config.Environment{&devShared, &stagingShared} {
		e.Security.OwnsAccountBaseline, e.Compute.Bastion.ManageSessionPreferences = false, false
	}
	type rule = func(*Preflight) []Finding
	quotas := func(p *Preflight) []Finding { return p.Quotas(t.Context()) }
	offerings := func(p *Preflight) []Finding { return p.Offerings(t.Context()) }
	addons := func(p *Preflight) []Finding { return p.Addons(t.Context()) }
	singletons := func(p *Preflight) []Finding { return p.Singletons(t.Context()) }
	roles := func(p *Preflight) []Finding { return p.ServiceLinkedRoles(t.Context()) }
	dns := func(p *Preflight) []Finding { return p.DNS(t.Context()) }
	broken := errors.New("AccessDenied: not authorized")

	for _, c := range []struct {
		name   string
		rule   rule
		env    config.Environment
		others []config.Environment
		change func(*fakeAWS)
		// find picks the finding; want is its severity, and each of texts must be in it.
		find  string
		want  Severity
		texts []string
	}{
		{name: "prod alone needs 3 Elastic IPs of the default 5", rule: quotas, env: prod,
			find: "L-0263D0A3", want: OK, texts: []string{"need 3 (prod 3 NAT gateways + 0 Elastic IPs already in the account)", "allows 5 (AWS default"}},
		{name: "dev, staging and prod in one account need 7 Elastic IPs against 5", rule: quotas, env: prod, others: []config.Environment{devShared, stagingShared},
			find: "L-0263D0A3", want: Blocker, texts: []string{"need 7 (dev 1 + staging 3 + prod 3 NAT gateways", "allows 5",
				"aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-0263D0A3 --desired-value 7 --region ap-southeast-3"}},
		{name: "Elastic IPs someone else allocated count, the platform's own do not", rule: quotas, env: prod,
			change: func(f *fakeAWS) {
				ours := []ec2types.Tag{{Key: aws.String("Project"), Value: aws.String("smile")}, {Key: aws.String("Environment"), Value: aws.String("prod")}}
				f.addresses = []ec2types.Address{{}, {}, {}, {Tags: ours}}
			},
			find: "L-0263D0A3", want: Blocker, texts: []string{"need 6 (prod 3 NAT gateways + 3 Elastic IPs already in the account)"}},
		{name: "the applied value wins over the default", rule: quotas, env: prod, others: []config.Environment{devShared, stagingShared},
			change: func(f *fakeAWS) { f.applied["ec2/L-0263D0A3"] = 10 },
			find:   "L-0263D0A3", want: OK, texts: []string{"allows 10 (applied value)"}},
		{name: "without the quota API the documented default is used", rule: quotas, env: prod,
			change: func(f *fakeAWS) {
				f.errs = map[string]error{"GetServiceQuota": broken, "GetAWSDefaultServiceQuota": broken}
			},
			find: "L-F678F1CE", want: OK, texts: []string{"need 2 (prod 1 VPCs + 1 VPCs already in the account)", "AWS's documented default"}},
		{name: "a vCPU quota without API and without a default cannot be checked", rule: quotas, env: prod,
			change: func(f *fakeAWS) {
				f.errs = map[string]error{"GetServiceQuota": broken, "GetAWSDefaultServiceQuota": broken}
			},
			find: "L-1216C47A", want: Warning, texts: []string{"could not check", "AccessDenied", "the need is 822"}},
		{name: "prod's standard vCPUs at max size fit 822", rule: quotas, env: prod,
			change: func(f *fakeAWS) { f.applied["ec2/L-1216C47A"] = 822 },
			find:   "L-1216C47A", want: OK, texts: []string{"need 822 (prod 822 vCPUs"}},
		{name: "prod's standard vCPUs at max size exceed 821", rule: quotas, env: prod,
			change: func(f *fakeAWS) { f.applied["ec2/L-1216C47A"] = 821 },
			find:   "L-1216C47A", want: Blocker, texts: []string{"--desired-value 822"}},
		{name: "the GPU group needs G and VT vCPUs a new account lacks", rule: quotas, env: prod,
			change: func(f *fakeAWS) { f.applied["ec2/L-DB2E81BA"] = 0 },
			find:   "L-DB2E81BA", want: Blocker, texts: []string{"need 16 (prod 16 vCPUs at the GPU groups' max sizes)", "--desired-value 16"}},
		{name: "EKS clusters of other teams count", rule: quotas, env: prod,
			change: func(f *fakeAWS) {
				f.clusters, f.applied["eks/L-1194D53C"] = []string{"smile5-prod-app", "other-team"}, 2
			},
			find: "L-1194D53C", want: Blocker, texts: []string{"need 3 (prod 2 clusters (app and data) + 1 EKS clusters already in the account)"}},
		{name: "interface endpoints fit", rule: quotas, env: prod,
			find: "L-29B6F2EB", want: OK, texts: []string{"need 10 (interface endpoints in the stack's VPC)"}},

		{name: "every node group type is offered in every zone", rule: offerings, env: prod,
			find: "node group data/gpu", want: OK, texts: []string{"g5.xlarge is offered in ap-southeast-3a, ap-southeast-3c"}},
		{name: "Jakarta does not offer g5.xlarge in one zone", rule: offerings, env: prod,
			change: func(f *fakeAWS) { f.offered["g5.xlarge"] = []string{"ap-southeast-3a"} },
			find:   "node group data/gpu", want: Blocker, texts: []string{"Jakarta does not offer g5.xlarge in ap-southeast-3c (offered in: ap-southeast-3a)"}},
		{name: "the bastion needs its type in its own zone only", rule: offerings, env: prod,
			change: func(f *fakeAWS) { f.offered["t3.micro"] = []string{"ap-southeast-3a"} },
			find:   "bastion", want: OK},
		{name: "the bastion's type missing in its zone", rule: offerings, env: prod,
			change: func(f *fakeAWS) { f.offered["t3.micro"] = []string{"ap-southeast-3b"} },
			find:   "bastion", want: Blocker, texts: []string{"does not offer t3.micro in ap-southeast-3a"}},
		{name: "offerings that do not answer", rule: offerings, env: prod,
			change: func(f *fakeAWS) { f.errs = map[string]error{"DescribeInstanceTypeOfferings": broken} },
			find:   "instance types per zone", want: Warning, texts: []string{"could not check", "AccessDenied"}},
		{name: "the database class is orderable Multi-AZ for MySQL 8.4", rule: offerings, env: prod,
			find: "database instance class", want: OK, texts: []string{"db.r5.large for MySQL 8.4 Multi-AZ is orderable"}},
		{name: "the database class only for another version", rule: offerings, env: prod,
			change: func(f *fakeAWS) {
				f.orderable = []rdstypes.OrderableDBInstanceOption{{DBInstanceClass: aws.String("db.r5.large"), EngineVersion: aws.String("5.7.44"), MultiAZCapable: aws.Bool(true)}}
			},
			find: "database instance class", want: Blocker, texts: []string{"is not orderable in ap-southeast-3", "Database.InstanceClass"}},
		{name: "a region that lists no MySQL at all is not believed", rule: offerings, env: prod,
			change: func(f *fakeAWS) { f.orderable = nil },
			find:   "database instance class", want: Warning, texts: []string{"lists no MySQL option at all"}},
		{name: "the cache node type has offerings", rule: offerings, env: prod,
			find: "cache node type", want: OK},
		{name: "the cache node type has none", rule: offerings, env: prod,
			change: func(f *fakeAWS) { f.cacheOfferings = 0 },
			find:   "cache node type", want: Warning, texts: []string{"cache.r6g.large has no reserved-node offering"}},

		{name: "the pinned vpc-cni is compatible", rule: addons, env: prod,
			find: "add-on vpc-cni", want: OK},
		{name: "the pinned vpc-cni is not listed", rule: addons, env: prod,
			change: func(f *fakeAWS) { f.addons["vpc-cni"] = []string{"v1.21.0-eksbuild.1"} },
			find:   "add-on vpc-cni", want: Blocker, texts: []string{"newest listed: v1.21.0-eksbuild.1", "--addon-name vpc-cni"}},
		{name: "add-on versions that do not answer are one warning", rule: addons, env: prod,
			change: func(f *fakeAWS) { f.errs = map[string]error{"DescribeAddonVersions": broken} },
			find:   "DescribeAddonVersions", want: Warning, texts: []string{"vpc-cni", "coredns"}},

		{name: "no GuardDuty detector", rule: singletons, env: prod, find: "GuardDuty", want: OK},
		{name: "a GuardDuty detector exists", rule: singletons, env: prod,
			change: func(f *fakeAWS) { f.detectors = []string{"4ac8b0e7f0d1"} },
			find:   "GuardDuty", want: Blocker, texts: []string{"terraform -chdir=cdktf.out/stacks/smile-prod import 'aws_guardduty_detector.account-baseline_guardduty_74E24D54' '4ac8b0e7f0d1'"}},
		{name: "Security Hub is enabled", rule: singletons, env: prod,
			change: func(f *fakeAWS) { f.hubEnabled = true },
			find:   "Security Hub", want: Blocker, texts: []string{"import 'aws_securityhub_account.account-baseline_security-hub_05D1B19E' '123456789012'"}},
		{name: "an AWS Config recorder of another name exists", rule: singletons, env: prod,
			change: func(f *fakeAWS) { f.recorders = []string{"default"} },
			find:   "Config recorder", want: Blocker, texts: []string{"import 'aws_config_configuration_recorder.account-baseline_config-recorder_9AF143BB' 'default'",
				"the stack names it smile5-prod-config", "aws configservice delete-configuration-recorder --configuration-recorder-name default"}},
		{name: "an AWS Config delivery channel exists", rule: singletons, env: prod,
			change: func(f *fakeAWS) { f.channels = []string{"smile5-prod-config"} },
			find:   "delivery channel", want: Blocker, texts: []string{"import 'aws_config_delivery_channel.account-baseline_config-delivery_9111500E' 'smile5-prod-config'"}},
		{name: "the Session Manager preferences exist", rule: singletons, env: prod,
			change: func(f *fakeAWS) { f.sessionDocument = true },
			find:   "Session Manager", want: Blocker, texts: []string{"import 'aws_ssm_document.bastion_session-preferences_F65C79C8' 'SSM-SessionManagerRunShell'"}},
		{name: "a trail of the stack's name exists", rule: singletons, env: prod,
			change: func(f *fakeAWS) {
				f.trails = []cttypes.Trail{{Name: aws.String("smile5-prod-trail"), TrailARN: aws.String("arn:aws:cloudtrail:ap-southeast-3:123456789012:trail/smile5-prod-trail")}}
			},
			find: "CloudTrail", want: Blocker, texts: []string{"import 'aws_cloudtrail.trail_3987B402' 'arn:aws:cloudtrail:ap-southeast-3:123456789012:trail/smile5-prod-trail'"}},
		{name: "an organization trail only costs", rule: singletons, env: prod,
			change: func(f *fakeAWS) {
				f.trails = []cttypes.Trail{{Name: aws.String("org"), TrailARN: aws.String("arn:aws:cloudtrail:us-east-1:111111111111:trail/org"), IsOrganizationTrail: aws.Bool(true)}}
			},
			find: "CloudTrail", want: Warning, texts: []string{"organization trail org"}},
		{name: "a stack that does not own the baseline leaves GuardDuty alone", rule: singletons, env: devShared,
			change: func(f *fakeAWS) { f.detectors = []string{"4ac8b0e7f0d1"} },
			find:   "CloudTrail", want: OK},
		{name: "two environments of one account both own the baseline", rule: singletons, env: prod, others: []config.Environment{dev, stagingShared},
			find: "OwnsAccountBaseline", want: Blocker, texts: []string{"dev, prod share the account", "set Security.OwnsAccountBaseline on one of them only"}},

		{name: "the Auto Scaling service-linked role exists", rule: roles, env: prod, find: "AWSServiceRoleForAutoScaling", want: OK},
		{name: "the Auto Scaling service-linked role is missing", rule: roles, env: prod,
			change: func(f *fakeAWS) { f.roles = nil },
			find:   "AWSServiceRoleForAutoScaling", want: Blocker, texts: []string{"aws iam create-service-linked-role --aws-service-name autoscaling.amazonaws.com"}},

		{name: "the domain is delegated to its zone", rule: dns, env: prod, find: "smile.example.org", want: OK, texts: []string{"delegated to its hosted zone Z123"}},
		{name: "the parent delegates elsewhere", rule: dns, env: prod,
			change: func(f *fakeAWS) { f.ns = []string{"ns1.registrar.example"} },
			find:   "smile.example.org", want: Blocker, texts: []string{"public DNS answers NS [ns1.registrar.example]", "set its NS records to ns-1.awsdns-01.org, ns-2.awsdns-02.com"}},
		{name: "the domain is not delegated at all", rule: dns, env: prod,
			change: func(f *fakeAWS) { f.ns = nil },
			find:   "smile.example.org", want: Blocker, texts: []string{"public DNS answers NS []"}},
		{name: "first deploy: no zone yet", rule: dns, env: dev,
			change: func(f *fakeAWS) { f.zones = nil },
			find:   "dev.smile.example.org", want: Warning, texts: []string{"hosted_zone_name_servers"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := healthy()
			if c.change != nil {
				c.change(f)
			}
			got := only(t, c.rule(newPreflight(t, f, c.env, c.others...)), c.find)
			if got.Severity != c.want {
				t.Errorf("severity %s, want %s:\n%s", got.Severity, c.want, got)
			}
			for _, text := range c.texts {
				if !strings.Contains(got.String(), text) {
					t.Errorf("finding lacks %q:\n%s", text, got)
				}
			}
		})
	}
}

// TestHealthyAccountPasses: an account with room for prod gives no blocker and no warning
// at all, so every warning above comes from its one change (SAFE-3).
func TestHealthyAccountPasses(t *testing.T) {
	findings := newPreflight(t, healthy(), config.Prod()).Run(t.Context())
	for _, f := range findings {
		if f.Severity != OK {
			t.Errorf("healthy account: %s", f)
		}
	}
	if len(findings) < 20 {
		t.Errorf("only %d findings:\n%s", len(findings), lines(findings))
	}
}

// TestReport: one line per finding, the summary, and the exit decision (SAFE-3).
func TestReport(t *testing.T) {
	warning := Finding{Severity: Warning, Check: "dns", What: "a\nb", Why: "why", Fix: "fix"}
	blocker := Finding{Severity: Blocker, Check: "quota", What: "w", Why: "y", Fix: "f"}
	var out bytes.Buffer
	if Report(&out, "smile-dev", []Finding{warning, {Severity: OK, Check: "x", What: "fine"}}) {
		t.Error("warnings only must not block")
	}
	if want := "WARNING dns: a b; why. Fix: fix\nOK      x: fine\npreflight smile-dev: 0 blocker(s), 1 warning(s), 1 ok\n"; out.String() != want {
		t.Errorf("report:\n%s\nwant:\n%s", out.String(), want)
	}
	if !Report(&out, "smile-dev", []Finding{warning, blocker}) {
		t.Error("a blocker must block")
	}
}

// TestKeyPolicyServiceLinkedRoles: only the roles key policies name (SAFE-3); the load
// balancer controller creates its own.
func TestKeyPolicyServiceLinkedRoles(t *testing.T) {
	p := newPreflight(t, healthy(), config.Prod())
	got := p.Synth.KeyPolicyServiceLinkedRoles()
	if len(got) != 1 || got[0] != (ServiceLinkedRole{"autoscaling.amazonaws.com", "AWSServiceRoleForAutoScaling"}) {
		t.Errorf("key policy service-linked roles = %v", got)
	}
}
