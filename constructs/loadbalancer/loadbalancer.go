// Package loadbalancer is the internal application load balancer in front of the pods
// (EDGE-3, EDGE-4): one HTTPS listener, a blue and a green target group, and the listener
// rule whose weights shift traffic between them.
package loadbalancer

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lb"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lblistener"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lblistenerrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lbtargetgroup"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/config"
)

// TLSPolicy accepts TLS 1.3 and 1.2 with forward-secret ciphers only (EDGE-3).
const TLSPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"

// DesyncMitigation "strictest" rejects every request that is not RFC 7230 compliant. The
// only client is API Gateway, whose requests always are, so nothing legitimate is lost.
const DesyncMitigation = "strictest"

// Ports of the pods (NET-5): HTTPS for traffic, so requests stay encrypted up to the pod
// (RES-3), and plain HTTP on 8080 for health checks.
const (
	TargetPort      = 443
	HealthCheckPort = 8080
)

// Colours are the two target groups, in the order of the listener rule.
var Colours = []string{"blue", "green"}

// Config is the load balancer of one environment.
type Config struct {
	Name            string
	VpcID           *string
	SubnetIDs       []*string
	SecurityGroupID *string
	CertificateArn  *string
	// LogsBucket receives the access logs under LogPrefix; LogsBucketReady is its policy,
	// which must let the load balancer deliver before the load balancer is created.
	LogsBucket         *string
	LogsBucketReady    cdktf.ITerraformDependable
	LogPrefix          string
	DeletionProtection bool
	Traffic            config.Traffic
}

// Output is what API Gateway, DNS and WAF need.
type Output struct {
	Arn, DNSName, ZoneID *string
	// ArnSuffix and TargetGroupArnSuffixes (by colour) are the CloudWatch dimensions.
	ArnSuffix              *string
	TargetGroupArnSuffixes map[string]*string
	ListenerArn            *string
	// TargetGroupArns by colour, for the pods' TargetGroupBindings.
	TargetGroupArns map[string]*string
}

