// Package cdn is the CloudFront distribution of the React frontend (EDGE-1): the private
// assets bucket through origin access control, /api/* to the HTTP API, security headers,
// the SPA fallback, WAF, and access logs delivered to the logs bucket in Jakarta.
package cdn

import (
	_ "embed"
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontdistribution"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontfunction"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontoriginaccesscontrol"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontresponseheaderspolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchlogdelivery"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchlogdeliverydestination"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchlogdeliverysource"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/constructs/iampolicy"
)

// SpaFallback is the viewer-request function that serves index.html for the app's routes.
//
//go:embed spa-fallback.js
var SpaFallback string

// TLS: viewers need TLS 1.2 or later with the 2021 cipher suites; CloudFront speaks only
// TLS 1.2 to the API origin.
const (
	MinimumProtocolVersion = "TLSv1.2_2021"
	OriginSSLProtocol      = "TLSv1.2"
)

// AWS managed cache and origin request policies, by their fixed IDs.
const (
	CachingOptimized          = "658327ea-f89d-4fab-a63d-7e88639e58f6"
	CachingDisabled           = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
	AllViewerExceptHostHeader = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
)

// HSTSMaxAgeSeconds is two years, the preload list's requirement.
const HSTSMaxAgeSeconds = 63072000

// Origin IDs.
const (
	AssetsOrigin = "assets"
	APIOrigin    = "api"
)

// APIPathPattern goes to the HTTP API; everything else is the frontend.
const APIPathPattern = "/api/*"

// Config is the distribution of one environment.
type Config struct {
	Name string
	// Domain is the frontend's name; CertificateArn its certificate in us-east-1.
	Domain         string
	CertificateArn *string
	WebAclArn      *string
	PriceClass     string
	// AssetsBucketDomain is the assets bucket's regional domain name.
	AssetsBucketDomain *string
	// APIDomain is the HTTP API's custom domain.
	APIDomain string
	// LogsBucketArn receives the access logs under LogPrefix, through CloudWatch Logs'
	// delivery (standard logging v2), whose objects for CloudFront live in us-east-1:
	// GlobalProvider.
	LogsBucketArn  *string
	LogPrefix      string
	GlobalProvider cdktf.TerraformProvider
}

// Output is the distribution.
type Output struct {
	ID, Arn, DomainName, HostedZoneID *string
	// AssetsReadStatement belongs in the assets bucket's policy: this distribution, and no
	// other, may read the bucket.
	AssetsReadStatement func(bucketArn *string) iampolicy.Statement
}

