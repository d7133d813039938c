package function

import "testing"

// An incomplete config is an error before any resource exists, so a wiring mistake stops
// synth with a message instead of a half-built stack (ENV-3).
func TestNewRejectsIncompleteConfig(t *testing.T) {
	if out, err := New(nil, "function", Config{}); err == nil || out != nil {
		t.Errorf("New(empty config) = %v, %v; want an error", out, err)
	}
}

// CMP-3: Prepare only starts the build New would run: one build per package however often
// it is asked for, and its error reaches New's caller unchanged.
func TestPrepareSharesOneBundlePerPackage(t *testing.T) {
	const pkg = "./lambda/no-such-function"
	Prepare(pkg, pkg)
	first := start(pkg)
	if _, _, err := bundle(pkg); err == nil {
		t.Fatalf("bundle(%s) built a package that does not exist", pkg)
	}
	if start(pkg) != first {
		t.Errorf("a second request for %s started a second build", pkg)
	}
}
