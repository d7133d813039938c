// Package kubeplatform builds what runs inside one EKS cluster, through the kubernetes and
// helm providers: the SMILE namespace with its LimitRange and ResourceQuota, the service
// accounts with their IRSA roles, PriorityClasses, the on-call group's read-only RBAC and
// access entries, and the add-on Helm releases (K8S-1 … K8S-3, EKS-7).
//
// Only the typed _v1 resources are used, never kubernetes_manifest: those plan without
// the API server, so one stack can create a cluster and its platform in one apply.
package kubeplatform

import (
	"fmt"
	"slices"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/eksaccessentry"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/clusterrolebindingv1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/clusterrolev1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/limitrangev1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/namespacev1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/priorityclassv1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/resourcequotav1"
	"github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/serviceaccountv1"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/config"
	"github.com/smile/infra/constructs/eks"
	"github.com/smile/infra/constructs/iampolicy"
)

// RoleArnAnnotation is the service-account annotation IRSA reads (EKS-6).
const RoleArnAnnotation = "eks.amazonaws.com/role-arn"

// OnCallGroup is the Kubernetes group of the on-call engineers: read-only, no secrets.
const OnCallGroup = "smile-oncall"

// The PriorityClasses of the platform's add-ons; workloads keep the default priority 0.
const (
	// CriticalPriority: without these the platform stops working (target registration,
	// capacity, pod metrics for autoscaling, logs from every node).
	CriticalPriority = "smile-platform-critical"
	// PlatformPriority: the other add-ons, still above every workload.
	PlatformPriority = "smile-platform"
)

// PriorityValues are the values of the platform's PriorityClasses: above every workload
// and below the system-* classes (2000000000+) of the add-ons EKS manages.
var PriorityValues = map[string]int{CriticalPriority: 1000000, PlatformPriority: 100000}

// Workload is a service account in the SMILE namespace with its own IRSA role.
type Workload struct {
	Name              string
	Statements        []iampolicy.Statement
	ManagedPolicyArns []string
}

// Principal is an IAM role mapped to the on-call group.
type Principal struct {
	// Key names the access entry's logical ID; it must not change while the role stays.
	Key string
	Arn *string
}

// Config is the platform of one cluster.
type Config struct {
	// ClusterName is the cluster's name, known at synth time (e.g. smile5-dev-app): it is
	// part of IAM condition keys and chart values.
	ClusterName string
	// ClusterNameRef is the cluster resource's name attribute, so access entries follow it.
	ClusterNameRef *string
	Region         string
	AccountID      *string
	VpcID          *string
	OIDC           eks.OIDC
	// Namespace is smile5-<env> (K8S-1).
	Namespace string
	// PodClasses are the EKS-7 classes this namespace hosts; the LimitRange admits all of
	// them and defaults a container that names no size to the smallest.
	PodClasses []config.PodClass
	Quota      config.NamespaceQuota
	// Workloads get a service account in Namespace with an IRSA role.
	Workloads []Workload
	// OnCall are mapped to the read-only group through access entries.
	OnCall []Principal
	Charts config.Charts
	// Releases names the add-ons to install: keys of config.Charts.All.
	Releases           []string
	AdotCollectorImage string
	// SparkExecutors sizes the Spark operator's applications (data cluster).
	SparkExecutors config.Range
	// LogsKeyArn and LogRetentionDays are the container log group's (OBS-1).
	LogsKeyArn       *string
	LogRetentionDays int
	// Kubernetes and Helm are this cluster's aliased providers (K8S-3).
	Kubernetes, Helm cdktf.TerraformProvider
	// AdminAccess must exist before the deployer can reach the API; Nodes before any pod
	// can run (the releases wait for theirs).
	AdminAccess, Nodes []cdktf.ITerraformDependable
}

// Output is what the stack outputs and tests need.
type Output struct {
	Namespace *string
	// RoleArns are the IRSA roles by service account, "namespace/name".
	RoleArns map[string]*string
	// ContainerLogGroup receives every container's log lines (Fluent Bit).
	ContainerLogGroup *string
}

