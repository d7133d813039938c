package main

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/smile/infra/config"
	"github.com/smile/infra/cost"
)

// COST-2: each environment's budget is the cost table's estimate of its own stack plus the
// configured margin, counts the environment's tag, and alerts the alarm topic on actual and
// forecast spend.
func TestCOST2BudgetFollowsTheCostTable(t *testing.T) {
	table, err := cost.Jakarta()
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range synthReal(t) {
		env := envOf(name)
		estimate, err := table.EstimateStack(name, s.raw)
		if err != nil {
			t.Fatal(err)
		}
		b := s.single(t, "aws_budgets_budget")
		limit, _ := strconv.ParseFloat(b.str("limit_amount"), 64)
		if want := cost.BudgetUSD(estimate, env.Cost.BudgetMarginPercent); limit != want || estimate.BudgetUSD != want {
			t.Errorf("%s: budget %v (read back %v), want %v: the estimate %.2f plus %d%%", name, limit, estimate.BudgetUSD, want, estimate.Total(), env.Cost.BudgetMarginPercent)
		}
		if b.str("budget_type") != "COST" || b.str("time_unit") != "MONTHLY" || b.str("limit_unit") != "USD" {
			t.Errorf("%s: budget %v", name, b.Attrs)
		}
		if f := first(b.Attrs["cost_filter"]); f["name"] != "TagKeyValue" || !reflect.DeepEqual(toStrings(f["values"]), []string{"user:Environment$" + env.Name}) {
			t.Errorf("%s: budget counts %v, want the Environment tag %s", name, f, env.Name)
		}
		topic := s.single(t, "aws_sns_topic").Ref("arn")
		var kinds []string
		for _, n := range b.Attrs["notification"].([]any) {
			n := n.(map[string]any)
			kinds = append(kinds, n["notification_type"].(string))
			if !reflect.DeepEqual(toStrings(n["subscriber_sns_topic_arns"]), []string{topic}) || n["threshold"] != float64(100) || n["threshold_type"] != "PERCENTAGE" {
				t.Errorf("%s: budget notification %v, want 100%% to %s", name, n, topic)
			}
		}
		if slices.Sort(kinds); !reflect.DeepEqual(kinds, []string{"ACTUAL", "FORECASTED"}) {
			t.Errorf("%s: budget alerts on %v, want ACTUAL and FORECASTED", name, kinds)
		}
	}
}

// COST-2: AWS Budgets and Cost Anomaly Detection may publish to the alarm topic and use its
// key, for this account only.
func TestCOST2AlertsReachTheTopic(t *testing.T) {
	for name, s := range synthReal(t) {
		topic := s.single(t, "aws_sns_topic")
		policy := s.single(t, "aws_sns_topic_policy")
		keyPolicy := policyStatements(t, s, s.byRef(t, topic.str("kms_master_key_id")).str("policy"))
		for _, service := range []string{"budgets.amazonaws.com", "costalerts.amazonaws.com"} {
			if !sourceAccountAllows(policyStatements(t, s, policy.str("policy")), service, "sns:Publish") {
				t.Errorf("%s: the topic policy does not let %s publish", name, service)
			}
			if !sourceAccountAllows(keyPolicy, service, "kms:GenerateDataKey*") {
				t.Errorf("%s: the topic's key does not let %s encrypt", name, service)
			}
		}
	}
}

// sourceAccountAllows reports whether an Allow statement for the service principal grants the action,
// scoped to this account by aws:SourceAccount.
func sourceAccountAllows(statements []map[string]any, service, action string) bool {
	for _, st := range statements {
		if st["effect"] == "Deny" || !slices.Contains(principals(st, "Service"), service) || !slices.Contains(toStrings(st["actions"]), action) {
			continue
		}
		for _, c := range st["condition"].([]any) {
			if c.(map[string]any)["variable"] == "aws:SourceAccount" {
				return true
			}
		}
	}
	return false
}

// COST-2: the account-level cost controls (cost allocation tags, the anomaly monitor and
// its subscription to the alarm topic) exist once per account, in the stack that owns the
// account baseline.
func TestCOST2AnomalyDetectionOncePerAccount(t *testing.T) {
	perAccount := map[string]int{}
	for name, s := range synthReal(t) {
		env := envOf(name)
		subs := s.resources("aws_ce_anomaly_subscription")
		perAccount[env.Security.Account] += len(subs)
		want := 0
		if env.Security.OwnsAccountBaseline {
			want = 1
		}
		if len(subs) != want || len(s.resources("aws_ce_anomaly_monitor")) != want {
			t.Fatalf("%s: %d anomaly subscriptions, want %d (OwnsAccountBaseline %v)", name, len(subs), want, env.Security.OwnsAccountBaseline)
		}
		var tags []string
		for _, tag := range s.resources("aws_ce_cost_allocation_tag") {
			if tag.str("status") == "Active" {
				tags = append(tags, tag.str("tag_key"))
			}
		}
		if slices.Sort(tags); want == 1 && !reflect.DeepEqual(tags, []string{"Environment", "Project"}) {
			t.Errorf("%s: active cost allocation tags %v", name, tags)
		}
		if want == 0 {
			continue
		}
		sub := subs[0]
		subscriber := first(sub.Attrs["subscriber"])
		threshold := first(first(sub.Attrs["threshold_expression"])["dimension"])
		if sub.str("frequency") != "IMMEDIATE" || subscriber["type"] != "SNS" || subscriber["address"] != s.single(t, "aws_sns_topic").Ref("arn") ||
			!reflect.DeepEqual(toStrings(threshold["values"]), []string{fmt.Sprint(env.Cost.AnomalyAlertUSD)}) ||
			!reflect.DeepEqual(toStrings(sub.Attrs["monitor_arn_list"]), []string{s.single(t, "aws_ce_anomaly_monitor").Ref("arn")}) {
			t.Errorf("%s: anomaly subscription %v", name, sub.Attrs)
		}
	}
	for _, account := range []string{config.Dev().Security.Account, config.Staging().Security.Account, config.Prod().Security.Account} {
		if perAccount[account] != 1 {
			t.Errorf("account %s has %d anomaly subscriptions, want exactly 1", account, perAccount[account])
		}
	}
}

// first is a nested block, whether synthesized as an object or a list of them.
func first(v any) map[string]any {
	switch v := v.(type) {
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
