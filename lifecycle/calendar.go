// Package lifecycle is the support calendar of every version this platform pins (LIFE-1)
// and the check that reads it (LIFE-2): each entry says until when its vendor supports a
// version, where that was read and when. Versions are data with a source and a date
// checked; a comment saying "1.35 is current" is wrong four months later, a calendar
// entry tells the check when to speak.
//
// The package imports nothing of this repository, so config (whose validator reads the
// Kubernetes entries) and the defaults collector (lifecycle/defaults) can both use it.
package lifecycle

import (
	"fmt"
	"time"
)

// Components of the calendar. A pin names one of them and a version.
const (
	Kubernetes     = "Kubernetes (EKS)"
	EKSAddon       = "EKS add-on " // + add-on name
	Chart          = "Helm chart " // + release name
	MySQL          = "RDS for MySQL"
	RedisOSS       = "ElastiCache for Redis OSS"
	Valkey         = "ElastiCache for Valkey"
	LambdaRuntime  = "Lambda runtime"
	CodeBuildImage = "CodeBuild image"
	NodeAMI        = "EKS node AMI type"
	TerraformCLI   = "Terraform CLI"
	Provider       = "Terraform provider " // + provider source
	NodeJS         = "Node.js (jsii runtime)"
	Go             = "Go"
	Action         = "GitHub Action " // + owner/name
)

// Entry is one version of one component: until when it is supported, and on what
// authority.
type Entry struct {
	Component, Version string
	// StandardEnds is the last day of standard support (YYYY-MM-DD). After it, a vendor
	// with extended support (EKS, RDS) charges for it; others stop fixing it.
	StandardEnds string
	// ExtendedEnds is the last day of paid extended support, where the vendor has one.
	ExtendedEnds string
	// Source is the page the dates were read from; Checked is when.
	Source, Checked string
	// Upgrade is what to move to before StandardEnds.
	Upgrade string
}

// checked is the day this calendar was last reviewed against its sources.
const checked = "2026-12-06"

// Reviewed is the day the calendar was last checked against its sources: the day the
// generated cost table (docs/cost.md) prices extended support as of.
func Reviewed() time.Time {
	d, _ := Date(checked)
	return d
}

// PastStandardSupport is the calendar entry of component at version when its standard
// support has ended by day: the vendor bills extended support from the day after.
func PastStandardSupport(component, version string, day time.Time) (Entry, bool) {
	e, ok := Lookup(component, version)
	if !ok || e.StandardEnds == "" {
		return Entry{}, false
	}
	ends, err := Date(e.StandardEnds)
	return e, err == nil && day.After(ends)
}

// The sources the entries cite. Where an AWS page was read only through endoflife.date's
// data (which is scraped from it), both are named.
const (
	srcEKSVersions   = "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html (release calendar; endoflife.date/amazon-eks; 1.36 on EKS since 2026-06-02: kubernetes-versions-standard.html)"
	srcEKSAddons135  = "https://docs.aws.amazon.com/eks/latest/userguide/managing-coredns.html and managing-kube-proxy.html (1.35 rows); vpc-cni, CSI drivers, CloudWatch: versions pinned on public 1.35 clusters; `make preflight` confirms with DescribeAddonVersions"
	srcEKSAddons136  = "versions pinned on public 1.36 clusters (the AWS add-on tables for 1.36 were not readable from here); `make preflight` confirms each with DescribeAddonVersions before a deploy"
	srcCharts        = "the charts' release tags (kubernetes/autoscaler cluster-autoscaler-chart-*, aws/eks-charts, kubernetes-sigs/metrics-server, open-telemetry/opentelemetry-helm-charts, kubeflow/spark-operator); no chart publishes an end of support"
	srcRDSMySQL      = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/MySQL.Concepts.VersionMgmt.html (RDS for MySQL release calendar; endoflife.date/amazon-rds-mysql)"
	srcRedis         = "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/extended-support.html (no end of support announced for Redis OSS 7; 7.1 is the last Redis OSS ElastiCache offers)"
	srcValkey        = "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/engine-versions.html (Valkey 7.2-9.1 offered; no ElastiCache end date published) and valkey.io via endoflife.date/valkey (8.1: security fixes until 2028-03-31)"
	srcLambda        = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html (provided.al2023: deprecation 2029-06-30, updates blocked 2029-08-31)"
	srcAL2023        = "https://docs.aws.amazon.com/linux/al2023/ug/release-cadence.html (end of support 2029-06-30; endoflife.date/amazon-linux)"
	srcCodeBuild     = "https://github.com/aws/aws-codebuild-docker-images (README: images actively maintained; no end date per image)"
	srcTerraform     = "https://support.hashicorp.com/hc/en-us/articles/360021185113 (fixes for the two newest minors; endoflife.date/terraform: 1.11 ended 2025-08-20)"
	srcNode          = "https://nodejs.org/en/about/previous-releases (endoflife.date/nodejs)"
	srcGo            = "https://go.dev/doc/devel/release#policy (supported until two newer majors exist: 1.27 shipped 2026-08-19, 1.28 is due in February 2027)"
	srcProviderAWS   = "https://github.com/hashicorp/terraform-provider-aws/issues/41101 (5.x receives critical security fixes only since 6.0, 2025-06-18; no end date published)"
	srcProviderK8s   = "https://github.com/hashicorp/terraform-provider-kubernetes/releases (3.x is the current major)"
	srcProviderHelm  = "https://github.com/hashicorp/terraform-provider-helm/releases (3.x is the current major)"
	srcGitHubActions = "the actions' release tags on GitHub (each major pinned here runs on node24); actions publish no end of support"
)