// New builds the load balancer.
func New(scope constructs.Construct, id string, cfg Config) (*Output, error) {
	if cfg.Name == "" || cfg.VpcID == nil || len(cfg.SubnetIDs) == 0 || cfg.SecurityGroupID == nil ||
		cfg.CertificateArn == nil || cfg.LogsBucket == nil || cfg.LogsBucketReady == nil || cfg.LogPrefix == "" {
		return nil, fmt.Errorf("loadbalancer %s: Name, VpcID, SubnetIDs, SecurityGroupID, CertificateArn, LogsBucket, LogsBucketReady and LogPrefix are required", id)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	balancer := lb.NewLb(c, jsii.String("alb"), &lb.LbConfig{
		Name:             jsii.String(cfg.Name),
		LoadBalancerType: jsii.String("application"),
		// EDGE-5: reached through the API Gateway VPC link only.
		Internal:                 jsii.Bool(true),
		Subnets:                  &cfg.SubnetIDs,
		SecurityGroups:           &[]*string{cfg.SecurityGroupID},
		DropInvalidHeaderFields:  jsii.Bool(true),
		DesyncMitigationMode:     jsii.String(DesyncMitigation),
		EnableDeletionProtection: jsii.Bool(cfg.DeletionProtection),
		AccessLogs: &lb.LbAccessLogs{
			Bucket: cfg.LogsBucket, Prefix: jsii.String(cfg.LogPrefix), Enabled: jsii.Bool(true),
		},
		DependsOn: &[]cdktf.ITerraformDependable{cfg.LogsBucketReady},
	})

	out := &Output{Arn: balancer.Arn(), DNSName: balancer.DnsName(), ZoneID: balancer.ZoneId(), ArnSuffix: balancer.ArnSuffix(),
		TargetGroupArns: map[string]*string{}, TargetGroupArnSuffixes: map[string]*string{}}
	var forward []*lblistenerrule.LbListenerRuleActionForwardTargetGroup
	weights := map[string]int{"blue": cfg.Traffic.BlueWeight, "green": cfg.Traffic.GreenWeight}
	for _, colour := range Colours {
		tg := lbtargetgroup.NewLbTargetGroup(c, jsii.String(colour), &lbtargetgroup.LbTargetGroupConfig{
			Name: jsii.String(cfg.Name + "-" + colour),
			// Pods register by IP (the AWS Load Balancer Controller's TargetGroupBinding).
			TargetType: jsii.String("ip"),
			Protocol:   jsii.String("HTTPS"),
			Port:       jsii.Number(TargetPort),
			VpcId:      cfg.VpcID,
			// Pods drain in-flight requests faster than the 300 s default.
			DeregistrationDelay: jsii.String("30"),
			HealthCheck: &lbtargetgroup.LbTargetGroupHealthCheck{
				Enabled:            jsii.Bool(true),
				Protocol:           jsii.String("HTTP"),
				Port:               jsii.String(fmt.Sprint(HealthCheckPort)),
				Path:               jsii.String(cfg.Traffic.HealthCheckPath),
				Matcher:            jsii.String("200"),
				Interval:           jsii.Number(15),
				Timeout:            jsii.Number(5),
				HealthyThreshold:   jsii.Number(3),
				UnhealthyThreshold: jsii.Number(3),
			},
		})
		out.TargetGroupArns[colour] = tg.Arn()
		out.TargetGroupArnSuffixes[colour] = tg.ArnSuffix()
		forward = append(forward, &lblistenerrule.LbListenerRuleActionForwardTargetGroup{
			Arn: tg.Arn(), Weight: jsii.Number(float64(weights[colour])),
		})
	}

	listener := lblistener.NewLbListener(c, jsii.String("https"), &lblistener.LbListenerConfig{
		LoadBalancerArn: balancer.Arn(),
		Port:            jsii.Number(443),
		Protocol:        jsii.String("HTTPS"),
		SslPolicy:       jsii.String(TLSPolicy),
		CertificateArn:  cfg.CertificateArn,
		// Only the weighted rule below forwards; anything it does not match is answered here.
		DefaultAction: []*lblistener.LbListenerDefaultAction{{
			Type: jsii.String("fixed-response"),
			FixedResponse: &lblistener.LbListenerDefaultActionFixedResponse{
				ContentType: jsii.String("application/json"), StatusCode: jsii.String("404"),
				MessageBody: jsii.String(`{"message":"Not Found"}`),
			},
		}},
	})
	out.ListenerArn = listener.Arn()

	// EDGE-4: the traffic split. Changing the weights updates this rule in place and nothing
	// else (weighted_forward_test.go).
	stickiness := &lblistenerrule.LbListenerRuleActionForwardStickiness{Enabled: jsii.Bool(false), Duration: jsii.Number(1)}
	if cfg.Traffic.StickinessSeconds > 0 {
		stickiness = &lblistenerrule.LbListenerRuleActionForwardStickiness{
			Enabled: jsii.Bool(true), Duration: jsii.Number(float64(cfg.Traffic.StickinessSeconds)),
		}
	}
	lblistenerrule.NewLbListenerRule(c, jsii.String("weighted-forward"), &lblistenerrule.LbListenerRuleConfig{
		ListenerArn: listener.Arn(),
		Priority:    jsii.Number(100),
		Condition: []*lblistenerrule.LbListenerRuleCondition{{
			PathPattern: &lblistenerrule.LbListenerRuleConditionPathPattern{Values: jsii.Strings("/*")},
		}},
		Action: []*lblistenerrule.LbListenerRuleAction{{
			Type:    jsii.String("forward"),
			Forward: &lblistenerrule.LbListenerRuleActionForward{TargetGroup: forward, Stickiness: stickiness},
		}},
	})
	return out, nil
}
