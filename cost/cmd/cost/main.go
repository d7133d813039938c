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
	"path/filepath"
	"strings"

	"github.com/smile/infra/cost"
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
		e, err := estimate(table, arg)
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

func estimate(table cost.Table, path string) (cost.Estimate, error) {
	file := path
	if !strings.HasSuffix(path, ".json") {
		file = filepath.Join(path, "cdk.tf.json")
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return cost.Estimate{}, fmt.Errorf("cost: %w (run `make synth` first, or name a stack's cdk.tf.json)", err)
	}
	name := filepath.Base(filepath.Dir(file))
	if base := filepath.Base(file); base != "cdk.tf.json" {
		name = strings.TrimSuffix(base, ".tf.json")
	}
	usage, err := cost.UsageOf(name)
	if err != nil {
		return cost.Estimate{}, err
	}
	return table.Estimate(name, raw, usage)
}
