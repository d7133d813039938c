// Command archpic writes the architecture picture of a synthesized stack as SVG.
//
//	go run ./archpic/cmd/archpic cdktf.out/stacks/smile-prod > prod.svg
//	go run ./archpic/cmd/archpic -png cdktf.out/stacks/smile-prod > prod.png
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/smile/infra/archpic"
	"github.com/smile/infra/stackfile"
)

func main() {
	png := flag.Bool("png", false, "write PNG instead of SVG")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: archpic [-png] STACK_DIR|cdk.tf.json > picture")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *png); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(path string, png bool) error {
	name, raw, err := stackfile.Read(path)
	if err != nil {
		return fmt.Errorf("archpic: %w", err)
	}
	g, err := archpic.Build(name, raw)
	if err != nil {
		return err
	}
	render := g.SVG
	if png {
		render = g.PNG
	}
	out, err := render(context.Background())
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(out)
	return err
}
