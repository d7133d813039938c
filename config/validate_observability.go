package config

import (
	"fmt"
	"net/mail"
	"regexp"
	"slices"
)

var accountPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}$`)

func (e Environment) validateObservability(p *problems) {
	if m := e.Cost.BudgetMarginPercent; m < MinBudgetMarginPercent || m > 100 {
		p.add("Cost.BudgetMarginPercent", "%d is outside %d-100: the budget is the cost table's estimate plus this margin (COST-2)", m, MinBudgetMarginPercent)
	}
	if a := e.Cost.AnomalyAlertUSD; e.Security.OwnsAccountBaseline && a < 1 {
		p.add("Cost.AnomalyAlertUSD", "is %d: the account's cost anomaly alert needs a total impact of at least 1 USD (COST-2)", a)
	}
	o := e.Observability
	if !slices.Contains(logRetentionDays, o.AuditLogRetentionDays) || o.AuditLogRetentionDays < MinAuditLogRetentionDays {
		p.add("Observability.AuditLogRetentionDays", "%d is not allowed: use a CloudWatch retention of at least %d days (365, 400, 545, 731, ...) (OBS-4)",
			o.AuditLogRetentionDays, MinAuditLogRetentionDays)
	}
	for i, address := range o.AlarmEmails {
		if a, err := mail.ParseAddress(address); err != nil || a.Address != address {
			p.add(fmt.Sprintf("Observability.AlarmEmails[%d]", i), "%q is not an e-mail address such as oncall@example.org (OBS-2)", address)
		}
	}
	if len(o.AlarmEmails) == 0 && e.isProductionLike() {
		p.add("Observability.AlarmEmails", "is empty in %s: an alarm nobody receives is no alarm (OBS-2)", e.Name)
	}
	if o.TraceSamplingRate < 0 || o.TraceSamplingRate > 1 {
		p.add("Observability.TraceSamplingRate", "%s is outside 0-1 (a share of requests) (OBS-3)", fmt.Sprint(o.TraceSamplingRate))
	}
	a := o.Alarms
	for _, t := range []struct {
		field   string
		value   float64
		percent bool
	}{
		{"DatabaseCPUPercent", a.DatabaseCPUPercent, true}, {"DatabaseFreeStorageGiB", a.DatabaseFreeStorageGiB, false},
		{"DatabaseConnections", a.DatabaseConnections, false}, {"CacheCPUPercent", a.CacheCPUPercent, true},
		{"CacheEngineCPUPercent", a.CacheEngineCPUPercent, true}, {"CacheMemoryPercent", a.CacheMemoryPercent, true},
		{"DeadLetterMessages", a.DeadLetterMessages, false}, {"QueueOldestMessageSeconds", a.QueueOldestMessageSeconds, false},
		{"LoadBalancer5xxPer5Min", a.LoadBalancer5xxPer5Min, false}, {"TargetResponseSecondsP95", a.TargetResponseSecondsP95, false},
		{"UnhealthyTargets", a.UnhealthyTargets, false}, {"FunctionErrors", a.FunctionErrors, false},
		{"FunctionThrottles", a.FunctionThrottles, false},
	} {
		switch {
		case t.value <= 0:
			p.add("Observability.Alarms."+t.field, "%s must be above 0 (OBS-2)", fmt.Sprint(t.value))
		case t.percent && t.value > 100:
			p.add("Observability.Alarms."+t.field, "%s is a percentage above 100 (OBS-2)", fmt.Sprint(t.value))
		}
	}
	if free := a.DatabaseFreeStorageGiB; free >= float64(e.Database.AllocatedStorageGiB) {
		p.add("Observability.Alarms.DatabaseFreeStorageGiB", "%s is not below the database's %d GiB: the alarm would never be quiet (OBS-2)",
			fmt.Sprint(free), e.Database.AllocatedStorageGiB)
	}
	if !accountPattern.MatchString(e.Security.Account) {
		p.add("Security.Account", "%q must name the AWS account in lowercase letters, digits and hyphens, such as smile-prod", e.Security.Account)
	}
	if e.Security.PreventDestroy && e.Emulated() {
		p.add("Security.PreventDestroy", "must be false with Deployment.EmulatorEndpoint: the emulator round trip destroys what it deploys (SAFE-1)")
	}
}
