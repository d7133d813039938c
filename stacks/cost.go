package stacks

import (
	"encoding/json"
	"fmt"

	"github.com/smile/infra/constructs/budget"
	"github.com/smile/infra/constructs/iampolicy"
	"github.com/smile/infra/constructs/observability"
	"github.com/smile/infra/constructs/security"
	"github.com/smile/infra/cost"
)

// costAlertServices publish budget and cost anomaly alerts to the alarm topic (COST-2).
var costAlertServices = []string{"budgets.amazonaws.com", "costalerts.amazonaws.com"}

// costAllocationTags are the tags of ENV-2 that tell environments apart in billing; the
// account baseline activates them and the budgets filter on Environment (COST-2).
var costAllocationTags = []string{"Project", "Environment"}

// costAlertKeyUsers let the cost alert services encrypt to the alarm topic's key on this
// account's behalf (an encrypted topic drops messages its publisher cannot encrypt).
func costAlertKeyUsers(accountID *string) []security.ServiceUser {
	var users []security.ServiceUser
	for _, service := range costAlertServices {
		users = append(users, security.ServiceUser{
			Principal: service, Actions: []string{"kms:Decrypt", "kms:GenerateDataKey*"},
			Condition: iampolicy.Condition{Test: "StringEquals", Variable: "aws:SourceAccount", Values: []*string{accountID}},
		})
	}
	return users
}

// budget is the environment's monthly cost budget: the cost table's estimate of this
// stack plus Cost.BudgetMarginPercent (COST-2).
//
// The estimate is of this very stack, with no second synth and no committed figure to go
// stale: the budget is the last resource added and costs nothing itself, so pricing the
// stack as built so far (ToTerraform is the document synth writes to cdk.tf.json) prices
// the finished stack. A change to the price table or usage.json changes the budget in the
// same synth that changes docs/cost.md, and a test holds the two equal.
func (b *builder) budget(o *observability.Output) {
	if !b.ok() {
		return
	}
	document, err := json.Marshal(b.stack.ToTerraform())
	if err != nil {
		b.fail(fmt.Errorf("budget: the stack's Terraform JSON: %w", err))
		return
	}
	table, err := cost.Jakarta()
	if err != nil {
		b.fail(err)
		return
	}
	estimate, err := table.EstimateStack(b.env.StackName(), document)
	if err != nil {
		b.fail(err)
		return
	}
	_, err = budget.New(b.stack, "monthly-budget", budget.Config{
		Name: b.env.Prefix() + "-monthly", AmountUSD: cost.BudgetUSD(estimate, b.env.Cost.BudgetMarginPercent),
		TagKey: "Environment", TagValue: b.env.Name, TopicArn: o.TopicArn,
	})
	b.fail(err)
}
