package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/smile/infra/config"
	"github.com/smile/infra/constructs/kubeplatform"
	"github.com/smile/infra/stacks"
)

// The two clusters' platforms, by provider alias.
var platformClusters = []string{"app", "data"}

// onCluster returns the resources of a type that a cluster's aliased provider manages.
func onCluster(s *synthesized, typ, cluster string) []resource {
	var out []resource
	for _, r := range s.resources(typ) {
		if p := r.str("provider"); p == "kubernetes."+cluster || p == "helm."+cluster {
			out = append(out, r)
		}
	}
	return out
}

// metadata is a Kubernetes resource's metadata block.
func metadata(r resource) map[string]any { return block(r, "metadata") }

func stringsOf(m any) map[string]string {
	out := map[string]string{}
	mm, _ := m.(map[string]any)
	for k, v := range mm {
		out[k], _ = v.(string)
	}
	return out
}

// clusterByPurpose is the aws_eks_cluster of smile5-<env>-<purpose>.
func clusterByPurpose(t *testing.T, s *synthesized, purpose string) resource {
	t.Helper()
	return s.one(t, "aws_eks_cluster", fmt.Sprintf("smile5-%s-%s", envOf(s.name).Name, purpose))
}

// K8S-1: the namespace smile5-<env> on both clusters, with pod security enforced.
func TestK8S1Namespaces(t *testing.T) {
	for name, s := range synthReal(t) {
		for _, cluster := range platformClusters {
			var names []string
			for _, ns := range onCluster(s, "kubernetes_namespace_v1", cluster) {
				m := metadata(ns)
				names = append(names, m["name"].(string))
				if m["name"] == "smile5-"+envOf(name).Name {
					if labels := stringsOf(m["labels"]); labels["pod-security.kubernetes.io/enforce"] != "baseline" {
						t.Errorf("%s/%s: namespace labels %v, want pod security baseline enforced", name, cluster, labels)
					}
				}
			}
			slices.Sort(names)
			want := map[string][]string{
				"app":  {"logging", "observability", "smile5-" + envOf(name).Name},
				"data": {"logging", "observability", "smile5-" + envOf(name).Name, "spark-operator"},
			}[cluster]
			if !reflect.DeepEqual(names, want) {
				t.Errorf("%s/%s: namespaces %v, want %v", name, cluster, names, want)
			}
		}
	}
}

// EKS-7: the LimitRange numbers, written out here rather than derived from the code that
// makes them, in the canonical form the API server returns (or every plan would differ). The application namespace admits the API and worker classes' envelope and
// defaults to a worker; the data namespace admits exactly the ETL class.
func TestEKS7LimitRanges(t *testing.T) {
	want := map[string]map[string]map[string]string{
		"app": {
			"min": {"cpu": "250m", "memory": "256Mi"}, "max": {"cpu": "2", "memory": "4Gi"},
			"default_request": {"cpu": "250m", "memory": "256Mi"}, "default": {"cpu": "1", "memory": "2Gi"},
		},
		"data": {
			"min": {"cpu": "2", "memory": "8Gi"}, "max": {"cpu": "4", "memory": "16Gi"},
			"default_request": {"cpu": "2", "memory": "8Gi"}, "default": {"cpu": "4", "memory": "16Gi"},
		},
	}
	for name, s := range synthReal(t) {
		for _, cluster := range platformClusters {
			ranges := onCluster(s, "kubernetes_limit_range_v1", cluster)
			if len(ranges) != 1 {
				t.Fatalf("%s/%s: %d limit ranges, want 1", name, cluster, len(ranges))
			}
			if ns := metadata(ranges[0])["namespace"]; ns != onCluster(s, "kubernetes_namespace_v1", cluster)[0].Ref("metadata[0].name") &&
				!strings.Contains(fmt.Sprint(ns), "kubernetes_namespace_v1") {
				t.Errorf("%s/%s: limit range in %v, not the namespace resource", name, cluster, ns)
			}
			limits := list(block(ranges[0], "spec")["limit"])
			if len(limits) != 1 || limits[0]["type"] != "Container" {
				t.Fatalf("%s/%s: limits %v, want one Container entry", name, cluster, limits)
			}
			for field, quantities := range want[cluster] {
				if got := stringsOf(limits[0][field]); !reflect.DeepEqual(got, quantities) {
					t.Errorf("%s/%s: %s = %v, want %v", name, cluster, field, got, quantities)
				}
			}
		}
	}
}

