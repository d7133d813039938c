// Package cost estimates the monthly on-demand cost of a synthesized stack in
// ap-southeast-3, resource by resource, from the price table kept beside it
// (prices-ap-southeast-3.json: each price names its source and date) and the usage each
// stack is assumed to have (usage.json), and the difference between two synth outputs.
// What is priced only by use and has no assumption (S3, SQS, Lambda, logs, GuardDuty, ...)
// is counted, not priced, and the report says so.
package cost

import (
	"embed"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/smile/infra/lifecycle"
)

//go:embed prices-ap-southeast-3.json usage.json
var files embed.FS

// Price is one unit price.
type Price struct {
	USD   float64 `json:"usd"`
	Unit  string  `json:"unit"`
	Basis string  `json:"basis"`
}

// Table is a region's price table.
type Table struct {
	Region        string            `json:"region"`
	Currency      string            `json:"currency"`
	HoursPerMonth float64           `json:"hours_per_month"`
	CompiledOn    string            `json:"compiled_on"`
	Note          string            `json:"note"`
	Sources       map[string]string `json:"sources"`
	// Unverified names the sources whose prices were not checked against a dated AWS
	// pricing page for ap-southeast-3; the report says how much of each total rests on them.
	Unverified []string         `json:"unverified"`
	Prices     map[string]Price `json:"prices"`
	// AsOf is the day the estimate is made for: a version past its standard support by
	// then is charged extended support (LIFE-2). Jakarta sets the calendar's review day,
	// so the generated table is stable; the pull-request comment prices as of today.
	AsOf time.Time `json:"-"`
}

// Assumption is a figure the estimate rests on that no price list gives: dated, sourced
// and labelled as an assumption in usage.json.
type Assumption struct {
	Value  float64 `json:"value"`
	Label  string  `json:"label"`
	AsOf   string  `json:"as_of"`
	Source string  `json:"source"`
}

// Assumptions are usage.json's market assumptions.
type Assumptions struct {
	// SpotDiscount is the assumed Spot discount on the on-demand price (COST-1).
	SpotDiscount Assumption `json:"spot_discount"`
	// ReservedDiscount is the assumed discount of one-year, no-upfront reservations
	// (EC2 reserved instances or savings plans, RDS and ElastiCache reserved nodes).
	ReservedDiscount Assumption `json:"reserved_discount"`
}

// Usage is what one stack is assumed to use in a month, for what is priced by use.
type Usage struct {
	NatGB                 float64 `json:"nat_gb"`
	EndpointGB            float64 `json:"endpoint_gb"`
	ALBLCU                float64 `json:"alb_lcu"`
	CloudFrontGB          float64 `json:"cloudfront_gb"`
	CloudFrontRequests10k float64 `json:"cloudfront_requests_10k"`
	WAFRequestsMillion    float64 `json:"waf_requests_million"`
	EFSStorageGB          float64 `json:"efs_storage_gb"`
	// EFS elastic throughput is paid per GB read and written.
	EFSElasticReadGB  float64 `json:"efs_elastic_read_gb"`
	EFSElasticWriteGB float64 `json:"efs_elastic_write_gb"`
	// SpotDiscount comes from usage.json's assumptions, not from the stack's entry.
	SpotDiscount float64 `json:"-"`
}

// Jakarta is the repository's price table, checked: every price names a known source.
func Jakarta() (Table, error) {
	var t Table
	raw, err := files.ReadFile("prices-ap-southeast-3.json")
	if err == nil {
		err = json.Unmarshal(raw, &t)
	}
	if err != nil {
		return Table{}, fmt.Errorf("cost: reading prices-ap-southeast-3.json: %w", err)
	}
	t.AsOf = lifecycle.Reviewed()
	return t, t.check()
}

