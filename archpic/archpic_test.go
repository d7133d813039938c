package archpic

import (
	"context"
	"strings"
	"testing"
)

func meta(path string) string { return `"//": {"metadata": {"path": "s/` + path + `"}}` }

// A small stack: a VPC, a cluster using it, two keys of one kind, and a bucket that
// five other boxes use (a hub).
var small = `{"resource": {
  "aws_vpc": {"vpc": {` + meta("network/vpc") + `}},
  "aws_subnet": {"a": {` + meta("network/a") + `, "vpc_id": "${aws_vpc.vpc.id}"}},
  "aws_eks_cluster": {"c": {` + meta("app-cluster/cluster") + `, "subnet_ids": ["${aws_subnet.a.id}"]}},
  "aws_iam_role": {"r": {` + meta("app-cluster/role") + `}},
  "aws_kms_key": {"k1": {` + meta("data-key/key") + `}, "k2": {` + meta("logs-key/key") + `}},
  "aws_route53_record": {"dns": {` + meta("api-alias/record") + `, "alias": {"name": "${aws_lb.lb.dns_name}"}}},
  "aws_lb": {"lb": {` + meta("load-balancer/alb") + `, "access_logs": {"bucket": "${aws_s3_bucket.b.id}"}}},
  "aws_s3_bucket": {"b": {` + meta("buckets/logs") + `}},
  "aws_sqs_queue": {"q": {` + meta("queues/q") + `, "kms": "${aws_kms_key.k1.arn} ${aws_s3_bucket.b.arn}"}},
  "aws_db_instance": {"db": {` + meta("database/db") + `, "x": "${aws_s3_bucket.b.arn}"}},
  "aws_efs_file_system": {"fs": {` + meta("efs/fs") + `, "x": "${aws_s3_bucket.b.arn}"}}
}}`

// CICD-1: the architecture picture of docs/, grouped by tier with the edges that matter.
func TestBuildGroupsByTierAndPrunesHubs(t *testing.T) {
	g, err := Build("s", []byte(small))
	if err != nil {
		t.Fatal(err)
	}
	tiers := map[string]string{}
	labels := map[string]string{}
	for _, b := range g.Boxes {
		tiers[b.ID], labels[b.ID] = b.Tier, b.Label
	}
	want := map[string]string{
		"network": "network", "app-cluster": "compute", "group-data-key": "security", "api-alias": "edge",
		"load-balancer": "edge", "buckets": "data", "queues": "data", "database": "data", "efs": "data",
	}
	if len(tiers) != len(want) {
		t.Errorf("boxes %v, want %v", tiers, want)
	}
	for id, tier := range want {
		if tiers[id] != tier {
			t.Errorf("box %s in tier %q, want %q (all: %v)", id, tiers[id], tier, tiers)
		}
	}
	if labels["group-data-key"] != "2 × KMS key\ndata, logs (-key)" {
		t.Errorf("key group label %q", labels["group-data-key"])
	}
	if labels["app-cluster"] != "app-cluster\nEKS cluster, IAM role" {
		t.Errorf("cluster label %q", labels["app-cluster"])
	}
	// Four of nine boxes use the bucket: more than a quarter, so it is a hub.
	if !strings.HasSuffix(labels["buckets"], "(used by 4 others)") {
		t.Errorf("bucket label %q", labels["buckets"])
	}
	var edges []string
	for _, e := range g.Edges {
		edges = append(edges, e.From+"->"+e.To)
	}
	if got := strings.Join(edges, " "); got != "api-alias->load-balancer app-cluster->network queues->group-data-key" {
		t.Errorf("edges %s", got)
	}
}

func TestSVGIsDeterministic(t *testing.T) {
	g, err := Build("s", []byte(small))
	if err != nil {
		t.Fatal(err)
	}
	first, err := g.SVG(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	second, _ := g.SVG(context.Background())
	if string(first) != string(second) || !strings.Contains(string(first), "<svg") || !strings.Contains(string(first), "Compute (2 resources)") {
		t.Errorf("SVG not stable or incomplete:\n%.400s", first)
	}
	if _, err := Build("s", []byte("{")); err == nil || !strings.Contains(err.Error(), "not a synthesized stack") {
		t.Errorf("bad input: %v", err)
	}
}
