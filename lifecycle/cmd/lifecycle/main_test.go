package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// LIFE-2: the command exits 0 on a quiet or a warning date and 1 on a failing one, and
// writes the report and the workflow's step output only when something needs attention.
func TestLIFE2CommandExitCodesAndReport(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		date      string
		code      int
		attention bool
	}{
		{"2026-11-01", 0, false}, // before Go 1.26's and Node 22's windows
		{"2027-01-15", 0, true},  // Go 1.26 ends 2027-02-28: a warning
		{"2027-09-01", 1, true},  // Kubernetes 1.36 ended 2027-08-02
	} {
		report := filepath.Join(dir, c.date+".md")
		output := filepath.Join(dir, c.date+".out")
		t.Setenv("GITHUB_OUTPUT", output)
		var out strings.Builder
		code, err := run([]string{"-root", "../../..", "-date", c.date, "-report", report}, &out, time.Now())
		if err != nil || code != c.code {
			t.Errorf("%s: exit %d (%v), want %d\n%s", c.date, code, err, c.code, out.String())
		}
		_, statErr := os.Stat(report)
		if (statErr == nil) != c.attention {
			t.Errorf("%s: report written %t, want %t", c.date, statErr == nil, c.attention)
		}
		step, _ := os.ReadFile(output)
		if want := "attention=" + map[bool]string{true: "true", false: "false"}[c.attention]; !strings.Contains(string(step), want) {
			t.Errorf("%s: step output %q, want %s", c.date, step, want)
		}
	}
	var out strings.Builder
	if code, err := run([]string{"-date", "06-12-2026"}, &out, time.Now()); code != 2 || err == nil || !strings.Contains(err.Error(), "YYYY-MM-DD") {
		t.Errorf("a bad date: exit %d, %v", code, err)
	}
}
