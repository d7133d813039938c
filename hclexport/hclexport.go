// Package hclexport renders a synthesized stack (Terraform JSON, cdk.tf.json) as plain
// Terraform HCL: the way out of cdktf, which is archived upstream, and what tfsec reads.
//
// cdktf's own `synth --hcl` is not usable: it breaks JSON strings that contain
// interpolations (the dashboard body) and some list expressions, which Terraform rejects.
// Here every Terraform JSON string becomes the HCL template it already is (interpolations
// stay interpolations, everything else is escaped), and the provider schemas decide what
// is a nested block and what an attribute, exactly as Terraform decides it for JSON.
package hclexport

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Schemas are the providers' schemas as `terraform providers schema -json` prints them.
type Schemas struct {
	ProviderSchemas map[string]struct {
		Provider          Schema            `json:"provider"`
		ResourceSchemas   map[string]Schema `json:"resource_schemas"`
		DataSourceSchemas map[string]Schema `json:"data_source_schemas"`
	} `json:"provider_schemas"`
}

// Schema is one provider, resource or data source schema.
type Schema struct {
	Block Block `json:"block"`
}

// Block is a schema block: its nested block types (everything else is an attribute).
type Block struct {
	BlockTypes map[string]struct {
		NestingMode string `json:"nesting_mode"`
		Block       Block  `json:"block"`
	} `json:"block_types"`
}

// LoadSchemas reads `terraform providers schema -json`.
func LoadSchemas(r io.Reader) (*Schemas, error) {
	var s Schemas
	if err := json.NewDecoder(r).Decode(&s); err != nil {
		return nil, fmt.Errorf("hclexport: reading provider schemas: %w", err)
	}
	return &s, nil
}

// Renderer renders documents; with Schemas nil it guesses blocks from the JSON shape
// (objects are blocks, except the map attributes of Heuristic), which is enough for
// scanners but not for Terraform.
type Renderer struct {
	Schemas *Schemas
}

// Heuristic lists the attributes whose JSON objects are maps, not blocks, for a renderer
// without schemas.
var Heuristic = map[string]bool{"tags": true, "tags_all": true, "dimensions": true, "variables": true, "labels": true,
	"triggers": true, "attributes": true, "request_parameters": true, "stage_variables": true, "backup_options": true,
	"annotations": true, "hard": true, "min": true, "max": true, "default": true, "default_request": true}

var metaArguments = map[string]bool{"//": true, "depends_on": true, "lifecycle": true, "provider": true, "count": true, "for_each": true}

// Render renders a whole document: terraform settings, providers, resources, data
// sources and outputs.
func (r Renderer) Render(doc map[string]any) ([]byte, error) {
	var b strings.Builder
	if t, ok := doc["terraform"].(map[string]any); ok {
		r.terraformBlock(&b, t, nil)
	}
	b.Write(r.Providers(doc))
	return r.rest(&b, doc)
}

// Module renders the document as a child module: no provider blocks and no backend; the
// calling module passes every provider configuration in (configuration_aliases).
func (r Renderer) Module(doc map[string]any) ([]byte, error) {
	var b strings.Builder
	t, _ := doc["terraform"].(map[string]any)
	r.terraformBlock(&b, map[string]any{"required_providers": t["required_providers"]}, Aliases(doc))
	return r.rest(&b, doc)
}

// Configurations lists each provider's configurations as a module's providers map
// names them: aws (the default one) and aws.us-east-1 (an alias), sorted.
func Configurations(doc map[string]any) map[string][]string {
	out := map[string][]string{}
	providers, _ := doc["provider"].(map[string]any)
	for name, configs := range providers {
		list, _ := configs.([]any)
		for _, c := range list {
			address := name
			if alias, ok := c.(map[string]any)["alias"].(string); ok {
				address += "." + alias
			}
			out[name] = append(out[name], address)
		}
		sort.Strings(out[name])
	}
	return out
}

// Aliases lists each provider's aliased configurations, e.g. aws: [aws.us-east-1].
func Aliases(doc map[string]any) map[string][]string {
	out := map[string][]string{}
	for name, addresses := range Configurations(doc) {
		for _, a := range addresses {
			if strings.Contains(a, ".") {
				out[name] = append(out[name], a)
			}
		}
	}
	return out
}

// Providers renders the provider blocks only.
func (r Renderer) Providers(doc map[string]any) []byte {
	var b strings.Builder
	providers, _ := doc["provider"].(map[string]any)
	for _, name := range sortedKeys(providers) {
		configs, _ := providers[name].([]any)
		for _, c := range configs {
			fmt.Fprintf(&b, "provider %q {\n", name)
			r.body(&b, c.(map[string]any), r.providerBlock(name), 1)
			b.WriteString("}\n\n")
		}
	}
	return []byte(b.String())
}

// rest renders data sources, resources and outputs after what b holds.
func (r Renderer) rest(b *strings.Builder, doc map[string]any) ([]byte, error) {
	for _, kind := range []string{"data", "resource"} {
		byType, _ := doc[kind].(map[string]any)
		for _, typ := range sortedKeys(byType) {
			byName := byType[typ].(map[string]any)
			for _, name := range sortedKeys(byName) {
				attrs := byName[name].(map[string]any)
				fmt.Fprintf(b, "%s %q %q {\n", kind, typ, name)
				meta(b, attrs)
				r.body(b, attrs, r.block(kind, typ), 1)
				b.WriteString("}\n\n")
			}
		}
	}
	outputs, _ := doc["output"].(map[string]any)
	for _, name := range sortedKeys(outputs) {
		fmt.Fprintf(b, "output %q {\n", name)
		arguments(b, outputs[name].(map[string]any), "  ", "depends_on")
		b.WriteString("}\n\n")
	}
	for _, unsupported := range []string{"locals", "variable", "module", "moved", "import"} {
		if _, ok := doc[unsupported]; ok {
			return nil, fmt.Errorf("hclexport: %q blocks are not rendered (the stacks have none)", unsupported)
		}
	}
	return []byte(b.String()), nil
}

// Resources renders only the resources and data sources, without meta-arguments: what a
// scanner reads.
func (r Renderer) Resources(doc map[string]any) []byte {
	var b strings.Builder
	for _, kind := range []string{"resource", "data"} {
		byType, _ := doc[kind].(map[string]any)
		for _, typ := range sortedKeys(byType) {
			byName := byType[typ].(map[string]any)
			for _, name := range sortedKeys(byName) {
				fmt.Fprintf(&b, "%s %q %q {\n", kind, typ, name)
				r.body(&b, byName[name].(map[string]any), r.block(kind, typ), 1)
				b.WriteString("}\n")
			}
		}
	}
	return []byte(b.String())
}

// terraformBlock renders the terraform settings; aliases, for a child module, become each
// required provider's configuration_aliases.
func (r Renderer) terraformBlock(b *strings.Builder, t map[string]any, aliases map[string][]string) {
	b.WriteString("terraform {\n")
	if req, ok := t["required_providers"].(map[string]any); ok {
		b.WriteString("  required_providers {\n")
		for _, name := range sortedKeys(req) {
			v := value(req[name])
			if list := aliases[name]; len(list) > 0 {
				v = strings.TrimSuffix(v, "}") + ", configuration_aliases = [" + strings.Join(list, ", ") + "]}"
			}
			fmt.Fprintf(b, "    %s = %s\n", name, v)
		}
		b.WriteString("  }\n")
	}
	if backends, ok := t["backend"].(map[string]any); ok {
		for _, kind := range sortedKeys(backends) {
			fmt.Fprintf(b, "  backend %q {\n", kind)
			arguments(b, backends[kind].(map[string]any), "    ", "")
			b.WriteString("  }\n")
		}
	}
	for _, k := range sortedKeys(t) {
		if k != "required_providers" && k != "backend" {
			fmt.Fprintf(b, "  %s = %s\n", k, value(t[k]))
		}
	}
	b.WriteString("}\n\n")
}

// meta renders a resource's meta-arguments: references are bare expressions in HCL.
func meta(b *strings.Builder, attrs map[string]any) {
	if p, ok := attrs["provider"].(string); ok {
		fmt.Fprintf(b, "  provider = %s\n", p)
	}
	if c, ok := attrs["count"]; ok {
		fmt.Fprintf(b, "  count = %s\n", value(c))
	}
	if d, ok := attrs["depends_on"]; ok {
		fmt.Fprintf(b, "  depends_on = %s\n", references(d))
	}
	if lc, ok := attrs["lifecycle"].(map[string]any); ok {
		b.WriteString("  lifecycle {\n")
		arguments(b, lc, "    ", "ignore_changes")
		b.WriteString("  }\n")
	}
}

// arguments renders each key of m as an argument; the one named refs (depends_on,
// ignore_changes) holds a list of bare references.
func arguments(b *strings.Builder, m map[string]any, indent, refs string) {
	for _, k := range sortedKeys(m) {
		if k == refs {
			fmt.Fprintf(b, "%s%s = %s\n", indent, k, references(m[k]))
			continue
		}
		fmt.Fprintf(b, "%s%s = %s\n", indent, k, value(m[k]))
	}
}

