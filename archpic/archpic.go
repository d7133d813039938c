// Package archpic draws an environment's architecture from its synthesized stack: one box
// per top-level construct (constructs of one kind, such as the KMS keys or the
// certificates, share a box), grouped by tier, with an edge where one box's resources refer
// to another's. Graphviz (as WebAssembly, through github.com/goccy/go-graphviz) lays it out
// and writes SVG; the output depends only on the stack, so a test can hold docs/ to it.
package archpic

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/goccy/go-graphviz"
)

// Tiers in the order the picture shows them.
var Tiers = []string{"edge", "network", "compute", "kubernetes", "data", "security", "observability"}

var tierTitles = map[string]string{
	"edge": "Edge", "network": "Network", "compute": "Compute", "kubernetes": "Kubernetes platform",
	"data": "Data", "security": "Security", "observability": "Observability",
}

// tierOfType places a resource type in a tier; "" marks supporting types (IAM, security
// groups, log groups, parameters, ...) that do not decide a construct's tier.
func tierOfType(typ string) string {
	for _, rule := range typeTiers {
		if strings.HasPrefix(typ, rule.prefix) {
			return rule.tier
		}
	}
	return ""
}

var typeTiers = []struct{ prefix, tier string }{
	{"kubernetes_", "kubernetes"}, {"helm_", "kubernetes"},
	{"aws_vpc_security_group", ""}, {"aws_security_group", ""}, {"aws_default_security_group", "network"},
	{"aws_route53_", "edge"}, {"aws_vpc", "network"}, {"aws_subnet", "network"}, {"aws_route", "network"}, {"aws_nat_gateway", "network"},
	{"aws_internet_gateway", "network"}, {"aws_eip", "network"}, {"aws_network_acl", "network"}, {"aws_flow_log", "network"},
	{"aws_eks_", "compute"}, {"aws_instance", "compute"}, {"aws_launch_template", "compute"}, {"aws_ecr_", "compute"},
	{"aws_codebuild_", "compute"}, {"aws_lambda_", "compute"},
	{"aws_db_", "data"}, {"aws_elasticache_", "data"}, {"aws_sqs_", "data"}, {"aws_efs_", "data"}, {"aws_s3_bucket", "data"},
	{"aws_backup_", "data"},
	{"aws_cloudfront_", "edge"}, {"aws_lb", "edge"}, {"aws_apigatewayv2_", "edge"}, {"aws_route53_", "edge"},
	{"aws_acm_", "edge"}, {"aws_wafv2_", "edge"},
	{"aws_kms_", "security"}, {"aws_guardduty_", "security"}, {"aws_securityhub_", "security"}, {"aws_config_", "security"},
	{"aws_cloudtrail", "security"}, {"aws_iam_account_", "security"}, {"aws_s3_account_", "security"}, {"aws_ebs_", "security"},
	{"aws_ssm_patch", "security"}, {"aws_ssm_maintenance", "security"}, {"aws_ssm_document", "security"},
	{"aws_secretsmanager_", "security"},
	{"aws_cloudwatch_metric_alarm", "observability"}, {"aws_cloudwatch_dashboard", "observability"},
	{"aws_sns_", "observability"}, {"aws_xray_", "observability"}, {"aws_cloudwatch_log_delivery", "observability"},
}

// Box is one node of the picture.
type Box struct {
	ID, Label, Tier string
	Resources       int
}

// Edge is "From uses To".
type Edge struct{ From, To string }

// Graph is the picture before layout.
type Graph struct {
	Stack string
	Boxes []Box
	Edges []Edge
}

var refPattern = regexp.MustCompile(`\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)[.}\[]`)

type construct struct {
	id      string
	types   map[string]int
	members []string // resource addresses
}

// Build reads a synthesized stack and groups it into boxes and edges.
func Build(stack string, synthesized []byte) (Graph, error) {
	var doc struct {
		Resource map[string]map[string]json.RawMessage `json:"resource"`
	}
	if err := json.Unmarshal(synthesized, &doc); err != nil {
		return Graph{}, fmt.Errorf("archpic: %s is not a synthesized stack (cdk.tf.json): %w", stack, err)
	}
	constructs := map[string]*construct{}
	ownerOf := map[string]string{} // resource address -> construct id
	bodies := map[string]string{}
	for typ, byName := range doc.Resource {
		for name, raw := range byName {
			var meta struct {
				Meta struct {
					Metadata struct{ Path string } `json:"metadata"`
				} `json:"//"`
			}
			if err := json.Unmarshal(raw, &meta); err != nil {
				return Graph{}, fmt.Errorf("archpic: %s.%s: %w", typ, name, err)
			}
			parts := strings.Split(meta.Meta.Metadata.Path, "/")
			id := name
			if len(parts) > 1 {
				id = parts[1]
			}
			c := constructs[id]
			if c == nil {
				c = &construct{id: id, types: map[string]int{}}
				constructs[id] = c
			}
			address := typ + "." + name
			c.types[typ]++
			c.members = append(c.members, address)
			ownerOf[address] = id
			bodies[address] = string(raw)
		}
	}

	// Constructs of one tier made of the same resource types (the keys, the certificates,
	// the alias records) share one box.
	boxOf := map[string]string{}
	boxes := map[string]*Box{}
	bySignature := map[string][]*construct{}
	for _, id := range slices.Sorted(maps.Keys(constructs)) {
		c := constructs[id]
		sig := tierOf(c) + "|" + strings.Join(slices.Sorted(maps.Keys(c.types)), ",")
		bySignature[sig] = append(bySignature[sig], c)
	}
	for _, sig := range slices.Sorted(maps.Keys(bySignature)) {
		group := bySignature[sig]
		box := &Box{ID: group[0].id, Tier: tierOf(group[0])}
		for _, c := range group {
			boxOf[c.id] = box.ID
			box.Resources += len(c.members)
		}
		if len(group) == 1 {
			box.Label = group[0].id + "\n" + summary(group[0].types)
		} else {
			box.ID = "group-" + group[0].id
			for _, c := range group {
				boxOf[c.id] = box.ID
			}
			box.Label = fmt.Sprintf("%d × %s\n%s", len(group), kindOf(group[0].types), commonStem(group))
		}
		boxes[box.ID] = box
	}

	edges := map[Edge]bool{}
	for _, address := range slices.Sorted(maps.Keys(bodies)) {
		from := boxOf[ownerOf[address]]
		for _, m := range refPattern.FindAllStringSubmatch(bodies[address], -1) {
			owner, ok := ownerOf[m[1]+"."+m[2]]
			if !ok {
				continue
			}
			if to := boxOf[owner]; to != from {
				edges[Edge{From: from, To: to}] = true
			}
		}
	}
	g := Graph{Stack: stack}
	for _, id := range slices.Sorted(maps.Keys(boxes)) {
		g.Boxes = append(g.Boxes, *boxes[id])
	}
	essential(&g, edges)
	return g, nil
}

// essential keeps the edges that show how the platform fits together. A box that a
// quarter of the others use (the keys, the buckets) or that uses a quarter of the others
// (the alarms, the published parameters) would bury the picture in arrows: its label says
// how many instead, and its edges are left out.
func essential(g *Graph, edges map[Edge]bool) {
	in, out := map[string]int{}, map[string]int{}
	for e := range edges {
		in[e.To]++
		out[e.From]++
	}
	hub := func(id string) bool { return in[id] > len(g.Boxes)/4 || out[id] > len(g.Boxes)/4 }
	for i, box := range g.Boxes {
		if in[box.ID] > len(g.Boxes)/4 {
			g.Boxes[i].Label += fmt.Sprintf("\n(used by %d others)", in[box.ID])
		}
		if out[box.ID] > len(g.Boxes)/4 {
			g.Boxes[i].Label += fmt.Sprintf("\n(uses %d others)", out[box.ID])
		}
	}
	for e := range edges {
		if !hub(e.From) && !hub(e.To) {
			g.Edges = append(g.Edges, e)
		}
	}
	slices.SortFunc(g.Edges, func(a, b Edge) int {
		if c := strings.Compare(a.From, b.From); c != 0 {
			return c
		}
		return strings.Compare(a.To, b.To)
	})
}

func tierOf(c *construct) string {
	votes := map[string]int{}
	for typ, n := range c.types {
		if t := tierOfType(typ); t != "" {
			votes[t] += n
		}
	}
	best, bestVotes := "security", 0 // only IAM, groups and parameters: access and secrets
	for _, t := range Tiers {
		if votes[t] > bestVotes {
			best, bestVotes = t, votes[t]
		}
	}
	return best
}

