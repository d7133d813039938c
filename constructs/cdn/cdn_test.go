package cdn

import (
	"os/exec"
	"strings"
	"testing"
)

// EDGE-1: the SPA fallback, run in Node (CloudFront Functions are JavaScript): the app's
// routes get index.html, files keep their path (and S3's 403/404 when missing).
func TestSpaFallback(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not on PATH (scripts/setup installs it): %v", err)
	}
	cases := map[string]string{
		"/":                         "/index.html",
		"/patients":                 "/index.html",
		"/patients/42/visits":       "/index.html",
		"/index.html":               "/index.html",
		"/static/js/main.3f2a1b.js": "/static/js/main.3f2a1b.js",
		"/favicon.ico":              "/favicon.ico",
		"/missing.css":              "/missing.css",
	}
	var script strings.Builder
	script.WriteString(SpaFallback)
	for in := range cases {
		script.WriteString("console.log(" + quote(in) + " + ' ' + handler({request: {uri: " + quote(in) + "}}).uri);\n")
	}
	out, err := exec.Command(node, "-e", script.String()).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		in, rewritten, _ := strings.Cut(line, " ")
		got[in] = rewritten
	}
	for in, want := range cases {
		if got[in] != want {
			t.Errorf("%s -> %q, want %q", in, got[in], want)
		}
	}
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }
