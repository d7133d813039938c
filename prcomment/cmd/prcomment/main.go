// Command prcomment writes the pull-request comment (prcomment package):
//
//	prcomment section STACK PLAN.json BASE.tf.json HEAD.tf.json > STACK.md
//	prcomment failed STACK REASON > STACK.md
//	prcomment body COMMIT SECTION.md... > body.md
//	prcomment drift STACK PLAN.json > drift.md
package main

import (
	"fmt"
	"os"
	"time"

	"github.com/smile/infra/cost"
	"github.com/smile/infra/prcomment"
)

const usage = `usage:
  prcomment section STACK PLAN.json BASE.tf.json HEAD.tf.json   one environment's section
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
	case len(args) == 5 && args[0] == "section":
		stack := args[1]
		files := make([][]byte, 3)
		for i, path := range args[2:] {
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
		return prcomment.Section(stack, files[0], base, head)
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
