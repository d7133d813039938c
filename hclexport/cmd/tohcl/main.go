// Command tohcl prints a synthesized stack as plain Terraform HCL: the way out of cdktf.
//
//	cdktf synth && scripts/lock-providers smile-prod
//	terraform -chdir=cdktf.out/stacks/smile-prod init -backend=false
//	go run ./hclexport/cmd/tohcl cdktf.out/stacks/smile-prod > main.tf
//
// It reads the stack's cdk.tf.json and the providers' schemas from `terraform providers
// schema -json` in that (initialized) directory, which decide blocks from attributes.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/smile/infra/hclexport"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "tohcl:", err)
		os.Exit(1)
	}
}

func run() error {
	if len(os.Args) != 2 {
		return fmt.Errorf("usage: tohcl STACK_DIR (e.g. cdktf.out/stacks/smile-prod, after cdktf synth and terraform init)")
	}
	dir := os.Args[1]
	raw, err := os.ReadFile(filepath.Join(dir, "cdk.tf.json"))
	if err != nil {
		return fmt.Errorf("%w: synthesize first (cdktf synth)", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("%s/cdk.tf.json: %w", dir, err)
	}
	cmd := exec.Command("terraform", "providers", "schema", "-json")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("terraform providers schema in %s: %v: %s: run `terraform -chdir=%s init -backend=false` first", dir, err, stderr.String(), dir)
	}
	schemas, err := hclexport.LoadSchemas(bytes.NewReader(out))
	if err != nil {
		return err
	}
	hcl, err := hclexport.Renderer{Schemas: schemas}.Render(doc)
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(hcl)
	return err
}
