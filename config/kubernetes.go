package config

import "fmt"

// Kubernetes is the platform inside the two clusters: the SMILE namespace with its limits
// and quota, the service accounts, the add-on charts and Spark (K8S-1 … K8S-3, EKS-7).
type Kubernetes struct {
	// Application and Data cap the namespace smile5-<env> on each cluster (K8S-1).
	Application, Data NamespaceQuota
	// Charts pins every add-on chart (K8S-2).
	Charts Charts
	// AdotCollectorImage is the AWS Distro for OpenTelemetry collector image the collector
	// chart runs (it carries the X-Ray exporter), pinned by tag.
	AdotCollectorImage string
	// SparkExecutors is how many executors one Spark application may run on the data
	// cluster (K8S-2: 3–5). The data namespace's quota must hold a driver and the maximum.
	SparkExecutors Range
	// OnCallRoleArns are IAM roles that get the read-only on-call group on both clusters,
	// next to the per-environment on-call role the stack creates.
	OnCallRoleArns []string
}

// Range is an inclusive range of counts.
type Range struct {
	// Min and Max are the smallest and largest count allowed.
	Min, Max int
}

// Resources is an amount of CPU (in millicores) and memory (in MiB).
type Resources struct {
	// MilliCPU is CPU in thousandths of a core and MemoryMiB memory in MiB.
	MilliCPU, MemoryMiB int
}

// CPU is the Kubernetes quantity of the CPU in the canonical form the API server stores
// and returns (500m, 2): written any other way (2000m), every plan would show a change.
func (r Resources) CPU() string {
	if r.MilliCPU%1000 == 0 {
		return fmt.Sprint(r.MilliCPU / 1000)
	}
	return fmt.Sprintf("%dm", r.MilliCPU)
}

// Memory is the Kubernetes quantity of the memory in canonical form (512Mi, 4Gi).
func (r Resources) Memory() string {
	if r.MemoryMiB%1024 == 0 {
		return fmt.Sprintf("%dGi", r.MemoryMiB/1024)
	}
	return fmt.Sprintf("%dMi", r.MemoryMiB)
}

// Times is r multiplied by n.
func (r Resources) Times(n int) Resources {
	return Resources{MilliCPU: r.MilliCPU * n, MemoryMiB: r.MemoryMiB * n}
}

// Covers reports whether r is at least other in both CPU and memory.
func (r Resources) Covers(other Resources) bool {
	return r.MilliCPU >= other.MilliCPU && r.MemoryMiB >= other.MemoryMiB
}

// PodClass is the size range EKS-7 allows one kind of workload, per container.
type PodClass struct {
	Name     string
	Min, Max Resources
}

// The three workload classes of EKS-7.
var (
	APIPods    = PodClass{Name: "API services", Min: Resources{500, 512}, Max: Resources{2000, 4096}}
	WorkerPods = PodClass{Name: "background workers", Min: Resources{250, 256}, Max: Resources{1000, 2048}}
	ETLPods    = PodClass{Name: "ETL jobs", Min: Resources{2000, 8192}, Max: Resources{4000, 16384}}
)

// NamespaceQuota caps what the whole namespace may request and be limited to
// (its ResourceQuota, K8S-1).
type NamespaceQuota struct {
	// Requests and Limits are the sums over all pods of the namespace.
	Requests, Limits Resources
	// Pods is the most pods the namespace may run.
	Pods int
}

// Chart is one Helm chart from a chart repository, pinned to an exact version.
type Chart struct {
	// Repository is the chart repository's URL, Name the chart in it and Version its exact
	// version.
	Repository, Name, Version string
	// ImageTag overrides the chart's own image tag, where the image must follow something
	// the chart's release does not (the cluster autoscaler follows the cluster's minor).
	ImageTag string
}

// Charts are the add-ons installed with Helm (K8S-2).
type Charts struct {
	LoadBalancerController Chart
	// ClusterAutoscaler, not Karpenter: the node groups are EKS managed node groups with a
	// min and max per group (EKS-1, EKS-2), which the autoscaler resizes within those
	// bounds; Karpenter launches instances outside node groups and would make them moot.
	ClusterAutoscaler Chart
	MetricsServer     Chart
	FluentBit         Chart
	// OpenTelemetryCollector runs AdotCollectorImage (the ADOT collector).
	OpenTelemetryCollector Chart
	SparkOperator          Chart
}

// All lists the charts by the release name they are installed as.
func (c Charts) All() map[string]Chart {
	return map[string]Chart{
		"aws-load-balancer-controller": c.LoadBalancerController,
		"cluster-autoscaler":           c.ClusterAutoscaler,
		"metrics-server":               c.MetricsServer,
		"fluent-bit":                   c.FluentBit,
		"adot-collector":               c.OpenTelemetryCollector,
		"spark-operator":               c.SparkOperator,
	}
}

// charts are the chart versions tested together with the current and the previous
// Kubernetes minor (lifecycle/calendar.go has their sources). The cluster autoscaler's
// minor must match the cluster's: chart 9.59.0 ships 1.35.0, so its image tag is set to
// the autoscaler release of the cluster's minor (autoscalerTag).
func charts(autoscalerTag string) Charts {
	return Charts{
		LoadBalancerController: Chart{Repository: "https://aws.github.io/eks-charts", Name: "aws-load-balancer-controller", Version: "1.14.0"},
		ClusterAutoscaler:      Chart{Repository: "https://kubernetes.github.io/autoscaler", Name: "cluster-autoscaler", Version: "9.59.0", ImageTag: autoscalerTag},
		MetricsServer:          Chart{Repository: "https://kubernetes-sigs.github.io/metrics-server", Name: "metrics-server", Version: "3.13.1"},
		FluentBit:              Chart{Repository: "https://aws.github.io/eks-charts", Name: "aws-for-fluent-bit", Version: "0.1.35"},
		OpenTelemetryCollector: Chart{Repository: "https://open-telemetry.github.io/opentelemetry-helm-charts", Name: "opentelemetry-collector", Version: "0.137.0"},
		SparkOperator:          Chart{Repository: "https://kubeflow.github.io/spark-operator", Name: "spark-operator", Version: "2.5.2"},
	}
}

// defaultKubernetes sizes the namespaces: the application quota holds maxPods pods of
// the application classes, the data quota a Spark application at its maximum plus room.
func defaultKubernetes(app, data NamespaceQuota) Kubernetes {
	return Kubernetes{
		Application: app, Data: data,
		Charts:             CurrentVersions().Charts,
		AdotCollectorImage: "public.ecr.aws/aws-observability/aws-otel-collector:v0.45.1",
		SparkExecutors:     Range{Min: 3, Max: 5},
	}
}
