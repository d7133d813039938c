package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/smile/infra/hclexport"
)

// tfsecIgnoreFile lists the tfsec findings that are accepted, each for one resource (its
// Terraform address) with the reason. Everything else tfsec reports fails the test.
const tfsecIgnoreFile = "policy/tfsec-ignore.json"

type tfsecIgnore struct {
	Rule     string `json:"rule"`
	Resource string `json:"resource"`
	Reason   string `json:"reason"`
}

type tfsecResult struct {
	LongID   string `json:"long_id"`
	Resource string `json:"resource"`
	Severity string `json:"severity"`
	Desc     string `json:"description"`
	Location struct {
		Filename string `json:"filename"`
	} `json:"location"`
}

// stack is the name of the stack whose directory under root holds the finding.
func (r tfsecResult) stack(root string) string {
	rel, err := filepath.Rel(root, r.Location.Filename)
	if err != nil {
		return ""
	}
	name, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
	return name
}

// SEC-7: tfsec, an independent scanner, finds nothing in any environment beyond the
// reviewed ignore file, and every ignore entry still matches a finding. tfsec reads
// Terraform JSON but ignores nested blocks written in it (metadata_options, vpc_config,
// ...) and would report every setting inside them as missing, so it scans the stacks
// rendered as HCL (hclexport, without schemas: it needs only the resources).
func TestTfsecScan(t *testing.T) {
	tfsec, err := filepath.Abs(".tools/bin/tfsec")
	if err == nil {
		_, err = os.Stat(tfsec)
	}
	if err != nil {
		t.Fatalf("tfsec is not installed in .tools/bin: run scripts/setup (or make setup) first")
	}
	raw, err := os.ReadFile(tfsecIgnoreFile)
	if err != nil {
		t.Fatal(err)
	}
	var ignores []tfsecIgnore
	if err := json.Unmarshal(raw, &ignores); err != nil {
		t.Fatalf("%s: %v", tfsecIgnoreFile, err)
	}
	accepted := map[string]int{}
	for i, ig := range ignores {
		if ig.Rule == "" || ig.Resource == "" || strings.TrimSpace(ig.Reason) == "" {
			t.Errorf("%s entry %d needs a rule, a resource and a reason: %+v", tfsecIgnoreFile, i, ig)
		}
		accepted[ig.Rule+" "+ig.Resource] = i
	}
	used := map[int]bool{}
	docs := map[string]map[string]any{"smile-bootstrap": synthBootstrapStack(t).doc}
	for _, name := range stackNames() {
		docs[name] = synthReal(t)[name].doc
	}
	// One tfsec run over the four stacks, a directory each (four runs took ~5 s, mostly
	// tfsec's start): each finding names the file it is in, and so its stack.
	root := t.TempDir()
	for _, name := range append(stackNames(), "smile-bootstrap") {
		dir := filepath.Join(root, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), hclexport.Renderer{}.Resources(docs[name]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range runTfsec(t, tfsec, root) {
		name := r.stack(root)
		if _, ok := docs[name]; !ok {
			t.Errorf("tfsec %s on %s in %s, which is no stack's file", r.LongID, r.Resource, r.Location.Filename)
			continue
		}
		key := r.LongID + " " + r.Resource
		if i, ok := accepted[key]; ok {
			used[i] = true
			continue
		}
		t.Errorf("%s: tfsec %s (%s) on %s: %s", name, r.LongID, r.Severity, r.Resource, r.Desc)
	}
	for i, ig := range ignores {
		if !used[i] {
			t.Errorf("%s: %s on %s no longer matches a finding: remove it", tfsecIgnoreFile, ig.Rule, ig.Resource)
		}
	}
}

// runTfsec scans one synthesized stack directory and returns its findings, sorted.
func runTfsec(t *testing.T, tfsec, dir string) []tfsecResult {
	t.Helper()
	cmd := exec.Command(tfsec, dir, "--format", "json", "--no-color", "--soft-fail", "--no-module-downloads")
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("tfsec on %s: %v\n%s%s", dir, err, stderr, out)
	}
	var report struct {
		Results []tfsecResult `json:"results"`
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("tfsec on %s: %v\n%s", dir, err, out)
	}
	sort.Slice(report.Results, func(i, j int) bool {
		return fmt.Sprint(report.Results[i]) < fmt.Sprint(report.Results[j])
	})
	return report.Results
}
