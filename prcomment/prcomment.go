// Package prcomment writes the pull-request comment the workflow posts (CICD-1): for each
// environment, the plan's summary and changed resources (from `terraform show -json`) and
// the monthly cost before and after the change (from the base and head synth outputs).
// The comment starts with Marker, by which the workflow finds and updates its own comment
// instead of adding another. A plan that deletes or replaces a stateful resource opens the
// comment with a warning, and Guard stops the workflows on it (SAFE-1, guard.go).
package prcomment

import (
	"fmt"
	"strings"

	"github.com/smile/infra/cost"
	"github.com/smile/infra/tfplan"
)

// Marker opens the comment; it is invisible on GitHub.
const Marker = "<!-- smile-infra: plan and cost -->"

// MaxListed bounds the changed resources listed per environment; the counts stay exact.
const MaxListed = 60

// set holds the strings of a list.
func set(list []string) map[string]bool {
	out := make(map[string]bool, len(list))
	for _, s := range list {
		out[s] = true
	}
	return out
}

// relevantDrift is the drift that matters to the plan, as Terraform's CLI shows it: a
// resource changed outside Terraform in an attribute the plan sets back, or in one the
// planned changes depend on (a resource gone counts as changed in all).
func relevantDrift(p tfplan.Plan) []string {
	planned := map[string]map[string]bool{}
	for _, rc := range p.ResourceChanges {
		if a := rc.Action(); a != "no-op" && a != "read" {
			planned[rc.Address] = set(rc.Changed())
		}
	}
	relevant := map[string][]string{}
	for _, r := range p.RelevantAttributes {
		top := ""
		if len(r.Attribute) > 0 {
			top, _ = r.Attribute[0].(string)
		}
		relevant[r.Resource] = append(relevant[r.Resource], top)
	}
	var out []string
	for _, d := range p.ResourceDrift {
		drifted := set(d.Changed())
		gone := d.Change.Before == nil || d.Change.After == nil
		matters := false
		for k := range drifted {
			matters = matters || planned[d.Address][k]
		}
		for _, attr := range relevant[d.Address] {
			matters = matters || attr == "" || gone || drifted[attr]
		}
		if matters {
			out = append(out, d.Address)
		}
	}
	return out
}

// Summary counts a plan's changes as Terraform's "Plan:" line does (a replacement is one
// to add and one to destroy) and lists the changed addresses with Terraform's symbols.
type Summary struct {
	Add, Change, Destroy int
	Changed              []string
	// Drifted are the resources changed outside Terraform that matter to the plan.
	Drifted []string
}

// Summarize reads a plan.
func Summarize(planJSON []byte) (Summary, error) {
	p, err := tfplan.Parse(planJSON)
	if err != nil {
		return Summary{}, fmt.Errorf("prcomment: %w", err)
	}
	var s Summary
	for _, rc := range p.ResourceChanges {
		symbol := ""
		switch strings.Join(rc.Change.Actions, ",") { // -/+ and +/- are both a replacement
		case "create":
			s.Add++
			symbol = "+"
		case "update":
			s.Change++
			symbol = "~"
		case "delete":
			s.Destroy++
			symbol = "-"
		case "delete,create":
			s.Add++
			s.Destroy++
			symbol = "-/+"
		case "create,delete":
			s.Add++
			s.Destroy++
			symbol = "+/-"
		default: // no-op, read
			continue
		}
		s.Changed = append(s.Changed, symbol+" "+rc.Address)
	}
	s.Drifted = relevantDrift(p)
	return s, nil
}

// Section is one environment's part of the comment; allow are the change's Allow-Destroy
// trailers, which the stateful warning reports against.
func Section(stack string, planJSON []byte, base, head cost.Estimate, allow Allowances) (string, error) {
	s, err := Summarize(planJSON)
	if err != nil {
		return "", fmt.Errorf("%s: %w", stack, err)
	}
	changes, err := StatefulChanges(stack, planJSON, allow)
	if err != nil {
		return "", fmt.Errorf("%s: %w", stack, err)
	}
	var b strings.Builder
	b.WriteString(statefulWarning(stack, changes))
	fmt.Fprintf(&b, "### `%s`\n\n", stack)
	if s.Add+s.Change+s.Destroy == 0 {
		b.WriteString("No changes. The infrastructure matches the configuration.\n")
	} else {
		fmt.Fprintf(&b, "Plan: %d to add, %d to change, %d to destroy.\n", s.Add, s.Change, s.Destroy)
	}
	if n := len(s.Drifted); n > 0 {
		noun := "resources"
		if n == 1 {
			noun = "resource"
		}
		fmt.Fprintf(&b, "\n:warning: %d %s changed outside Terraform since the last deploy; the plan sets them back.\n", n, noun)
	}
	if len(s.Changed) > 0 {
		b.WriteString("\n<details><summary>Changed resources</summary>\n\n```diff\n")
		for i, line := range s.Changed {
			if i == MaxListed {
				fmt.Fprintf(&b, "# ... and %d more (the job's log has the whole plan)\n", len(s.Changed)-MaxListed)
				break
			}
			b.WriteString(line + "\n")
		}
		b.WriteString("```\n</details>\n")
	}
	b.WriteString("\n" + cost.DiffMarkdown(base, head))
	return b.String(), nil
}

// Failed is the section of an environment whose plan did not run.
func Failed(stack, why string) string {
	return fmt.Sprintf("### `%s`\n\n:x: The plan failed: %s. The job's log has the details.\n", stack, why)
}

// Body joins the environments' sections into the comment. Their stateful warnings open it.
func Body(commit string, sections []string) string {
	var b strings.Builder
	b.WriteString(Marker + "\n")
	warnings, sections := liftWarnings(sections)
	if warnings != "" {
		b.WriteString("## :warning: Stateful resources deleted or replaced\n\n")
		b.WriteString("These plans lose data or an identity others depend on (SAFE-1). The workflows stop on each one not allowed by a commit trailer `" +
			TrailerKey + ": <stack> <address>` of this change.\n\n" + warnings + "\n")
	}
	b.WriteString("## Infrastructure plan and monthly cost\n\n")
	fmt.Fprintf(&b, "For `%s`; on-demand prices of `cost/prices-ap-southeast-3.json`, usage of `cost/usage.json`. Updated on every push.\n", commit)
	for _, s := range sections {
		b.WriteString("\n" + strings.TrimRight(s, "\n") + "\n")
	}
	return b.String()
}

// Drift is the drift check's report for the issue it opens: what changed outside Terraform
// and what the plan would do to put it back.
func Drift(stack string, planJSON []byte) (string, error) {
	s, err := Summarize(planJSON)
	if err != nil {
		return "", fmt.Errorf("%s: %w", stack, err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "### Drift in `%s`\n\n", stack)
	if len(s.Drifted) > 0 {
		b.WriteString("Changed outside Terraform:\n\n")
		for _, address := range s.Drifted {
			b.WriteString("- `" + address + "`\n")
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "The next deploy would: %d to add, %d to change, %d to destroy.\n", s.Add, s.Change, s.Destroy)
	if len(s.Changed) > 0 {
		b.WriteString("\n```diff\n" + strings.Join(s.Changed, "\n") + "\n```\n")
	}
	b.WriteString("\nRepair it by deploying main again (re-run the deploy workflow), or make the change in code if it was meant.\n")
	return b.String(), nil
}
