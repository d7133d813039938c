package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/smile/infra/config"
	"github.com/smile/infra/constructs/bastion"
	"github.com/smile/infra/constructs/ecr"
	"github.com/smile/infra/constructs/eks"
)

// clusterOf returns the EKS cluster smile5-<env>-<purpose>.
func clusterOf(t *testing.T, s *synthesized, purpose string) resource {
	t.Helper()
	return s.one(t, "aws_eks_cluster", fmt.Sprintf("smile5-%s-%s", envOf(s.name).Name, purpose))
}

// nodeGroupsOf returns a cluster's node groups by their configured name.
func nodeGroupsOf(t *testing.T, s *synthesized, cluster resource) map[string]resource {
	t.Helper()
	out := map[string]resource{}
	for _, g := range s.resources("aws_eks_node_group") {
		if g.str("cluster_name") == cluster.Ref("name") {
			out[strings.TrimPrefix(g.str("node_group_name"), cluster.str("name")+"-")] = g
		}
	}
	return out
}

func block(r resource, attr string) map[string]any {
	m, _ := r.Attrs[attr].(map[string]any)
	return m
}

// EKS-1, EKS-2: node groups, instance types and scaling of both clusters, per environment,
// from config; the GPU group exists only where it is switched on.
func TestEKS1EKS2NodeGroups(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		for purpose, c := range map[string]config.Cluster{"app": env.Compute.Application, "data": env.Compute.Data} {
			groups := nodeGroupsOf(t, s, clusterOf(t, s, purpose))
			want := c.ActiveNodeGroups()
			if len(groups) != len(want) {
				t.Errorf("%s: %s cluster has node groups %v, want %d", name, purpose, slices.Sorted(maps.Keys(groups)), len(want))
			}
			for _, w := range want {
				g, ok := groups[w.Name]
				if !ok {
					t.Errorf("%s: %s cluster lacks node group %s", name, purpose, w.Name)
					continue
				}
				sc := block(g, "scaling_config")
				if !reflect.DeepEqual(g.strs("instance_types"), w.InstanceTypes) ||
					sc["min_size"] != float64(w.MinSize) || sc["max_size"] != float64(w.MaxSize) || sc["desired_size"] != float64(w.DesiredSize) {
					t.Errorf("%s: %s/%s is %v scaling %v, want %v %d-%d", name, purpose, w.Name, g.strs("instance_types"), sc, w.InstanceTypes, w.MinSize, w.MaxSize)
				}
				// COST-1: Spot where the config says so, on demand elsewhere.
				if wantCapacity := map[bool]string{true: "SPOT", false: "ON_DEMAND"}[w.Spot]; g.str("capacity_type") != wantCapacity {
					t.Errorf("%s: %s/%s capacity %s", name, purpose, w.Name, g.str("capacity_type"))
				}
			}
		}
		wantTypes := map[string]string{"web": "m5.large", "api": "m5.xlarge", "batch": "c5.2xlarge"}
		for group, typ := range wantTypes {
			g := nodeGroupsOf(t, s, clusterOf(t, s, "app"))[group]
			sc := block(g, "scaling_config")
			if g.strs("instance_types")[0] != typ {
				t.Errorf("%s: %s runs %v, want %s (EKS-1)", name, group, g.strs("instance_types"), typ)
			}
			if name == "smile-prod" && (sc["min_size"] != float64(2) || sc["max_size"] != float64(50)) {
				t.Errorf("smile-prod: %s scales %v-%v, want 2-50 (EKS-1)", group, sc["min_size"], sc["max_size"])
			}
		}
		data := nodeGroupsOf(t, s, clusterOf(t, s, "data"))
		for group, typ := range map[string]string{"compute": "r5.large", "memory": "r5.xlarge"} {
			g := data[group]
			sc := block(g, "scaling_config")
			if g.strs("instance_types")[0] != typ || (name == "smile-prod" && (sc["min_size"] != float64(1) || sc["max_size"] != float64(20))) {
				t.Errorf("%s: data %s is %v scaling %v (EKS-2)", name, group, g.strs("instance_types"), sc)
			}
		}
		gpu, hasGPU := data["gpu"]
		if hasGPU != (name == "smile-prod") {
			t.Errorf("%s: GPU node group present %v, want only in prod", name, hasGPU)
		}
		if hasGPU {
			taints, _ := gpu.Attrs["taint"].([]any)
			if gpu.str("ami_type") != "AL2023_x86_64_NVIDIA" || block(gpu, "scaling_config")["min_size"] != float64(0) || len(taints) != 1 {
				t.Errorf("smile-prod: GPU group ami %s scaling %v taints %v", gpu.str("ami_type"), block(gpu, "scaling_config"), taints)
			}
			// SAFE-3: Jakarta offers g5 in two of its three zones: the group uses only their subnets.
			if subnets := gpu.strs("subnet_ids"); len(subnets) != 2 || len(data["compute"].strs("subnet_ids")) != 3 {
				t.Errorf("smile-prod: GPU group in subnets %v, want the two zones that offer g5 (the others in all three)", subnets)
			}
		}
	}
}

// EKS-3, LIFE-3: both clusters run the configured version, one EKS still creates, and every
// node group follows it, so an upgrade rolls the nodes after the control plane.
func TestEKS3Version(t *testing.T) {
	for name, s := range synthReal(t) {
		for _, c := range s.resources("aws_eks_cluster") {
			if want := config.CurrentVersions().Kubernetes; c.str("version") != want {
				t.Errorf("%s: %s runs %s, want %s", name, c.str("name"), c.str("version"), want)
			}
		}
		for _, g := range s.resources("aws_eks_node_group") {
			if g.str("version") != config.CurrentVersions().Kubernetes {
				t.Errorf("%s: node group %s at version %q, want the cluster's", name, g.str("node_group_name"), g.str("version"))
			}
		}
		if n := len(s.resources("aws_eks_cluster")); n != 2 {
			t.Errorf("%s: %d clusters, want the application and the data cluster", name, n)
		}
	}
}

// EKS-4, SEC-1: every node group boots AL2023 from a launch template with IMDSv2 only
// (hop limit 1), an encrypted gp3 root volume of the configured size under the data key,
// the application and node security groups, in the private subnets; the desired size is
// left to the autoscaler after creation.
func TestEKS4NodeLaunchTemplates(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		dataKey := s.one(t, "aws_kms_key", "smile5-"+env.Name+"-data")
		appSG := s.one(t, "aws_security_group", "smile5-"+env.Name+"-app")
		var private []string
		for _, zone := range zones {
			private = append(private, s.one(t, "aws_subnet", fmt.Sprintf("smile5-%s-private-%s", env.Name, zone[len(zone)-1:])).Ref("id"))
		}
		for purpose, c := range map[string]config.Cluster{"app": env.Compute.Application, "data": env.Compute.Data} {
			cluster := clusterOf(t, s, purpose)
			nodeSG := s.one(t, "aws_security_group", cluster.str("name")+"-nodes")
			for _, w := range c.ActiveNodeGroups() {
				g := nodeGroupsOf(t, s, cluster)[w.Name]
				what := fmt.Sprintf("%s: %s/%s", name, purpose, w.Name)
				if !strings.HasPrefix(g.str("ami_type"), "AL2023_x86_64_") {
					t.Errorf("%s: AMI type %s, want AL2023", what, g.str("ami_type"))
				}
				// The private tier, in the zones the group launches in (all but the GPU group's).
				var want []string
				for i, zone := range env.AvailabilityZones {
					if slices.Contains(w.ZonesIn(env.AvailabilityZones), zone) {
						want = append(want, private[i])
					}
				}
				if !reflect.DeepEqual(g.strs("subnet_ids"), want) {
					t.Errorf("%s: subnets %v, want the private tier in %v", what, g.strs("subnet_ids"), w.ZonesIn(env.AvailabilityZones))
				}
				lc := block(g, "lifecycle")
				if !slices.Contains(toStrings(lc["ignore_changes"]), "scaling_config[0].desired_size") {
					t.Errorf("%s: desired_size is not ignored after creation: %v", what, lc)
				}
				lt := s.byRef(t, block(g, "launch_template")["id"].(string))
				md := block(lt, "metadata_options")
				if md["http_tokens"] != "required" || md["http_endpoint"] != "enabled" || md["http_put_response_hop_limit"] != float64(eks.IMDSHopLimit) || eks.IMDSHopLimit != 1 {
					t.Errorf("%s: metadata options %v, want IMDSv2 only with hop limit 1", what, md)
				}
				bdm := lt.Attrs["block_device_mappings"].([]any)
				if len(bdm) != 1 {
					t.Fatalf("%s: %d block devices, want the root volume", what, len(bdm))
				}
				ebs := bdm[0].(map[string]any)["ebs"].(map[string]any)
				if bdm[0].(map[string]any)["device_name"] != "/dev/xvda" || ebs["volume_type"] != "gp3" || ebs["encrypted"] != "true" ||
					ebs["kms_key_id"] != dataKey.Ref("arn") || ebs["volume_size"] != float64(w.DiskGiB) {
					t.Errorf("%s: root volume %v, want encrypted gp3 of %d GiB under the data key", what, bdm[0], w.DiskGiB)
				}
				if w.DiskGiB < 30 || w.DiskGiB > 100 {
					t.Errorf("%s: %d GiB outside 30-100", what, w.DiskGiB)
				}
				if sgs := lt.strs("vpc_security_group_ids"); !reflect.DeepEqual(sgs, []string{appSG.Ref("id"), nodeSG.Ref("id")}) {
					t.Errorf("%s: security groups %v, want the application and the cluster's node group", what, sgs)
				}
			}
		}
	}
}

// SEC-1: the data key lets the EC2 Auto Scaling service-linked role use it and grant it to
// the volumes it attaches, or node groups with encrypted volumes never launch; the EKS
// secrets key is a key of its own.
func TestSEC1DataAndEksKeys(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		dataKey := s.one(t, "aws_kms_key", "smile5-"+env.Name+"-data")
		var use, grant map[string]any
		for _, st := range policyStatements(t, s, dataKey.str("policy")) {
			for _, p := range principals(st, "AWS") {
				if strings.HasSuffix(p, ":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling") {
					if slices.Contains(toStrings(st["actions"]), "kms:CreateGrant") {
						grant = st
					} else {
						use = st
					}
				}
			}
		}
		if use == nil || !reflect.DeepEqual(toStrings(use["actions"]), []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}) {
			t.Errorf("%s: the data key does not let the Auto Scaling role use it: %v", name, use)
		}
		if grant == nil {
			t.Fatalf("%s: the data key does not let the Auto Scaling role create grants", name)
		}
		cond := grant["condition"].([]any)[0].(map[string]any)
		if cond["test"] != "Bool" || cond["variable"] != "kms:GrantIsForAWSResource" || !reflect.DeepEqual(toStrings(cond["values"]), []string{"true"}) {
			t.Errorf("%s: Auto Scaling grants are not limited to AWS resources: %v", name, cond)
		}
		eksKey := s.one(t, "aws_kms_key", "smile5-"+env.Name+"-eks-secrets")
		if !eksKey.boolean("enable_key_rotation") {
			t.Errorf("%s: EKS secrets key does not rotate", name)
		}
		for _, c := range s.resources("aws_eks_cluster") {
			enc := block(c, "encryption_config")
			if block(resource{Attrs: enc}, "provider")["key_arn"] != eksKey.Ref("arn") || !reflect.DeepEqual(toStrings(enc["resources"]), []string{"secrets"}) {
				t.Errorf("%s: %s secrets encryption %v, want the EKS secrets key", name, c.str("name"), enc)
			}
		}
	}
}

// EKS-5: every control-plane log type to a KMS-encrypted group EKS would otherwise create
// unencrypted; API authentication with no hidden creator admin; the endpoint private unless
// networks are configured.
func TestEKS5ControlPlane(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		logsKey := s.one(t, "aws_kms_key", "smile5-"+env.Name+"-logs")
		for _, c := range s.resources("aws_eks_cluster") {
			what := name + ": " + c.str("name")
			if !reflect.DeepEqual(c.strs("enabled_cluster_log_types"), []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}) {
				t.Errorf("%s: log types %v", what, c.strs("enabled_cluster_log_types"))
			}
			group := s.one(t, "aws_cloudwatch_log_group", "/aws/eks/"+c.str("name")+"/cluster")
			if group.str("kms_key_id") != logsKey.Ref("arn") || group.num("retention_in_days") != env.Observability.LogRetentionDays {
				t.Errorf("%s: control-plane log group key %s retention %d", what, group.str("kms_key_id"), group.num("retention_in_days"))
			}
			if !slices.Contains(c.strs("depends_on"), group.address()) {
				t.Errorf("%s: the cluster does not wait for its log group: %v", what, c.strs("depends_on"))
			}
			access := block(c, "access_config")
			if access["authentication_mode"] != "API" || access["bootstrap_cluster_creator_admin_permissions"] != false {
				t.Errorf("%s: access config %v", what, access)
			}
			vpc := block(c, "vpc_config")
			if vpc["endpoint_private_access"] != true || vpc["endpoint_public_access"] != false || vpc["public_access_cidrs"] != nil {
				t.Errorf("%s: endpoint %v, want private only", what, vpc)
			}
		}
	}
	// The variant opens the public endpoint to the configured networks only.
	prod := synthVariants(t)["smile-prod"]
	for _, c := range prod.resources("aws_eks_cluster") {
		vpc := block(c, "vpc_config")
		if vpc["endpoint_private_access"] != true || vpc["endpoint_public_access"] != true || !reflect.DeepEqual(toStrings(vpc["public_access_cidrs"]), variantPublicEndpointCidrs) {
			t.Errorf("variant %s: endpoint %v, want private plus public for %v", c.str("name"), vpc, variantPublicEndpointCidrs)
		}
	}
}

// EKS-5: cluster-admin through access entries: the environment's admin role on every
// cluster, plus every configured role; and, view-only, the pull requests' plan role
// (CICD-1), which reads the objects a plan refreshes and changes none.
func TestEKS5AccessEntries(t *testing.T) {
	check := func(s *synthesized, extra []string) {
		env := envOf(s.name)
		adminRole := s.one(t, "aws_iam_role", "smile5-"+env.Name+"-eks-admin")
		trust := policyStatements(t, s, adminRole.str("assume_role_policy"))
		if len(trust) != 1 || len(principals(trust[0], "AWS")) != 1 || !strings.HasSuffix(principals(trust[0], "AWS")[0], ":root") {
			t.Errorf("%s: admin role trust %v, want the account (delegated to IAM)", s.name, trust)
		}
		want := map[string]string{adminRole.Ref("arn"): eks.ClusterAdminPolicyArn, env.Delivery.PlanRoleArn: eks.AdminViewPolicyArn}
		for _, arn := range extra {
			want[arn] = eks.ClusterAdminPolicyArn
		}
		for _, c := range s.resources("aws_eks_cluster") {
			entries, associated := map[string]string{}, map[string]string{}
			for _, e := range s.resources("aws_eks_access_entry") {
				// Entries that map a role to Kubernetes groups are the on-call ones
				// (kubernetes_test.go); these are the admins' and the plan role's.
				if e.str("cluster_name") == c.Ref("name") && len(e.strs("kubernetes_groups")) == 0 {
					entries[e.str("principal_arn")] = want[e.str("principal_arn")]
					if e.str("type") != "STANDARD" {
						t.Errorf("%s: access entry type %s", s.name, e.str("type"))
					}
				}
			}
			for _, a := range s.resources("aws_eks_access_policy_association") {
				if a.str("cluster_name") == c.Ref("name") {
					if block(a, "access_scope")["type"] != "cluster" {
						t.Errorf("%s: association %v", s.name, a.Attrs)
					}
					associated[a.str("principal_arn")] = a.str("policy_arn")
				}
			}
			if !reflect.DeepEqual(entries, want) || !reflect.DeepEqual(associated, want) {
				t.Errorf("%s: %s access entries %v, associations %v, want %v", s.name, c.str("name"), entries, associated, want)
			}
		}
	}
	for _, s := range synthReal(t) {
		check(s, nil)
	}
	check(synthVariants(t)["smile-prod"], variantAdminRoleArns)
}

// EKS-6, SEC-2: the six managed add-ons at the pinned versions; those that call AWS run
// with their own IRSA role, trusted only by the cluster's OIDC provider for exactly their
// service account and the STS audience; the node role carries only what nodes need.
func TestEKS6AddonsAndIrsa(t *testing.T) {
	wantSA := map[string]string{
		"vpc-cni":                         "system:serviceaccount:kube-system:aws-node",
		"aws-ebs-csi-driver":              "system:serviceaccount:kube-system:ebs-csi-controller-sa",
		"aws-efs-csi-driver":              "system:serviceaccount:kube-system:efs-csi-controller-sa",
		"amazon-cloudwatch-observability": "system:serviceaccount:amazon-cloudwatch:cloudwatch-agent",
	}
	for name, s := range synthReal(t) {
		env := envOf(name)
		for _, c := range s.resources("aws_eks_cluster") {
			what := name + ": " + c.str("name")
			issuer := c.Ref("identity[0].oidc[0].issuer")
			issuerHost := `${replace(` + strings.TrimSuffix(strings.TrimPrefix(issuer, "${"), "}") + `, "https://", "")}`
			var provider resource
			for _, p := range s.resources("aws_iam_openid_connect_provider") {
				if p.str("url") == issuer {
					provider = p
				}
			}
			if provider.Name == "" || !reflect.DeepEqual(provider.strs("client_id_list"), []string{"sts.amazonaws.com"}) {
				t.Fatalf("%s: no OIDC provider for the cluster's issuer with the STS audience", what)
			}
			addons := map[string]resource{}
			for _, a := range s.resources("aws_eks_addon") {
				if a.str("cluster_name") == c.Ref("name") {
					addons[a.str("addon_name")] = a
				}
			}
			if got := slices.Sorted(maps.Keys(addons)); !reflect.DeepEqual(got, slices.Sorted(slices.Values(config.AddonNames()))) {
				t.Errorf("%s: add-ons %v", what, got)
			}
			// OBS-1: container logs are shipped once, by the platform's Fluent Bit.
			if got := addons["amazon-cloudwatch-observability"].str("configuration_values"); got != `{"containerLogs":{"enabled":false}}` {
				t.Errorf("%s: CloudWatch add-on configuration %q, want container logs off", what, got)
			}
			for addon, a := range addons {
				if a.str("addon_version") != env.Compute.Addons[addon] || a.str("resolve_conflicts_on_update") != "OVERWRITE" || a.str("resolve_conflicts_on_create") != "OVERWRITE" {
					t.Errorf("%s: %s version %s conflicts %s/%s", what, addon, a.str("addon_version"), a.str("resolve_conflicts_on_create"), a.str("resolve_conflicts_on_update"))
				}
				sa, needsRole := wantSA[addon]
				if !needsRole {
					if a.str("service_account_role_arn") != "" {
						t.Errorf("%s: %s has a role it does not need", what, addon)
					}
					continue
				}
				role := s.byRef(t, a.str("service_account_role_arn"))
				trust := policyStatements(t, s, role.str("assume_role_policy"))
				if len(trust) != 1 || !reflect.DeepEqual(toStrings(trust[0]["actions"]), []string{"sts:AssumeRoleWithWebIdentity"}) ||
					!reflect.DeepEqual(principals(trust[0], "Federated"), []string{provider.Ref("arn")}) {
					t.Errorf("%s: %s role trust %v", what, addon, trust)
					continue
				}
				conds := map[string][]string{}
				for _, raw := range trust[0]["condition"].([]any) {
					cond := raw.(map[string]any)
					if cond["test"] != "StringEquals" {
						t.Errorf("%s: %s trust condition %v is not StringEquals", what, addon, cond)
					}
					conds[cond["variable"].(string)] = toStrings(cond["values"])
				}
				want := map[string][]string{issuerHost + ":sub": {sa}, issuerHost + ":aud": {"sts.amazonaws.com"}}
				if !reflect.DeepEqual(conds, want) {
					t.Errorf("%s: %s trust conditions %v, want %v", what, addon, conds, want)
				}
			}
			for _, phase := range []string{"coredns", "aws-ebs-csi-driver", "aws-efs-csi-driver", "amazon-cloudwatch-observability"} {
				if len(addons[phase].strs("depends_on")) == 0 {
					t.Errorf("%s: %s does not wait for the node groups", what, phase)
				}
			}
		}
		// The node role: exactly the managed policies nodes need; the CNI policy is on the
		// vpc-cni IRSA role instead.
		for _, purpose := range []string{"app", "data"} {
			role := s.one(t, "aws_iam_role", fmt.Sprintf("smile5-%s-%s-node", env.Name, purpose))
			if got := attachedPolicies(s, role); !reflect.DeepEqual(got, slices.Sorted(slices.Values(eks.NodeRolePolicies))) {
				t.Errorf("%s: %s node role policies %v", name, purpose, got)
			}
			for _, p := range eks.NodeRolePolicies {
				if strings.Contains(p, "CNI") || strings.Contains(p, "CloudWatch") || strings.Contains(p, "CSI") {
					t.Errorf("%s: node role carries %s, which belongs on an IRSA role", name, p)
				}
			}
		}
	}
}

func attachedPolicies(s *synthesized, role resource) []string {
	var out []string
	for _, a := range s.resources("aws_iam_role_policy_attachment") {
		if a.str("role") == role.Ref("name") {
			out = append(out, a.str("policy_arn"))
		}
	}
	sort.Strings(out)
	return out
}

// CMP-1, SEC-6: the bastion is a t3.micro in a private subnet with no public address and
// no inbound rule, IMDSv2, an encrypted root volume, the latest AL2023 through the public
// SSM parameter, SSM core only (plus session logging), and sessions logged to an
// encrypted log group.
func TestCMP1Bastion(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		host := s.single(t, "aws_instance")
		subnet := s.byRef(t, host.str("subnet_id"))
		if host.str("instance_type") != "t3.micro" || subnet.tag("Tier") != "private" {
			t.Errorf("%s: bastion %s in a %s subnet", name, host.str("instance_type"), subnet.tag("Tier"))
		}
		if host.Attrs["associate_public_ip_address"] == true || subnet.Attrs["map_public_ip_on_launch"] != false {
			t.Errorf("%s: bastion may get a public address: associate %v, subnet maps %v", name, host.Attrs["associate_public_ip_address"], subnet.Attrs["map_public_ip_on_launch"])
		}
		md := block(host, "metadata_options")
		if md["http_tokens"] != "required" {
			t.Errorf("%s: bastion metadata %v", name, md)
		}
		root := block(host, "root_block_device")
		if root["encrypted"] != true || root["kms_key_id"] != s.one(t, "aws_kms_key", "smile5-"+env.Name+"-data").Ref("arn") {
			t.Errorf("%s: bastion root volume %v", name, root)
		}
		var ami resource
		for _, p := range s.block("data", "aws_ssm_parameter") {
			if p.str("name") == bastion.AmiParameter {
				ami = p
			}
		}
		if ami.Name == "" || host.str("ami") != "${data.aws_ssm_parameter."+ami.Name+".value}" {
			t.Errorf("%s: bastion AMI %s, want the public AL2023 parameter", name, host.str("ami"))
		}
		if host.Attrs["key_name"] != nil || len(s.resources("aws_key_pair")) != 0 {
			t.Errorf("%s: bastion has a key pair though none is configured", name)
		}
		sgs := host.strs("vpc_security_group_ids")
		if len(sgs) != 1 {
			t.Fatalf("%s: bastion security groups %v", name, sgs)
		}
		sg := s.byRef(t, sgs[0])
		for _, rule := range s.resources("aws_vpc_security_group_ingress_rule") {
			if rule.str("security_group_id") == sg.Ref("id") {
				t.Errorf("%s: bastion has an inbound rule %v: it must be reached through Session Manager only", name, rule.Attrs)
			}
		}
		for _, c := range s.resources("aws_eks_cluster") {
			cp := s.byRef(t, block(c, "vpc_config")["security_group_ids"].([]any)[0].(string))
			found := false
			for _, rule := range s.resources("aws_vpc_security_group_ingress_rule") {
				found = found || (rule.str("security_group_id") == cp.Ref("id") && rule.str("referenced_security_group_id") == sg.Ref("id") && rule.num("from_port") == 443)
			}
			if !found {
				t.Errorf("%s: the bastion cannot reach %s's private endpoint", name, c.str("name"))
			}
		}
		role := s.byRef(t, s.single(t, "aws_iam_instance_profile").str("role"))
		if got := attachedPolicies(s, role); !reflect.DeepEqual(got, []string{"arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"}) {
			t.Errorf("%s: bastion role policies %v, want SSM core only", name, got)
		}
		logGroup := s.one(t, "aws_cloudwatch_log_group", "/smile5-"+env.Name+"-bastion/session-manager")
		if logGroup.str("kms_key_id") != s.one(t, "aws_kms_key", "smile5-"+env.Name+"-logs").Ref("arn") {
			t.Errorf("%s: session log group key %s", name, logGroup.str("kms_key_id"))
		}
		doc := s.one(t, "aws_ssm_document", bastion.SessionPreferencesDocument)
		content := doc.str("content")
		for _, want := range []string{
			`"cloudWatchLogGroupName" = ` + strings.Trim(logGroup.Ref("name"), "${}"),
			`"cloudWatchEncryptionEnabled" = true`, `"kmsKeyId" = aws_kms_key.`, `"sessionType" = "Standard_Stream"`,
		} {
			if !strings.Contains(content, want) {
				t.Errorf("%s: session preferences lack %s:\n%s", name, want, content)
			}
		}
		if doc.str("document_type") != "Session" {
			t.Errorf("%s: preferences document type %s", name, doc.str("document_type"))
		}
	}
	// A configured public key becomes the bastion's key pair: SSH through port forwarding.
	prod := synthVariants(t)["smile-prod"]
	kp := prod.single(t, "aws_key_pair")
	if kp.str("public_key") != variantSSHPublicKey || prod.single(t, "aws_instance").str("key_name") != kp.Ref("key_name") {
		t.Errorf("variant: key pair %v", kp.Attrs)
	}
}

// CMP-2: a repository per microservice, KMS-encrypted, immutable tags, scan on push, and
// the lifecycle of the spec.
func TestCMP2Ecr(t *testing.T) {
	wantPolicy := `{"rules":[` +
		`{"rulePriority":1,"description":"Expire untagged images after 30 days","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":30},"action":{"type":"expire"}},` +
		`{"rulePriority":2,"description":"Keep only the last 100 images","selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":100},"action":{"type":"expire"}}]}`
	if ecr.LifecyclePolicy() != wantPolicy {
		t.Errorf("lifecycle policy\n%s\nwant\n%s", ecr.LifecyclePolicy(), wantPolicy)
	}
	var parsed map[string]any
	if err := json.Unmarshal([]byte(wantPolicy), &parsed); err != nil {
		t.Fatal(err)
	}
	for name, s := range synthReal(t) {
		env := envOf(name)
		dataKey := s.one(t, "aws_kms_key", "smile5-"+env.Name+"-data")
		repos := s.resources("aws_ecr_repository")
		if len(repos) != len(env.Compute.EcrRepositories) {
			t.Errorf("%s: %d repositories, want %d", name, len(repos), len(env.Compute.EcrRepositories))
		}
		for _, repoName := range env.Compute.EcrRepositories {
			r := s.one(t, "aws_ecr_repository", "smile5-"+env.Name+"/"+repoName)
			enc := r.Attrs["encryption_configuration"].([]any)[0].(map[string]any)
			if r.str("image_tag_mutability") != "IMMUTABLE" || block(r, "image_scanning_configuration")["scan_on_push"] != true ||
				enc["encryption_type"] != "KMS" || enc["kms_key"] != dataKey.Ref("arn") {
				t.Errorf("%s: repository %s %v", name, repoName, r.Attrs)
			}
			var policies []string
			for _, p := range s.resources("aws_ecr_lifecycle_policy") {
				if p.str("repository") == r.Ref("name") {
					policies = append(policies, p.str("policy"))
				}
			}
			if !reflect.DeepEqual(policies, []string{wantPolicy}) {
				t.Errorf("%s: repository %s lifecycle %v", name, repoName, policies)
			}
		}
	}
}

// EKS-5, CMP-1, CMP-3, NET-5: the groups beyond NET-5's allow exactly what they need: a
// cluster's nodes talk to each other, the control plane reaches kubelets and webhooks,
// nodes, the bastion and the CI runner reach the API; the bastion, the runner and the
// snapshot function accept nothing, and the bastion sends nothing to the internet.
func TestEKSClusterSecurityGroups(t *testing.T) {
	for name, s := range synthReal(t) {
		p := "smile5-" + envOf(name).Name + "-"
		got := map[string][]string{}
		for _, r := range securityGroupRules(t, s) {
			if slices.Contains(net5Groups, strings.TrimPrefix(r.group, p)) {
				continue
			}
			direction := "in"
			if r.egress {
				direction = "out"
			}
			k := r.group + " " + direction
			got[k] = append(got[k], fmt.Sprintf("%s %d %s", r.protocol, r.port, r.peer))
		}
		// The bastion, the CI runner and the snapshot function accept nothing and call out on
		// 443 only; the bastion only inside the VPC and to S3's gateway endpoint (NET-5).
		s3 := ""
		for _, e := range s.resources("aws_vpc_endpoint") {
			if e.str("vpc_endpoint_type") == "Gateway" {
				s3 = "pl:" + e.Ref("prefix_list_id")
			}
		}
		want := map[string][]string{p + "bastion out": {"tcp 443 " + envOf(name).Network.VpcCidr, "tcp 443 " + s3},
			p + "ci-runner out": {"tcp 443 0.0.0.0/0"}, p + "redis-snapshot out": {"tcp 443 0.0.0.0/0"}}
		for _, c := range []string{"app", "data"} {
			cp, nodes := "sg:"+p+c+"-control-plane", "sg:"+p+c+"-nodes"
			want[p+c+"-control-plane in"] = []string{"tcp 443 " + nodes, "tcp 443 sg:" + p + "bastion", "tcp 443 sg:" + p + "ci-runner"}
			want[p+c+"-control-plane out"] = []string{"tcp 443 " + nodes, "tcp 1025 " + nodes}
			want[p+c+"-nodes in"] = []string{"-1 0 " + nodes, "tcp 443 " + cp, "tcp 1025 " + cp}
			want[p+c+"-nodes out"] = []string{"-1 0 " + nodes, "tcp 443 " + cp}
		}
		for _, m := range []map[string][]string{got, want} {
			for k := range m {
				sort.Strings(m[k])
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: cluster and bastion security group rules\n got %v\nwant %v", name, got, want)
		}
		// "Accepts nothing" is configuration, not an absence: a rule added behind
		// Terraform's back shows as drift (the drift drill opens the bastion's to the internet).
		for _, g := range []string{"bastion", "ci-runner", "redis-snapshot"} {
			sg, _ := referring(s, "aws_security_group", "name", p+g)
			if in, ok := sg.Attrs["ingress"].([]any); !ok || len(in) != 0 {
				t.Errorf("%s: security group %s%s has ingress %v, want [] (sgrule.NoInbound)", name, p, g, sg.Attrs["ingress"])
			}
		}
	}
}
