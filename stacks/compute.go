package stacks

import (
	"github.com/aws/jsii-runtime-go"

	"github.com/smile/infra/config"
	"github.com/smile/infra/constructs/bastion"
	"github.com/smile/infra/constructs/cirunner"
	"github.com/smile/infra/constructs/ecr"
	"github.com/smile/infra/constructs/eks"
	"github.com/smile/infra/constructs/network"
)

// clusters are the two EKS clusters, for the Kubernetes platform tier.
type clusters struct {
	app, data *eks.Output
	// adminRole is the environment's cluster-admin role; vpcID the clusters' VPC.
	adminRole, vpcID *string
}

// compute wires the bastion, the application and data clusters (whose private API the
// bastion and the CI runner reach) and the image registry
// (EKS-1 … EKS-6, CMP-1, CMP-2).
func (b *builder) compute(net *network.Output, k *keys, runner *cirunner.Output) *clusters {
	if !b.ok() {
		return nil
	}
	env, comp := b.env, b.env.Compute

	host, err := bastion.New(b.stack, "bastion", bastion.Config{
		Bastion: comp.Bastion, Name: env.Prefix() + "-bastion", Region: env.Region, AccountID: k.accountID,
		VpcID: net.VpcID, VpcCidr: net.VpcCidr, S3PrefixListID: net.S3PrefixListID, SubnetID: net.PrivateSubnetIDs[0],
		VolumeKeyArn: k.data.Arn, LogsKeyArn: k.logs.Arn, LogRetentionDays: env.Observability.LogRetentionDays,
		PatchGroup: bastionPatchGroup(env),
	})
	b.fail(err)

	adminRole, err := eks.NewAdminRole(b.stack, "eks-admin", env.Prefix()+"-eks-admin", k.accountID)
	b.fail(err)
	if !b.ok() {
		return nil
	}
	admins := []eks.Admin{{Key: "environment", Arn: adminRole}}
	for _, arn := range comp.AdminRoleArns {
		admins = append(admins, eks.Admin{Key: eks.AdminKey(arn), Arn: jsii.String(arn)})
	}

	cluster := func(id, purpose string, c config.Cluster) *eks.Output {
		out, err := eks.New(b.stack, id, eks.Config{
			Name: env.Prefix() + "-" + purpose, KubernetesVersion: comp.KubernetesVersion, Cluster: c, Addons: comp.Addons,
			VpcID: net.VpcID, SubnetIDs: net.PrivateSubnetIDs, SubnetZones: b.env.AvailabilityZones, AppSecurityGroupID: net.SecurityGroups.App,
			APIClients:          []eks.APIClient{{Name: "bastion", SecurityGroupID: host.SecurityGroupID}, {Name: "ci-runner", SecurityGroupID: runner.SecurityGroupID}},
			PublicEndpointCidrs: comp.PublicEndpointCidrs, Admins: admins,
			Viewers:       []eks.Admin{{Key: "ci-plan", Arn: jsii.String(env.Delivery.PlanRoleArn)}},
			SecretsKeyArn: k.eksSecrets.Arn, LogsKeyArn: k.logs.Arn, LogRetentionDays: env.Observability.LogRetentionDays,
			NodeVolumeKeyArn: k.data.Arn, InstanceTags: env.Tags(),
		})
		b.fail(err)
		return out
	}
	out := &clusters{app: cluster("app-cluster", "app", comp.Application), data: cluster("data-cluster", "data", comp.Data),
		adminRole: adminRole, vpcID: net.VpcID}

	registry, err := ecr.New(b.stack, "ecr", ecr.Config{Prefix: env.Prefix(), Repositories: comp.EcrRepositories, KmsKeyArn: k.data.Arn})
	b.fail(err)
	if !b.ok() {
		return nil
	}

	b.output("eks_admin_role_arn", adminRole)
	for _, c := range []struct {
		name    string
		cluster *eks.Output
	}{{"app", out.app}, {"data", out.data}} {
		b.output(c.name+"_cluster_name", c.cluster.Name)
		b.output(c.name+"_cluster_endpoint", c.cluster.Endpoint)
		b.output(c.name+"_cluster_oidc_provider_arn", c.cluster.OIDC.ProviderArn)
	}
	b.output("bastion_instance_id", host.InstanceID)
	b.output("bastion_session_log_group", host.SessionLogGroupName)
	b.output("ecr_repository_urls", registry.RepositoryURLs)
	return out
}
