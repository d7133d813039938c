// Package eks builds one EKS cluster with everything AWS-side it needs: the control plane
// (private endpoint, KMS-encrypted secrets, every log type to an encrypted log group,
// access entries), its security groups, the OIDC provider for IRSA, managed node groups
// through launch templates, and the managed add-ons with their own IRSA roles
// (EKS-1 … EKS-6). The application and the data cluster are both built by New.
package eks

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/eksaccessentry"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/eksaccesspolicyassociation"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ekscluster"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamopenidconnectprovider"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/config"
	"github.com/smile/infra/constructs/iampolicy"
	"github.com/smile/infra/constructs/iamrole"
	"github.com/smile/infra/constructs/loggroup"
	"github.com/smile/infra/constructs/sgrule"
)

// ControlPlaneLogTypes are all the control-plane logs EKS can send to CloudWatch (EKS-5).
var ControlPlaneLogTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

// ClusterAdminPolicyArn is the EKS access policy that makes a principal cluster-admin.
const ClusterAdminPolicyArn = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

// AdminViewPolicyArn is the EKS access policy that lets a principal read every object,
// Secrets included, and change none.
const AdminViewPolicyArn = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy"

// APIClient is a security group whose members may call the private API endpoint.
type APIClient struct {
	// Name keys the rule's logical ID, e.g. "bastion".
	Name            string
	SecurityGroupID *string
}

// Admin is an IAM role that gets cluster-admin.
type Admin struct {
	// Key names the access entry's logical ID; it must not change while the role stays.
	Key string
	Arn *string
}

// AdminKey is a stable key for a role ARN known at synth time:
// arn:aws:iam::1:role/ops/Admin -> ops-Admin.
func AdminKey(arn string) string {
	_, name, _ := strings.Cut(arn, ":role/")
	return strings.Trim(nonKeyChars.ReplaceAllString(name, "-"), "-")
}

// Config is one cluster.
type Config struct {
	// Name of the cluster, e.g. smile5-dev-app (ENV-2); also the prefix of everything it owns.
	Name              string
	KubernetesVersion string
	Cluster           config.Cluster
	// Addons maps every add-on of config.AddonNames to its version.
	Addons map[string]string
	VpcID  *string
	// SubnetIDs are the private application subnets: control-plane ENIs and nodes (EKS-4);
	// SubnetZones is the zone of each, in the same order (a node group may use some zones).
	SubnetIDs   []*string
	SubnetZones []string
	// AppSecurityGroupID (NET-5) is attached to every node, so pods reach the data stores
	// and the load balancer reaches pods.
	AppSecurityGroupID *string
	// APIClients may reach the private API endpoint on 443 (the bastion).
	APIClients []APIClient
	// PublicEndpointCidrs opens the public endpoint to these networks; empty keeps it off.
	PublicEndpointCidrs []string
	// Admins become cluster-admin through access entries (EKS-5).
	Admins []Admin
	// Viewers may read every object and change none (the pull-request plans).
	Viewers []Admin
	// SecretsKeyArn envelope-encrypts Kubernetes secrets (SEC-1, EKS-5).
	SecretsKeyArn *string
	// LogsKeyArn encrypts the control-plane log group (RES-3).
	LogsKeyArn       *string
	LogRetentionDays int
	// NodeVolumeKeyArn encrypts node root volumes and EBS volumes the CSI driver creates.
	NodeVolumeKeyArn *string
	// InstanceTags tag the EC2 instances and volumes the node groups launch (the
	// provider's default tags reach only resources Terraform itself creates).
	InstanceTags map[string]string
}

// Output is what the Kubernetes platform tier and the stack outputs need of a cluster.
type Output struct {
	Name                        *string
	Arn                         *string
	Endpoint                    *string
	CertificateAuthorityData    *string
	OIDC                        OIDC
	NodeRoleArn                 *string
	NodeSecurityGroupID         *string
	ControlPlaneSecurityGroupID *string
	LogGroupName                *string
	// AddonRoleArns are the IRSA roles of the add-ons that call AWS, by add-on name.
	AddonRoleArns map[string]*string
	// AdminAccess is what must exist before an admin can call the Kubernetes API: the
	// access entries and their cluster-admin associations.
	AdminAccess []cdktf.ITerraformDependable
	// Nodes is what must exist before pods can run: the node groups and every add-on.
	Nodes []cdktf.ITerraformDependable
}

