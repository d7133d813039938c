package prcomment

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/smile/infra/stateful"
	"github.com/smile/infra/tfplan"
)

// SAFE-1: a plan that deletes or replaces a stateful resource (package stateful) opens the
// comment with a warning and stops the workflows, unless the change says it means it: a
// commit of the change carries one trailer line per resource,
//
//	Allow-Destroy: <stack> <address>
//
// naming the stack and the exact address the plan shows (a resource's address is the same
// in every environment, so the stack is part of the permission).

// TrailerKey is the commit-message trailer that allows one stateful destroy.
const TrailerKey = "Allow-Destroy"

// Allowances are the (stack, address) pairs a change allows to be deleted or replaced.
type Allowances map[string]bool

func allowKey(stack, address string) string { return stack + " " + address }

// Allows reports whether address in stack may be deleted or replaced.
func (a Allowances) Allows(stack, address string) bool { return a[allowKey(stack, address)] }

var trailerLine = regexp.MustCompile(`^` + TrailerKey + `:\s*(\S+)\s+(\S+)\s*$`)

// ParseAllowances reads the Allow-Destroy trailers from commit messages (`git log
// --format=%B`). A trailer not of the form "Allow-Destroy: <stack> <address>" is an error,
// so a typo cannot pass for a permission or hide one.
func ParseAllowances(messages string) (Allowances, error) {
	a := Allowances{}
	var bad []string
	for _, line := range strings.Split(messages, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, TrailerKey+":") {
			continue
		}
		m := trailerLine.FindStringSubmatch(line)
		if m == nil || !strings.HasPrefix(m[1], "smile-") || !strings.Contains(m[2], ".") {
			bad = append(bad, line)
			continue
		}
		a[allowKey(m[1], m[2])] = true
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("prcomment: malformed %s trailer(s) %q: write one line per resource, %s: <stack> <address>, e.g. %s: smile-prod aws_sqs_queue.queues_events_61EEF6C9",
			TrailerKey, bad, TrailerKey, TrailerKey)
	}
	return a, nil
}

// StatefulChange is a planned delete or replacement of a stateful resource.
type StatefulChange struct {
	Address, Type string
	// Action is "delete" or "replace".
	Action string
	// ForcedBy are the attributes that force a replacement (the plan's replace_paths).
	ForcedBy []string
	Allowed  bool
}

// StatefulChanges lists the stateful resources a plan deletes or replaces, by address.
func StatefulChanges(stack string, planJSON []byte, allow Allowances) ([]StatefulChange, error) {
	p, err := tfplan.Parse(planJSON)
	if err != nil {
		return nil, fmt.Errorf("prcomment: %w", err)
	}
	var out []StatefulChange
	for _, rc := range p.ResourceChanges {
		action := rc.Action()
		if action != "delete" && action != "replace" {
			continue
		}
		if !stateful.Is(rc.Type, tagsOf(rc.Change.Before)) {
			continue
		}
		out = append(out, StatefulChange{Address: rc.Address, Type: rc.Type, Action: action, ForcedBy: rc.ForcedBy(), Allowed: allow.Allows(stack, rc.Address)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	return out, nil
}

// tagsOf reads a resource state's tags (tags_all: the provider's default tags included).
func tagsOf(state map[string]any) map[string]string {
	out := map[string]string{}
	for _, key := range []string{"tags_all", "tags"} {
		m, _ := state[key].(map[string]any)
		for k, v := range m {
			if s, ok := v.(string); ok {
				out[k] = s
			}
		}
	}
	return out
}

// describe is one line of the warning: address, action, what forces it, whether allowed.
func (c StatefulChange) describe(stack string) string {
	line := fmt.Sprintf("`%s` in `%s`: **%s**", c.Address, stack, c.Action)
	if c.Action == "replace" {
		if len(c.ForcedBy) > 0 {
			line += ", forced by `" + strings.Join(c.ForcedBy, "`, `") + "`"
		}
	}
	line += " (loses " + stateful.Why(c.Type) + ")"
	if c.Allowed {
		return line + "; allowed by the change's `" + TrailerKey + "` trailer"
	}
	return line + "; **not allowed**: add the commit trailer `" + TrailerKey + ": " + stack + " " + c.Address + "` if it is meant"
}

// Guard is the gate of the workflows: nil when the plan deletes or replaces no stateful
// resource the change does not allow, otherwise an error naming each and the trailer that
// would allow it. An allowance for a resource the plan does not touch is ignored.
func Guard(stack string, planJSON []byte, allow Allowances) (string, error) {
	changes, err := StatefulChanges(stack, planJSON, allow)
	if err != nil {
		return "", fmt.Errorf("%s: %w", stack, err)
	}
	var report, refused []string
	for _, c := range changes {
		report = append(report, strings.ReplaceAll(c.describe(stack), "*", ""))
		if !c.Allowed {
			refused = append(refused, c.Address)
		}
	}
	summary := fmt.Sprintf("guard: %s: %d stateful resource(s) deleted or replaced, %d not allowed", stack, len(changes), len(refused))
	text := strings.Join(append([]string{summary}, report...), "\n") + "\n"
	if len(refused) > 0 {
		return text, fmt.Errorf("guard: %s: the plan deletes or replaces %d stateful resource(s) without an %s trailer: %s (SAFE-1; docs/deploying.md \"Deleting or replacing a stateful resource\")",
			stack, len(refused), TrailerKey, strings.Join(refused, ", "))
	}
	return text, nil
}

// Markers around an environment's stateful warning: Body lifts it to the top of the comment.
const (
	warningStart = "<!-- stateful -->"
	warningEnd   = "<!-- /stateful -->"
)

// statefulWarning is the warning block of one environment's section ("" when none).
func statefulWarning(stack string, changes []StatefulChange) string {
	if len(changes) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(warningStart + "\n")
	for _, c := range changes {
		b.WriteString("- " + c.describe(stack) + "\n")
	}
	b.WriteString(warningEnd + "\n")
	return b.String()
}

// liftWarnings takes the warning blocks out of the sections and returns them joined.
func liftWarnings(sections []string) (warnings string, rest []string) {
	var w strings.Builder
	for _, s := range sections {
		for {
			i := strings.Index(s, warningStart)
			j := strings.Index(s, warningEnd)
			if i < 0 || j < i {
				break
			}
			w.WriteString(strings.TrimSpace(s[i+len(warningStart):j]) + "\n")
			s = s[:i] + strings.TrimLeft(s[j+len(warningEnd):], "\n")
		}
		rest = append(rest, s)
	}
	return w.String(), rest
}