// K8S-1, EKS-7: each namespace's quota is its environment's config, and no Service may
// open a load balancer or node port (traffic enters through the Terraform ALB only).
func TestK8S1ResourceQuotas(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		for _, cluster := range platformClusters {
			q := map[string]config.NamespaceQuota{"app": env.Kubernetes.Application, "data": env.Kubernetes.Data}[cluster]
			quotas := onCluster(s, "kubernetes_resource_quota_v1", cluster)
			if len(quotas) != 1 {
				t.Fatalf("%s/%s: %d quotas, want 1", name, cluster, len(quotas))
			}
			want := map[string]string{
				"requests.cpu": q.Requests.CPU(), "requests.memory": q.Requests.Memory(),
				"limits.cpu": q.Limits.CPU(), "limits.memory": q.Limits.Memory(),
				"pods": fmt.Sprint(q.Pods), "services.loadbalancers": "0", "services.nodeports": "0",
			}
			if got := stringsOf(block(quotas[0], "spec")["hard"]); !reflect.DeepEqual(got, want) {
				t.Errorf("%s/%s: quota %v, want %v", name, cluster, got, want)
			}
		}
	}
	// The numbers of one environment, written out.
	dev := stringsOf(block(onCluster(synthReal(t)["smile-dev"], "kubernetes_resource_quota_v1", "data")[0], "spec")["hard"])
	if dev["requests.cpu"] != "16" || dev["limits.memory"] != "96Gi" || dev["pods"] != "30" {
		t.Errorf("smile-dev data quota %v", dev)
	}
}

// K8S-3: per-cluster aliased providers, host and CA from the cluster resource, a token
// from `aws eks get-token` as the environment's admin role; the constraints are the
// versions the tests validate against.
func TestK8S3ProviderAuth(t *testing.T) {
	for name, s := range synthReal(t) {
		admin := s.one(t, "aws_iam_role", "smile5-"+envOf(name).Name+"-eks-admin")
		providers := s.doc["provider"].(map[string]any)
		for _, kind := range []string{"kubernetes", "helm"} {
			configs, _ := providers[kind].([]any)
			if len(configs) != 2 {
				t.Fatalf("%s: %d %s providers, want one per cluster", name, len(configs), kind)
			}
			for _, raw := range configs {
				p := raw.(map[string]any)
				cluster := clusterByPurpose(t, s, p["alias"].(string))
				conn := p
				if kind == "helm" {
					conn = p["kubernetes"].(map[string]any)
				}
				if conn["host"] != cluster.Ref("endpoint") || conn["cluster_ca_certificate"] != "${base64decode("+strings.Trim(cluster.Ref("certificate_authority[0].data"), "${}")+")}" {
					t.Errorf("%s: %s.%s host %v CA %v", name, kind, p["alias"], conn["host"], conn["cluster_ca_certificate"])
				}
				if _, ok := conn["token"]; ok {
					t.Errorf("%s: %s.%s has a static token", name, kind, p["alias"])
				}
				execs := list(conn["exec"])
				if len(execs) != 1 {
					t.Fatalf("%s: %s.%s exec %v", name, kind, p["alias"], conn["exec"])
				}
				e := execs[0]
				want := []string{"eks", "get-token", "--cluster-name", cluster.Ref("name"), "--region", config.Region,
					"--role-arn", admin.Ref("arn"), "--output", "json"}
				if e["command"] != "aws" || e["api_version"] != stacks.ExecAPIVersion || !reflect.DeepEqual(toStrings(e["args"]), want) {
					t.Errorf("%s: %s.%s exec %v, want aws %v", name, kind, p["alias"], e, want)
				}
			}
		}
		required := s.doc["terraform"].(map[string]any)["required_providers"].(map[string]any)
		for kind, want := range map[string]string{"kubernetes": stacks.KubernetesProviderConstraint, "helm": stacks.HelmProviderConstraint} {
			if got := required[kind].(map[string]any)["version"]; got != want {
				t.Errorf("%s: %s constraint %v, want %s", name, kind, got, want)
			}
		}
	}
}

