// Package waf builds the web ACLs in front of CloudFront and the load balancer (SEC-6,
// EDGE-1, EDGE-3): AWS managed rule groups and a per-IP rate limit.
package waf

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/wafv2webacl"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/wafv2webaclassociation"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/wafv2webaclloggingconfiguration"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/constructs/loggroup"
)

// Scopes of a web ACL.
const (
	ScopeCloudFront = "CLOUDFRONT"
	ScopeRegional   = "REGIONAL"
)

// ManagedRuleGroups are the AWS managed rule groups every web ACL evaluates, in order:
// OWASP-style common rules, known bad inputs (e.g. Log4j, Spring4Shell), and addresses
// Amazon's threat intelligence lists.
var ManagedRuleGroups = []string{
	"AWSManagedRulesAmazonIpReputationList",
	"AWSManagedRulesCommonRuleSet",
	"AWSManagedRulesKnownBadInputsRuleSet",
}

// Config is one web ACL.
type Config struct {
	Name  string
	Scope string
	// RateLimitPer5Min blocks an IP address above this many requests in five minutes.
	RateLimitPer5Min int
	// SampledRequests keeps samples of matching requests, headers included, for three hours
	// in the ACL's region.
	SampledRequests bool
	// Provider creates the ACL elsewhere than the stack's region: a CLOUDFRONT ACL exists
	// only in us-east-1 (RES-2). Nil is the stack's default provider.
	Provider cdktf.TerraformProvider
	// LogsKeyArn and LogRetentionDays, when the key is set, log every request to a KMS log
	// group (only for REGIONAL ACLs, whose logs stay in the region).
	LogsKeyArn       *string
	LogRetentionDays int
	// ProtectedArn is associated with a REGIONAL ACL (a load balancer); a CLOUDFRONT ACL is
	// named by the distribution instead.
	ProtectedArn *string
}

// Output is the web ACL.
type Output struct {
	Arn          *string
	LogGroupName *string
}

// New builds the web ACL, its association and its logging.
func New(scope constructs.Construct, id string, cfg Config) (*Output, error) {
	switch {
	case cfg.Name == "" || (cfg.Scope != ScopeCloudFront && cfg.Scope != ScopeRegional):
		return nil, fmt.Errorf("waf %s: Name and a Scope of %s or %s are required", id, ScopeCloudFront, ScopeRegional)
	case cfg.RateLimitPer5Min < 100:
		return nil, fmt.Errorf("waf %s: RateLimitPer5Min %d is below 100", id, cfg.RateLimitPer5Min)
	case cfg.Scope == ScopeCloudFront && (cfg.LogsKeyArn != nil || cfg.ProtectedArn != nil):
		return nil, fmt.Errorf("waf %s: a CLOUDFRONT ACL has no log group or association here (RES-2)", id)
	case cfg.Scope == ScopeRegional && cfg.ProtectedArn == nil:
		return nil, fmt.Errorf("waf %s: a REGIONAL ACL needs ProtectedArn", id)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	visibility := func(metric string) *wafv2webacl.Wafv2WebAclRuleVisibilityConfig {
		return &wafv2webacl.Wafv2WebAclRuleVisibilityConfig{
			CloudwatchMetricsEnabled: jsii.Bool(true), MetricName: jsii.String(metric), SampledRequestsEnabled: jsii.Bool(cfg.SampledRequests),
		}
	}
	var rules []*wafv2webacl.Wafv2WebAclRule
	for i, group := range ManagedRuleGroups {
		rules = append(rules, &wafv2webacl.Wafv2WebAclRule{
			Name:     jsii.String(group),
			Priority: jsii.Number(float64(10 * (i + 1))),
			// The groups' own actions (block) apply.
			OverrideAction: &wafv2webacl.Wafv2WebAclRuleOverrideAction{None: &wafv2webacl.Wafv2WebAclRuleOverrideActionNone{}},
			Statement: map[string]any{"managed_rule_group_statement": map[string]any{
				"name": group, "vendor_name": "AWS",
			}},
			VisibilityConfig: visibility(cfg.Name + "-" + group),
		})
	}
	rules = append(rules, &wafv2webacl.Wafv2WebAclRule{
		Name:     jsii.String("RateLimitPerIp"),
		Priority: jsii.Number(float64(10 * (len(ManagedRuleGroups) + 1))),
		Action:   &wafv2webacl.Wafv2WebAclRuleAction{Block: &wafv2webacl.Wafv2WebAclRuleActionBlock{}},
		Statement: map[string]any{"rate_based_statement": map[string]any{
			"limit": cfg.RateLimitPer5Min, "aggregate_key_type": "IP", "evaluation_window_sec": 300,
		}},
		VisibilityConfig: visibility(cfg.Name + "-rate-limit"),
	})
	acl := wafv2webacl.NewWafv2WebAcl(c, jsii.String("acl"), &wafv2webacl.Wafv2WebAclConfig{
		Name:          jsii.String(cfg.Name),
		Description:   jsii.String("SMILE: AWS managed rule groups and a per-IP rate limit (SEC-6)"),
		Scope:         jsii.String(cfg.Scope),
		DefaultAction: &wafv2webacl.Wafv2WebAclDefaultAction{Allow: &wafv2webacl.Wafv2WebAclDefaultActionAllow{}},
		Rule:          rules,
		VisibilityConfig: &wafv2webacl.Wafv2WebAclVisibilityConfig{
			CloudwatchMetricsEnabled: jsii.Bool(true), MetricName: jsii.String(cfg.Name), SampledRequestsEnabled: jsii.Bool(cfg.SampledRequests),
		},
		Provider: cfg.Provider,
	})
	out := &Output{Arn: acl.Arn()}
	if cfg.Scope == ScopeCloudFront {
		return out, nil
	}

	wafv2webaclassociation.NewWafv2WebAclAssociation(c, jsii.String("association"), &wafv2webaclassociation.Wafv2WebAclAssociationConfigA{
		ResourceArn: cfg.ProtectedArn, WebAclArn: acl.Arn(),
	})
	if cfg.LogsKeyArn != nil {
		// WAF delivers only to log groups whose names start with aws-waf-logs-.
		group := loggroup.New(c, "log-group", loggroup.Config{
			Name: "aws-waf-logs-" + cfg.Name, KeyArn: cfg.LogsKeyArn, RetentionDays: cfg.LogRetentionDays,
		})
		wafv2webaclloggingconfiguration.NewWafv2WebAclLoggingConfiguration(c, jsii.String("logging"), &wafv2webaclloggingconfiguration.Wafv2WebAclLoggingConfigurationConfig{
			ResourceArn:           acl.Arn(),
			LogDestinationConfigs: &[]*string{group.Arn()},
			// Credentials and sessions never reach the logs.
			RedactedFields: []*wafv2webaclloggingconfiguration.Wafv2WebAclLoggingConfigurationRedactedFields{
				{SingleHeader: &wafv2webaclloggingconfiguration.Wafv2WebAclLoggingConfigurationRedactedFieldsSingleHeader{Name: jsii.String("authorization")}},
				{SingleHeader: &wafv2webaclloggingconfiguration.Wafv2WebAclLoggingConfigurationRedactedFieldsSingleHeader{Name: jsii.String("cookie")}},
			},
		})
		out.LogGroupName = group.Name()
	}
	return out, nil
}
