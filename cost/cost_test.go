package cost

import (
	"math"
	"strings"
	"testing"
)

// A small known stack: every line's arithmetic is checked to the cent.
const small = `{"resource": {
  "aws_eks_cluster": {"c": {"name": "demo"}},
  "aws_launch_template": {"lt": {"block_device_mappings": [{"device_name": "/dev/xvda", "ebs": {"volume_size": 50, "volume_type": "gp3"}}]}},
  "aws_eks_node_group": {"ng": {"instance_types": ["m5.large"], "scaling_config": {"desired_size": 2, "min_size": 1, "max_size": 5},
                                "launch_template": {"id": "${aws_launch_template.lt.id}", "version": "1"}}},
  "aws_nat_gateway": {"a": {}, "b": {}},
  "aws_eip": {"a": {}},
  "aws_vpc_endpoint": {"s3": {"vpc_endpoint_type": "Gateway", "service_name": "com.amazonaws.ap-southeast-3.s3"},
                       "sts": {"vpc_endpoint_type": "Interface", "service_name": "com.amazonaws.ap-southeast-3.sts", "subnet_ids": ["a", "b", "c"]}},
  "aws_db_instance": {"db": {"instance_class": "db.r5.large", "multi_az": true, "allocated_storage": 100, "manage_master_user_password": true}},
  "aws_elasticache_replication_group": {"r": {"node_type": "cache.r6g.large", "num_node_groups": 2, "replicas_per_node_group": 2}},
  "aws_kms_key": {"k": {}, "skipped": {"count": 0}},
  "aws_wafv2_web_acl": {"w": {"name": "edge", "rule": [{}, {}, {}]}},
  "aws_sqs_queue": {"q": {}}
}}`

func testTable() Table {
	p := func(usd float64, unit string) Price { return Price{USD: usd, Unit: unit, Basis: "test"} }
	return Table{HoursPerMonth: 730, Sources: map[string]string{"test": "test"}, Prices: map[string]Price{
		"eks:cluster": p(0.10, "hour"), "ec2:m5.large": p(0.12, "hour"), "ebs:gp3": p(0.08, "GB-month"),
		"nat:hour": p(0.05, "hour"), "nat:gb": p(0.05, "GB"), "ipv4:hour": p(0.005, "hour"),
		"endpoint:az-hour": p(0.01, "hour"), "endpoint:gb": p(0.01, "GB"),
		"rds:db.r5.large": p(0.25, "hour"), "rds:gp3": p(0.1, "GB-month"), "secretsmanager:secret": p(0.4, "month"),
		"elasticache:redis:cache.r6g.large": p(0.2, "hour"), "elasticache:valkey:cache.r6g.large": p(0.16, "hour"), "kms:key": p(1, "month"),
		"waf:web-acl": p(5, "month"), "waf:rule": p(1, "month"), "waf:million-requests": p(0.6, "million requests"),
	}}
}

// CICD-1: the cost the pull-request comment and docs/cost.md report.
func TestEstimateArithmetic(t *testing.T) {
	e, err := testTable().Estimate("small", []byte(small), Usage{NatGB: 100, EndpointGB: 10, WAFRequestsMillion: 5})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{
		"aws_eks_cluster.c":                    73,             // 730 h × 0.10
		"aws_eks_node_group.ng":                175.2 + 8,      // 2 × 730 h × 0.12; 2 × 50 GiB × 0.08
		"aws_nat_gateway.a":                    36.5,           // 730 h × 0.05
		"aws_nat_gateway.b":                    36.5,           //
		"(NAT data processing)":                5,              // 100 GB × 0.05
		"aws_eip.a":                            3.65,           // 730 h × 0.005
		"aws_vpc_endpoint.sts":                 21.9,           // 3 zones × 730 h × 0.01; the gateway endpoint is free
		"(interface endpoint data processing)": 0.1,            // 10 GB × 0.01
		"aws_db_instance.db":                   365 + 20 + 0.4, // Multi-AZ: 2 × 730 h × 0.25; 2 × 100 GiB × 0.1; the managed secret
		"aws_elasticache_replication_group.r":  876,            // 2 shards × 3 nodes × 730 h × 0.2
		"aws_kms_key.k":                        1,              // the count-0 key costs nothing
		"aws_wafv2_web_acl.w":                  5 + 3 + 3,      // ACL, 3 rules, 5 M requests × 0.6
	}
	got := map[string]float64{}
	for _, l := range e.Lines {
		got[l.Address] += l.Monthly
	}
	var total float64
	for addr, usd := range want {
		total += usd
		if Cents(got[addr]) != Cents(usd) {
			t.Errorf("%s costs %.4f, want %.2f", addr, got[addr], usd)
		}
	}
	if len(got) != len(want) {
		t.Errorf("lines for %v, want exactly %d resources", got, len(want))
	}
	if Cents(e.Total()) != Cents(total) || Cents(total) != 1633.25 {
		t.Errorf("total %.2f, want %.2f (= 1633.25)", e.Total(), total)
	}
	if e.Unpriced["aws_sqs_queue"] != 1 {
		t.Errorf("unpriced %v, want the queue counted", e.Unpriced)
	}
}

// CICD-1: the cost difference of a change, as the pull-request comment shows it.
func TestDiffPricesAConfigChange(t *testing.T) {
	table, u := testTable(), Usage{NatGB: 100}
	base, err := table.Estimate("small", []byte(small), u)
	if err != nil {
		t.Fatal(err)
	}
	head, err := table.Estimate("small", []byte(strings.Replace(small, `"desired_size": 2`, `"desired_size": 3`, 1)), u)
	if err != nil {
		t.Fatal(err)
	}
	deltas := Diff(base, head)
	// One more node: 730 h × 0.12 + 50 GiB × 0.08 = 91.60.
	if len(deltas) != 1 || deltas[0].Address != "aws_eks_node_group.ng" || Cents(deltas[0].Head-deltas[0].Base) != 91.6 {
		t.Fatalf("deltas %+v, want one node group line of +91.60", deltas)
	}
	md := DiffMarkdown(base, head)
	for _, want := range []string{"Monthly cost: 1630.15 → 1721.75 USD (+91.60)", "| `aws_eks_node_group.ng` | 3 × m5.large (desired size); 3 × 50 GiB gp3 root volumes | 183.20 | 274.80 | +91.60 |"} {
		if !strings.Contains(md, want) {
			t.Errorf("diff comment lacks %q:\n%s", want, md)
		}
	}
	if none := DiffMarkdown(base, base); strings.Contains(none, "|") || !strings.Contains(none, "(+0.00)") {
		t.Errorf("an unchanged stack's comment: %q", none)
	}
}

// COST-1: a Spot group pays the assumed discount off its first type's price; elastic EFS
// pays per GB moved instead of per MiB/s held; a cache is priced by its engine.
func TestCOST1Levers(t *testing.T) {
	table := testTable()
	table.Prices["efs:standard-gb"] = Price{USD: 0.3, Unit: "GB-month", Basis: "test"}
	table.Prices["efs:provisioned-mibps"] = Price{USD: 6, Unit: "MiBps-month", Basis: "test"}
	table.Prices["efs:elastic-read-gb"] = Price{USD: 0.03, Unit: "GB", Basis: "test"}
	table.Prices["efs:elastic-write-gb"] = Price{USD: 0.06, Unit: "GB", Basis: "test"}
	const stack = `{"resource": {
  "aws_eks_node_group": {"spot": {"capacity_type": "SPOT", "instance_types": ["m5.large", "m6i.large"], "scaling_config": {"desired_size": 2}},
                         "od": {"capacity_type": "ON_DEMAND", "instance_types": ["m5.large"], "scaling_config": {"desired_size": 1}}},
  "aws_efs_file_system": {"elastic": {"throughput_mode": "elastic"}, "provisioned": {"throughput_mode": "provisioned", "provisioned_throughput_in_mibps": 100}},
  "aws_elasticache_replication_group": {"valkey": {"engine": "valkey", "node_type": "cache.r6g.large", "num_node_groups": 1, "replicas_per_node_group": 1},
                                        "redis": {"engine": "redis", "node_type": "cache.r6g.large", "num_node_groups": 1, "replicas_per_node_group": 1}}
}}`
	e, err := table.Estimate("levers", []byte(stack), Usage{SpotDiscount: 0.6, EFSStorageGB: 10, EFSElasticReadGB: 100, EFSElasticWriteGB: 50})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, l := range e.Lines {
		got[l.Address] += l.Monthly
	}
	want := map[string]float64{
		"aws_eks_node_group.spot":                  2 * 730 * 0.12 * 0.4, // 60% off on demand
		"aws_eks_node_group.od":                    730 * 0.12,
		"aws_efs_file_system.elastic":              10*0.3 + 100*0.03 + 50*0.06,
		"aws_efs_file_system.provisioned":          10*0.3 + 100*6,
		"aws_elasticache_replication_group.valkey": 2 * 730 * 0.16,
		"aws_elasticache_replication_group.redis":  2 * 730 * 0.2,
	}
	for addr, usd := range want {
		if Cents(got[addr]) != Cents(usd) {
			t.Errorf("%s costs %.2f, want %.2f", addr, got[addr], usd)
		}
	}
	// Only the on-demand instances and the caches could be reserved.
	if r := e.Reservable(); Cents(r) != Cents(730*0.12+2*730*0.16+2*730*0.2) {
		t.Errorf("reservable %.2f", r)
	}
}

// COST-2: the budget follows the price table: a change to a price changes the budget.
func TestBudgetFollowsThePriceTable(t *testing.T) {
	table := testTable()
	base, err := table.Estimate("small", []byte(small), Usage{NatGB: 100})
	if err != nil {
		t.Fatal(err)
	}
	if b := BudgetUSD(base, 20); b != math.Ceil(base.Total()*1.2) || b != 1957 {
		t.Errorf("budget %.2f for an estimate of %.2f, want 1957 (+20%%, whole dollars up)", b, base.Total())
	}
	table.Prices["ec2:m5.large"] = Price{USD: 0.24, Unit: "hour", Basis: "test"}
	dearer, err := table.Estimate("small", []byte(small), Usage{NatGB: 100})
	if err != nil {
		t.Fatal(err)
	}
	// Two m5.large at twice the price: +175.20 a month, +210.24 with the margin.
	if b := BudgetUSD(dearer, 20); b != math.Ceil((base.Total()+175.2)*1.2) {
		t.Errorf("budget %.2f after doubling m5.large, want %.2f", b, math.Ceil((base.Total()+175.2)*1.2))
	}
}

// COST-2: the pull-request comment shows the budget before and after.
func TestDiffShowsTheBudget(t *testing.T) {
	table := testTable()
	base, err := table.Estimate("small", []byte(small), Usage{NatGB: 100})
	if err != nil {
		t.Fatal(err)
	}
	withBudget := strings.Replace(small, `"aws_sqs_queue"`, `"aws_budgets_budget": {"b": {"budget_type": "COST", "limit_amount": "1957", "limit_unit": "USD"}}, "aws_sqs_queue"`, 1)
	head, err := table.Estimate("small", []byte(withBudget), Usage{NatGB: 100})
	if err != nil {
		t.Fatal(err)
	}
	if head.BudgetUSD != 1957 || Cents(head.Total()) != Cents(base.Total()) {
		t.Fatalf("budget %.2f, total %.2f: a budget is read, not priced", head.BudgetUSD, head.Total())
	}
	if md := DiffMarkdown(base, head); !strings.Contains(md, "Monthly budget (COST-2): 0.00 → 1957.00 USD (+1957.00)") {
		t.Errorf("comment lacks the budget:\n%s", md)
	}
}

// The report's share on unverified prices counts exactly the lines of unverified sources.
func TestUnverifiedPart(t *testing.T) {
	table := testTable()
	table.Sources["checked"] = "a dated AWS pricing page"
	table.Unverified = []string{"test"}
	table.Prices["eks:cluster"] = Price{USD: 0.10, Unit: "hour", Basis: "checked"}
	e, err := table.Estimate("small", []byte(small), Usage{})
	if err != nil {
		t.Fatal(err)
	}
	if got := table.UnverifiedPart(e); Cents(got) != Cents(e.Total()-73) {
		t.Errorf("unverified %.2f of %.2f, want all but the 73.00 of the checked control plane", got, e.Total())
	}
	table.Unverified = []string{"nowhere"}
	if err := table.check(); err == nil || !strings.Contains(err.Error(), `unverified source "nowhere" is not in sources`) {
		t.Errorf("check: %v", err)
	}
}

