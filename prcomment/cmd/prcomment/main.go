// Command prcomment writes the pull-request comment (prcomment package):
//
//	prcomment section STACK PLAN.json BASE.tf.json HEAD.tf.json [ALLOW] > STACK.md
//	prcomment guard STACK PLAN.json [ALLOW]
//	prcomment failed STACK REASON > STACK.md
//	prcomment body COMMIT SECTION.md... > body.md
//	prcomment drift STACK PLAN.json > drift.md
//
// ALLOW is a file of commit messages (`git log --format=%B`) whose Allow-Destroy trailers
// allow stateful resources to be deleted or replaced (SAFE-1); guard exits 1 on any other.
package main

import (
	"fmt"
	"os"
	"time"

	"github.com/smile/infra/cost"
	"github.com/smile/infra/prcomment"
)

const usage = `usage:
  prcomment section STACK PLAN.json BASE.tf.json HEAD.tf.json [ALLOW]   one environment's section
  prcomment guard STACK PLAN.json [ALLOW]        exit 1 on a stateful delete or replacement ALLOW's trailers do not allow
  prcomment failed STACK REASON                                 the section of a failed plan
  prcomment body COMMIT SECTION.md...                           the whole comment
  prcomment drift STACK PLAN.json                               the drift check's report`

func main() {
	out, err := run(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Print(out)
}

func run(args []string) (string, error) {
	switch {
	case (len(args) == 5 || len(args) == 6) && args[0] == "section":
		stack := args[1]
		allow, err := allowances(args[5:])
		if err != nil {
			return "", err
		}
		files := make([][]byte, 3)
		for i, path := range args[2:5] {
			raw, err := os.ReadFile(path)
			if err != nil {
				return "", fmt.Errorf("prcomment: %w", err)
			}
			files[i] = raw
		}
		table, err := cost.Jakarta()
		if err != nil {
			return "", err
		}
		// What staying on a version costs today: extended support past its end (LIFE-2).
		table.AsOf = time.Now()
		base, err := table.EstimateStack(stack, files[1])
		if err != nil {
			return "", fmt.Errorf("the base: %w", err)
		}
		head, err := table.EstimateStack(stack, files[2])
		if err != nil {
			return "", err
		}
		return prcomment.Section(stack, files[0], base, head, allow)
	case (len(args) == 3 || len(args) == 4) && args[0] == "guard":
		allow, err := allowances(args[3:])
		if err != nil {
			return "", err
		}
		raw, err := os.ReadFile(args[2])
		if err != nil {
			return "", fmt.Errorf("prcomment: %w", err)
		}
		report, err := prcomment.Guard(args[1], raw, allow)
		if err != nil {
			return "", fmt.Errorf("%s%w", report, err)
		}
		return report, nil
	case len(args) == 3 && args[0] == "drift":
		raw, err := os.ReadFile(args[2])
		if err != nil {
			return "", fmt.Errorf("prcomment: %w", err)
		}
		return prcomment.Drift(args[1], raw)
	case len(args) == 3 && args[0] == "failed":
		return prcomment.Failed(args[1], args[2]), nil
	case len(args) >= 2 && args[0] == "body":
		var sections []string
		for _, path := range args[2:] {
			raw, err := os.ReadFile(path)
			if err != nil {
				return "", fmt.Errorf("prcomment: %w", err)
			}
			sections = append(sections, string(raw))
		}
		return prcomment.Body(args[1], sections), nil
	}
	return "", fmt.Errorf("prcomment: wrong arguments\n%s", usage)
}

// allowances reads the Allow-Destroy trailers of the optional commit-messages file.
func allowances(optional []string) (prcomment.Allowances, error) {
	if len(optional) == 0 {
		return prcomment.Allowances{}, nil
	}
	raw, err := os.ReadFile(optional[0])
	if err != nil {
		return nil, fmt.Errorf("prcomment: the commit messages with the %s trailers: %w", prcomment.TrailerKey, err)
	}
	return prcomment.ParseAllowances(string(raw))
}
