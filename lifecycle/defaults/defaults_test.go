package defaults

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/smile/infra/config"
	"github.com/smile/infra/lifecycle"
)

const root = "../.."

func pins(t *testing.T) []lifecycle.Pin {
	t.Helper()
	p, err := Pins(root)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// LIFE-1: every default, and every version the upgrade drill starts from, is in the
// support calendar; and the collector finds each kind of pin (a kind it stopped finding
// would silently escape the check).
func TestLIFE1EveryPinIsInTheCalendar(t *testing.T) {
	all := append(pins(t), Previous()...)
	kinds := map[string]bool{}
	for _, p := range all {
		if _, ok := lifecycle.Lookup(p.Component, p.Version); !ok {
			t.Errorf("%s %s (%s) is not in lifecycle/calendar.go: add it with its end of standard support and source", p.Component, p.Version, p.Where)
		}
		kind, _, _ := strings.Cut(p.Component, " ")
		kinds[kind] = true
	}
	for _, want := range []string{"Kubernetes", "EKS", "Helm", "RDS", "ElastiCache", "Lambda", "CodeBuild", "Terraform", "Node.js", "Go", "GitHub"} {
		if !kinds[want] {
			t.Errorf("no %s pin was found: the collector (lifecycle/defaults) no longer reads where it is set", want)
		}
	}
}

// LIFE-2: `go test` on the defaults, against today's date: it fails once a default is
// past the end of its standard support and prints what warns.
func TestLIFE2DefaultsAreInStandardSupportToday(t *testing.T) {
	findings, err := lifecycle.Check(pins(t), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		switch f.Status {
		case lifecycle.Fail:
			t.Errorf("%s %s: %s", f.Component, f.Version, f.Message)
		case lifecycle.Warn:
			t.Logf("WARN %s %s: %s", f.Component, f.Version, f.Message)
		}
	}
}

// LIFE-3, K8S-1: the local control plane of `make emulator` is built at the default
// Kubernetes minor, so the Kubernetes objects meet the API server version they will meet
// in EKS.
func TestLIFE1LocalControlPlaneMatchesTheDefault(t *testing.T) {
	mod, err := os.ReadFile(filepath.Join(root, "tools", "kube", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*k8s\.io/kubernetes v1\.([0-9]+)\.`).FindSubmatch(mod)
	if m == nil {
		t.Fatal("tools/kube/go.mod requires no k8s.io/kubernetes")
	}
	if got, want := "1."+string(m[1]), config.CurrentVersions().Kubernetes; got != want {
		t.Errorf("tools/kube builds kube-apiserver %s, the default Kubernetes version is %s: move tools/kube/go.mod to the newest v%s.x", got, want, want)
	}
}
