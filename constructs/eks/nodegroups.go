package eks

import (
	"fmt"
	"slices"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/eksnodegroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/launchtemplate"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/config"
	"github.com/smile/infra/constructs/iamrole"
)

// NodeRolePolicies are the only managed policies the node role has. The VPC CNI, the CSI
// drivers and the CloudWatch agent run with their own IRSA roles, not these (SEC-2).
var NodeRolePolicies = []string{
	"arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
	// Pull-only: nodes need no describe or list rights on the registry.
	"arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
	// SEC-6: Patch Manager and Session Manager reach the nodes through the SSM agent.
	"arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
}

// IMDSHopLimit 1 keeps the instance metadata service (and with it the node role's
// credentials) out of reach of pods on the pod network, which are one hop further away:
// every pod that calls AWS must use its own IRSA role. Host-network pods (the VPC CNI,
// kube-proxy) still reach it. Controllers that would discover region or VPC from the
// metadata service (the AWS Load Balancer Controller) must be given them explicitly.
const IMDSHopLimit = 1

// AMI types of AL2023 (EKS-4: AL2 is not published for current Kubernetes versions).
const (
	AMIStandard = "AL2023_x86_64_STANDARD"
	AMINvidia   = "AL2023_x86_64_NVIDIA"
)

// nodeGroups creates the node role and one launch template and managed node group per
// configured group. They wait for dependsOn (the add-ons nodes need to become ready).
func nodeGroups(scope constructs.Construct, cfg Config, clusterName *string, nodeSG *string, dependsOn []cdktf.ITerraformDependable) (roleArn *string, groups []cdktf.ITerraformDependable, err error) {
	role, err := iamrole.New(scope, "node-role", iamrole.Config{Name: cfg.Name + "-node", Service: "ec2.amazonaws.com", ManagedPolicyArns: NodeRolePolicies})
	if err != nil {
		return nil, nil, err
	}
	// Nodes join only with these policies, and must be gone before they are detached.
	dependsOn = append(dependsOn, role.Policies...)
	for _, g := range cfg.Cluster.ActiveNodeGroups() {
		groups = append(groups, nodeGroup(scope, cfg, clusterName, g, role.Arn, nodeSG, dependsOn))
	}
	return role.Arn, groups, nil
}

