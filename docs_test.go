package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/smile/infra/archpic"
	"github.com/smile/infra/cost"
)

// writeOrCompare keeps a generated file (a snapshot, a document) current: -update (make
// snapshots) rewrites it, otherwise the test fails when it differs from what the current
// synth generates.
func writeOrCompare(t *testing.T, path string, got []byte) {
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
		t.Errorf("%s is stale:\n%s\nIf the change is intended, regenerate it with `make snapshots` and commit it.", path, firstDifference(string(want), string(got)))
	}
}

// CICD-1: the cost of every environment, priced from the synthesized stacks (docs/cost.md).
func TestDocsCostTable(t *testing.T) {
	table, err := cost.Jakarta()
	if err != nil {
		t.Fatal(err)
	}
	stacks := synthReal(t)
	var estimates []cost.Estimate
	for _, name := range stackNames() {
		e, err := table.EstimateStack(name, stacks[name].raw)
		if err != nil {
			t.Fatal(err)
		}
		estimates = append(estimates, e)
	}
	writeOrCompare(t, filepath.Join("docs", "cost.md"), []byte(table.Markdown(estimates)))
}

// CICD-1: each environment's architecture picture (docs/architecture-<env>.svg; the README
// shows prod's) is drawn from its current synthesis.
func TestDocsArchitecture(t *testing.T) {
	stacks := synthReal(t)
	for _, name := range stackNames() {
		g, err := archpic.Build(name, stacks[name].raw)
		if err != nil {
			t.Fatal(err)
		}
		svg, err := g.SVG(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		writeOrCompare(t, filepath.Join("docs", "architecture-"+envOf(name).Name+".svg"), svg)
	}
}
