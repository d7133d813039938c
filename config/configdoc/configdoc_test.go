package configdoc

import (
	"strings"
	"testing"

	"github.com/smile/infra/config"
	"github.com/smile/infra/config/configdoc/testdata/fixture"
	"github.com/smile/infra/internal/golden"
)

const (
	reference = "../../docs/configuration.md"
	header    = "<!-- Generated from config/*.go by `make snapshots`; do not edit. -->"
)

// CICD-1: docs/configuration.md is what the config package says, field by field; a
// change to a field, its comment or an environment's value without `make snapshots` fails.
func TestConfigurationReference(t *testing.T) {
	got, err := Generate("..", header,
		Root{Title: "Environments", Columns: config.Names(),
			Values: []any{config.Dev(), config.Staging(), config.Prod()}},
		Root{Title: "Bootstrap (smile-bootstrap, one per account)", Columns: []string{"value"},
			Values: []any{config.DefaultBootstrap()}})
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, reference, got)
}

// CICD-1: a field without a doc comment fails, named as Type.Field; nested structs get
// their own section with the struct's comment; every column's value appears.
func TestGeneratorOnFixture(t *testing.T) {
	values := []any{fixture.Env{Name: "a", Inner: fixture.Inner{Size: 1, Items: []fixture.Item{{}}}},
		fixture.Env{Name: "b", Inner: fixture.Inner{Size: 2, Tags: []string{"x", "y"}}}}
	md, err := Generate("testdata/fixture", header, Root{Title: "Fixture", Columns: []string{"a", "b"}, Values: values})
	if err == nil || !strings.Contains(err.Error(), "Inner.Undocumented") {
		t.Fatalf("want an error naming Inner.Undocumented, got %v", err)
	}
	for _, shared := range []string{"Inner.Shared"} {
		if strings.Contains(err.Error(), shared) {
			t.Errorf("%s is named by the comment above it, but was reported missing: %v", shared, err)
		}
	}
	for _, want := range []string{
		header,
		"### Env.Inner\n\nInner is the nested concern.",
		"| `Size` | `int` | `1` | `2` | Size is in GiB (REQ-1). |",
		"| `Tags` | `[]string` | — | `x, y` |",
		"| `Name` | `string` | `a` | `b` | Name \\| with a pipe, joined over two lines. |",
		"| `Items[0].Label` | `string` | \"\" | — | Label names it: &lt;Label&gt;. |",
		"| `Shared` | `bool` | `false` | *same* | Tags and Shared are described together. |",
		"| `Items` | `[]fixture.Item` | 1 element | — | Items are listed element by element. |",
	} {
		if !strings.Contains(string(md), want) {
			t.Errorf("the reference lacks %q:\n%s", want, md)
		}
	}
}