func TestUnknownPriceIsOneClearError(t *testing.T) {
	table := testTable()
	delete(table.Prices, "ec2:m5.large")
	_, err := table.Estimate("small", []byte(small), Usage{})
	if err == nil || !strings.Contains(err.Error(), `aws_eks_node_group.ng needs the price "ec2:m5.large": add it to cost/prices-ap-southeast-3.json`) {
		t.Fatalf("error %v", err)
	}
	if _, err := table.Estimate("small", []byte("not json"), Usage{}); err == nil || !strings.Contains(err.Error(), "not a synthesized stack") {
		t.Fatalf("error %v", err)
	}
}

func TestRepositoryTables(t *testing.T) {
	table, err := Jakarta()
	if err != nil {
		t.Fatal(err)
	}
	if table.Region != "ap-southeast-3" || table.CompiledOn == "" || len(table.Sources) == 0 {
		t.Errorf("price table without region, date or sources: %+v", table)
	}
	for _, stack := range []string{"smile-dev", "smile-staging", "smile-prod"} {
		if _, err := UsageOf(stack); err != nil {
			t.Error(err)
		}
	}
	a, err := MarketAssumptions()
	if err != nil || a.SpotDiscount.Label != "assumption" || a.ReservedDiscount.AsOf == "" {
		t.Errorf("assumptions %+v: %v", a, err)
	}
	for _, id := range table.Unverified {
		if _, ok := table.Sources[id]; !ok {
			t.Errorf("unverified source %q is not a source", id)
		}
	}
	if _, err := UsageOf("smile-qa"); err == nil || !strings.Contains(err.Error(), `no usage for stack "smile-qa"`) {
		t.Errorf("unknown stack: %v", err)
	}
}

// LIFE-2: a version past its standard support is charged extended support as of the
// estimate's day (EKS per cluster-hour, RDS per vCPU-hour, doubling in the third year);
// the same stack on supported versions, or priced before the end, is not.
func TestLIFE2ExtendedSupportIsPricedForAnOldVersion(t *testing.T) {
	const old = `{"resource": {
  "aws_eks_cluster": {"c": {"name": "demo", "version": "1.34"}, "new": {"name": "current", "version": "1.36"}},
  "aws_db_instance": {"db": {"instance_class": "db.r5.large", "multi_az": true, "allocated_storage": 100, "engine_version": "8.0"}}
}}`
	table := testTable()
	table.Prices["eks:extended-support"] = Price{USD: 0.50, Unit: "hour", Basis: "test"}
	table.Prices["rds:extended-support-vcpu"] = Price{USD: 0.10, Unit: "vCPU-hour", Basis: "test"}
	table.Prices["rds:extended-support-vcpu-year3"] = Price{USD: 0.20, Unit: "vCPU-hour", Basis: "test"}
	extended := func(date string) map[string]float64 {
		t.Helper()
		table.AsOf = mustDate(date)
		e, err := table.Estimate("old", []byte(old), Usage{})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]float64{}
		for _, l := range e.Lines {
			if strings.Contains(l.PriceKey, "extended-support") {
				out[l.Address+" "+l.PriceKey] += Cents(l.Monthly)
			}
		}
		return out
	}
	// Before either end: nothing extra.
	if got := extended("2026-07-01"); len(got) != 0 {
		t.Errorf("before the end of standard support: %v", got)
	}
	// Today: 1.34 (ended 2026-12-02) pays 730 h × 0.50; MySQL 8.0 (ended 2026-07-31) pays
	// 2 instances × 2 vCPU × 730 h × 0.10; 1.36 nothing.
	want := map[string]float64{"aws_eks_cluster.c eks:extended-support": 365, "aws_db_instance.db rds:extended-support-vcpu": 292}
	if got := extended("2026-12-06"); !mapsEqual(got, want) {
		t.Errorf("on 2026-12-06: %v, want %v", got, want)
	}
	// Three years on, the RDS charge is at the third-year rate.
	if got := extended("2028-08-01"); got["aws_db_instance.db rds:extended-support-vcpu-year3"] != 584 {
		t.Errorf("in the third year: %v", got)
	}
	// The repository's table has the prices, dated as of the calendar's review.
	jakarta, err := Jakarta()
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"eks:extended-support", "rds:extended-support-vcpu", "rds:extended-support-vcpu-year3"} {
		if _, ok := jakarta.Prices[key]; !ok {
			t.Errorf("prices-ap-southeast-3.json lacks %s", key)
		}
	}
	if jakarta.AsOf.IsZero() {
		t.Error("the repository's table prices as of no day")
	}
}

func mapsEqual(a, b map[string]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
