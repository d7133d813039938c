package kubeplatform

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-helm-go/helm/v10/release"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/constructs/loggroup"
)

// The add-on releases, by the names config.Charts.All gives them.
const (
	LoadBalancerController = "aws-load-balancer-controller"
	ClusterAutoscaler      = "cluster-autoscaler"
	MetricsServer          = "metrics-server"
	FluentBit              = "fluent-bit"
	AdotCollector          = "adot-collector"
	SparkOperator          = "spark-operator"
)

// Where each release runs, and the service account it calls AWS as ("" when it calls no
// AWS API and the chart makes its own account).
var releaseHomes = map[string]struct{ Namespace, ServiceAccount, Priority string }{
	LoadBalancerController: {"kube-system", "aws-load-balancer-controller", CriticalPriority},
	ClusterAutoscaler:      {"kube-system", "cluster-autoscaler", CriticalPriority},
	MetricsServer:          {"kube-system", "", CriticalPriority},
	FluentBit:              {"logging", "fluent-bit", CriticalPriority},
	AdotCollector:          {"observability", "adot-collector", PlatformPriority},
	SparkOperator:          {"spark-operator", "", PlatformPriority},
}

// SparkServiceAccount is the account Spark drivers and executors run as in the SMILE
// namespace; its IRSA role is a workload's (the stack gives it its S3 access).
const SparkServiceAccount = "spark"

// ReleaseNamespace is where a release runs.
func ReleaseNamespace(release string) string { return releaseHomes[release].Namespace }

// releases installs the configured add-ons, each after its namespace, service account
// (with its IRSA role and policy) and PriorityClass, and after the nodes it runs on.
func (p *platform) releases() error {
	created := map[string]cdktf.ITerraformDependable{"kube-system": nil}
	for _, name := range p.cfg.Releases {
		home := releaseHomes[name]
		deps := slices.Clone(p.cfg.Nodes)
		deps = append(deps, p.priorities...)
		ns, ok := created[home.Namespace]
		if !ok {
			ns = p.namespace("namespace-"+home.Namespace, home.Namespace, nil)
			created[home.Namespace] = ns
		}
		if ns != nil {
			deps = append(deps, ns)
		}
		values, sets, err := p.values(name)
		if err != nil {
			return err
		}
		if home.ServiceAccount != "" {
			statements, managed := p.policy(name)
			sa, err := p.serviceAccount("addon-"+name, home.Namespace, home.ServiceAccount, ns, statements, managed)
			if err != nil {
				return err
			}
			deps = append(deps, sa)
		}
		encoded, err := json.Marshal(values)
		if err != nil {
			return fmt.Errorf("kubeplatform %s: values of %s: %w", p.cfg.ClusterName, name, err)
		}
		// Terraform reads ${ and %{ in any string as a template: a chart value that needs one
		// (the collector's ${env:...}) would be evaluated, not passed to the chart.
		if strings.Contains(string(encoded), "${") || strings.Contains(string(encoded), "%{") {
			return fmt.Errorf("kubeplatform %s: values of %s contain a Terraform template sequence (${ or %%{): leave that value to the chart's default or escape it", p.cfg.ClusterName, name)
		}
		chart := p.cfg.Charts.All()[name]
		var set []*release.ReleaseSet
		for _, s := range sets {
			set = append(set, &release.ReleaseSet{Name: jsii.String(s.name), Value: s.value})
		}
		r := &release.ReleaseConfig{
			Provider:   p.cfg.Helm,
			DependsOn:  &deps,
			Name:       jsii.String(name),
			Namespace:  jsii.String(home.Namespace),
			Repository: jsii.String(chart.Repository),
			Chart:      jsii.String(chart.Name),
			Version:    jsii.String(chart.Version),
			Values:     jsii.Strings(string(encoded)),
			// A failed install or upgrade rolls back instead of leaving a half-applied
			// release, and Terraform waits until the pods are ready.
			Atomic: jsii.Bool(true), CleanupOnFail: jsii.Bool(true), Wait: jsii.Bool(true),
			Timeout: jsii.Number(600), MaxHistory: jsii.Number(10),
		}
		if len(set) > 0 {
			r.Set = &set
		}
		release.NewRelease(p.scope, jsii.String("release-"+name), r)
	}
	return nil
}

// set is one chart value Terraform knows only at apply time (a resource attribute).
type set struct {
	name  string
	value *string
}