// New builds the platform of one cluster.
func New(scope constructs.Construct, id string, cfg Config) (*Output, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	p := &platform{scope: c, cfg: cfg, out: &Output{RoleArns: map[string]*string{}}}

	ns := p.namespace("namespace", cfg.Namespace, map[string]string{
		// Baseline is enforced (no host access, no privilege escalation); restricted is
		// reported, so workloads can be brought up to it before it is enforced.
		"pod-security.kubernetes.io/enforce": "baseline",
		"pod-security.kubernetes.io/warn":    "restricted",
	})
	p.out.Namespace = ns.Metadata().Name()
	p.limits(ns)
	p.quota(ns)
	for _, w := range cfg.Workloads {
		if _, err := p.serviceAccount("workload-"+w.Name, cfg.Namespace, w.Name, ns, w.Statements, w.ManagedPolicyArns); err != nil {
			return nil, err
		}
	}
	p.priorityClasses()
	p.onCall()
	if err := p.releases(); err != nil {
		return nil, err
	}
	return p.out, nil
}

// platform carries one cluster's construct, config and output through the steps of New.
type platform struct {
	scope      constructs.Construct
	cfg        Config
	out        *Output
	priorities []cdktf.ITerraformDependable
	// containerLogGroupArn is Fluent Bit's log group, for its policy.
	containerLogGroupArn *string
}

// kubernetes is what every Kubernetes object shares: the cluster's provider, and the
// admin access the deployer authenticates through.
func (p *platform) kubernetes() (cdktf.TerraformProvider, *[]cdktf.ITerraformDependable) {
	deps := slices.Clone(p.cfg.AdminAccess)
	return p.cfg.Kubernetes, &deps
}

func (p *platform) namespace(id, name string, labels map[string]string) namespacev1.NamespaceV1 {
	provider, deps := p.kubernetes()
	return namespacev1.NewNamespaceV1(p.scope, jsii.String(id), &namespacev1.NamespaceV1Config{
		Provider:  provider,
		DependsOn: deps,
		Metadata:  &namespacev1.NamespaceV1Metadata{Name: jsii.String(name), Labels: stringMap(labels)},
	})
}

// Envelope is the LimitRange of a namespace hosting the given classes (EKS-7).
//
// A LimitRange cannot tell an API pod from a worker: it sees containers, not workloads.
// So it enforces the envelope of the classes the namespace hosts (the smallest minimum
// and the largest maximum) and defaults a container that names no size to the smallest
// class, the cheapest mistake; each workload's chart sets its own class's requests and
// limits inside the envelope. The application namespace hosts API services and workers
// (250m-2000m CPU, 256Mi-4Gi), the data namespace ETL jobs (2-4 vCPU, 8-16Gi), which is
// why ETL runs on the data cluster and nowhere else.
type Envelope struct {
	Min, Max, DefaultRequest, DefaultLimit config.Resources
}

// EnvelopeOf computes the envelope of classes.
func EnvelopeOf(classes []config.PodClass) Envelope {
	smallest := classes[0]
	e := Envelope{Min: smallest.Min, Max: smallest.Max}
	for _, c := range classes[1:] {
		e.Min.MilliCPU, e.Min.MemoryMiB = min(e.Min.MilliCPU, c.Min.MilliCPU), min(e.Min.MemoryMiB, c.Min.MemoryMiB)
		e.Max.MilliCPU, e.Max.MemoryMiB = max(e.Max.MilliCPU, c.Max.MilliCPU), max(e.Max.MemoryMiB, c.Max.MemoryMiB)
		if c.Min.MilliCPU < smallest.Min.MilliCPU {
			smallest = c
		}
	}
	e.DefaultRequest, e.DefaultLimit = smallest.Min, smallest.Max
	return e
}

func (p *platform) limits(ns namespacev1.NamespaceV1) {
	e := EnvelopeOf(p.cfg.PodClasses)
	provider, deps := p.kubernetes()
	limitrangev1.NewLimitRangeV1(p.scope, jsii.String("limits"), &limitrangev1.LimitRangeV1Config{
		Provider:  provider,
		DependsOn: deps,
		Metadata:  &limitrangev1.LimitRangeV1Metadata{Name: jsii.String("pod-classes"), Namespace: ns.Metadata().Name()},
		Spec: &limitrangev1.LimitRangeV1Spec{Limit: &[]*limitrangev1.LimitRangeV1SpecLimit{{
			Type:           jsii.String("Container"),
			Min:            quantities(e.Min),
			Max:            quantities(e.Max),
			DefaultRequest: quantities(e.DefaultRequest),
			Default:        quantities(e.DefaultLimit),
		}}},
	})
}

