package hclexport

import "testing"

// Terraform JSON strings are templates; their HCL form keeps interpolations, directives
// and escaped sequences, and escapes only what HCL's quoted strings need.
func TestTemplate(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:                            `"plain"`,
		`say "hi"`:                         `"say \"hi\""`,
		"two\nlines":                       `"two\nlines"`,
		`${replace(x.y, "https://", "")}`:  `"${replace(x.y, "https://", "")}"`,
		`{"a":"${aws_x.y.arn}"}`:           `"{\"a\":\"${aws_x.y.arn}\"}"`,
		`$${env:POD_IP} and %%{ literal }`: `"$${env:POD_IP} and %%{ literal }"`,
		`${jsonencode({"k" = "v"})} after`: `"${jsonencode({"k" = "v"})} after"`,
		`back\slash`:                       `"back\\slash"`,
		`%{ if true }yes%{ endif }`:        `"%{ if true }yes%{ endif }"`,
	} {
		if got := Template(in); got != want {
			t.Errorf("Template(%q) = %s, want %s", in, got, want)
		}
	}
}

// Without schemas, objects are blocks except the known map attributes; with a schema,
// only its block types are.
func TestBlocksFromSchema(t *testing.T) {
	doc := map[string]any{"resource": map[string]any{"helm_release": map[string]any{"r": map[string]any{
		"name": "x", "set": []any{map[string]any{"name": "a", "value": "b"}}, "tags": map[string]any{"k": "v"},
	}}}}
	if got, want := string(Renderer{}.Resources(doc)), "resource \"helm_release\" \"r\" {\n  name = \"x\"\n  set {\n    name = \"a\"\n    value = \"b\"\n  }\n  tags = {\"k\" = \"v\"}\n}\n"; got != want {
		t.Errorf("heuristic:\n%s\nwant:\n%s", got, want)
	}
	var s Schemas
	s.ProviderSchemas = map[string]struct {
		Provider          Schema            `json:"provider"`
		ResourceSchemas   map[string]Schema `json:"resource_schemas"`
		DataSourceSchemas map[string]Schema `json:"data_source_schemas"`
	}{"registry.terraform.io/hashicorp/helm": {ResourceSchemas: map[string]Schema{"helm_release": {}}}}
	// helm 3.x: set is a list attribute, not a block.
	if got, want := string(Renderer{Schemas: &s}.Resources(doc)), "resource \"helm_release\" \"r\" {\n  name = \"x\"\n  set = [{\"name\" = \"a\", \"value\" = \"b\"}]\n  tags = {\"k\" = \"v\"}\n}\n"; got != want {
		t.Errorf("with schema:\n%s\nwant:\n%s", got, want)
	}
}
