package stacks

import (
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawsec2managedprefixlist"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/config"
)

// cloudFrontPrefixList looks up the CloudFront origin-facing prefix list when the load
// balancer should only accept CloudFront (NET-5); nil otherwise.
func cloudFrontPrefixList(stack cdktf.TerraformStack, env config.Environment) *string {
	if env.Network.AlbIngress != config.AlbIngressCloudFront {
		return nil
	}
	list := dataawsec2managedprefixlist.NewDataAwsEc2ManagedPrefixList(stack, jsii.String("cloudfront-origin-facing"),
		&dataawsec2managedprefixlist.DataAwsEc2ManagedPrefixListConfig{
			Name: jsii.String("com.amazonaws.global.cloudfront.origin-facing"),
		})
	return list.Id()
}
