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
}

// SEC-7: tfsec, an independent scanner, finds nothing in any environment beyond the
// reviewed ignore file, and every ignore entry still matches a finding.
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
	for _, name := range stackNames() {
		dir := filepath.Join(t.TempDir(), name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), hclFor(synthReal(t)[name].doc), 0o644); err != nil {
			t.Fatal(err)
		}
		results := runTfsec(t, tfsec, dir)
		for _, r := range results {
			key := r.LongID + " " + r.Resource
			if i, ok := accepted[key]; ok {
				used[i] = true
				continue
			}
			t.Errorf("%s: tfsec %s (%s) on %s: %s", name, r.LongID, r.Severity, r.Resource, r.Desc)
		}
	}
	for i, ig := range ignores {
		if !used[i] {
			t.Errorf("%s: %s on %s no longer matches a finding: remove it", tfsecIgnoreFile, ig.Rule, ig.Resource)
		}
	}
}

// hclFor renders a synthesized stack's resources and data sources as HCL for tfsec. tfsec
// reads Terraform JSON, but ignores nested blocks written in it (metadata_options, vpc_config,
// encryption_configuration, ...) and would report every setting inside them as missing.
// cdktf's own HCL output is not an option either: it escapes quotes inside interpolations,
// which HCL rejects. JSON objects become blocks, except the map-typed attributes listed in
// hclMapAttributes; meta-arguments are left out (they change nothing tfsec checks).
func hclFor(doc map[string]any) []byte {
	var b strings.Builder
	for _, kind := range []string{"resource", "data"} {
		byType, _ := doc[kind].(map[string]any)
		for _, typ := range sortedKeys(byType) {
			byName := byType[typ].(map[string]any)
			for _, name := range sortedKeys(byName) {
				fmt.Fprintf(&b, "%s %q %q {\n", kind, typ, name)
				hclBody(&b, byName[name].(map[string]any), 1, true)
				b.WriteString("}\n")
			}
		}
	}
	return []byte(b.String())
}

// hclMapAttributes are the attributes whose JSON objects are maps, not blocks.
var hclMapAttributes = map[string]bool{"tags": true, "tags_all": true, "dimensions": true, "variables": true, "labels": true,
	"triggers": true, "attributes": true, "request_parameters": true, "stage_variables": true, "backup_options": true,
	// Kubernetes metadata, quotas and limit ranges.
	"annotations": true, "hard": true, "min": true, "max": true, "default": true, "default_request": true}

var hclMetaArguments = map[string]bool{"//": true, "depends_on": true, "lifecycle": true, "provider": true, "count": true, "for_each": true}

func hclBody(b *strings.Builder, body map[string]any, depth int, top bool) {
	indent := strings.Repeat("  ", depth)
	for _, k := range sortedKeys(body) {
		if top && hclMetaArguments[k] {
			continue
		}
		switch v := body[k].(type) {
		case map[string]any:
			if hclMapAttributes[k] {
				fmt.Fprintf(b, "%s%s = %s\n", indent, k, hclValue(v))
				continue
			}
			fmt.Fprintf(b, "%s%s {\n", indent, k)
			hclBody(b, v, depth+1, false)
			fmt.Fprintf(b, "%s}\n", indent)
		case []any:
			if len(v) > 0 {
				if _, isBlock := v[0].(map[string]any); isBlock {
					for _, item := range v {
						fmt.Fprintf(b, "%s%s {\n", indent, k)
						hclBody(b, item.(map[string]any), depth+1, false)
						fmt.Fprintf(b, "%s}\n", indent)
					}
					continue
				}
			}
			fmt.Fprintf(b, "%s%s = %s\n", indent, k, hclValue(v))
		default:
			fmt.Fprintf(b, "%s%s = %s\n", indent, k, hclValue(v))
		}
	}
}

func hclValue(v any) string {
	switch x := v.(type) {
	case string:
		return hclTemplate(x)
	case nil:
		return "null"
	case bool, float64:
		return fmt.Sprint(x)
	case []any:
		parts := make([]string, len(x))
		for i, item := range x {
			parts[i] = hclValue(item)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		var parts []string
		for _, k := range sortedKeys(x) {
			parts = append(parts, fmt.Sprintf("%q = %s", k, hclValue(x[k])))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	panic(fmt.Sprintf("hclValue: %T", v))
}

// hclTemplate quotes a Terraform JSON string as an HCL template: interpolations stay
// interpolations (references keep working), everything outside them is escaped.
func hclTemplate(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	depth := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case depth == 0 && c == '$' && i+1 < len(s) && s[i+1] == '{':
			depth = 1
			b.WriteString("${")
			i++
		case depth > 0:
			if c == '{' {
				depth++
			} else if c == '}' {
				depth--
			}
			b.WriteByte(c)
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString("\\n")
		case c == '%' && i+1 < len(s) && s[i+1] == '{':
			b.WriteString("%%{")
			i++
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
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
