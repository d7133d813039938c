package stacks

import (
	"github.com/aws/jsii-runtime-go"
	helmprovider "github.com/cdktf/cdktf-provider-helm-go/helm/v10/provider"
	kubernetesprovider "github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/config"
	"github.com/smile/infra/constructs/buckets"
	"github.com/smile/infra/constructs/eks"
	"github.com/smile/infra/constructs/iampolicy"
	"github.com/smile/infra/constructs/kubeplatform"
)

// The kubernetes and helm providers are built from source into the local mirror
// (scripts/build-providers); the constraints are the versions tests validate and the
// emulator deploys against. The v11/v10 bindings describe the 2.x schemas, which these
// 3.x providers accept for every attribute the platform uses.
const (
	KubernetesProviderConstraint = "~> 3.2"
	HelmProviderConstraint       = "~> 3.2"
)

// ExecAPIVersion is the client authentication API `aws eks get-token` answers in.
const ExecAPIVersion = "client.authentication.k8s.io/v1beta1"

// kubeAuth is how a provider reaches one cluster's API.
type kubeAuth struct {
	Host, CACertificate *string
	// Exec runs a command for a token (real clusters); Token is a static one (emulator).
	Exec  []string
	Token *string
}

// kubernetesPlatform installs the platform of both clusters through per-cluster aliased
// kubernetes and helm providers (K8S-1 … K8S-3, EKS-7).
func (b *builder) kubernetesPlatform(k *keys, c *clusters, d *data) {
	if !b.ok() {
		return
	}
	env := b.env
	onCallRole, err := eks.NewAccessRole(b.stack, "eks-oncall", env.Prefix()+"-eks-oncall",
		"Read-only on this environment's EKS clusters (no Secrets), through access entries", k.accountID)
	b.fail(err)
	if !b.ok() {
		return
	}
	onCall := []kubeplatform.Principal{{Key: "environment", Arn: onCallRole}}
	for _, arn := range env.Kubernetes.OnCallRoleArns {
		onCall = append(onCall, kubeplatform.Principal{Key: eks.AdminKey(arn), Arn: jsii.String(arn)})
	}

	platform := func(key string, cluster *eks.Output, classes []config.PodClass, quota config.NamespaceQuota, workloads []kubeplatform.Workload, releases []string) *kubeplatform.Output {
		k8s, helm, err := b.kubernetesProviders(key, cluster, c.adminRole)
		if err != nil {
			b.fail(err)
			return nil
		}
		out, err := kubeplatform.New(b.stack, key+"-platform", kubeplatform.Config{
			ClusterName: env.Prefix() + "-" + key, ClusterNameRef: cluster.Name,
			Region: env.Region, AccountID: k.accountID, VpcID: c.vpcID, OIDC: cluster.OIDC,
			Namespace: env.Prefix(), PodClasses: classes, Quota: quota, Workloads: workloads, OnCall: onCall,
			Charts: env.Kubernetes.Charts, Releases: releases, AdotCollectorImage: env.Kubernetes.AdotCollectorImage,
			SparkExecutors: env.Kubernetes.SparkExecutors,
			LogsKeyArn:     k.logs.Arn, LogRetentionDays: env.Observability.LogRetentionDays,
			Kubernetes: k8s, Helm: helm, AdminAccess: cluster.AdminAccess, Nodes: cluster.Nodes,
		})
		b.fail(err)
		return out
	}
	common := []string{kubeplatform.ClusterAutoscaler, kubeplatform.MetricsServer, kubeplatform.FluentBit, kubeplatform.AdotCollector}
	app := platform("app", c.app, []config.PodClass{config.APIPods, config.WorkerPods}, env.Kubernetes.Application,
		b.applicationWorkloads(k, d), append([]string{kubeplatform.LoadBalancerController}, common...))
	dataPlatform := platform("data", c.data, []config.PodClass{config.ETLPods}, env.Kubernetes.Data,
		b.dataWorkloads(k, d), append(common, kubeplatform.SparkOperator))
	if !b.ok() {
		return
	}
	b.output("eks_oncall_role_arn", onCallRole)
	b.output("kubernetes_namespace", app.Namespace)
	b.output("app_container_log_group", app.ContainerLogGroup)
	b.output("data_container_log_group", dataPlatform.ContainerLogGroup)
}

