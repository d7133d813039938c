package network

import (
	"fmt"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcendpoint"
)

// interfaceEndpointServices are reached from the private subnets without the internet
// (NET-6): image pulls, credentials, logs, Session Manager, secrets, keys and queues.
var interfaceEndpointServices = []string{
	"ecr.api", "ecr.dkr", "sts", "logs", "ssm", "ssmmessages", "ec2messages",
	"secretsmanager", "kms", "sqs",
}

// NET-6
func newEndpoints(scope constructs.Construct, cfg Config, vpcID *string, net *Output) {
	routeTables := append(append([]*string{}, net.PrivateRouteTableIDs...), net.DatabaseRouteTableIDs...)
	s3 := vpcendpoint.NewVpcEndpoint(scope, jsii.String("s3-endpoint"), &vpcendpoint.VpcEndpointConfig{
		VpcId:           vpcID,
		ServiceName:     jsii.String(fmt.Sprintf("com.amazonaws.%s.s3", cfg.Region)),
		VpcEndpointType: jsii.String("Gateway"),
		RouteTableIds:   &routeTables,
		Tags:            &map[string]*string{"Name": jsii.String(cfg.Prefix + "-s3-endpoint")},
	})
	net.S3PrefixListID = s3.PrefixListId()
	// COST-1: each interface endpoint is billed per zone; InterfaceEndpointZones keeps the
	// first zones (all of them outside dev, NET-6); 0 means every zone.
	subnets := net.PrivateSubnetIDs
	if z := cfg.InterfaceEndpointZones; z > 0 && z < len(subnets) {
		subnets = subnets[:z]
	}
	for _, service := range interfaceEndpointServices {
		key := strings.ReplaceAll(service, ".", "-")
		vpcendpoint.NewVpcEndpoint(scope, jsii.String(key+"-endpoint"), &vpcendpoint.VpcEndpointConfig{
			VpcId:             vpcID,
			ServiceName:       jsii.String(fmt.Sprintf("com.amazonaws.%s.%s", cfg.Region, service)),
			VpcEndpointType:   jsii.String("Interface"),
			PrivateDnsEnabled: jsii.Bool(true),
			SubnetIds:         &subnets,
			SecurityGroupIds:  &[]*string{net.SecurityGroups.Endpoints},
			Tags:              &map[string]*string{"Name": jsii.String(cfg.Prefix + "-" + key + "-endpoint")},
		})
	}
}
