// Package apigateway is the HTTP API in front of the microservices (EDGE-5): a VPC link
// into the private subnets, one proxy integration to the internal load balancer's
// listener, an access-logged and throttled stage, and the api.<domain> custom domain.
package apigateway

import (
	"encoding/json"
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/apigatewayv2api"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/apigatewayv2apimapping"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/apigatewayv2domainname"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/apigatewayv2integration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/apigatewayv2route"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/apigatewayv2stage"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/apigatewayv2vpclink"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/config"
	"github.com/smile/infra/constructs/loggroup"
)

// AccessLogFields are the stage's JSON access log: who called what, the answer, and how
// long the integration took. Request and response bodies are never logged.
var AccessLogFields = map[string]string{
	"requestId":          "$context.requestId",
	"requestTime":        "$context.requestTime",
	"ip":                 "$context.identity.sourceIp",
	"userAgent":          "$context.identity.userAgent",
	"httpMethod":         "$context.httpMethod",
	"path":               "$context.path",
	"routeKey":           "$context.routeKey",
	"protocol":           "$context.protocol",
	"status":             "$context.status",
	"responseLength":     "$context.responseLength",
	"integrationStatus":  "$context.integration.status",
	"integrationLatency": "$context.integration.latency",
	"integrationError":   "$context.integration.error",
}

// Config is the API of one environment.
type Config struct {
	Name string
	// Domain is the custom domain (api.<environment domain>) and CertificateArn its
	// regional certificate.
	Domain         string
	CertificateArn *string
	// SubnetIDs and SecurityGroupID place the VPC link's network interfaces.
	SubnetIDs       []*string
	SecurityGroupID *string
	// ListenerArn is the internal load balancer's HTTPS listener; ListenerHostname the
	// name its certificate is for, which API Gateway verifies.
	ListenerArn      *string
	ListenerHostname string
	Throttling       config.Api
	LogsKeyArn       *string
	LogRetentionDays int
}

// Output is what DNS and CloudFront need.
type Output struct {
	ApiID *string
	// TargetDomainName and TargetZoneID are the custom domain's regional endpoint, for the
	// alias records.
	TargetDomainName, TargetZoneID *string
	AccessLogGroup                 *string
}

// New builds the API.
func New(scope constructs.Construct, id string, cfg Config) (*Output, error) {
	if cfg.Name == "" || cfg.Domain == "" || cfg.CertificateArn == nil || len(cfg.SubnetIDs) == 0 || cfg.SecurityGroupID == nil ||
		cfg.ListenerArn == nil || cfg.ListenerHostname == "" || cfg.LogsKeyArn == nil {
		return nil, fmt.Errorf("apigateway %s: Name, Domain, CertificateArn, SubnetIDs, SecurityGroupID, ListenerArn, ListenerHostname and LogsKeyArn are required", id)
	}
	format, err := json.Marshal(AccessLogFields)
	if err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	api := apigatewayv2api.NewApigatewayv2Api(c, jsii.String("api"), &apigatewayv2api.Apigatewayv2ApiConfig{
		Name:         jsii.String(cfg.Name),
		ProtocolType: jsii.String("HTTP"),
		Description:  jsii.String("SMILE microservices behind the internal load balancer (EDGE-5)"),
		// Only the custom domain answers, so every request comes through the name the
		// certificate, DNS and CloudFront know.
		DisableExecuteApiEndpoint: jsii.Bool(true),
		IpAddressType:             jsii.String("dualstack"),
	})
	link := apigatewayv2vpclink.NewApigatewayv2VpcLink(c, jsii.String("vpc-link"), &apigatewayv2vpclink.Apigatewayv2VpcLinkConfig{
		Name:             jsii.String(cfg.Name),
		SubnetIds:        &cfg.SubnetIDs,
		SecurityGroupIds: &[]*string{cfg.SecurityGroupID},
	})
	integration := apigatewayv2integration.NewApigatewayv2Integration(c, jsii.String("load-balancer"), &apigatewayv2integration.Apigatewayv2IntegrationConfig{
		ApiId:             api.Id(),
		IntegrationType:   jsii.String("HTTP_PROXY"),
		IntegrationMethod: jsii.String("ANY"),
		ConnectionType:    jsii.String("VPC_LINK"),
		ConnectionId:      link.Id(),
		IntegrationUri:    cfg.ListenerArn,
		// HTTPS to the listener, with its certificate checked against this name (RES-3).
		TlsConfig:            &apigatewayv2integration.Apigatewayv2IntegrationTlsConfig{ServerNameToVerify: jsii.String(cfg.ListenerHostname)},
		PayloadFormatVersion: jsii.String("1.0"),
		TimeoutMilliseconds:  jsii.Number(29000),
	})
	apigatewayv2route.NewApigatewayv2Route(c, jsii.String("default-route"), &apigatewayv2route.Apigatewayv2RouteConfig{
		ApiId:    api.Id(),
		RouteKey: jsii.String("$default"),
		Target:   jsii.String(fmt.Sprintf("integrations/%s", *integration.Id())),
	})

	logs := loggroup.New(c, "access-logs", loggroup.Config{
		Name: cfg.Name + "-access", KeyArn: cfg.LogsKeyArn, RetentionDays: cfg.LogRetentionDays,
	})
	stage := apigatewayv2stage.NewApigatewayv2Stage(c, jsii.String("stage"), &apigatewayv2stage.Apigatewayv2StageConfig{
		ApiId:      api.Id(),
		Name:       jsii.String("$default"),
		AutoDeploy: jsii.Bool(true),
		AccessLogSettings: &apigatewayv2stage.Apigatewayv2StageAccessLogSettings{
			DestinationArn: logs.Arn(), Format: jsii.String(string(format)),
		},
		DefaultRouteSettings: &apigatewayv2stage.Apigatewayv2StageDefaultRouteSettings{
			ThrottlingBurstLimit:   jsii.Number(float64(cfg.Throttling.ThrottlingBurstLimit)),
			ThrottlingRateLimit:    jsii.Number(cfg.Throttling.ThrottlingRateLimit),
			DetailedMetricsEnabled: jsii.Bool(true),
		},
	})

	domain := apigatewayv2domainname.NewApigatewayv2DomainName(c, jsii.String("domain"), &apigatewayv2domainname.Apigatewayv2DomainNameConfig{
		DomainName: jsii.String(cfg.Domain),
		DomainNameConfiguration: &apigatewayv2domainname.Apigatewayv2DomainNameDomainNameConfiguration{
			CertificateArn: cfg.CertificateArn,
			EndpointType:   jsii.String("REGIONAL"),
			SecurityPolicy: jsii.String("TLS_1_2"),
			IpAddressType:  jsii.String("dualstack"),
		},
	})
	apigatewayv2apimapping.NewApigatewayv2ApiMapping(c, jsii.String("mapping"), &apigatewayv2apimapping.Apigatewayv2ApiMappingConfig{
		// The name, not a reference: the same value, and the emulator can leave the domain out.
		ApiId: api.Id(), DomainName: jsii.String(cfg.Domain), Stage: stage.Id(),
		DependsOn: &[]cdktf.ITerraformDependable{domain},
	})
	target := domain.DomainNameConfiguration()
	return &Output{
		ApiID:            api.Id(),
		TargetDomainName: target.TargetDomainName(),
		TargetZoneID:     target.HostedZoneId(),
		AccessLogGroup:   logs.Name(),
	}, nil
}