func (p *platform) quota(ns namespacev1.NamespaceV1) {
	q := p.cfg.Quota
	provider, deps := p.kubernetes()
	resourcequotav1.NewResourceQuotaV1(p.scope, jsii.String("quota"), &resourcequotav1.ResourceQuotaV1Config{
		Provider:  provider,
		DependsOn: deps,
		Metadata:  &resourcequotav1.ResourceQuotaV1Metadata{Name: jsii.String("namespace-quota"), Namespace: ns.Metadata().Name()},
		Spec: &resourcequotav1.ResourceQuotaV1Spec{Hard: stringMap(map[string]string{
			"requests.cpu":    q.Requests.CPU(),
			"requests.memory": q.Requests.Memory(),
			"limits.cpu":      q.Limits.CPU(),
			"limits.memory":   q.Limits.Memory(),
			"pods":            fmt.Sprint(q.Pods),
			// Traffic enters through the Terraform-owned ALB only (EDGE-3): a Service of type
			// LoadBalancer or NodePort would open a second, unreviewed way in.
			"services.loadbalancers": "0",
			"services.nodeports":     "0",
		})},
	})
}

// serviceAccount creates a service account annotated with a new IRSA role that only it
// can assume.
func (p *platform) serviceAccount(id, namespace, name string, after cdktf.ITerraformDependable, statements []iampolicy.Statement, managed []string) (serviceaccountv1.ServiceAccountV1, error) {
	role, err := eks.NewIrsaRole(p.scope, id+"-irsa", eks.IrsaRoleConfig{
		Name: p.cfg.ClusterName + "-" + name, OIDC: p.cfg.OIDC, Namespace: namespace, ServiceAccount: name,
		ManagedPolicyArns: managed, Statements: statements,
	})
	if err != nil {
		return nil, err
	}
	p.out.RoleArns[namespace+"/"+name] = role.Arn
	provider, deps := p.kubernetes()
	if after != nil {
		*deps = append(*deps, after)
	}
	return serviceaccountv1.NewServiceAccountV1(p.scope, jsii.String(id), &serviceaccountv1.ServiceAccountV1Config{
		Provider:  provider,
		DependsOn: deps,
		Metadata: &serviceaccountv1.ServiceAccountV1Metadata{
			Name: jsii.String(name), Namespace: jsii.String(namespace),
			Annotations: &map[string]*string{RoleArnAnnotation: role.Arn},
		},
	}), nil
}

func (p *platform) priorityClasses() {
	for _, name := range []string{CriticalPriority, PlatformPriority} {
		provider, deps := p.kubernetes()
		p.priorities = append(p.priorities, priorityclassv1.NewPriorityClassV1(p.scope, jsii.String("priority-"+name), &priorityclassv1.PriorityClassV1Config{
			Provider:         provider,
			DependsOn:        deps,
			Metadata:         &priorityclassv1.PriorityClassV1Metadata{Name: jsii.String(name)},
			Value:            jsii.Number(float64(PriorityValues[name])),
			GlobalDefault:    jsii.Bool(false),
			PreemptionPolicy: jsii.String("PreemptLowerPriority"),
			Description:      jsii.String("SMILE platform add-ons: scheduled before any workload"),
		}))
	}
}

// OnCallRules are what the on-call group may read: everything operations need to find a
// fault, but no Secrets (RBAC cannot subtract, so the core resources are listed).
var OnCallRules = []Rule{
	{APIGroups: []string{""}, Resources: []string{
		"pods", "pods/log", "services", "endpoints", "configmaps", "events", "namespaces", "nodes",
		"persistentvolumeclaims", "persistentvolumes", "replicationcontrollers", "resourcequotas",
		"limitranges", "serviceaccounts",
	}},
	{APIGroups: []string{"apps", "batch", "autoscaling", "policy", "networking.k8s.io", "discovery.k8s.io",
		"storage.k8s.io", "scheduling.k8s.io", "events.k8s.io", "metrics.k8s.io", "elbv2.k8s.aws", "sparkoperator.k8s.io"},
		Resources: []string{"*"}},
}

