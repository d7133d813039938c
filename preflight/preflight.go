// Package preflight checks a real AWS account, before the first deploy of a stack, for what
// the emulator cannot know (SAFE-3): service quotas, instance-type offerings per zone of
// ap-southeast-3, EKS add-on versions, account singletons that already exist, the
// service-linked roles the key policies name, and the delegation of the environment's
// domain. It only reads: every call is a Describe, Get or List.
//
// Each finding is one line: its severity, what was found, why it blocks and the fix. A call
// the account (or the emulator) does not answer becomes a WARNING "could not check", never a
// crash.
package preflight

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/smile/infra/config"
)

// Severity orders findings: a BLOCKER stops the deploy, a WARNING needs a look.
type Severity int

const (
	OK Severity = iota
	Warning
	Blocker
)

func (s Severity) String() string {
	return [...]string{"OK", "WARNING", "BLOCKER"}[s]
}

// Finding is one line of the report.
type Finding struct {
	Severity Severity
	// Check is the group: quota, offering, addon, singleton, role, dns, config.
	Check string
	What  string
	// Why says what fails if nothing is done; Fix says what to do. Both empty for OK.
	Why, Fix string
}

func (f Finding) String() string {
	line := fmt.Sprintf("%-7s %s: %s", f.Severity, f.Check, oneLine(f.What))
	if f.Why != "" {
		line += "; " + oneLine(f.Why)
	}
	if f.Fix != "" {
		line += ". Fix: " + oneLine(f.Fix)
	}
	return line
}

// Preflight is one run against one account.
type Preflight struct {
	// Env is the stack's environment; Shared is every environment deployed to the same
	// account, Env included (quotas are summed over them).
	Env    config.Environment
	Shared []config.Environment
	// Synth is the stack's synthesized JSON: resource addresses, names, key policies.
	Synth Synth
	AWS   Clients
	// AccountID is the caller's account (Security Hub imports by it).
	AccountID string
}

// Run performs every check and returns the findings in report order.
func (p *Preflight) Run(ctx context.Context) []Finding {
	var findings []Finding
	for _, check := range []func(context.Context) []Finding{
		p.Quotas, p.Offerings, p.Addons, p.Singletons, p.ServiceLinkedRoles, p.DNS,
	} {
		findings = append(findings, check(ctx)...)
	}
	return findings
}

// Report prints the findings and a summary, and reports whether any finding blocks.
func Report(w io.Writer, stack string, findings []Finding) (blocked bool) {
	counts := map[Severity]int{}
	for _, f := range findings {
		fmt.Fprintln(w, f)
		counts[f.Severity]++
	}
	fmt.Fprintf(w, "preflight %s: %d blocker(s), %d warning(s), %d ok\n", stack, counts[Blocker], counts[Warning], counts[OK])
	return counts[Blocker] > 0
}

// couldNotCheck is the finding for a call that did not answer.
func couldNotCheck(check, what string, err error, fix string) Finding {
	return Finding{Severity: Warning, Check: check, What: "could not check " + what + ": " + errText(err),
		Why: "the first deploy may fail on it", Fix: fix}
}

// errText keeps an error to one short line (an emulator may answer with an HTML page).
func errText(err error) string {
	s := oneLine(err.Error())
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// importCommand adopts an existing resource into the stack's state.
func (p *Preflight) importCommand(address, id string) string {
	return fmt.Sprintf("terraform -chdir=cdktf.out/stacks/%s import '%s' '%s' (after cdktf synth and terraform init there)",
		p.Env.StackName(), address, id)
}
