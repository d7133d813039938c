// Package stackfile reads a synthesized stack as the repository's commands name it: its
// directory (cdktf.out/stacks/<stack>, holding cdk.tf.json) or the JSON file itself, such
// as a snapshot testdata/<stack>.tf.json. The stack's name is the directory's, or the
// file's without .tf.json.
package stackfile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Read returns the stack's name and its synthesized JSON.
func Read(path string) (name string, synthesized []byte, err error) {
	file := path
	if !strings.HasSuffix(path, ".json") {
		file = filepath.Join(path, "cdk.tf.json")
	}
	synthesized, err = os.ReadFile(file)
	if err != nil {
		return "", nil, fmt.Errorf("%w (run `make synth` first, or name a stack's cdk.tf.json)", err)
	}
	name = filepath.Base(filepath.Dir(file))
	if base := filepath.Base(file); base != "cdk.tf.json" {
		name = strings.TrimSuffix(base, ".tf.json")
	}
	return name, synthesized, nil
}