// New builds one cluster.
func New(scope constructs.Construct, id string, cfg Config) (*Output, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	out := &Output{}

	// EKS encrypts secrets with the key as the cluster role, through IAM (the key policy
	// delegates to IAM), and only this key.
	role, err := iamrole.New(c, "cluster-role", iamrole.Config{
		Name: cfg.Name + "-cluster", Service: "eks.amazonaws.com",
		ManagedPolicyArns: []string{"arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"},
		Statements: []iampolicy.Statement{{
			Sid:       "SecretsKey",
			Actions:   []string{"kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"},
			Resources: []*string{cfg.SecretsKeyArn},
		}},
	})
	if err != nil {
		return nil, err
	}

	// EKS-5: created before the cluster, with our key and retention; otherwise EKS creates
	// /aws/eks/<name>/cluster itself, unencrypted and kept forever.
	logGroup := loggroup.New(c, "control-plane-logs", loggroup.Config{Name: fmt.Sprintf("/aws/eks/%s/cluster", cfg.Name), KeyArn: cfg.LogsKeyArn, RetentionDays: cfg.LogRetentionDays})
	out.LogGroupName = logGroup.Name()

	controlPlaneSG, nodeSG := securityGroups(c, cfg)
	out.ControlPlaneSecurityGroupID, out.NodeSecurityGroupID = controlPlaneSG, nodeSG

	dependsOn := append([]cdktf.ITerraformDependable{logGroup}, role.Policies...)
	public := len(cfg.PublicEndpointCidrs) > 0
	vpcConfig := &ekscluster.EksClusterVpcConfig{
		SubnetIds:             &cfg.SubnetIDs,
		SecurityGroupIds:      &[]*string{controlPlaneSG},
		EndpointPrivateAccess: jsii.Bool(true),
		EndpointPublicAccess:  jsii.Bool(public),
	}
	if public {
		vpcConfig.PublicAccessCidrs = jsii.Strings(cfg.PublicEndpointCidrs...)
	}
	cluster := ekscluster.NewEksCluster(c, jsii.String("cluster"), &ekscluster.EksClusterConfig{
		Name:      jsii.String(cfg.Name),
		Version:   jsii.String(cfg.KubernetesVersion),
		RoleArn:   role.Arn,
		VpcConfig: vpcConfig,
		AccessConfig: &ekscluster.EksClusterAccessConfig{
			AuthenticationMode: jsii.String("API"),
			// Access entries below grant admin explicitly; whoever happens to run the first
			// deploy gets nothing hidden that no later change could see or revoke.
			BootstrapClusterCreatorAdminPermissions: jsii.Bool(false),
		},
		EncryptionConfig: &ekscluster.EksClusterEncryptionConfig{
			Provider:  &ekscluster.EksClusterEncryptionConfigProvider{KeyArn: cfg.SecretsKeyArn},
			Resources: jsii.Strings("secrets"),
		},
		EnabledClusterLogTypes: jsii.Strings(ControlPlaneLogTypes...),
		// The managed add-ons below replace the self-managed copies EKS would install.
		BootstrapSelfManagedAddons: jsii.Bool(false),
		// The role's policies must outlive the cluster, or EKS cannot delete its ENIs.
		DependsOn: &dependsOn,
	})
	out.Name, out.Arn, out.Endpoint = cluster.Name(), cluster.Arn(), cluster.Endpoint()
	out.CertificateAuthorityData = cluster.CertificateAuthority().Get(jsii.Number(0)).Data()

	// EKS-6: the cluster's OIDC issuer as an IAM identity provider, for IRSA. No thumbprint:
	// IAM validates EKS issuers against its own trusted certificate authorities.
	issuer := cluster.Identity().Get(jsii.Number(0)).Oidc().Get(jsii.Number(0)).Issuer()
	provider := iamopenidconnectprovider.NewIamOpenidConnectProvider(c, jsii.String("oidc-provider"), &iamopenidconnectprovider.IamOpenidConnectProviderConfig{
		Url:          issuer,
		ClientIdList: jsii.Strings("sts.amazonaws.com"),
		Tags:         &map[string]*string{"Name": jsii.String(cfg.Name + "-oidc")},
	})
	out.OIDC = OIDC{ProviderArn: provider.Arn(), IssuerHost: cdktf.Fn_Replace(issuer, jsii.String("https://"), jsii.String(""))}

	out.AdminAccess = accessEntries(c, cfg, out.Name)

	// EKS-6: the add-ons nodes need come first, then the node groups, then the rest.
	roles, err := addonRoles(c, cfg, out.OIDC)
	if err != nil {
		return nil, err
	}
	out.AddonRoleArns = roles
	networking := installAddons(c, cfg, out.Name, roles, beforeNodes, nil)
	var groups []cdktf.ITerraformDependable
	out.NodeRoleArn, groups, err = nodeGroups(c, cfg, out.Name, nodeSG, networking)
	if err != nil {
		return nil, err
	}
	var afterNodes []string
	for _, name := range config.AddonNames() {
		if !slices.Contains(beforeNodes, name) {
			afterNodes = append(afterNodes, name)
		}
	}
	addons := installAddons(c, cfg, out.Name, roles, afterNodes, groups)
	out.Nodes = append(append(append(out.Nodes, groups...), networking...), addons...)
	return out, nil
}