// Rule is one RBAC rule; the verbs are always read-only.
type Rule struct{ APIGroups, Resources []string }

// ReadOnlyVerbs are the verbs of every on-call rule.
var ReadOnlyVerbs = []string{"get", "list", "watch"}

func (p *platform) onCall() {
	provider, deps := p.kubernetes()
	var rules []*clusterrolev1.ClusterRoleV1Rule
	for _, r := range OnCallRules {
		rules = append(rules, &clusterrolev1.ClusterRoleV1Rule{
			ApiGroups: jsii.Strings(r.APIGroups...), Resources: jsii.Strings(r.Resources...), Verbs: jsii.Strings(ReadOnlyVerbs...),
		})
	}
	role := clusterrolev1.NewClusterRoleV1(p.scope, jsii.String("oncall-role"), &clusterrolev1.ClusterRoleV1Config{
		Provider: provider, DependsOn: deps,
		Metadata: &clusterrolev1.ClusterRoleV1Metadata{Name: jsii.String(OnCallGroup + "-view")},
		Rule:     &rules,
	})
	provider, deps = p.kubernetes()
	clusterrolebindingv1.NewClusterRoleBindingV1(p.scope, jsii.String("oncall-binding"), &clusterrolebindingv1.ClusterRoleBindingV1Config{
		Provider: provider, DependsOn: deps,
		Metadata: &clusterrolebindingv1.ClusterRoleBindingV1Metadata{Name: jsii.String(OnCallGroup + "-view")},
		RoleRef: &clusterrolebindingv1.ClusterRoleBindingV1RoleRef{
			ApiGroup: jsii.String("rbac.authorization.k8s.io"), Kind: jsii.String("ClusterRole"), Name: role.Metadata().Name(),
		},
		Subject: &[]*clusterrolebindingv1.ClusterRoleBindingV1Subject{{
			ApiGroup: jsii.String("rbac.authorization.k8s.io"), Kind: jsii.String("Group"), Name: jsii.String(OnCallGroup),
		}},
	})
	// The access entry maps the IAM role to the group; no access policy, so RBAC above is
	// all it gets.
	for _, principal := range p.cfg.OnCall {
		eksaccessentry.NewEksAccessEntry(p.scope, jsii.String("oncall-"+principal.Key), &eksaccessentry.EksAccessEntryConfig{
			ClusterName: p.cfg.ClusterNameRef, PrincipalArn: principal.Arn, Type: jsii.String("STANDARD"),
			KubernetesGroups: jsii.Strings(OnCallGroup),
		})
	}
}

func (cfg Config) check() error {
	var missing []string
	for field, v := range map[string]any{
		"ClusterNameRef": cfg.ClusterNameRef, "AccountID": cfg.AccountID, "VpcID": cfg.VpcID, "OIDC": cfg.OIDC.ProviderArn,
		"LogsKeyArn": cfg.LogsKeyArn, "Kubernetes": cfg.Kubernetes, "Helm": cfg.Helm,
	} {
		if v == nil || v == (*string)(nil) {
			missing = append(missing, field)
		}
	}
	slices.Sort(missing)
	switch {
	case cfg.ClusterName == "" || cfg.Namespace == "" || cfg.Region == "":
		return fmt.Errorf("kubeplatform: ClusterName, Namespace and Region are required")
	case len(missing) > 0:
		return fmt.Errorf("kubeplatform %s: %v required", cfg.ClusterName, missing)
	case len(cfg.PodClasses) == 0:
		return fmt.Errorf("kubeplatform %s: at least one pod class is required (EKS-7)", cfg.ClusterName)
	}
	known := cfg.Charts.All()
	for _, r := range cfg.Releases {
		if _, ok := known[r]; !ok {
			return fmt.Errorf("kubeplatform %s: unknown release %q", cfg.ClusterName, r)
		}
	}
	return nil
}

// quantities is the cpu and memory map of a LimitRange entry.
func quantities(r config.Resources) *map[string]*string {
	return stringMap(map[string]string{"cpu": r.CPU(), "memory": r.Memory()})
}

func stringMap(m map[string]string) *map[string]*string {
	out := map[string]*string{}
	for k, v := range m {
		out[k] = jsii.String(v)
	}
	return &out
}
