package stacks

// GlobalRegion and GlobalProviderAlias: the second AWS provider, "aws.us-east-1" in the
// synthesized JSON (RES-2).
const (
	GlobalRegion        = "us-east-1"
	GlobalProviderAlias = "us-east-1"
)

// UsEast1Resource is one resource type allowed on the us-east-1 provider, and why.
type UsEast1Resource struct {
	Type   string
	Reason string
}

// UsEast1Resources is the one list of what the platform creates outside Jakarta (RES-2).
// All of it is control-plane configuration of CloudFront, a global service; no data, log
// group or bucket is among it. useast1_test.go fails if any other resource type uses the
// provider, in any environment.
//
// Not on the list, on purpose: logging of the CloudFront web ACL. WAF delivers a CLOUDFRONT
// ACL's logs only to a log group, bucket or stream in us-east-1, and RES-2 allows none
// there, so that ACL has no logging and its sampled requests (which hold request headers)
// are off; its CloudWatch metrics (counts only) stay on. The same requests are in the
// CloudFront access logs in Jakarta, and every /api/* request is logged again by the load
// balancer's web ACL, whose log group is in Jakarta.
var UsEast1Resources = []UsEast1Resource{
	{"aws_acm_certificate", "CloudFront uses certificates from ACM in us-east-1 only"},
	{"aws_acm_certificate_validation", "waits for that certificate, in its region"},
	{"aws_wafv2_web_acl", "a web ACL of scope CLOUDFRONT exists only in us-east-1"},
	{"aws_cloudwatch_log_delivery_source", "CloudFront standard logging (v2) is configured in us-east-1; the files land in the Jakarta logs bucket"},
	{"aws_cloudwatch_log_delivery_destination", "the Jakarta logs bucket, as a delivery destination of that configuration"},
	{"aws_cloudwatch_log_delivery", "joins that source and destination"},
}
