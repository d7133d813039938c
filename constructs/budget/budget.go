// Package budget builds an environment's monthly cost budget (COST-2): an AWS Budgets cost
// budget on the environment's tag, alerting a topic when actual or forecast spend passes it.
package budget

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/budgetsbudget"
)

// Config is one budget.
type Config struct {
	// Name, e.g. smile5-dev-monthly (ENV-2).
	Name string
	// AmountUSD is the monthly limit in whole dollars.
	AmountUSD float64
	// TagKey and TagValue select the costs the budget counts (the Environment cost
	// allocation tag), so environments sharing an account have a budget each.
	TagKey, TagValue string
	// TopicArn receives the alerts; its policy must let budgets.amazonaws.com publish and
	// its key let budgets use it.
	TopicArn *string
}

// Output names the budget.
type Output struct {
	Name *string
}

// AlertPercents are the thresholds of the limit that alert: actual spend past the budget,
// and a forecast for the month past it (an early warning).
var AlertPercents = map[string]float64{"ACTUAL": 100, "FORECASTED": 100}

// New builds the budget.
func New(scope constructs.Construct, id string, cfg Config) (*Output, error) {
	if cfg.Name == "" || cfg.AmountUSD <= 0 || cfg.TagKey == "" || cfg.TagValue == "" || cfg.TopicArn == nil {
		return nil, fmt.Errorf("budget %s: Name, a positive AmountUSD, TagKey, TagValue and TopicArn are required (COST-2)", id)
	}
	var notifications []*budgetsbudget.BudgetsBudgetNotification
	for _, kind := range []string{"ACTUAL", "FORECASTED"} {
		notifications = append(notifications, &budgetsbudget.BudgetsBudgetNotification{
			NotificationType: jsii.String(kind), ComparisonOperator: jsii.String("GREATER_THAN"),
			Threshold: jsii.Number(AlertPercents[kind]), ThresholdType: jsii.String("PERCENTAGE"),
			SubscriberSnsTopicArns: &[]*string{cfg.TopicArn},
		})
	}
	b := budgetsbudget.NewBudgetsBudget(scope, jsii.String(id), &budgetsbudget.BudgetsBudgetConfig{
		Name: jsii.String(cfg.Name), BudgetType: jsii.String("COST"), TimeUnit: jsii.String("MONTHLY"),
		LimitAmount: jsii.String(fmt.Sprintf("%.0f", cfg.AmountUSD)), LimitUnit: jsii.String("USD"),
		// Cost Explorer names an activated user tag user:<key>, and a tag value <key>$<value>.
		CostFilter: &[]*budgetsbudget.BudgetsBudgetCostFilter{{
			Name: jsii.String("TagKeyValue"), Values: jsii.Strings(fmt.Sprintf("user:%s$%s", cfg.TagKey, cfg.TagValue)),
		}},
		Notification: &notifications,
	})
	return &Output{Name: b.Name()}, nil
}
