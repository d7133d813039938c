package kubeplatform

import (
	"fmt"

	"github.com/aws/jsii-runtime-go"

	"github.com/smile/infra/constructs/iampolicy"
)

// ClusterTag is the tag the load balancer controller puts on everything it creates, with
// the cluster's name as value; its policy lets it change only what carries this cluster's.
const ClusterTag = "elbv2.k8s.aws/cluster"

// policy is the IRSA policy of a release's service account: inline statements, managed
// policy ARNs. Least privilege, after the upstream projects' reference policies (the load
// balancer controller's iam_policy.json, the cluster autoscaler's AWS README), narrowed
// to this cluster by tag conditions and to this account and region by ARN.
func (p *platform) policy(name string) ([]iampolicy.Statement, []string) {
	switch name {
	case LoadBalancerController:
		return p.loadBalancerControllerPolicy(), nil
	case ClusterAutoscaler:
		return p.clusterAutoscalerPolicy(), nil
	case FluentBit:
		return []iampolicy.Statement{{
			Sid:       "WriteContainerLogs",
			Actions:   []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
			Resources: []*string{p.containerLogGroupArn, jsii.String(*p.containerLogGroupArn + ":log-stream:*")},
		}}, nil
	case AdotCollector:
		// X-Ray has no resource-level permissions: the AWS-managed write-only policy is
		// exactly PutTraceSegments, PutTelemetryRecords and the sampling reads.
		return nil, []string{"arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"}
	}
	return nil, nil
}

func (p *platform) arn(service, resource string) *string {
	return jsii.String(fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, p.cfg.Region, *p.cfg.AccountID, resource))
}

// tagIs is a condition that a tag key equals this cluster's name.
func (p *platform) tagIs(variable string) iampolicy.Condition {
	return iampolicy.Condition{Test: "StringEquals", Variable: variable, Values: []*string{jsii.String(p.cfg.ClusterName)}}
}