// values are the typed chart values of a release. Everything known at synth time goes
// into the values document (readable in the synthesized JSON, and tested); attributes of
// other resources go through set.
func (p *platform) values(name string) (any, []set, error) {
	cfg := p.cfg
	priority := releaseHomes[name].Priority
	account := func() serviceAccountValues {
		return serviceAccountValues{Create: false, Name: releaseHomes[name].ServiceAccount}
	}
	switch name {
	case LoadBalancerController:
		// Region and VPC are given: pods cannot read them from the instance metadata,
		// whose hop limit of 1 keeps pods out (EKS-4).
		return loadBalancerControllerValues{
			ClusterName: cfg.ClusterName, Region: cfg.Region, ReplicaCount: 2,
			ServiceAccount: account(), PriorityClassName: priority,
			// The ALB's WAF is Terraform's (EDGE-2), and Shield is not used: the controller
			// needs none of their permissions.
			EnableShield: false, EnableWaf: false, EnableWafv2: false,
		}, []set{{"vpcId", cfg.VpcID}}, nil
	case ClusterAutoscaler:
		var image *tagValues
		if tag := cfg.Charts.ClusterAutoscaler.ImageTag; tag != "" {
			image = &tagValues{Tag: tag}
		}
		return clusterAutoscalerValues{
			// The autoscaler's minor must be the cluster's (config.Charts.ClusterAutoscaler).
			Image:         image,
			CloudProvider: "aws", AwsRegion: cfg.Region,
			AutoDiscovery:     autoDiscoveryValues{ClusterName: cfg.ClusterName},
			Rbac:              rbacValues{ServiceAccount: account()},
			PriorityClassName: priority,
			ExtraArgs: map[string]string{
				// web/api/batch are different shapes: least-waste picks the group that fits
				// the pending pods best; balancing keeps similar groups level across zones.
				"expander":                      "least-waste",
				"balance-similar-node-groups":   "true",
				"skip-nodes-with-local-storage": "false",
			},
		}, nil, nil
	case MetricsServer:
		return metricsServerValues{Replicas: 2, PriorityClassName: priority}, nil, nil
	case FluentBit:
		// EKS-5/OBS-1: the group exists before Fluent Bit starts, encrypted, with the
		// environment's retention; Fluent Bit may not create groups of its own.
		group := loggroup.New(p.scope, "container-logs", loggroup.Config{
			Name: ContainerLogGroup(cfg.ClusterName), KeyArn: cfg.LogsKeyArn, RetentionDays: cfg.LogRetentionDays,
		})
		p.out.ContainerLogGroup = group.Name()
		p.containerLogGroupArn = group.Arn()
		return fluentBitValues{
			ServiceAccount: account(), PriorityClassName: priority,
			CloudWatchLogs: cloudWatchLogsValues{
				Enabled: true, Region: cfg.Region, LogGroupName: ContainerLogGroup(cfg.ClusterName),
				LogStreamPrefix: "pod-", AutoCreateGroup: false,
			},
			CloudWatch: enabledValues{Enabled: false}, Firehose: enabledValues{Enabled: false},
			Kinesis: enabledValues{Enabled: false}, Elasticsearch: enabledValues{Enabled: false},
		}, nil, nil
	case AdotCollector:
		repository, tag := splitImage(cfg.AdotCollectorImage)
		return adotCollectorValues{
			Mode: "deployment", ReplicaCount: 2, Image: imageValues{Repository: repository, Tag: tag},
			// The ADOT image's binary (the chart defaults to otelcol-contrib's).
			Command: commandValues{Name: "awscollector"}, ServiceAccount: account(), PriorityClassName: priority,
			Config: collectorConfig{
				// The chart's own OTLP receiver (gRPC 4317, HTTP 4318 on the pod IP) is kept;
				// the traces pipeline below uses it and nothing else.
				Processors: collectorProcessors{
					MemoryLimiter: memoryLimiter{CheckInterval: "5s", LimitPercentage: 80, SpikeLimitPercentage: 25},
					Batch:         struct{}{},
				},
				Exporters: collectorExporters{AwsXray: awsXrayExporter{Region: cfg.Region}},
				Service: collectorService{Pipelines: collectorPipelines{
					Traces: &pipeline{Receivers: []string{"otlp"}, Processors: []string{"memory_limiter", "batch"}, Exporters: []string{"awsxray"}},
					// null removes the chart's default logs and metrics pipelines, which would
					// print everything to the debug exporter.
					Logs: nil, Metrics: nil,
				}},
			},
		}, nil, nil
	case SparkOperator:
		return sparkOperatorValues{
			Spark: sparkValues{
				JobNamespaces:  []string{cfg.Namespace},
				ServiceAccount: serviceAccountValues{Create: false, Name: SparkServiceAccount},
				Rbac:           createValues{Create: true},
			},
			// The operator itself is small; what a Spark application may use is the data
			// namespace's quota, validated to hold a driver and SparkExecutors.Max executors.
			Controller: sparkControllerValues{Replicas: 1, PriorityClassName: priority},
			Webhook:    sparkWebhookValues{Enable: true, PriorityClassName: priority},
		}, nil, nil
	}
	return nil, nil, fmt.Errorf("kubeplatform: no values for release %q", name)
}

// ContainerLogGroup is the log group of a cluster's container logs.
func ContainerLogGroup(cluster string) string { return "/aws/eks/" + cluster + "/containers" }

// splitImage splits registry/path:tag.
func splitImage(image string) (repository, tag string) {
	for i := len(image) - 1; i >= 0; i-- {
		switch image[i] {
		case ':':
			return image[:i], image[i+1:]
		case '/':
			return image, ""
		}
	}
	return image, ""
}

// --- typed chart values -------------------------------------------------------------------