// The service accounts each cluster gets: workloads in the SMILE namespace, add-ons in
// theirs.
func wantServiceAccounts(env config.Environment, cluster string) []string {
	ns := env.Prefix()
	if cluster == "app" {
		return []string{"kube-system/aws-load-balancer-controller", "kube-system/cluster-autoscaler", "logging/fluent-bit",
			"observability/adot-collector", ns + "/api", ns + "/worker"}
	}
	return []string{"kube-system/cluster-autoscaler", "logging/fluent-bit", "observability/adot-collector",
		ns + "/etl", ns + "/ml-training", ns + "/spark"}
}

// K8S-1, EKS-6: every service account names an IRSA role in its annotation, and that
// role trusts exactly this service account of this cluster, and nothing else.
func TestK8S1ServiceAccountsMatchIrsaTrust(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		for _, cluster := range platformClusters {
			c := clusterByPurpose(t, s, cluster)
			issuer := c.Ref("identity[0].oidc[0].issuer")
			issuerHost := `${replace(` + strings.TrimSuffix(strings.TrimPrefix(issuer, "${"), "}") + `, "https://", "")}`
			var got []string
			for _, sa := range onCluster(s, "kubernetes_service_account_v1", cluster) {
				m := metadata(sa)
				id := fmt.Sprintf("%s/%s", m["namespace"], m["name"])
				got = append(got, id)
				arn := stringsOf(m["annotations"])[kubeplatform.RoleArnAnnotation]
				if arn == "" {
					t.Errorf("%s/%s: %s has no IRSA annotation", name, cluster, id)
					continue
				}
				role := s.byRef(t, arn)
				trust := policyStatements(t, s, role.str("assume_role_policy"))
				conds := map[string][]string{}
				for _, raw := range trust[0]["condition"].([]any) {
					cond := raw.(map[string]any)
					conds[cond["variable"].(string)] = toStrings(cond["values"])
				}
				want := map[string][]string{
					issuerHost + ":sub": {fmt.Sprintf("system:serviceaccount:%s:%s", m["namespace"], m["name"])},
					issuerHost + ":aud": {"sts.amazonaws.com"},
				}
				if len(trust) != 1 || !reflect.DeepEqual(conds, want) {
					t.Errorf("%s/%s: %s's role %s trusts %v, want %v", name, cluster, id, role.str("name"), conds, want)
				}
				if !strings.HasPrefix(role.str("name"), "smile5-"+env.Name+"-"+cluster+"-") {
					t.Errorf("%s/%s: %s's role %q is not named after its cluster", name, cluster, id, role.str("name"))
				}
			}
			slices.Sort(got)
			if want := wantServiceAccounts(env, cluster); !reflect.DeepEqual(got, want) {
				t.Errorf("%s/%s: service accounts %v, want %v", name, cluster, got, want)
			}
		}
	}
}

// release is a helm_release with its values decoded.
type release struct {
	resource
	values map[string]any
}

func releasesOn(t *testing.T, s *synthesized, cluster string) map[string]release {
	t.Helper()
	out := map[string]release{}
	for _, r := range onCluster(s, "helm_release", cluster) {
		docs := r.strs("values")
		if len(docs) != 1 {
			t.Fatalf("%s: release %s has %d values documents, want one", s.name, r.str("name"), len(docs))
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(docs[0]), &v); err != nil {
			t.Fatalf("%s: release %s values are not a plain JSON document (typed in Go, known at synth): %v", s.name, r.str("name"), err)
		}
		out[r.str("name")] = release{resource: r, values: v}
	}
	return out
}

// dig reads a value at a dotted path of nested maps.
func dig(v any, path string) any {
	for _, key := range strings.Split(path, ".") {
		m, _ := v.(map[string]any)
		v = m[key]
	}
	return v
}

// K8S-2: the releases of each cluster, their pinned charts, and the values that tie them
// to this platform: the service account Terraform made (with its role), the cluster's
// name and region, a PriorityClass that exists; each waits for the nodes.
func TestK8S2HelmReleases(t *testing.T) {
	wantReleases := map[string][]string{
		"app":  {"adot-collector", "aws-load-balancer-controller", "cluster-autoscaler", "fluent-bit", "metrics-server"},
		"data": {"adot-collector", "cluster-autoscaler", "fluent-bit", "metrics-server", "spark-operator"},
	}
	// Where each release's service account name sits in its chart's values.
	accountPath := map[string]string{
		"aws-load-balancer-controller": "serviceAccount", "cluster-autoscaler": "rbac.serviceAccount",
		"fluent-bit": "serviceAccount", "adot-collector": "serviceAccount",
	}
	for name, s := range synthReal(t) {
		env := envOf(name)
		priorities := map[string]bool{}
		for _, pc := range s.resources("kubernetes_priority_class_v1") {
			priorities[metadata(pc)["name"].(string)] = true
		}
		for _, cluster := range platformClusters {
			clusterName := fmt.Sprintf("smile5-%s-%s", env.Name, cluster)
			releases := releasesOn(t, s, cluster)
			if got := slices.Sorted(maps.Keys(releases)); !reflect.DeepEqual(got, wantReleases[cluster]) {
				t.Errorf("%s/%s: releases %v, want %v", name, cluster, got, wantReleases[cluster])
			}
			accounts := map[string]bool{}
			for _, sa := range onCluster(s, "kubernetes_service_account_v1", cluster) {
				accounts[fmt.Sprintf("%s/%s", metadata(sa)["namespace"], metadata(sa)["name"])] = true
			}
			nodeGroups := 0
			for rel, r := range releases {
				what := fmt.Sprintf("%s/%s %s", name, cluster, rel)
				chart := env.Kubernetes.Charts.All()[rel]
				if r.str("chart") != chart.Name || r.str("version") != chart.Version || r.str("repository") != chart.Repository {
					t.Errorf("%s: chart %s %s from %s, want %+v", what, r.str("chart"), r.str("version"), r.str("repository"), chart)
				}
				if !r.boolean("atomic") || !r.boolean("wait") || r.str("namespace") != kubeplatform.ReleaseNamespace(rel) {
					t.Errorf("%s: atomic %v wait %v namespace %s", what, r.Attrs["atomic"], r.Attrs["wait"], r.str("namespace"))
				}
				if p, _ := dig(r.values, "priorityClassName").(string); p == "" && rel != "spark-operator" || p != "" && !priorities[p] {
					t.Errorf("%s: priorityClassName %q is not one of the platform's", what, p)
				}
				if path, ok := accountPath[rel]; ok {
					sa := dig(r.values, path).(map[string]any)
					if sa["create"] != false || !accounts[r.str("namespace")+"/"+sa["name"].(string)] {
						t.Errorf("%s: service account %v is not the IRSA account Terraform made", what, sa)
					}
				}
				for _, dep := range r.strs("depends_on") {
					if strings.HasPrefix(dep, "aws_eks_node_group.") {
						nodeGroups++
						break
					}
				}
			}
			if nodeGroups != len(releases) {
				t.Errorf("%s/%s: %d of %d releases wait for the node groups", name, cluster, nodeGroups, len(releases))
			}
			region, _ := dig(releases["cluster-autoscaler"].values, "awsRegion").(string)
			if dig(releases["cluster-autoscaler"].values, "autoDiscovery.clusterName") != clusterName || region != config.Region {
				t.Errorf("%s/%s: autoscaler discovers %v in %s", name, cluster, dig(releases["cluster-autoscaler"].values, "autoDiscovery.clusterName"), region)
			}
			// OBS-1: Fluent Bit writes into the group Terraform made: KMS, the env's retention.
			fb := releases["fluent-bit"].values
			group := s.one(t, "aws_cloudwatch_log_group", kubeplatform.ContainerLogGroup(clusterName))
			if dig(fb, "cloudWatchLogs.logGroupName") != group.str("name") || dig(fb, "cloudWatchLogs.autoCreateGroup") != false ||
				group.num("retention_in_days") != env.Observability.LogRetentionDays || !strings.Contains(group.str("kms_key_id"), "aws_kms_key.") {
				t.Errorf("%s/%s: fluent bit %v into group %v", name, cluster, dig(fb, "cloudWatchLogs"), group.Attrs)
			}
			// OBS-3: the ADOT collector image, exporting traces to X-Ray only.
			adot := releases["adot-collector"].values
			if image := fmt.Sprintf("%v:%v", dig(adot, "image.repository"), dig(adot, "image.tag")); image != env.Kubernetes.AdotCollectorImage {
				t.Errorf("%s/%s: collector image %s, want %s", name, cluster, image, env.Kubernetes.AdotCollectorImage)
			}
			traces := dig(adot, "config.service.pipelines.traces").(map[string]any)
			if !reflect.DeepEqual(toStrings(traces["exporters"]), []string{"awsxray"}) || dig(adot, "config.exporters.awsxray.region") != config.Region {
				t.Errorf("%s/%s: trace pipeline %v", name, cluster, traces)
			}
		}
		// The load balancer controller knows its cluster, region and VPC without IMDS.
		lbc := releasesOn(t, s, "app")["aws-load-balancer-controller"]
		vpc := s.single(t, "aws_vpc")
		sets := map[string]string{}
		for _, st := range list(lbc.Attrs["set"]) {
			sets[st["name"].(string)], _ = st["value"].(string)
		}
		if dig(lbc.values, "clusterName") != "smile5-"+env.Name+"-app" || dig(lbc.values, "region") != config.Region || sets["vpcId"] != vpc.Ref("id") {
			t.Errorf("%s: load balancer controller values %v sets %v", name, lbc.values, sets)
		}
		// The Spark operator watches the SMILE namespace and runs jobs as its IRSA account.
		spark := releasesOn(t, s, "data")["spark-operator"].values
		if !reflect.DeepEqual(toStrings(dig(spark, "spark.jobNamespaces")), []string{env.Prefix()}) ||
			dig(spark, "spark.serviceAccount.name") != kubeplatform.SparkServiceAccount || dig(spark, "spark.serviceAccount.create") != false {
			t.Errorf("%s: spark operator values %v", name, spark)
		}
	}
}

// inlineStatements returns the statements of a role's inline policy.
func inlineStatements(t *testing.T, s *synthesized, role resource) []map[string]any {
	t.Helper()
	for _, p := range s.resources("aws_iam_role_policy") {
		if p.str("role") == role.Ref("id") {
			return policyStatements(t, s, p.str("policy"))
		}
	}
	return nil
}

// K8S-2, SEC-2: each add-on's role may do what the add-on does, to this cluster's
// resources: the load balancer controller changes only what carries this cluster's tag
// (or registers pods into target groups); the autoscaler resizes only this cluster's node
// groups; Fluent Bit writes only its log group; the collector only writes traces.
func TestK8S2ReleaseIrsaPolicies(t *testing.T) {
	for name, s := range synthReal(t) {
		env := envOf(name)
		for _, cluster := range platformClusters {
			clusterName := fmt.Sprintf("smile5-%s-%s", env.Name, cluster)
			role := func(sa string) resource { return s.one(t, "aws_iam_role", clusterName+"-"+sa) }

			if cluster == "app" {
				for _, st := range inlineStatements(t, s, role("aws-load-balancer-controller")) {
					sid, _ := st["sid"].(string)
					mutating := false
					for _, a := range toStrings(st["actions"]) {
						verb := a[strings.Index(a, ":")+1:]
						if !strings.HasPrefix(verb, "Describe") && !strings.HasPrefix(verb, "Get") && !strings.HasPrefix(verb, "List") {
							mutating = true
						}
					}
					scoped := false
					for _, c := range conditions(st) {
						if strings.Contains(c, kubeplatform.ClusterTag) && strings.Contains(c, clusterName) {
							scoped = true
						}
					}
					// Unscoped by nature: the service-linked role (conditioned on the service),
					// creating a security group (tagged in the same call, checked by
					// TagNewSecurityGroups), and registering pods into target groups.
					unscoped := map[string]bool{"ServiceLinkedRole": true, "CreateSecurityGroups": true, "RegisterPods": true}
					if mutating && !scoped && !unscoped[sid] {
						t.Errorf("%s: load balancer controller statement %s changes resources without the %s=%s condition", name, sid, kubeplatform.ClusterTag, clusterName)
					}
				}
			}

			resize := false
			for _, st := range inlineStatements(t, s, role("cluster-autoscaler")) {
				actions := toStrings(st["actions"])
				if slices.Contains(actions, "autoscaling:SetDesiredCapacity") {
					resize = true
					want := []string{"StringEquals aws:ResourceTag/k8s.io/cluster-autoscaler/" + clusterName + " owned"}
					if got := conditions(st); !reflect.DeepEqual(got, want) {
						t.Errorf("%s/%s: autoscaler resizes with conditions %v, want %v", name, cluster, got, want)
					}
				}
			}
			if !resize {
				t.Errorf("%s/%s: the autoscaler cannot resize node groups", name, cluster)
			}

			group := s.one(t, "aws_cloudwatch_log_group", kubeplatform.ContainerLogGroup(clusterName))
			for _, st := range inlineStatements(t, s, role("fluent-bit")) {
				for _, r := range toStrings(st["resources"]) {
					if !strings.HasPrefix(r, group.Ref("arn")) {
						t.Errorf("%s/%s: fluent bit may write to %s", name, cluster, r)
					}
				}
			}

			adot := role("adot-collector")
			if got := attachedPolicies(s, adot); !reflect.DeepEqual(got, []string{"arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"}) || inlineStatements(t, s, adot) != nil {
				t.Errorf("%s/%s: collector policies %v", name, cluster, got)
			}
		}
	}
}

// K8S-1: the platform's PriorityClasses rank add-ons above every workload; the on-call
// group reads everything but Secrets, and is mapped from its IAM roles by access entries
// that grant no access policy.
func TestK8S1PriorityClassesAndOnCallAccess(t *testing.T) {
	for name, s := range synthReal(t) {
		for _, cluster := range platformClusters {
			got := map[string]int{}
			for _, pc := range onCluster(s, "kubernetes_priority_class_v1", cluster) {
				got[metadata(pc)["name"].(string)] = pc.num("value")
				if pc.boolean("global_default") {
					t.Errorf("%s/%s: %s is the global default", name, cluster, pc.Name)
				}
			}
			if !reflect.DeepEqual(got, kubeplatform.PriorityValues) || got[kubeplatform.CriticalPriority] <= got[kubeplatform.PlatformPriority] || got[kubeplatform.PlatformPriority] <= 0 {
				t.Errorf("%s/%s: priority classes %v", name, cluster, got)
			}

			roles := onCluster(s, "kubernetes_cluster_role_v1", cluster)
			if len(roles) != 1 {
				t.Fatalf("%s/%s: %d cluster roles", name, cluster, len(roles))
			}
			for _, rule := range list(roles[0].Attrs["rule"]) {
				if verbs := toStrings(rule["verbs"]); !reflect.DeepEqual(verbs, []string{"get", "list", "watch"}) {
					t.Errorf("%s/%s: on-call verbs %v", name, cluster, verbs)
				}
				resources := toStrings(rule["resources"])
				if slices.Contains(resources, "secrets") || slices.Contains(toStrings(rule["api_groups"]), "") && slices.Contains(resources, "*") {
					t.Errorf("%s/%s: on-call may read secrets: %v", name, cluster, rule)
				}
			}
			bindings := onCluster(s, "kubernetes_cluster_role_binding_v1", cluster)
			if len(bindings) != 1 {
				t.Fatalf("%s/%s: %d cluster role bindings", name, cluster, len(bindings))
			}
			subjects := list(bindings[0].Attrs["subject"])
			if len(subjects) != 1 || subjects[0]["kind"] != "Group" || subjects[0]["name"] != kubeplatform.OnCallGroup ||
				block(bindings[0], "role_ref")["name"] != roles[0].Ref("metadata[0].name") {
				t.Errorf("%s/%s: binding %v", name, cluster, bindings[0].Attrs)
			}
		}
		onCall := s.one(t, "aws_iam_role", "smile5-"+envOf(name).Name+"-eks-oncall")
		entries := 0
		for _, e := range s.resources("aws_eks_access_entry") {
			if !reflect.DeepEqual(e.strs("kubernetes_groups"), []string{kubeplatform.OnCallGroup}) {
				continue
			}
			entries++
			if e.str("principal_arn") != onCall.Ref("arn") {
				t.Errorf("%s: on-call entry for %s", name, e.str("principal_arn"))
			}
			for _, a := range s.resources("aws_eks_access_policy_association") {
				if a.str("principal_arn") == e.str("principal_arn") {
					t.Errorf("%s: the on-call role has an access policy %s", name, a.str("policy_arn"))
				}
			}
		}
		if entries != 2 {
			t.Errorf("%s: %d on-call access entries, want one per cluster", name, entries)
		}
	}
}

