package config

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

var (
	exactVersionPattern = regexp.MustCompile(`^\d+\.\d+\.\d+$`)
	// An image pinned by a tag other than latest: registry/path:tag.
	pinnedImagePattern = regexp.MustCompile(`^[a-z0-9.-]+(/[a-z0-9._-]+)+:[A-Za-z0-9_][A-Za-z0-9._-]*$`)
)

func (e Environment) validateKubernetes(p *problems) {
	k := e.Kubernetes
	validateQuota(p, "Kubernetes.Application", k.Application)
	validateQuota(p, "Kubernetes.Data", k.Data)
	// EKS-7: the namespace must admit at least one pod of the largest class it hosts.
	if !k.Application.Requests.Covers(APIPods.Max) || !k.Application.Limits.Covers(APIPods.Max) {
		p.add("Kubernetes.Application", "the quota (requests %s, limits %s) cannot hold one API pod at its maximum %s (EKS-7)",
			describe(k.Application.Requests), describe(k.Application.Limits), describe(APIPods.Max))
	}

	s := k.SparkExecutors
	if s.Min < 1 || s.Max < s.Min {
		p.add("Kubernetes.SparkExecutors", "%d-%d is not a range of at least one executor (K8S-2: 3-5)", s.Min, s.Max)
	} else {
		// A Spark application is a driver and its executors, all ETL pods (EKS-7), which get
		// the class maximum as their limit unless they ask for less.
		pods := s.Max + 1
		if need := ETLPods.Min.Times(pods); !k.Data.Requests.Covers(need) {
			p.add("Kubernetes.Data.Requests", "%s cannot hold a Spark driver and %d executors at the ETL minimum (%s) (K8S-2, EKS-7)",
				describe(k.Data.Requests), s.Max, describe(need))
		}
		if need := ETLPods.Max.Times(pods); !k.Data.Limits.Covers(need) {
			p.add("Kubernetes.Data.Limits", "%s cannot hold a Spark driver and %d executors at the ETL default limit (%s) (K8S-2, EKS-7)",
				describe(k.Data.Limits), s.Max, describe(need))
		}
		if k.Data.Pods < pods {
			p.add("Kubernetes.Data.Pods", "%d cannot hold a Spark driver and %d executors (K8S-2)", k.Data.Pods, s.Max)
		}
	}

	charts := k.Charts.All()
	names := make([]string, 0, len(charts))
	for name := range charts {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, release := range names {
		c := charts[release]
		field := "Kubernetes.Charts." + release
		if !strings.HasPrefix(c.Repository, "https://") {
			p.add(field, "repository %q must be an https:// chart repository (K8S-2)", c.Repository)
		}
		if c.Name == "" {
			p.add(field, "has no chart name (K8S-2)")
		}
		if !exactVersionPattern.MatchString(c.Version) {
			p.add(field, "version %q must be an exact chart version such as 1.14.0: a range would install whatever is newest (K8S-2)", c.Version)
		}
	}
	if !pinnedImagePattern.MatchString(k.AdotCollectorImage) || strings.HasSuffix(k.AdotCollectorImage, ":latest") {
		p.add("Kubernetes.AdotCollectorImage", "%q must be an image pinned by a tag other than latest, such as public.ecr.aws/aws-observability/aws-otel-collector:v0.45.1", k.AdotCollectorImage)
	}
	for i, arn := range k.OnCallRoleArns {
		if !roleArnPattern.MatchString(arn) {
			p.add(fmt.Sprintf("Kubernetes.OnCallRoleArns[%d]", i), "%q is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)", arn)
		}
		for _, admin := range e.Compute.AdminRoleArns {
			if admin == arn {
				p.add(fmt.Sprintf("Kubernetes.OnCallRoleArns[%d]", i), "%q is also in Compute.AdminRoleArns: a role has one access entry per cluster", arn)
			}
		}
	}
	for _, dup := range duplicates(k.OnCallRoleArns) {
		p.add("Kubernetes.OnCallRoleArns", "%q is listed twice: one access entry per role", dup)
	}
}

func validateQuota(p *problems, field string, q NamespaceQuota) {
	if q.Requests.MilliCPU <= 0 || q.Requests.MemoryMiB <= 0 {
		p.add(field+".Requests", "%s must be above zero in CPU and memory (K8S-1)", describe(q.Requests))
	}
	if !q.Limits.Covers(q.Requests) {
		p.add(field+".Limits", "%s is below the requests %s: no pod could use what the quota lets it request (K8S-1)", describe(q.Limits), describe(q.Requests))
	}
	if q.Pods < 1 {
		p.add(field+".Pods", "%d must be at least 1 (K8S-1)", q.Pods)
	}
}

// describe prints resources the way Kubernetes writes them.
func describe(r Resources) string { return r.CPU() + " CPU / " + r.Memory() }
