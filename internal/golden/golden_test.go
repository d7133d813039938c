package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// CICD-1 (generated docs kept true): the first differing line is shown with its context;
// equal texts have none.
func TestFirstDifference(t *testing.T) {
	want := "a\nb\nc\nd\ne\nf\ng\nh\n"
	diff := FirstDifference(want, strings.Replace(want, "e\n", "E\n", 1))
	if !strings.Contains(diff, "- e\n+ E\n") || !strings.Contains(diff, "  b\n") || strings.Contains(diff, "  a\n") {
		t.Errorf("diff:\n%s", diff)
	}
	if FirstDifference(want, want) != "(no line differs)" {
		t.Error("equal texts must have no difference")
	}
}

// recorder is a testing.TB that keeps what Check reports instead of failing the test.
type recorder struct {
	testing.TB
	reports []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, a ...any) {
	r.reports = append(r.reports, fmt.Sprintf(format, a...))
}
func (r *recorder) Fatalf(format string, a ...any) {
	r.reports = append(r.reports, fmt.Sprintf(format, a...))
}

// CICD-1: a matching copy passes; a stale one fails with the difference and `make
// snapshots`; a missing one says how to generate it.
func TestCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "generated.md")
	if err := os.WriteFile(path, []byte("one\ntwo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path, got, want string
	}{
		{path, "one\ntwo\n", ""},
		{path, "one\nthree\n", "- two\n+ three"},
		{path + ".missing", "one\n", "generate it with `make snapshots`"},
	} {
		r := &recorder{TB: t}
		Check(r, c.path, []byte(c.got))
		switch got := strings.Join(r.reports, "\n"); {
		case c.want == "" && got != "":
			t.Errorf("a matching copy failed: %s", got)
		case c.want != "" && (!strings.Contains(got, c.want) || !strings.Contains(got, "make snapshots")):
			t.Errorf("Check(%s, %q) reported %q, want %q", c.path, c.got, got, c.want)
		}
	}
}