// New builds the distribution.
func New(scope constructs.Construct, id string, cfg Config) (*Output, error) {
	if cfg.Name == "" || cfg.Domain == "" || cfg.CertificateArn == nil || cfg.WebAclArn == nil || cfg.PriceClass == "" ||
		cfg.AssetsBucketDomain == nil || cfg.APIDomain == "" || cfg.LogsBucketArn == nil || cfg.LogPrefix == "" || cfg.GlobalProvider == nil {
		return nil, fmt.Errorf("cdn %s: Name, Domain, CertificateArn, WebAclArn, PriceClass, AssetsBucketDomain, APIDomain, LogsBucketArn, LogPrefix and GlobalProvider are required", id)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	oac := cloudfrontoriginaccesscontrol.NewCloudfrontOriginAccessControl(c, jsii.String("origin-access-control"), &cloudfrontoriginaccesscontrol.CloudfrontOriginAccessControlConfig{
		Name:                          jsii.String(cfg.Name + "-assets"),
		Description:                   jsii.String("CloudFront signs every request to the private assets bucket"),
		OriginAccessControlOriginType: jsii.String("s3"),
		SigningBehavior:               jsii.String("always"),
		SigningProtocol:               jsii.String("sigv4"),
	})
	headers := newSecurityHeaders(c, cfg.Name)
	spa := cloudfrontfunction.NewCloudfrontFunction(c, jsii.String("spa-fallback"), &cloudfrontfunction.CloudfrontFunctionConfig{
		Name:    jsii.String(cfg.Name + "-spa-fallback"),
		Runtime: jsii.String("cloudfront-js-2.0"),
		Comment: jsii.String("Serves index.html for the React app's routes (EDGE-1)"),
		Code:    jsii.String(SpaFallback),
		Publish: jsii.Bool(true),
	})

	read := jsii.Strings("GET", "HEAD")
	distribution := cloudfrontdistribution.NewCloudfrontDistribution(c, jsii.String("distribution"), &cloudfrontdistribution.CloudfrontDistributionConfig{
		Enabled:           jsii.Bool(true),
		Comment:           jsii.String(cfg.Name + " frontend and API"),
		Aliases:           jsii.Strings(cfg.Domain),
		DefaultRootObject: jsii.String("index.html"),
		HttpVersion:       jsii.String("http2and3"),
		IsIpv6Enabled:     jsii.Bool(true),
		PriceClass:        jsii.String(cfg.PriceClass),
		WebAclId:          cfg.WebAclArn,
		ViewerCertificate: &cloudfrontdistribution.CloudfrontDistributionViewerCertificate{
			AcmCertificateArn:      cfg.CertificateArn,
			SslSupportMethod:       jsii.String("sni-only"),
			MinimumProtocolVersion: jsii.String(MinimumProtocolVersion),
		},
		Origin: []*cloudfrontdistribution.CloudfrontDistributionOrigin{{
			OriginId:              jsii.String(AssetsOrigin),
			DomainName:            cfg.AssetsBucketDomain,
			OriginAccessControlId: oac.Id(),
		}, {
			OriginId:   jsii.String(APIOrigin),
			DomainName: jsii.String(cfg.APIDomain),
			CustomOriginConfig: &cloudfrontdistribution.CloudfrontDistributionOriginCustomOriginConfig{
				HttpPort: jsii.Number(80), HttpsPort: jsii.Number(443),
				OriginProtocolPolicy: jsii.String("https-only"),
				OriginSslProtocols:   jsii.Strings(OriginSSLProtocol),
			},
		}},
		DefaultCacheBehavior: &cloudfrontdistribution.CloudfrontDistributionDefaultCacheBehavior{
			TargetOriginId:          jsii.String(AssetsOrigin),
			ViewerProtocolPolicy:    jsii.String("redirect-to-https"),
			AllowedMethods:          read,
			CachedMethods:           read,
			Compress:                jsii.Bool(true),
			CachePolicyId:           jsii.String(CachingOptimized),
			ResponseHeadersPolicyId: headers.Id(),
			// The SPA fallback lives here, on the S3 origin only. custom_error_response
			// would apply to the whole distribution and turn the API's 403 and 404 into
			// index.html with 200.
			FunctionAssociation: []*cloudfrontdistribution.CloudfrontDistributionDefaultCacheBehaviorFunctionAssociation{{
				EventType: jsii.String("viewer-request"), FunctionArn: spa.Arn(),
			}},
		},
		OrderedCacheBehavior: []*cloudfrontdistribution.CloudfrontDistributionOrderedCacheBehavior{{
			PathPattern:    jsii.String(APIPathPattern),
			TargetOriginId: jsii.String(APIOrigin),
			// A redirect would drop the body of a POST: the API refuses plain HTTP instead.
			ViewerProtocolPolicy:    jsii.String("https-only"),
			AllowedMethods:          jsii.Strings("GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"),
			CachedMethods:           read,
			Compress:                jsii.Bool(true),
			CachePolicyId:           jsii.String(CachingDisabled),
			OriginRequestPolicyId:   jsii.String(AllViewerExceptHostHeader),
			ResponseHeadersPolicyId: headers.Id(),
		}},
		Restrictions: &cloudfrontdistribution.CloudfrontDistributionRestrictions{
			GeoRestriction: &cloudfrontdistribution.CloudfrontDistributionRestrictionsGeoRestriction{RestrictionType: jsii.String("none")},
		},
	})

	// Standard logging v2: the source and destination objects exist in us-east-1, where
	// CloudFront's logging is configured; the log files land in the logs bucket in Jakarta.
	source := cloudwatchlogdeliverysource.NewCloudwatchLogDeliverySource(c, jsii.String("log-source"), &cloudwatchlogdeliverysource.CloudwatchLogDeliverySourceConfig{
		Name: jsii.String(cfg.Name + "-cloudfront"), LogType: jsii.String("ACCESS_LOGS"), ResourceArn: distribution.Arn(),
		Provider: cfg.GlobalProvider,
	})
	destination := cloudwatchlogdeliverydestination.NewCloudwatchLogDeliveryDestination(c, jsii.String("log-destination"), &cloudwatchlogdeliverydestination.CloudwatchLogDeliveryDestinationConfig{
		Name:         jsii.String(cfg.Name + "-cloudfront-logs"),
		OutputFormat: jsii.String("json"),
		DeliveryDestinationConfiguration: []*cloudwatchlogdeliverydestination.CloudwatchLogDeliveryDestinationDeliveryDestinationConfiguration{{
			DestinationResourceArn: jsii.String(fmt.Sprintf("%s/%s", *cfg.LogsBucketArn, cfg.LogPrefix)),
		}},
		Provider: cfg.GlobalProvider,
	})
	cloudwatchlogdelivery.NewCloudwatchLogDelivery(c, jsii.String("log-delivery"), &cloudwatchlogdelivery.CloudwatchLogDeliveryConfig{
		DeliverySourceName: source.Name(), DeliveryDestinationArn: destination.Arn(),
		Provider: cfg.GlobalProvider,
	})

	arn := distribution.Arn()
	return &Output{
		ID: distribution.Id(), Arn: arn, DomainName: distribution.DomainName(), HostedZoneID: distribution.HostedZoneId(),
		AssetsReadStatement: func(bucketArn *string) iampolicy.Statement {
			return iampolicy.Statement{
				Sid:        "CloudFrontReadsAssets",
				Principals: []iampolicy.Principal{{Type: "Service", Identifiers: []*string{jsii.String("cloudfront.amazonaws.com")}}},
				Actions:    []string{"s3:GetObject"},
				Resources:  []*string{jsii.String(fmt.Sprintf("%s/*", *bucketArn))},
				Conditions: []iampolicy.Condition{{Test: "StringEquals", Variable: "AWS:SourceArn", Values: []*string{arn}}},
			}
		},
	}, nil
}

// newSecurityHeaders adds HSTS, nosniff, frame denial and a referrer policy to every
// response, overriding whatever the origin sent.
func newSecurityHeaders(scope constructs.Construct, name string) cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicy {
	return cloudfrontresponseheaderspolicy.NewCloudfrontResponseHeadersPolicy(scope, jsii.String("security-headers"), &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicyConfig{
		Name:    jsii.String(name + "-security-headers"),
		Comment: jsii.String("HSTS, nosniff, DENY framing, strict-origin-when-cross-origin (EDGE-1)"),
		SecurityHeadersConfig: &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicySecurityHeadersConfig{
			StrictTransportSecurity: &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicySecurityHeadersConfigStrictTransportSecurity{
				AccessControlMaxAgeSec: jsii.Number(HSTSMaxAgeSeconds), IncludeSubdomains: jsii.Bool(true), Preload: jsii.Bool(true), Override: jsii.Bool(true),
			},
			ContentTypeOptions: &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicySecurityHeadersConfigContentTypeOptions{Override: jsii.Bool(true)},
			FrameOptions: &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicySecurityHeadersConfigFrameOptions{
				FrameOption: jsii.String("DENY"), Override: jsii.Bool(true),
			},
			ReferrerPolicy: &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicySecurityHeadersConfigReferrerPolicy{
				ReferrerPolicy: jsii.String("strict-origin-when-cross-origin"), Override: jsii.Bool(true),
			},
		},
	})
}