func (p *platform) loadBalancerControllerPolicy() []iampolicy.Statement {
	everything := []*string{jsii.String("*")}
	loadBalancers := []*string{
		p.arn("elasticloadbalancing", "targetgroup/*/*"),
		p.arn("elasticloadbalancing", "loadbalancer/app/*/*"),
		p.arn("elasticloadbalancing", "loadbalancer/net/*/*"),
	}
	listeners := []*string{
		p.arn("elasticloadbalancing", "listener/app/*/*/*"),
		p.arn("elasticloadbalancing", "listener/net/*/*/*"),
		p.arn("elasticloadbalancing", "listener-rule/app/*/*/*"),
		p.arn("elasticloadbalancing", "listener-rule/net/*/*/*"),
	}
	securityGroups := []*string{p.arn("ec2", "security-group/*")}
	owned := p.tagIs("aws:ResourceTag/" + ClusterTag)
	tagging := p.tagIs("aws:RequestTag/" + ClusterTag)
	return []iampolicy.Statement{{
		Sid:     "ServiceLinkedRole",
		Actions: []string{"iam:CreateServiceLinkedRole"},
		Resources: []*string{jsii.String(fmt.Sprintf(
			"arn:aws:iam::%s:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing", *p.cfg.AccountID))},
		Conditions: []iampolicy.Condition{{Test: "StringEquals", Variable: "iam:AWSServiceName", Values: values("elasticloadbalancing.amazonaws.com")}},
	}, {
		// Describe calls support no resource-level permissions.
		Sid: "Read",
		Actions: []string{
			"ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeAvailabilityZones",
			"ec2:DescribeInternetGateways", "ec2:DescribeVpcs", "ec2:DescribeVpcPeeringConnections",
			"ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeInstances",
			"ec2:DescribeNetworkInterfaces", "ec2:DescribeTags", "ec2:DescribeRouteTables",
			"ec2:GetSecurityGroupsForVpc", "ec2:DescribeIpamPools",
			"elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes",
			"elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerCertificates",
			"elasticloadbalancing:DescribeListenerAttributes", "elasticloadbalancing:DescribeSSLPolicies",
			"elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups",
			"elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTargetHealth",
			"elasticloadbalancing:DescribeTags", "elasticloadbalancing:DescribeTrustStores",
			"elasticloadbalancing:DescribeCapacityReservation",
			"acm:ListCertificates",
		},
		Resources: everything,
	}, {
		Sid:       "ReadCertificates",
		Actions:   []string{"acm:DescribeCertificate"},
		Resources: []*string{p.arn("acm", "certificate/*")},
	}, {
		// In this cluster's VPC only; the group is tagged in the same call (below).
		Sid:       "CreateSecurityGroups",
		Actions:   []string{"ec2:CreateSecurityGroup"},
		Resources: []*string{securityGroups[0], p.arn("ec2", "vpc/"+*p.cfg.VpcID)},
	}, {
		Sid:       "TagNewSecurityGroups",
		Actions:   []string{"ec2:CreateTags"},
		Resources: securityGroups,
		Conditions: []iampolicy.Condition{
			{Test: "StringEquals", Variable: "ec2:CreateAction", Values: values("CreateSecurityGroup")}, tagging,
		},
	}, {
		Sid:        "ManageOwnSecurityGroups",
		Actions:    []string{"ec2:CreateTags", "ec2:DeleteTags", "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"},
		Resources:  securityGroups,
		Conditions: []iampolicy.Condition{owned},
	}, {
		Sid:        "CreateOwnLoadBalancers",
		Actions:    []string{"elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"},
		Resources:  loadBalancers,
		Conditions: []iampolicy.Condition{tagging},
	}, {
		Sid:       "TagOnCreate",
		Actions:   []string{"elasticloadbalancing:AddTags"},
		Resources: loadBalancers,
		Conditions: []iampolicy.Condition{
			{Test: "StringEquals", Variable: "elasticloadbalancing:CreateAction", Values: values("CreateTargetGroup", "CreateLoadBalancer")}, tagging,
		},
	}, {
		Sid: "ManageOwnLoadBalancers",
		Actions: []string{
			"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags",
			"elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetIpAddressType",
			"elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets",
			"elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyTargetGroup",
			"elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup",
			"elasticloadbalancing:ModifyListenerAttributes", "elasticloadbalancing:ModifyCapacityReservation",
		},
		Resources:  loadBalancers,
		Conditions: []iampolicy.Condition{owned},
	}, {
		Sid: "ManageOwnListeners",
		Actions: []string{
			"elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener",
			"elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule",
			"elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyRule",
			"elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:RemoveListenerCertificates",
			"elasticloadbalancing:SetRulePriorities",
		},
		Resources:  append(listeners, loadBalancers[1:]...),
		Conditions: []iampolicy.Condition{owned},
	}, {
		// TargetGroupBinding: pods register into target groups Terraform owns (the ALB's
		// blue and green groups, EDGE-4), which carry no controller tag. Registration is
		// all it may do to them.
		Sid:       "RegisterPods",
		Actions:   []string{"elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"},
		Resources: []*string{p.arn("elasticloadbalancing", "targetgroup/*/*")},
	}}
}

func (p *platform) clusterAutoscalerPolicy() []iampolicy.Statement {
	return []iampolicy.Statement{{
		Sid: "Read",
		Actions: []string{
			"autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances",
			"autoscaling:DescribeLaunchConfigurations", "autoscaling:DescribeScalingActivities",
			"autoscaling:DescribeTags", "ec2:DescribeImages", "ec2:DescribeInstanceTypes",
			"ec2:DescribeLaunchTemplateVersions", "ec2:GetInstanceTypesFromInstanceRequirements",
		},
		Resources: []*string{jsii.String("*")},
	}, {
		Sid:       "ReadNodeGroups",
		Actions:   []string{"eks:DescribeNodegroup"},
		Resources: []*string{p.arn("eks", fmt.Sprintf("nodegroup/%s/*/*", p.cfg.ClusterName))},
	}, {
		// EKS tags every managed node group's Auto Scaling group with
		// k8s.io/cluster-autoscaler/<cluster>=owned: only those may be resized.
		Sid:       "ResizeOwnNodeGroups",
		Actions:   []string{"autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"},
		Resources: []*string{p.arn("autoscaling", "autoScalingGroup:*:autoScalingGroupName/*")},
		Conditions: []iampolicy.Condition{{
			Test: "StringEquals", Variable: "aws:ResourceTag/k8s.io/cluster-autoscaler/" + p.cfg.ClusterName, Values: values("owned"),
		}},
	}}
}

func values(vs ...string) []*string { return *jsii.Strings(vs...) }