// accessEntries make each admin role cluster-admin (EKS-5, API authentication mode).
func accessEntries(scope constructs.Construct, cfg Config, clusterName *string) []cdktf.ITerraformDependable {
	var granted []cdktf.ITerraformDependable
	grant := func(kind, policyArn string, principals []Admin) {
		for _, principal := range principals {
			key := kind + "-" + principal.Key
			entry := eksaccessentry.NewEksAccessEntry(scope, jsii.String(key), &eksaccessentry.EksAccessEntryConfig{
				ClusterName: clusterName, PrincipalArn: principal.Arn, Type: jsii.String("STANDARD"),
			})
			granted = append(granted, entry, eksaccesspolicyassociation.NewEksAccessPolicyAssociation(scope, jsii.String(key+"-policy"), &eksaccesspolicyassociation.EksAccessPolicyAssociationConfig{
				ClusterName:  clusterName,
				PrincipalArn: principal.Arn,
				PolicyArn:    jsii.String(policyArn),
				AccessScope:  &eksaccesspolicyassociation.EksAccessPolicyAssociationAccessScope{Type: jsii.String("cluster")},
				DependsOn:    &[]cdktf.ITerraformDependable{entry},
			}))
		}
	}
	grant("admin", ClusterAdminPolicyArn, cfg.Admins)
	grant("viewer", AdminViewPolicyArn, cfg.Viewers)
	return granted
}

