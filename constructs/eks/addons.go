package eks

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/eksaddon"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/config"
	"github.com/smile/infra/constructs/iampolicy"
)

// addonIdentity is the service account an add-on calls AWS as, and what it may do.
type addonIdentity struct {
	Namespace, ServiceAccount string
	ManagedPolicyArns         []string
	// volumeKey adds use of the node-volume key (for encrypted EBS volumes).
	volumeKey bool
}

// AddonIdentities are the add-ons that call AWS, each with its own IRSA role (EKS-6,
// SEC-2). coredns and kube-proxy call no AWS API.
var AddonIdentities = map[string]addonIdentity{
	config.AddonVpcCni: {Namespace: "kube-system", ServiceAccount: "aws-node",
		ManagedPolicyArns: []string{"arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"}},
	config.AddonEbsCsiDriver: {Namespace: "kube-system", ServiceAccount: "ebs-csi-controller-sa",
		ManagedPolicyArns: []string{"arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"}, volumeKey: true},
	config.AddonEfsCsiDriver: {Namespace: "kube-system", ServiceAccount: "efs-csi-controller-sa",
		ManagedPolicyArns: []string{"arn:aws:iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy"}},
	config.AddonCloudWatchObservability: {Namespace: "amazon-cloudwatch", ServiceAccount: "cloudwatch-agent",
		ManagedPolicyArns: []string{"arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy", "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"}},
}

// AddonConfiguration is the configuration of the add-ons that get one. Container logs go
// through the platform tier's Fluent Bit release, into a KMS-encrypted group with the
// environment's retention (OBS-1); the CloudWatch add-on's own Fluent Bit would ship every
// line a second time, into groups it creates unencrypted and keeps forever. The add-on
// keeps Container Insights metrics (OBS-4).
var AddonConfiguration = map[string]string{
	config.AddonCloudWatchObservability: `{"containerLogs":{"enabled":false}}`,
}

// beforeNodes are the add-ons a node needs to become Ready (pod networking and service
// routing); the others need running nodes to schedule their pods on.
var beforeNodes = []string{config.AddonVpcCni, config.AddonKubeProxy}

// addonRoles creates the IRSA role of every add-on that calls AWS.
func addonRoles(scope constructs.Construct, cfg Config, oidc OIDC) (map[string]*string, error) {
	roles := map[string]*string{}
	for _, name := range config.AddonNames() {
		identity, ok := AddonIdentities[name]
		if !ok {
			continue
		}
		var statements []iampolicy.Statement
		if identity.volumeKey {
			statements = volumeKeyStatements(cfg.NodeVolumeKeyArn)
		}
		role, err := NewIrsaRole(scope, name+"-irsa", IrsaRoleConfig{
			Name: cfg.Name + "-" + name, OIDC: oidc,
			Namespace: identity.Namespace, ServiceAccount: identity.ServiceAccount,
			ManagedPolicyArns: identity.ManagedPolicyArns, Statements: statements,
		})
		if err != nil {
			return nil, err
		}
		roles[name] = role.Arn
	}
	return roles, nil
}

// installAddons installs the named add-ons at their configured versions.
func installAddons(scope constructs.Construct, cfg Config, clusterName *string, roles map[string]*string, names []string, dependsOn []cdktf.ITerraformDependable) []cdktf.ITerraformDependable {
	var out []cdktf.ITerraformDependable
	for _, name := range names {
		out = append(out, eksaddon.NewEksAddon(scope, jsii.String(name+"-addon"), &eksaddon.EksAddonConfig{
			ClusterName:           clusterName,
			AddonName:             jsii.String(name),
			AddonVersion:          jsii.String(cfg.Addons[name]),
			ServiceAccountRoleArn: roles[name],
			ConfigurationValues:   optional(AddonConfiguration[name]),
			// OVERWRITE on create: a fresh cluster may already run a self-managed copy, which
			// the managed add-on takes over. OVERWRITE on update: the add-on's settings live
			// in this repository; a change made with kubectl is drift that an upgrade
			// reverts instead of carrying it forward unreviewed.
			ResolveConflictsOnCreate: jsii.String("OVERWRITE"),
			ResolveConflictsOnUpdate: jsii.String("OVERWRITE"),
			DependsOn:                &dependsOn,
		}))
	}
	return out
}

// optional is nil for the empty string, so the attribute stays unset.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return jsii.String(s)
}

// volumeKeyStatements let the EBS CSI driver create and attach volumes encrypted with the
// key: EC2 uses it through grants, and only grants for AWS resources are allowed.
func volumeKeyStatements(keyArn *string) []iampolicy.Statement {
	return []iampolicy.Statement{{
		Sid:       "UseVolumeKey",
		Actions:   []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"},
		Resources: []*string{keyArn},
	}, {
		Sid:        "GrantVolumeKeyToEc2",
		Actions:    []string{"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"},
		Resources:  []*string{keyArn},
		Conditions: []iampolicy.Condition{{Test: "Bool", Variable: "kms:GrantIsForAWSResource", Values: []*string{jsii.String("true")}}},
	}}
}