// check asks every price for a known source and every unverified basis to be a source.
func (t Table) check() error {
	for key, p := range t.Prices {
		if _, ok := t.Sources[p.Basis]; !ok || p.USD < 0 {
			return fmt.Errorf("cost: price %s names no known source (%q) or is negative", key, p.Basis)
		}
	}
	for _, id := range t.Unverified {
		if _, ok := t.Sources[id]; !ok {
			return fmt.Errorf("cost: unverified source %q is not in sources", id)
		}
	}
	return nil
}

// unverified reports whether a line's price rests on an unverified source.
func (t Table) unverified(priceKey string) bool {
	return slices.Contains(t.Unverified, t.Prices[priceKey].Basis)
}

// MarketAssumptions reads usage.json's assumptions, each of which must be dated, sourced
// and labelled as an assumption.
func MarketAssumptions() (Assumptions, error) {
	var doc struct {
		Assumptions Assumptions `json:"_assumptions"`
	}
	raw, err := files.ReadFile("usage.json")
	if err == nil {
		err = json.Unmarshal(raw, &doc)
	}
	if err != nil {
		return Assumptions{}, fmt.Errorf("cost: reading usage.json: %w", err)
	}
	a := doc.Assumptions
	for name, x := range map[string]Assumption{"spot_discount": a.SpotDiscount, "reserved_discount": a.ReservedDiscount} {
		if x.Label != "assumption" || x.AsOf == "" || x.Source == "" || x.Value <= 0 || x.Value >= 1 {
			return Assumptions{}, fmt.Errorf("cost: usage.json _assumptions.%s needs a value in (0, 1), label \"assumption\", as_of and source", name)
		}
	}
	return a, nil
}