// references renders a JSON list of addresses as a list of bare references.
func references(v any) string {
	list, _ := v.([]any)
	parts := make([]string, len(list))
	for i, item := range list {
		parts[i] = strings.TrimSuffix(strings.TrimPrefix(fmt.Sprint(item), "${"), "}")
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// providerName is the provider a resource type belongs to: its prefix.
func providerName(typ string) string {
	name, _, _ := strings.Cut(typ, "_")
	return name
}

func (r Renderer) schemaOf(name string) (provider Schema, resources, data map[string]Schema, ok bool) {
	if r.Schemas == nil {
		return Schema{}, nil, nil, false
	}
	for source, s := range r.Schemas.ProviderSchemas {
		if strings.HasSuffix(source, "/"+name) {
			return s.Provider, s.ResourceSchemas, s.DataSourceSchemas, true
		}
	}
	return Schema{}, nil, nil, false
}

func (r Renderer) providerBlock(name string) *Block {
	p, _, _, ok := r.schemaOf(name)
	if !ok {
		return nil
	}
	return &p.Block
}

func (r Renderer) block(kind, typ string) *Block {
	_, resources, data, ok := r.schemaOf(providerName(typ))
	if !ok {
		return nil
	}
	s, found := resources[typ]
	if kind == "data" {
		s, found = data[typ]
	}
	if !found {
		return nil
	}
	return &s.Block
}

// body renders a block's arguments and nested blocks. With a schema, its block types are
// the nested blocks; without one, objects and lists of objects are.
func (r Renderer) body(b *strings.Builder, body map[string]any, schema *Block, depth int) {
	indent := strings.Repeat("  ", depth)
	for _, k := range sortedKeys(body) {
		if depth == 1 && metaArguments[k] {
			continue
		}
		v := body[k]
		if nested, isBlock := r.nestedBlock(schema, k, v); isBlock {
			items := []map[string]any{}
			switch x := v.(type) {
			case map[string]any:
				items = append(items, x)
			case []any:
				for _, item := range x {
					if m, ok := item.(map[string]any); ok {
						items = append(items, m)
					}
				}
			}
			for _, item := range items {
				fmt.Fprintf(b, "%s%s {\n", indent, k)
				r.body(b, item, nested, depth+1)
				fmt.Fprintf(b, "%s}\n", indent)
			}
			continue
		}
		fmt.Fprintf(b, "%s%s = %s\n", indent, k, value(v))
	}
}

// nestedBlock reports whether key is a nested block, and its schema.
func (r Renderer) nestedBlock(schema *Block, key string, v any) (*Block, bool) {
	if schema != nil {
		bt, ok := schema.BlockTypes[key]
		if !ok {
			return nil, false
		}
		return &bt.Block, true
	}
	return nil, isObjectOrObjects(v) && !Heuristic[key]
}

func isObjectOrObjects(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		return true
	case []any:
		if len(x) == 0 {
			return false
		}
		_, ok := x[0].(map[string]any)
		return ok
	}
	return false
}

// value renders a JSON value as an HCL expression.
func value(v any) string {
	switch x := v.(type) {
	case string:
		return Template(x)
	case nil:
		return "null"
	case bool:
		return fmt.Sprint(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		parts := make([]string, len(x))
		for i, item := range x {
			parts[i] = value(item)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		var parts []string
		for _, k := range sortedKeys(x) {
			parts = append(parts, fmt.Sprintf("%q = %s", k, value(x[k])))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	panic(fmt.Sprintf("hclexport: a %T in Terraform JSON", v))
}

// Template quotes a Terraform JSON string as the HCL template it is: interpolations and
// directives stay as they are (references keep working, and quotes inside them are
// expression syntax), escaped sequences ($${, %%{) stay escaped, and quotes, backslashes
// and newlines outside them are escaped.
func Template(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	depth := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		next := func(want string) bool { return strings.HasPrefix(s[i+1:], want) }
		switch {
		case depth == 0 && (c == '$' || c == '%') && next(string(c)+"{"):
			b.WriteByte(c)
			b.WriteByte(c)
			b.WriteByte('{')
			i += 2
		case depth == 0 && (c == '$' || c == '%') && next("{"):
			depth = 1
			b.WriteByte(c)
			b.WriteByte('{')
			i++
		case depth > 0:
			switch c {
			case '{':
				depth++
			case '}':
				depth--
			}
			b.WriteByte(c)
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString("\\n")
		case c == '\r':
			b.WriteString("\\r")
		case c == '\t':
			b.WriteString("\\t")
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func sortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }
