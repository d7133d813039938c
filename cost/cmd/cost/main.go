// Command cost prints the monthly on-demand cost of synthesized stacks in ap-southeast-3,
// or the difference between two synth outputs of one stack.
//
//	go run ./cost/cmd/cost cdktf.out/stacks/smile-dev cdktf.out/stacks/smile-prod
//	go run ./cost/cmd/cost -diff base/cdk.tf.json cdktf.out/stacks/smile-prod
//
// A stack is its directory (with cdk.tf.json) or the file; its name is the directory's.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/smile/infra/cost"
	"github.com/smile/infra/stackfile"
)

func main() {
	diff := flag.Bool("diff", false, "print the cost difference between two synth outputs of one stack: BASE HEAD")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: cost STACK_DIR...  |  cost -diff BASE HEAD  (a stack is cdktf.out/stacks/<name> or its cdk.tf.json)")
	}
	flag.Parse()
	if err := run(*diff, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(diff bool, args []string) error {
	if len(args) == 0 || (diff && len(args) != 2) {
		flag.Usage()
		return fmt.Errorf("cost: wrong arguments")
	}
	table, err := cost.Jakarta()
	if err != nil {
		return err
	}
	var estimates []cost.Estimate
	for _, arg := range args {
		name, raw, err := stackfile.Read(arg)
		if err != nil {
			return fmt.Errorf("cost: %w", err)
		}
		e, err := table.EstimateStack(name, raw)
		if err != nil {
			return err
		}
		estimates = append(estimates, e)
	}
	if diff {
		fmt.Print(cost.DiffMarkdown(estimates[0], estimates[1]))
		return nil
	}
	fmt.Print(table.Markdown(estimates))
	return nil
}