// UsageOf is the usage assumed for a stack.
func UsageOf(stack string) (Usage, error) {
	var all map[string]json.RawMessage
	raw, err := files.ReadFile("usage.json")
	if err == nil {
		err = json.Unmarshal(raw, &all)
	}
	if err != nil {
		return Usage{}, fmt.Errorf("cost: reading usage.json: %w", err)
	}
	entry, ok := all[stack]
	if !ok || strings.HasPrefix(stack, "_") {
		return Usage{}, fmt.Errorf("cost: usage.json has no usage for stack %q: add its monthly traffic there", stack)
	}
	var u Usage
	dec := json.NewDecoder(strings.NewReader(string(entry)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&u); err != nil {
		return Usage{}, fmt.Errorf("cost: usage.json, stack %q: %w", stack, err)
	}
	a, err := MarketAssumptions()
	if err != nil {
		return Usage{}, err
	}
	u.SpotDiscount = a.SpotDiscount.Value
	return u, nil
}

// Line is the cost of one resource (or one part of it: a node group's instances and its
// volumes are two lines).
type Line struct {
	Address  string  // the Terraform address
	What     string  // e.g. "3 × m5.large"
	Quantity float64 // in Unit
	Unit     string
	PriceKey string
	// Discount off the price: the assumed Spot discount for Spot capacity.
	Discount float64
	Monthly  float64 // USD, unrounded
}

// Estimate is one stack's monthly cost.
type Estimate struct {
	Stack string
	Lines []Line
	// Unpriced counts resources of types priced only by use, with no assumption here.
	Unpriced map[string]int
	// BudgetUSD is the monthly limit of the stack's own cost budgets (aws_budgets_budget,
	// COST-2); budgets without actions cost nothing.
	BudgetUSD float64
}

// Total is the stack's monthly cost.
func (e Estimate) Total() float64 {
	var sum float64
	for _, l := range e.Lines {
		sum += l.Monthly
	}
	return sum
}

type resource struct {
	typ, name string
	attrs     map[string]any
}

func (r resource) address() string { return r.typ + "." + r.name }

func (r resource) str(attr string) string { s, _ := r.attrs[attr].(string); return s }

func (r resource) num(attr string) float64 {
	switch v := r.attrs[attr].(type) {
	case float64:
		return v
	case bool:
		if v {
			return 1
		}
	}
	return 0
}

func (r resource) boolean(attr string) bool {
	switch v := r.attrs[attr].(type) {
	case bool:
		return v
	case string:
		return v == "true"
	}
	return false
}

// block is a nested block, whether synthesized as an object or a one-element list.
func (r resource) block(attr string) map[string]any {
	switch v := r.attrs[attr].(type) {
	case map[string]any:
		return v
	case []any:
		if len(v) > 0 {
			m, _ := v[0].(map[string]any)
			return m
		}
	}
	return nil
}

// count is how many instances of the resource exist: a count override of 0 (the
// emulator's skips) leaves it out.
func (r resource) count() float64 {
	if c, ok := r.attrs["count"].(float64); ok {
		return c
	}
	return 1
}

var refPattern = regexp.MustCompile(`^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[a-z_]+\}$`)

type stack struct {
	byAddress map[string]resource
	ordered   []resource
}

func parse(synthesized []byte) (stack, error) {
	var doc struct {
		Resource map[string]map[string]map[string]any `json:"resource"`
	}
	if err := json.Unmarshal(synthesized, &doc); err != nil {
		return stack{}, fmt.Errorf("not a synthesized stack (cdk.tf.json): %w", err)
	}
	s := stack{byAddress: map[string]resource{}}
	for typ, byName := range doc.Resource {
		for name, attrs := range byName {
			r := resource{typ: typ, name: name, attrs: attrs}
			s.byAddress[r.address()] = r
			s.ordered = append(s.ordered, r)
		}
	}
	slices.SortFunc(s.ordered, func(a, b resource) int { return strings.Compare(a.address(), b.address()) })
	return s, nil
}

// resolve returns the resource a reference such as ${aws_launch_template.x.id} points to.
func (s stack) resolve(ref any) (resource, bool) {
	str, _ := ref.(string)
	m := refPattern.FindStringSubmatch(str)
	if m == nil {
		return resource{}, false
	}
	r, ok := s.byAddress[m[1]+"."+m[2]]
	return r, ok
}

// usageOnly are types priced by use for which no usage is assumed; the report counts them.
var usageOnly = []string{
	"aws_s3_bucket", "aws_sqs_queue", "aws_lambda_function", "aws_cloudwatch_log_group", "aws_apigatewayv2_api",
	"aws_guardduty_detector", "aws_config_configuration_recorder", "aws_cloudtrail", "aws_backup_vault",
	"aws_sns_topic", "aws_ecr_repository", "aws_securityhub_account", "aws_xray_sampling_rule", "aws_scheduler_schedule",
	"aws_codebuild_project",
}

// EstimateStack prices a synthesized stack with the usage usage.json assumes for it.
func (t Table) EstimateStack(stack string, synthesized []byte) (Estimate, error) {
	u, err := UsageOf(stack)
	if err != nil {
		return Estimate{}, err
	}
	return t.Estimate(stack, synthesized, u)
}

// Estimate prices a synthesized stack (its cdk.tf.json).
func (t Table) Estimate(name string, synthesized []byte, u Usage) (Estimate, error) {
	s, err := parse(synthesized)
	if err != nil {
		return Estimate{}, fmt.Errorf("cost: %s: %w", name, err)
	}
	e := Estimate{Stack: name, Unpriced: map[string]int{}}
	var problems []string
	var addDiscounted func(r resource, what string, quantity float64, unit, key string, discount float64)
	add := func(r resource, what string, quantity float64, unit, key string) {
		addDiscounted(r, what, quantity, unit, key, 0)
	}
	addDiscounted = func(r resource, what string, quantity float64, unit, key string, discount float64) {
		p, ok := t.Prices[key]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s needs the price %q: add it to cost/prices-ap-southeast-3.json with its source", r.address(), key))
			return
		}
		if p.Unit != unit {
			problems = append(problems, fmt.Sprintf("price %q is per %s, %s uses it per %s", key, p.Unit, r.address(), unit))
			return
		}
		e.Lines = append(e.Lines, Line{Address: r.address(), What: what, Quantity: quantity, Unit: unit, PriceKey: key,
			Discount: discount, Monthly: quantity * p.USD * (1 - discount)})
	}
	hours := t.HoursPerMonth
	for _, r := range s.ordered {
		n := r.count()
		if n == 0 {
			continue
		}
		switch r.typ {
		case "aws_eks_cluster":
			add(r, "EKS control plane "+r.str("name"), n*hours, "hour", "eks:cluster")
			if entry, past := lifecycle.PastStandardSupport(lifecycle.Kubernetes, r.str("version"), t.AsOf); past {
				add(r, fmt.Sprintf("EKS extended support: Kubernetes %s left standard support on %s", entry.Version, entry.StandardEnds),
					n*hours, "hour", "eks:extended-support")
			}
		case "aws_eks_node_group":
			scaling := r.block("scaling_config")
			desired, _ := scaling["desired_size"].(float64)
			types, _ := r.attrs["instance_types"].([]any)
			if len(types) == 0 {
				problems = append(problems, r.address()+" names no instance type")
				continue
			}
			// A group's first type prices it; a Spot group pays the assumed Spot discount off it.
			instanceType, _ := types[0].(string)
			if r.str("capacity_type") == "SPOT" {
				addDiscounted(r, fmt.Sprintf("%g × %s Spot (desired size; %d types)", desired, instanceType, len(types)), desired*hours, "hour",
					"ec2:"+instanceType, u.SpotDiscount)
			} else {
				add(r, fmt.Sprintf("%g × %s (desired size)", desired, instanceType), desired*hours, "hour", "ec2:"+instanceType)
			}
			if lt, ok := s.resolve(r.block("launch_template")["id"]); ok {
				if gib := rootVolumeGiB(lt); gib > 0 {
					add(r, fmt.Sprintf("%g × %g GiB gp3 root volumes", desired, gib), desired*gib, "GB-month", "ebs:gp3")
				}
			}
		case "aws_instance":
			add(r, "1 × "+r.str("instance_type"), n*hours, "hour", "ec2:"+r.str("instance_type"))
			if root := r.block("root_block_device"); root != nil {
				gib, _ := root["volume_size"].(float64)
				add(r, fmt.Sprintf("%g GiB gp3 root volume", gib), n*gib, "GB-month", "ebs:gp3")
			}
		case "aws_nat_gateway":
			add(r, "NAT gateway", n*hours, "hour", "nat:hour")
		case "aws_eip":
			add(r, "public IPv4 address", n*hours, "hour", "ipv4:hour")
		case "aws_vpc_endpoint":
			if r.str("vpc_endpoint_type") != "Interface" {
				continue // gateway endpoints are free
			}
			subnets, _ := r.attrs["subnet_ids"].([]any)
			service := r.str("service_name")
			add(r, fmt.Sprintf("interface endpoint %s in %d zones", service[strings.LastIndex(service, ".")+1:], len(subnets)),
				n*float64(len(subnets))*hours, "hour", "endpoint:az-hour")
		case "aws_db_instance":
			class, multiAZ := r.str("instance_class"), r.boolean("multi_az")
			copies, what := 1.0, "Single-AZ"
			if multiAZ {
				copies, what = 2, "Multi-AZ"
			}
			add(r, fmt.Sprintf("%s %s MySQL", class, what), copies*hours, "hour", "rds:"+class)
			gib := r.num("allocated_storage")
			add(r, fmt.Sprintf("%g GiB gp3 storage, %s", gib, what), copies*gib, "GB-month", "rds:gp3")
			if entry, past := lifecycle.PastStandardSupport(lifecycle.MySQL, r.str("engine_version"), t.AsOf); past {
				vcpus, known := dbVCPUs[class]
				if !known {
					problems = append(problems, fmt.Sprintf("%s: RDS Extended Support is billed per vCPU: add %s to dbVCPUs", r.address(), class))
				}
				// The charge doubles from the third year past the end of standard support.
				key, ends := "rds:extended-support-vcpu", mustDate(entry.StandardEnds)
				if !t.AsOf.Before(ends.AddDate(2, 0, 0)) {
					key = "rds:extended-support-vcpu-year3"
				}
				add(r, fmt.Sprintf("RDS Extended Support: MySQL %s left standard support on %s (%d vCPU, %s)", entry.Version, entry.StandardEnds, vcpus, what),
					copies*float64(vcpus)*hours, "vCPU-hour", key)
			}
			if r.boolean("manage_master_user_password") {
				add(r, "master password secret (Secrets Manager)", 1, "month", "secretsmanager:secret")
			}
		case "aws_elasticache_replication_group":
			nodes := r.num("num_node_groups") * (1 + r.num("replicas_per_node_group"))
			if nodes == 0 {
				nodes = r.num("num_cache_clusters")
			}
			// Node prices differ by engine (Valkey's are below Redis OSS's): keys are
			// elasticache:<engine>:<node type>; the provider's default engine is redis.
			engine := r.str("engine")
			if engine == "" {
				engine = "redis"
			}
			add(r, fmt.Sprintf("%g × %s %s", nodes, r.str("node_type"), engine), n*nodes*hours, "hour", "elasticache:"+engine+":"+r.str("node_type"))
		case "aws_efs_file_system":
			switch r.str("throughput_mode") {
			case "provisioned":
				mibps := r.num("provisioned_throughput_in_mibps")
				add(r, fmt.Sprintf("%g MiB/s provisioned throughput", mibps), n*mibps, "MiBps-month", "efs:provisioned-mibps")
			case "elastic":
				add(r, fmt.Sprintf("%g GB read, elastic throughput (usage.json)", u.EFSElasticReadGB), n*u.EFSElasticReadGB, "GB", "efs:elastic-read-gb")
				add(r, fmt.Sprintf("%g GB written, elastic throughput (usage.json)", u.EFSElasticWriteGB), n*u.EFSElasticWriteGB, "GB", "efs:elastic-write-gb")
			}
			add(r, fmt.Sprintf("%g GB Standard storage (usage.json)", u.EFSStorageGB), n*u.EFSStorageGB, "GB-month", "efs:standard-gb")
		case "aws_lb":
			add(r, "application load balancer", n*hours, "hour", "alb:hour")
			add(r, fmt.Sprintf("%g LCU on average (usage.json)", u.ALBLCU), n*u.ALBLCU*hours, "LCU-hour", "alb:lcu-hour")
		case "aws_cloudfront_distribution":
			add(r, fmt.Sprintf("%g GB out (usage.json)", u.CloudFrontGB), n*u.CloudFrontGB, "GB", "cloudfront:gb")
			add(r, fmt.Sprintf("%g × 10k HTTPS requests (usage.json)", u.CloudFrontRequests10k), n*u.CloudFrontRequests10k, "10k requests", "cloudfront:https-10k")
		case "aws_wafv2_web_acl":
			rules, _ := r.attrs["rule"].([]any)
			add(r, "web ACL "+r.str("name"), n, "month", "waf:web-acl")
			add(r, fmt.Sprintf("%d rules", len(rules)), n*float64(len(rules)), "month", "waf:rule")
			add(r, fmt.Sprintf("%g million requests (usage.json)", u.WAFRequestsMillion), n*u.WAFRequestsMillion, "million requests", "waf:million-requests")
		case "aws_kms_key":
			add(r, "customer managed key", n, "month", "kms:key")
		case "aws_route53_zone":
			add(r, "hosted zone "+r.str("name"), n, "month", "route53:zone")
		case "aws_cloudwatch_metric_alarm":
			add(r, "standard alarm", n, "month", "cloudwatch:alarm")
		case "aws_cloudwatch_dashboard":
			add(r, "dashboard", n, "month", "cloudwatch:dashboard")
		case "aws_budgets_budget":
			if r.str("budget_type") == "COST" {
				var limit float64
				fmt.Sscan(r.str("limit_amount"), &limit)
				e.BudgetUSD += n * limit
			}
		case "aws_secretsmanager_secret":
			add(r, "secret", n, "month", "secretsmanager:secret")
		default:
			if slices.Contains(usageOnly, r.typ) {
				e.Unpriced[r.typ] += int(n)
			}
		}
	}
	// Traffic through the NAT gateways and the interface endpoints is one figure per stack.
	if nats := e.count("nat:hour"); nats > 0 {
		e.Lines = append(e.Lines, Line{Address: "(NAT data processing)", What: fmt.Sprintf("%g GB through %d NAT gateways (usage.json)", u.NatGB, nats),
			Quantity: u.NatGB, Unit: "GB", PriceKey: "nat:gb", Monthly: u.NatGB * t.Prices["nat:gb"].USD})
	}
	if e.count("endpoint:az-hour") > 0 {
		e.Lines = append(e.Lines, Line{Address: "(interface endpoint data processing)", What: fmt.Sprintf("%g GB (usage.json)", u.EndpointGB),
			Quantity: u.EndpointGB, Unit: "GB", PriceKey: "endpoint:gb", Monthly: u.EndpointGB * t.Prices["endpoint:gb"].USD})
	}
	if len(problems) > 0 {
		return Estimate{}, fmt.Errorf("cost: %s:\n  %s", name, strings.Join(problems, "\n  "))
	}
	return e, nil
}