func nodeGroup(scope constructs.Construct, cfg Config, clusterName *string, g config.NodeGroup, roleArn, nodeSG *string, dependsOn []cdktf.ITerraformDependable) eksnodegroup.EksNodeGroup {
	name := fmt.Sprintf("%s-%s", cfg.Name, g.Name)
	tags := map[string]*string{"Name": jsii.String(name)}
	for k, v := range cfg.InstanceTags {
		tags[k] = jsii.String(v)
	}
	var tagSpecs []*launchtemplate.LaunchTemplateTagSpecifications
	for _, resourceType := range []string{"instance", "volume", "network-interface"} {
		tagSpecs = append(tagSpecs, &launchtemplate.LaunchTemplateTagSpecifications{ResourceType: jsii.String(resourceType), Tags: &tags})
	}
	lt := launchtemplate.NewLaunchTemplate(scope, jsii.String(g.Name+"-launch-template"), &launchtemplate.LaunchTemplateConfig{
		Name:                 jsii.String(name),
		Description:          jsii.String(fmt.Sprintf("EKS node group %s: IMDSv2, encrypted gp3 root volume", name)),
		UpdateDefaultVersion: jsii.Bool(true),
		// EKS-4: IMDSv2 only.
		MetadataOptions: &launchtemplate.LaunchTemplateMetadataOptions{
			HttpEndpoint:            jsii.String("enabled"),
			HttpTokens:              jsii.String("required"),
			HttpPutResponseHopLimit: jsii.Number(IMDSHopLimit),
			InstanceMetadataTags:    jsii.String("disabled"),
		},
		// EKS-4, RES-3: the root volume of AL2023, encrypted with the data key.
		BlockDeviceMappings: &[]*launchtemplate.LaunchTemplateBlockDeviceMappings{{
			DeviceName: jsii.String("/dev/xvda"),
			Ebs: &launchtemplate.LaunchTemplateBlockDeviceMappingsEbs{
				VolumeSize:          jsii.Number(float64(g.DiskGiB)),
				VolumeType:          jsii.String("gp3"),
				Encrypted:           jsii.String("true"),
				KmsKeyId:            cfg.NodeVolumeKeyArn,
				DeleteOnTermination: jsii.String("true"),
			},
		}},
		// With security groups in the launch template EKS attaches no group of its own:
		// the cluster's node group plus the application group (NET-5).
		VpcSecurityGroupIds: &[]*string{cfg.AppSecurityGroupID, nodeSG},
		TagSpecifications:   &tagSpecs,
		Tags:                &map[string]*string{"Name": jsii.String(name)},
	})

	ami := AMIStandard
	if g.GPU {
		ami = AMINvidia
	}
	labels := map[string]*string{}
	for k, v := range g.Labels {
		labels[k] = jsii.String(v)
	}
	var taints []*eksnodegroup.EksNodeGroupTaint
	for _, t := range g.Taints {
		taints = append(taints, &eksnodegroup.EksNodeGroupTaint{Key: jsii.String(t.Key), Value: jsii.String(t.Value), Effect: jsii.String(t.Effect)})
	}
	var taintsValue any
	if len(taints) > 0 {
		taintsValue = &taints
	}
	// COST-1: Spot groups draw on several instance types of one size (config.NodeGroup.Spot).
	capacity := "ON_DEMAND"
	if g.Spot {
		capacity = "SPOT"
	}
	return eksnodegroup.NewEksNodeGroup(scope, jsii.String(g.Name+"-node-group"), &eksnodegroup.EksNodeGroupConfig{
		ClusterName:   clusterName,
		NodeGroupName: jsii.String(name),
		NodeRoleArn:   roleArn,
		SubnetIds:     subnetsIn(cfg, g),
		AmiType:       jsii.String(ami),
		// Nodes follow the control plane: a Kubernetes upgrade updates the cluster first
		// (the group refers to it), then rolls each group onto the new version (LIFE-3).
		Version:       jsii.String(cfg.KubernetesVersion),
		CapacityType:  jsii.String(capacity),
		InstanceTypes: jsii.Strings(g.InstanceTypes...),
		ScalingConfig: &eksnodegroup.EksNodeGroupScalingConfig{
			MinSize: jsii.Number(float64(g.MinSize)), MaxSize: jsii.Number(float64(g.MaxSize)),
			DesiredSize: jsii.Number(float64(g.DesiredSize)),
		},
		// Rolling updates replace a third of the nodes at a time.
		UpdateConfig: &eksnodegroup.EksNodeGroupUpdateConfig{MaxUnavailablePercentage: jsii.Number(33)},
		LaunchTemplate: &eksnodegroup.EksNodeGroupLaunchTemplate{
			Id: lt.Id(), Version: cdktf.Token_AsString(lt.LatestVersion(), nil),
		},
		Labels: &labels,
		Taint:  taintsValue,
		Tags:   &map[string]*string{"Name": jsii.String(name)},
		// The desired size is only the size at creation: the cluster autoscaler owns it
		// afterwards, and a deploy must not scale a busy group back down.
		Lifecycle: &cdktf.TerraformResourceLifecycle{IgnoreChanges: jsii.Strings("scaling_config[0].desired_size")},
		DependsOn: &dependsOn,
	})
}

// subnetsIn are the private subnets in the zones the group launches in.
func subnetsIn(cfg Config, g config.NodeGroup) *[]*string {
	zones := g.ZonesIn(cfg.SubnetZones)
	var out []*string
	for i, id := range cfg.SubnetIDs {
		if i < len(cfg.SubnetZones) && slices.Contains(zones, cfg.SubnetZones[i]) {
			out = append(out, id)
		}
	}
	return &out
}