// securityGroups returns the control plane's additional group and the nodes' group. The
// rules are ours and explicit, instead of relying on the group EKS creates by itself:
// nodes talk to each other freely (pods, DNS), the control plane reaches kubelets and
// admission webhooks, nodes and API clients reach the API on 443.
func securityGroups(scope constructs.Construct, cfg Config) (controlPlane, nodes *string) {
	group := func(key, description string) *string {
		name := cfg.Name + "-" + key
		return securitygroup.NewSecurityGroup(scope, jsii.String(key+"-sg"), &securitygroup.SecurityGroupConfig{
			Name: jsii.String(name), Description: jsii.String(description), VpcId: cfg.VpcID,
			RevokeRulesOnDelete: jsii.Bool(true),
			Tags:                &map[string]*string{"Name": jsii.String(name)},
		}).Id()
	}
	controlPlane = group("control-plane", "EKS control plane: the API on 443 from nodes and API clients")
	nodes = group("nodes", "EKS nodes: each other, and the control plane")

	rule := func(id string, r sgrule.Rule) { sgrule.New(scope, id, r) }
	https := func(group *string, egress bool, peer *string, description string) sgrule.Rule {
		r := sgrule.TCP(group, egress, 443, description)
		r.PeerGroupID = peer
		return r
	}
	// Kubelet (10250) and webhooks on high ports (the load balancer controller's 9443,
	// metrics-server's 10251, ...).
	highPorts := func(group *string, egress bool, peer *string, description string) sgrule.Rule {
		return sgrule.Rule{GroupID: group, Egress: egress, Protocol: "tcp", FromPort: 1025, ToPort: 65535, PeerGroupID: peer, Description: description}
	}
	rule("control-plane-in-nodes", https(controlPlane, false, nodes, "Kubernetes API from the nodes"))
	rule("control-plane-out-nodes-https", https(controlPlane, true, nodes, "Webhooks on 443 on the nodes"))
	rule("control-plane-out-nodes-high", highPorts(controlPlane, true, nodes, "Kubelet and webhooks on the nodes"))
	rule("nodes-in-control-plane-https", https(nodes, false, controlPlane, "Webhooks on 443 from the control plane"))
	rule("nodes-in-control-plane-high", highPorts(nodes, false, controlPlane, "Kubelet and webhooks from the control plane"))
	rule("nodes-out-control-plane", https(nodes, true, controlPlane, "Kubernetes API"))
	rule("nodes-in-self", sgrule.Rule{GroupID: nodes, Protocol: sgrule.AllTraffic, PeerGroupID: nodes, Description: "Pods and DNS across nodes"})
	rule("nodes-out-self", sgrule.Rule{GroupID: nodes, Egress: true, Protocol: sgrule.AllTraffic, PeerGroupID: nodes, Description: "Pods and DNS across nodes"})
	for _, client := range cfg.APIClients {
		rule("control-plane-in-"+client.Name, https(controlPlane, false, client.SecurityGroupID, "Kubernetes API from the "+client.Name))
	}
	return controlPlane, nodes
}

var nonKeyChars = regexp.MustCompile(`[^A-Za-z0-9-]+`)

func (cfg Config) check() error {
	var missing []string
	for field, v := range map[string]*string{
		"VpcID": cfg.VpcID, "AppSecurityGroupID": cfg.AppSecurityGroupID,
		"SecretsKeyArn": cfg.SecretsKeyArn, "LogsKeyArn": cfg.LogsKeyArn, "NodeVolumeKeyArn": cfg.NodeVolumeKeyArn,
	} {
		if v == nil {
			missing = append(missing, field)
		}
	}
	switch {
	case cfg.Name == "" || cfg.KubernetesVersion == "":
		return fmt.Errorf("eks: Name and KubernetesVersion are required")
	case len(missing) > 0:
		slices.Sort(missing)
		return fmt.Errorf("eks %s: %s required", cfg.Name, strings.Join(missing, ", "))
	case len(cfg.SubnetIDs) < 2:
		return fmt.Errorf("eks %s: EKS needs subnets in at least two availability zones, got %d", cfg.Name, len(cfg.SubnetIDs))
	case len(cfg.Admins) == 0:
		return fmt.Errorf("eks %s: at least one admin role is required: with API authentication nobody else can administer the cluster (EKS-5)", cfg.Name)
	case len(cfg.Cluster.ActiveNodeGroups()) == 0:
		return fmt.Errorf("eks %s: no node groups", cfg.Name)
	}
	keys := map[string]bool{}
	for _, a := range cfg.Admins {
		if a.Key == "" || a.Arn == nil || keys[a.Key] {
			return fmt.Errorf("eks %s: admin %q: every admin needs an ARN and a key of its own", cfg.Name, a.Key)
		}
		keys[a.Key] = true
	}
	for _, name := range config.AddonNames() {
		if cfg.Addons[name] == "" {
			return fmt.Errorf("eks %s: no version for add-on %s (EKS-6)", cfg.Name, name)
		}
	}
	return nil
}