func (e Estimate) count(priceKey string) int {
	n := 0
	for _, l := range e.Lines {
		if l.PriceKey == priceKey {
			n++
		}
	}
	return n
}

// rootVolumeGiB is the size of a launch template's first block device.
func rootVolumeGiB(lt resource) float64 {
	devices, _ := lt.attrs["block_device_mappings"].([]any)
	if len(devices) == 0 {
		return 0
	}
	d, _ := devices[0].(map[string]any)
	ebs, _ := d["ebs"].(map[string]any)
	gib, _ := ebs["volume_size"].(float64)
	return gib
}

// UnverifiedPart is the part of the total that rests on prices of unverified sources.
func (t Table) UnverifiedPart(e Estimate) float64 {
	var sum float64
	for _, l := range e.Lines {
		if t.unverified(l.PriceKey) {
			sum += l.Monthly
		}
	}
	return sum
}

// Reservable is the part of the total that reservations could discount: on-demand EC2
// instance hours, RDS instance hours and ElastiCache node hours.
func (e Estimate) Reservable() float64 {
	var sum float64
	for _, l := range e.Lines {
		hourly := l.Unit == "hour" && (strings.HasPrefix(l.PriceKey, "ec2:") || strings.HasPrefix(l.PriceKey, "rds:") || strings.HasPrefix(l.PriceKey, "elasticache:"))
		if hourly && l.Discount == 0 {
			sum += l.Monthly
		}
	}
	return sum
}

// BudgetUSD is the monthly budget for an estimate: its total plus marginPercent, rounded
// up to whole dollars (COST-2).
func BudgetUSD(e Estimate, marginPercent int) float64 {
	return math.Ceil(e.Total() * (1 + float64(marginPercent)/100))
}

// Cents rounds an amount to whole cents, as the reports print it.
func Cents(usd float64) float64 { return math.Round(usd*100) / 100 }

// dbVCPUs are the vCPUs of the database classes the config allows, by which RDS Extended
// Support is billed.
var dbVCPUs = map[string]int{
	"db.t3.micro": 2, "db.t3.small": 2, "db.t3.medium": 2, "db.t3.large": 2,
	"db.t4g.micro": 2, "db.t4g.small": 2, "db.t4g.medium": 2, "db.t4g.large": 2,
	"db.m5.large": 2, "db.m5.xlarge": 4, "db.m6g.large": 2, "db.m6g.xlarge": 4,
	"db.r5.large": 2, "db.r5.xlarge": 4, "db.r5.2xlarge": 8, "db.r6g.large": 2, "db.r6g.xlarge": 4,
}

func mustDate(s string) time.Time {
	d, _ := lifecycle.Date(s)
	return d
}