type serviceAccountValues struct {
	Create bool   `json:"create"`
	Name   string `json:"name"`
}

type enabledValues struct {
	Enabled bool `json:"enabled"`
}

type createValues struct {
	Create bool `json:"create"`
}

type loadBalancerControllerValues struct {
	ClusterName       string               `json:"clusterName"`
	Region            string               `json:"region"`
	ReplicaCount      int                  `json:"replicaCount"`
	ServiceAccount    serviceAccountValues `json:"serviceAccount"`
	PriorityClassName string               `json:"priorityClassName"`
	EnableShield      bool                 `json:"enableShield"`
	EnableWaf         bool                 `json:"enableWaf"`
	EnableWafv2       bool                 `json:"enableWafv2"`
}

type autoDiscoveryValues struct {
	ClusterName string `json:"clusterName"`
}

type rbacValues struct {
	ServiceAccount serviceAccountValues `json:"serviceAccount"`
}

type clusterAutoscalerValues struct {
	Image             *tagValues          `json:"image,omitempty"`
	CloudProvider     string              `json:"cloudProvider"`
	AwsRegion         string              `json:"awsRegion"`
	AutoDiscovery     autoDiscoveryValues `json:"autoDiscovery"`
	Rbac              rbacValues          `json:"rbac"`
	PriorityClassName string              `json:"priorityClassName"`
	ExtraArgs         map[string]string   `json:"extraArgs"`
}

type metricsServerValues struct {
	Replicas          int    `json:"replicas"`
	PriorityClassName string `json:"priorityClassName"`
}

type cloudWatchLogsValues struct {
	Enabled         bool   `json:"enabled"`
	Region          string `json:"region"`
	LogGroupName    string `json:"logGroupName"`
	LogStreamPrefix string `json:"logStreamPrefix"`
	AutoCreateGroup bool   `json:"autoCreateGroup"`
}

type fluentBitValues struct {
	ServiceAccount    serviceAccountValues `json:"serviceAccount"`
	PriorityClassName string               `json:"priorityClassName"`
	CloudWatchLogs    cloudWatchLogsValues `json:"cloudWatchLogs"`
	// The chart's other outputs (the legacy CloudWatch plugin, Firehose, Kinesis,
	// OpenSearch) stay off.
	CloudWatch    enabledValues `json:"cloudWatch"`
	Firehose      enabledValues `json:"firehose"`
	Kinesis       enabledValues `json:"kinesis"`
	Elasticsearch enabledValues `json:"elasticsearch"`
}

type imageValues struct {
	Repository string `json:"repository"`
	Tag        string `json:"tag"`
}

// tagValues sets only the chart's image tag, keeping its repository.
type tagValues struct {
	Tag string `json:"tag"`
}

type commandValues struct {
	Name string `json:"name"`
}

type memoryLimiter struct {
	CheckInterval        string `json:"check_interval"`
	LimitPercentage      int    `json:"limit_percentage"`
	SpikeLimitPercentage int    `json:"spike_limit_percentage"`
}

type collectorProcessors struct {
	MemoryLimiter memoryLimiter `json:"memory_limiter"`
	Batch         struct{}      `json:"batch"`
}

type awsXrayExporter struct {
	Region string `json:"region"`
}

type collectorExporters struct {
	AwsXray awsXrayExporter `json:"awsxray"`
}

type pipeline struct {
	Receivers  []string `json:"receivers"`
	Processors []string `json:"processors"`
	Exporters  []string `json:"exporters"`
}

type collectorPipelines struct {
	Traces  *pipeline `json:"traces"`
	Logs    *pipeline `json:"logs"`
	Metrics *pipeline `json:"metrics"`
}

type collectorService struct {
	Pipelines collectorPipelines `json:"pipelines"`
}

type collectorConfig struct {
	Processors collectorProcessors `json:"processors"`
	Exporters  collectorExporters  `json:"exporters"`
	Service    collectorService    `json:"service"`
}

type adotCollectorValues struct {
	Mode              string               `json:"mode"`
	ReplicaCount      int                  `json:"replicaCount"`
	Image             imageValues          `json:"image"`
	Command           commandValues        `json:"command"`
	ServiceAccount    serviceAccountValues `json:"serviceAccount"`
	PriorityClassName string               `json:"priorityClassName"`
	Config            collectorConfig      `json:"config"`
}

type sparkValues struct {
	JobNamespaces  []string             `json:"jobNamespaces"`
	ServiceAccount serviceAccountValues `json:"serviceAccount"`
	Rbac           createValues         `json:"rbac"`
}

type sparkControllerValues struct {
	Replicas          int    `json:"replicas"`
	PriorityClassName string `json:"priorityClassName"`
}

type sparkWebhookValues struct {
	Enable            bool   `json:"enable"`
	PriorityClassName string `json:"priorityClassName"`
}

type sparkOperatorValues struct {
	Spark      sparkValues           `json:"spark"`
	Controller sparkControllerValues `json:"controller"`
	Webhook    sparkWebhookValues    `json:"webhook"`
}