// names of the resource types a box's label counts.
var names = map[string][2]string{
	"aws_eks_cluster": {"EKS cluster", "EKS clusters"}, "aws_eks_node_group": {"node group", "node groups"},
	"aws_eks_addon": {"add-on", "add-ons"}, "aws_instance": {"EC2 instance", "EC2 instances"},
	"aws_ecr_repository": {"repository", "repositories"}, "aws_subnet": {"subnet", "subnets"},
	"aws_nat_gateway": {"NAT gateway", "NAT gateways"}, "aws_vpc_endpoint": {"endpoint", "endpoints"},
	"aws_network_acl": {"NACL", "NACLs"}, "aws_db_instance": {"RDS MySQL", "RDS MySQL"},
	"aws_elasticache_replication_group": {"Redis group", "Redis groups"}, "aws_sqs_queue": {"queue", "queues"},
	"aws_s3_bucket": {"bucket", "buckets"}, "aws_efs_file_system": {"EFS", "EFS"},
	"aws_cloudfront_distribution": {"CloudFront", "CloudFront"}, "aws_lb": {"ALB", "ALBs"},
	"aws_lb_target_group": {"target group", "target groups"}, "aws_apigatewayv2_api": {"HTTP API", "HTTP APIs"},
	"aws_wafv2_web_acl": {"web ACL", "web ACLs"}, "aws_kms_key": {"KMS key", "KMS keys"},
	"aws_acm_certificate": {"certificate", "certificates"}, "aws_route53_record": {"DNS record", "DNS records"},
	"aws_route53_zone": {"hosted zone", "hosted zones"}, "aws_cloudwatch_metric_alarm": {"alarm", "alarms"},
	"aws_cloudwatch_dashboard": {"dashboard", "dashboards"}, "aws_sns_topic": {"topic", "topics"},
	"aws_lambda_function": {"Lambda", "Lambdas"}, "aws_backup_plan": {"backup plan", "backup plans"},
	"aws_cloudtrail": {"trail", "trails"}, "aws_guardduty_detector": {"GuardDuty", "GuardDuty"},
	"aws_config_configuration_recorder": {"Config", "Config"}, "aws_securityhub_account": {"Security Hub", "Security Hub"},
	"aws_ssm_parameter": {"parameter", "parameters"}, "aws_iam_role": {"IAM role", "IAM roles"},
	"aws_codebuild_project": {"CodeBuild runner", "CodeBuild runners"}, "aws_ssm_patch_baseline": {"patch baseline", "patch baselines"},
	"kubernetes_namespace_v1": {"namespace", "namespaces"}, "helm_release": {"Helm release", "Helm releases"},
	"kubernetes_service_account_v1": {"service account", "service accounts"}, "kubernetes_priority_class_v1": {"priority class", "priority classes"},
	"aws_flow_log": {"flow log", "flow logs"}, "aws_scheduler_schedule": {"schedule", "schedules"},
}

// summary names the notable resources of a construct, e.g. "EKS cluster, 3 node groups".
func summary(types map[string]int) string {
	var parts []string
	for _, typ := range slices.Sorted(maps.Keys(types)) {
		n, ok := names[typ]
		if !ok {
			continue
		}
		if types[typ] == 1 {
			parts = append(parts, n[0])
		} else {
			parts = append(parts, fmt.Sprintf("%d %s", types[typ], n[1]))
		}
	}
	if len(parts) == 0 {
		total := 0
		for _, n := range types {
			total += n
		}
		return fmt.Sprintf("%d resources", total)
	}
	// Three lines at most, to keep boxes small.
	var lines []string
	for i := 0; i < len(parts); i += 2 {
		lines = append(lines, strings.Join(parts[i:min(i+2, len(parts))], ", "))
	}
	return strings.Join(lines[:min(3, len(lines))], "\n")
}

// kinds orders the types that name a group of constructs, most telling first.
var kinds = []string{
	"aws_eks_cluster", "helm_release", "kubernetes_namespace_v1", "aws_kms_key", "aws_acm_certificate",
	"aws_route53_record", "aws_wafv2_web_acl", "aws_iam_role",
}