// kubernetesProviders are the aliased providers of one cluster. On a real cluster they
// authenticate with `aws eks get-token` as the environment's admin role (K8S-3), whose
// access entry exists before any Kubernetes object is created: whoever runs the deploy
// needs only the IAM permission to assume that role. A pull request's plan
// (Deployment.KubeAsCaller) calls as itself, through its view-only access entry.
func (b *builder) kubernetesProviders(key string, cluster *eks.Output, adminRole *string) (cdktf.TerraformProvider, cdktf.TerraformProvider, error) {
	auth := kubeAuth{
		Host:          cluster.Endpoint,
		CACertificate: cdktf.Fn_Base64decode(cluster.CertificateAuthorityData),
		Exec:          []string{"eks", "get-token", "--cluster-name", *cluster.Name, "--region", b.env.Region},
	}
	if !b.env.Deployment.KubeAsCaller {
		auth.Exec = append(auth.Exec, "--role-arn", *adminRole)
	}
	auth.Exec = append(auth.Exec, "--output", "json")
	if b.env.Emulated() {
		var err error
		if auth, err = emulatorKubeAuth(b.env, key); err != nil {
			return nil, nil, err
		}
	}
	k8s := &kubernetesprovider.KubernetesProviderConfig{
		Alias: jsii.String(key), Host: auth.Host, ClusterCaCertificate: auth.CACertificate, Token: auth.Token,
	}
	helm := &helmprovider.HelmProviderKubernetes{Host: auth.Host, ClusterCaCertificate: auth.CACertificate, Token: auth.Token}
	if len(auth.Exec) > 0 {
		k8s.Exec = &[]*kubernetesprovider.KubernetesProviderExec{{
			ApiVersion: jsii.String(ExecAPIVersion), Command: jsii.String("aws"), Args: jsii.Strings(auth.Exec...),
		}}
		helm.Exec = &helmprovider.HelmProviderKubernetesExec{
			ApiVersion: jsii.String(ExecAPIVersion), Command: jsii.String("aws"), Args: jsii.Strings(auth.Exec...),
		}
	}
	kp := kubernetesprovider.NewKubernetesProvider(b.stack, jsii.String("kubernetes-"+key), k8s)
	hp := helmprovider.NewHelmProvider(b.stack, jsii.String("helm-"+key), &helmprovider.HelmProviderConfig{
		Alias: jsii.String(key), Kubernetes: helm,
	})
	b.stack.AddOverride(jsii.String("terraform.required_providers.kubernetes.version"), jsii.String(KubernetesProviderConstraint))
	b.stack.AddOverride(jsii.String("terraform.required_providers.helm.version"), jsii.String(HelmProviderConstraint))
	return kp, hp, nil
}

// applicationWorkloads are the application cluster's service accounts: the API services
// and the background workers, each with exactly the data-tier access it uses.
func (b *builder) applicationWorkloads(k *keys, d *data) []kubeplatform.Workload {
	documents := d.buckets.Buckets[buckets.Documents]
	queues := []*string{d.queues.Events.Arn, d.queues.FifoEvents.Arn}
	shared := []iampolicy.Statement{
		{Sid: "Documents", Actions: []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"},
			Resources: []*string{jsii.String(*documents.Arn + "/*")}},
		{Sid: "ListDocuments", Actions: []string{"s3:ListBucket"}, Resources: []*string{documents.Arn}},
		// Redis with IAM authentication as the application user (CACHE-2).
		{Sid: "Redis", Actions: []string{"elasticache:Connect"}, Resources: []*string{d.cache.ReplicationGroupArn, d.cache.AppUserArn}},
		{Sid: "DatabaseSecret", Actions: []string{"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"},
			Resources: []*string{d.database.MasterSecretArn}},
		// The documents, queues and secret are encrypted with the data key.
		{Sid: "DataKey", Actions: []string{"kms:Decrypt", "kms:GenerateDataKey"}, Resources: []*string{k.data.Arn}},
	}
	with := func(extra ...iampolicy.Statement) []iampolicy.Statement {
		return append(append([]iampolicy.Statement{}, shared...), extra...)
	}
	return []kubeplatform.Workload{
		{Name: "api", Statements: with(iampolicy.Statement{
			Sid: "PublishEvents", Actions: []string{"sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"}, Resources: queues,
		})},
		{Name: "worker", Statements: with(iampolicy.Statement{
			Sid: "ConsumeEvents",
			Actions: []string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
				"sqs:GetQueueAttributes", "sqs:GetQueueUrl"},
			Resources: queues,
		})},
	}
}

// dataWorkloads are the data cluster's service accounts: ETL jobs, the Spark applications
// (drivers and executors) and ML training.
func (b *builder) dataWorkloads(k *keys, d *data) []kubeplatform.Workload {
	documents, exports := d.buckets.Buckets[buckets.Documents], d.buckets.Buckets[buckets.Backups]
	read := iampolicy.Statement{Sid: "ReadDocuments", Actions: []string{"s3:GetObject", "s3:ListBucket"},
		Resources: []*string{documents.Arn, jsii.String(*documents.Arn + "/*")}}
	write := iampolicy.Statement{Sid: "WriteExports", Actions: []string{"s3:GetObject", "s3:PutObject", "s3:ListBucket"},
		Resources: []*string{exports.Arn, jsii.String(*exports.Arn + "/*")}}
	key := iampolicy.Statement{Sid: "DataKey", Actions: []string{"kms:Decrypt", "kms:GenerateDataKey"}, Resources: []*string{k.data.Arn}}
	secret := iampolicy.Statement{Sid: "DatabaseSecret", Actions: []string{"secretsmanager:GetSecretValue"}, Resources: []*string{d.database.MasterSecretArn}}
	return []kubeplatform.Workload{
		{Name: "etl", Statements: []iampolicy.Statement{read, write, key, secret}},
		{Name: kubeplatform.SparkServiceAccount, Statements: []iampolicy.Statement{read, write, key}},
		{Name: "ml-training", Statements: []iampolicy.Statement{read, key}},
	}
}