// The platform's Kubernetes objects wait for the admin access they authenticate with.
func TestK8S3ObjectsWaitForAdminAccess(t *testing.T) {
	s := synthReal(t)["smile-prod"]
	for _, typ := range []string{"kubernetes_namespace_v1", "kubernetes_limit_range_v1", "kubernetes_resource_quota_v1",
		"kubernetes_service_account_v1", "kubernetes_priority_class_v1", "kubernetes_cluster_role_v1", "kubernetes_cluster_role_binding_v1"} {
		for _, r := range s.resources(typ) {
			found := false
			for _, dep := range r.strs("depends_on") {
				if strings.HasPrefix(dep, "aws_eks_access_policy_association.") {
					found = true
				}
			}
			if !found {
				t.Errorf("%s does not wait for the admin access policy association", r.address())
			}
		}
	}
}

// In emulator mode the providers reach the local API servers with a static token; the
// releases are skipped (no chart repository offline) and everything else is deployed.
func TestK8SEmulatorProviders(t *testing.T) {
	s := synthVariants(t)["smile-dev"]
	for _, kind := range []string{"kubernetes", "helm"} {
		for _, raw := range s.doc["provider"].(map[string]any)[kind].([]any) {
			p := raw.(map[string]any)
			conn := p
			if kind == "helm" {
				conn = p["kubernetes"].(map[string]any)
			}
			if _, ok := conn["exec"]; ok || conn["token"] != emulatorKubeToken || !strings.HasPrefix(fmt.Sprint(conn["host"]), "https://127.0.0.1:") ||
				!strings.Contains(fmt.Sprint(conn["cluster_ca_certificate"]), "BEGIN CERTIFICATE") {
				t.Errorf("emulator %s.%s: %v", kind, p["alias"], conn)
			}
		}
	}
	for _, r := range s.resources("helm_release") {
		if r.Attrs["count"] != float64(0) {
			t.Errorf("emulator %s is not skipped", r.address())
		}
	}
	if len(s.resources("kubernetes_resource_quota_v1")) != 2 || s.resources("kubernetes_resource_quota_v1")[0].Attrs["count"] != nil {
		t.Errorf("emulator quotas are not deployed")
	}
}