func kindOf(types map[string]int) string {
	for _, typ := range kinds {
		if types[typ] > 0 {
			return names[typ][0]
		}
	}
	for _, typ := range slices.Sorted(maps.Keys(types)) {
		if n, ok := names[typ]; ok {
			return n[0]
		}
	}
	return "construct"
}

// commonStem lists a group's construct names briefly: "alb, api, frontend (-certificate)".
func commonStem(group []*construct) string {
	ids := make([]string, len(group))
	for i, c := range group {
		ids[i] = c.id
	}
	suffix := ids[0]
	for _, id := range ids[1:] {
		for !strings.HasSuffix(id, suffix) {
			suffix = suffix[1:]
		}
	}
	if i := strings.Index(suffix, "-"); i >= 0 {
		suffix = suffix[i:]
	} else {
		suffix = ""
	}
	var heads []string
	for _, id := range ids {
		heads = append(heads, strings.TrimSuffix(id, suffix))
	}
	var lines []string
	for i := 0; i < len(heads); i += 4 {
		lines = append(lines, strings.Join(heads[i:min(i+4, len(heads))], ", "))
	}
	if suffix != "" {
		lines[len(lines)-1] += " (" + suffix + ")"
	}
	return strings.Join(lines, "\n")
}

var tierColours = map[string]string{
	"edge": "#fde2e4", "network": "#e2ece9", "compute": "#dfe7fd", "kubernetes": "#e9e2fd",
	"data": "#fff1c9", "security": "#f0efeb", "observability": "#d8f3dc",
}

// Dot is the graph in Graphviz's language.
func (g Graph) Dot() string {
	var b strings.Builder
	q := func(s string) string {
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
	}
	fmt.Fprintf(&b, "digraph %s {\n  rankdir=LR; newrank=true; compound=true; nodesep=0.25; ranksep=0.9;\n", q(g.Stack))
	fmt.Fprintf(&b, "  label=%s; labelloc=t; fontname=Helvetica; fontsize=20;\n", q(g.Stack+": resources by tier; an arrow is \"uses\""))
	b.WriteString("  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=Helvetica, fontsize=11, margin=\"0.2,0.06\"];\n  edge [color=\"#555555\", arrowsize=0.6];\n")
	for _, tier := range Tiers {
		var inTier []Box
		total := 0
		for _, box := range g.Boxes {
			if box.Tier == tier {
				inTier = append(inTier, box)
				total += box.Resources
			}
		}
		if len(inTier) == 0 {
			continue
		}
		fmt.Fprintf(&b, "  subgraph %s {\n    label=%s; style=\"rounded,filled\"; fillcolor=%s; color=\"#999999\"; fontsize=14;\n",
			q("cluster_"+tier), q(fmt.Sprintf("%s (%d resources)", tierTitles[tier], total)), q(tierColours[tier]))
		for _, box := range inTier {
			fmt.Fprintf(&b, "    %s [label=%s];\n", q(box.ID), q(box.Label))
		}
		b.WriteString("  }\n")
	}
	for _, e := range g.Edges {
		fmt.Fprintf(&b, "  %s -> %s;\n", q(e.From), q(e.To))
	}
	b.WriteString("}\n")
	return b.String()
}

// SVG lays the graph out with Graphviz's dot.
func (g Graph) SVG(ctx context.Context) ([]byte, error) {
	return g.render(ctx, graphviz.SVG)
}

// PNG is the same picture as a bitmap, for looking at it.
func (g Graph) PNG(ctx context.Context) ([]byte, error) {
	return g.render(ctx, graphviz.PNG)
}

func (g Graph) render(ctx context.Context, format graphviz.Format) ([]byte, error) {
	gv, err := graphviz.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("archpic: starting graphviz: %w", err)
	}
	defer gv.Close()
	graph, err := graphviz.ParseBytes([]byte(g.Dot()))
	if err != nil {
		return nil, fmt.Errorf("archpic: %s: %w", g.Stack, err)
	}
	defer graph.Close()
	var buf bytes.Buffer
	if err := gv.Render(ctx, graph, format, &buf); err != nil {
		return nil, fmt.Errorf("archpic: rendering %s: %w", g.Stack, err)
	}
	return buf.Bytes(), nil
}