// Calendar is every version this repository pins, or pinned last (the upgrade drill
// deploys the previous set, config.PreviousVersions). Add the new version here, with its
// source, in the pull request that moves a default to it. An entry without StandardEnds
// has no published end of support: it is reviewed every ReviewMonths instead.
var Calendar = []Entry{
	// EKS: 14 months of standard support from the EKS release, then 12 of extended support
	// at 0.60 instead of 0.10 USD per cluster-hour (EKS-3).
	{Kubernetes, "1.33", "2026-07-29", "2027-07-29", srcEKSVersions, checked, "1.36"},
	{Kubernetes, "1.34", "2026-12-02", "2027-12-02", srcEKSVersions, checked, "1.36"},
	{Kubernetes, "1.35", "2027-03-27", "2028-03-27", srcEKSVersions, checked, "1.36"},
	{Kubernetes, "1.36", "2027-08-02", "2028-08-02", srcEKSVersions, checked, "1.37 once EKS offers it (EKS release calendar)"},

	// EKS add-ons are built per Kubernetes minor: a version is supported while the minor
	// it is published for is.
	{EKSAddon + "vpc-cni", "v1.22.4-eksbuild.3", "2027-08-02", "", srcEKSAddons136, checked, "the version listed for the next minor"},
	{EKSAddon + "coredns", "v1.13.2-eksbuild.4", "2027-03-27", "", srcEKSAddons135, checked, "v1.14.3-eksbuild.3 (1.36)"},
	{EKSAddon + "coredns", "v1.14.3-eksbuild.3", "2027-08-02", "", srcEKSAddons136, checked, "the version listed for the next minor"},
	{EKSAddon + "kube-proxy", "v1.35.3-eksbuild.2", "2027-03-27", "", srcEKSAddons135, checked, "v1.36.x with the 1.36 control plane"},
	{EKSAddon + "kube-proxy", "v1.36.0-eksbuild.9", "2027-08-02", "", srcEKSAddons136, checked, "v1.37.x with the 1.37 control plane"},
	{EKSAddon + "aws-ebs-csi-driver", "v1.57.1-eksbuild.1", "2027-03-27", "", srcEKSAddons135, checked, "v1.63.1-eksbuild.1 (1.36)"},
	{EKSAddon + "aws-ebs-csi-driver", "v1.63.1-eksbuild.1", "2027-08-02", "", srcEKSAddons136, checked, "the version listed for the next minor"},
	{EKSAddon + "aws-efs-csi-driver", "v2.1.15-eksbuild.1", "2027-03-27", "", srcEKSAddons135, checked, "v3.4.0-eksbuild.1 (1.36)"},
	{EKSAddon + "aws-efs-csi-driver", "v3.4.0-eksbuild.1", "2027-08-02", "", srcEKSAddons136, checked, "the version listed for the next minor"},
	{EKSAddon + "amazon-cloudwatch-observability", "v5.3.0-eksbuild.1", "2027-08-02", "", srcEKSAddons136, checked, "the version listed for the next minor"},

	// Helm charts publish no end of support; the cluster autoscaler's image minor must
	// match the cluster's, which its entry ties to that minor's dates.
	{Chart + "cluster-autoscaler", "9.59.0", "2027-08-02", "", srcCharts, checked, "the chart whose app version matches the next minor"},
	{Chart + "aws-load-balancer-controller", "1.14.0", "", "", srcCharts, checked, "3.x (its values and webhooks changed in 3.0.0: a reviewed upgrade of its own)"},
	{Chart + "metrics-server", "3.13.1", "", "", srcCharts, checked, "the newest 3.x"},
	{Chart + "fluent-bit", "0.1.35", "", "", srcCharts, checked, "0.2.x (AWS for Fluent Bit 3.x image)"},
	{Chart + "adot-collector", "0.137.0", "", "", srcCharts, checked, "0.170+ once the helm provider's SDK renders charts tested on Helm 4"},
	{Chart + "spark-operator", "2.5.2", "", "", srcCharts, checked, "the newest 2.x"},

	// RDS for MySQL: standard support per major version, then RDS Extended Support billed
	// per vCPU-hour (DB-1).
	{MySQL, "8.0", "2026-07-31", "2029-07-31", srcRDSMySQL, checked, "8.4 (LTS)"},
	{MySQL, "8.4", "2029-07-31", "2032-07-31", srcRDSMySQL, checked, "9.7 (LTS)"},

	// ElastiCache.
	{RedisOSS, "7.1", "", "", srcRedis, checked, "Valkey 8.1 (an in-place engine upgrade)"},
	{Valkey, "8.1", "2028-03-31", "", srcValkey, checked, "Valkey 9.x"},

	// Runtimes, images and tools.
	{LambdaRuntime, "provided.al2023", "2029-06-30", "", srcLambda, checked, "the next OS-only runtime"},
	{NodeAMI, "AL2023_x86_64_STANDARD", "2029-06-30", "", srcAL2023, checked, "the next Amazon Linux AMI type"},
	{NodeAMI, "AL2023_x86_64_NVIDIA", "2029-06-30", "", srcAL2023, checked, "the next Amazon Linux AMI type"},
	{CodeBuildImage, "aws/codebuild/amazonlinux-x86_64-standard:6.0", "", "", srcCodeBuild, checked, "the next amazonlinux-x86_64-standard image"},
	{TerraformCLI, "1.11", "2025-08-20", "", srcTerraform, checked, "1.15 (scripts/setup builds it)"},
	{TerraformCLI, "1.15", "", "", srcTerraform, checked, "the newest minor, before 1.17 ships"},
	{Provider + "hashicorp/aws", "~> 5.99", "", "", srcProviderAWS, checked, "6.x, which needs bindings the archived cdktf does not publish (CDK Terrain): docs/known-limits.md"},
	{Provider + "hashicorp/kubernetes", "~> 3.2", "", "", srcProviderK8s, checked, "the newest 3.x"},
	{Provider + "hashicorp/helm", "~> 3.2", "", "", srcProviderHelm, checked, "the newest 3.x"},
	{NodeJS, "22", "2027-04-30", "", srcNode, checked, "24 (LTS until 2028-04-30)"},
	{Go, "1.26", "2027-02-28", "", srcGo, checked, "1.27"},

	// GitHub Actions, pinned by commit SHA in the workflows (the major is what is judged).
	{Action + "actions/checkout", "v7", "", "", srcGitHubActions, checked, "the newest major"},
	{Action + "actions/setup-go", "v7", "", "", srcGitHubActions, checked, "the newest major"},
	{Action + "actions/setup-node", "v7", "", "", srcGitHubActions, checked, "the newest major"},
	{Action + "actions/cache", "v4", "", "", srcGitHubActions, checked, "the newest major"},
	{Action + "actions/upload-artifact", "v7", "", "", srcGitHubActions, checked, "the newest major"},
	{Action + "actions/download-artifact", "v8", "", "", srcGitHubActions, checked, "the newest major"},
	{Action + "actions/github-script", "v8", "", "", srcGitHubActions, checked, "the newest major"},
	{Action + "aws-actions/configure-aws-credentials", "v6", "", "", srcGitHubActions, checked, "the newest major"},
	{Action + "hashicorp/setup-terraform", "v4", "", "", srcGitHubActions, checked, "the newest major"},
}

// Date parses a calendar date.
func Date(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	}
	return t, nil
}

// Lookup finds the entry of component at version.
func Lookup(component, version string) (Entry, bool) {
	for _, e := range Calendar {
		if e.Component == component && e.Version == version {
			return e, true
		}
	}
	return Entry{}, false
}

// Versions lists the calendar's versions of component, in calendar order.
func Versions(component string) []string {
	var out []string
	for _, e := range Calendar {
		if e.Component == component {
			out = append(out, e.Version)
		}
	}
	return out
}
