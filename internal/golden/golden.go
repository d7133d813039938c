// Package golden keeps the generated files in the repository true to the code: a test
// renders a file and Check compares it with the committed copy, showing the first lines
// that differ; under -update (`make snapshots`) it rewrites the copy instead. The root
// package's snapshots and generated docs and config/configdoc's reference share it. Only
// tests import it: it registers the -update flag.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the generated files (testdata/, docs/) from the code, as `make snapshots` does")

// Updating reports whether the test run rewrites the generated files (-update).
func Updating() bool { return *update }

// Check compares got with the file at path, or writes it there under -update.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v: generate it with `make snapshots`", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s is stale:\n%s\nIf the change is intended, regenerate it with `make snapshots` and commit it.", path, FirstDifference(string(want), string(got)))
	}
}

// FirstDifference shows the first line where want and got differ, with three lines of
// context either side, as "- want" and "+ got".
func FirstDifference(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		if i < len(w) && i < len(g) && w[i] == g[i] {
			continue
		}
		from := max(0, i-3)
		var b strings.Builder
		for j := from; j < min(i+4, max(len(w), len(g))); j++ {
			switch {
			case j < len(w) && j < len(g) && w[j] == g[j]:
				b.WriteString("  " + w[j] + "\n")
			default:
				if j < len(w) {
					b.WriteString("- " + w[j] + "\n")
				}
				if j < len(g) {
					b.WriteString("+ " + g[j] + "\n")
				}
			}
		}
		return b.String()
	}
	return "(no line differs)"
}
