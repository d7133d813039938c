// Package configdoc writes docs/configuration.md, the configuration reference: every field
// of the configuration, its Go type, its value in each environment and its doc comment,
// read from the config package's source (CICD-1: generated docs kept true by a test).
package configdoc

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"io/fs"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Root is one configuration type to document: its values, one per column.
type Root struct {
	Title   string   // the heading above its sections
	Columns []string // the column names of Values, e.g. dev, staging, prod
	Values  []any    // values of the same struct type, one per column
}

// Generate reads the doc comments of the Go package in dir and returns the markdown
// reference of roots. Every field documented neither by its own comment nor by the
// comment of the field above it that names it is an error naming Type.Field (the
// markdown is still returned, with those descriptions empty).
func Generate(dir, header string, roots ...Root) ([]byte, error) {
	types, err := parseDocs(dir)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	fmt.Fprintf(&out, "%s\n\n# Configuration reference\n", header)
	var missing []string
	for _, r := range roots {
		fmt.Fprintf(&out, "\n## %s\n", r.Title)
		if len(r.Columns) > 1 {
			fmt.Fprintf(&out, "\n%s in a column: the value of the %s column; — : none (empty or absent).\n", sameCell, r.Columns[0])
		}
		vals := make([]reflect.Value, len(r.Values))
		for i, v := range r.Values {
			vals[i] = reflect.ValueOf(v)
		}
		w := writer{types: types, out: &out, columns: r.Columns}
		w.section(vals[0].Type().Name(), vals)
		missing = append(missing, w.missing...)
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		missing = slices.Compact(missing)
		return out.Bytes(), fmt.Errorf("fields without a doc comment (write one above each in %s, with the unit and the requirement ID where one applies): %s",
			dir, strings.Join(missing, ", "))
	}
	return out.Bytes(), nil
}

// typeDoc is a struct type's doc comment and the doc of each of its fields ("" = none).
type typeDoc struct {
	doc    string
	fields map[string]string
}

func parseDocs(dir string) (map[string]typeDoc, error) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("parse the config package in %s: %w", dir, err)
	}
	types := map[string]typeDoc{}
	for _, pkg := range pkgs {
		var files []*ast.File
		for _, f := range pkg.Files {
			files = append(files, f)
		}
		p, err := doc.NewFromFiles(fset, files, "config")
		if err != nil {
			return nil, err
		}
		for _, t := range p.Types {
			for _, spec := range t.Decl.Specs {
				ts := spec.(*ast.TypeSpec)
				if st, ok := ts.Type.(*ast.StructType); ok && ts.Name.Name == t.Name {
					types[t.Name] = typeDoc{doc: oneLine(t.Doc), fields: fieldDocs(fset, st)}
				}
			}
		}
	}
	return types, nil
}

// fieldDocs reads each field's comment. A field without one shares the comment of the
// field on the line above when that comment names it ("BlueWeight and GreenWeight are ...").
func fieldDocs(fset *token.FileSet, st *ast.StructType) map[string]string {
	docs := map[string]string{}
	prevDoc, prevLine := "", -1
	for _, f := range st.Fields.List {
		text := f.Doc.Text() + f.Comment.Text()
		line := fset.Position(f.Pos()).Line
		for _, name := range f.Names {
			switch {
			case text != "":
				docs[name.Name] = oneLine(text)
			case line == prevLine+1 && namesField(prevDoc, name.Name):
				docs[name.Name] = prevDoc
			default:
				docs[name.Name] = ""
			}
		}
		if text != "" {
			prevDoc = oneLine(text)
		}
		prevLine = fset.Position(f.End()).Line
	}
	return docs
}

func namesField(comment, field string) bool {
	return regexp.MustCompile(`\b` + regexp.QuoteMeta(field) + `\b`).MatchString(comment)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

type writer struct {
	types   map[string]typeDoc
	out     *bytes.Buffer
	columns []string
	missing []string
}

// section writes the table of one struct (path is its dotted path), then one section for
// each of its struct-typed fields. Slices of structs stay in the table as path[i].Field.
func (w *writer) section(path string, vals []reflect.Value) {
	t := vals[0].Type()
	fmt.Fprintf(w.out, "\n### %s\n\n", path)
	if d := w.types[t.Name()].doc; d != "" {
		fmt.Fprintf(w.out, "%s\n\n", d)
	}
	fmt.Fprintf(w.out, "| Field | Type | %s | Description |\n|---|---|%s---|\n",
		strings.Join(w.columns, " | "), strings.Repeat("---|", len(w.columns)))
	var nested []reflect.StructField
	w.rows("", vals, &nested)
	for _, f := range nested {
		w.section(path+"."+f.Name, fieldOf(vals, f.Name))
	}
}

// rows writes one row per scalar field of vals' struct type, prefixing names with prefix.
func (w *writer) rows(prefix string, vals []reflect.Value, nested *[]reflect.StructField) {
	t := vals[0].Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		fv := fieldOf(vals, f.Name)
		switch {
		case f.Type.Kind() == reflect.Struct && prefix == "":
			*nested = append(*nested, f)
			continue
		case f.Type.Kind() == reflect.Struct:
			w.rows(prefix+f.Name+".", fv, nil)
			continue
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct:
			w.row(prefix+f.Name, t.Name(), f, fv)
			w.sliceRows(prefix+f.Name, f.Type.Elem(), fv)
			continue
		}
		w.row(prefix+f.Name, t.Name(), f, fv)
	}
}

// sliceRows writes the elements of a slice of structs as Name[i].Field rows; an
// environment with fewer elements shows "—".
func (w *writer) sliceRows(path string, elem reflect.Type, vals []reflect.Value) {
	n := 0
	for _, v := range vals {
		n = max(n, v.Len())
	}
	for i := 0; i < n; i++ {
		elems := make([]reflect.Value, len(vals))
		for c, v := range vals {
			elems[c] = reflect.Zero(reflect.PointerTo(elem)) // nil: no such element
			if i < v.Len() {
				elems[c] = v.Index(i).Addr()
			}
		}
		w.elemRows(fmt.Sprintf("%s[%d].", path, i), elem, elems)
	}
}

func (w *writer) elemRows(prefix string, t reflect.Type, ptrs []reflect.Value) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		vals := make([]reflect.Value, len(ptrs))
		for c, p := range ptrs {
			vals[c] = reflect.Value{}
			if !p.IsNil() {
				vals[c] = p.Elem().Field(i)
			}
		}
		switch {
		case f.Type.Kind() == reflect.Struct:
			sub := make([]reflect.Value, len(vals))
			for c, v := range vals {
				sub[c] = reflect.Zero(reflect.PointerTo(f.Type))
				if v.IsValid() {
					sub[c] = v.Addr()
				}
			}
			w.elemRows(prefix+f.Name+".", f.Type, sub)
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct:
			for c, v := range vals {
				if !v.IsValid() {
					vals[c] = reflect.Zero(f.Type)
				}
			}
			w.row(prefix+f.Name, t.Name(), f, vals)
			w.sliceRows(prefix+f.Name, f.Type.Elem(), vals)
		default:
			w.row(prefix+f.Name, t.Name(), f, vals)
		}
	}
}

func (w *writer) row(path, owner string, f reflect.StructField, vals []reflect.Value) {
	d, ok := w.types[owner].fields[f.Name]
	if !ok || d == "" {
		w.missing = append(w.missing, owner+"."+f.Name)
	}
	cells := make([]string, len(vals))
	same := len(vals) > 1
	for i, v := range vals {
		cells[i] = format(v)
		same = same && cells[i] == cells[0]
	}
	// A value every column shares is written once: what differs between the columns is
	// what a reader looks for.
	if same && cells[0] != "—" {
		for i := 1; i < len(cells); i++ {
			cells[i] = sameCell
		}
	}
	fmt.Fprintf(w.out, "| `%s` | `%s` | %s | %s |\n", path, cell(f.Type.String()),
		strings.Join(cells, " | "), text(d))
}

func fieldOf(vals []reflect.Value, name string) []reflect.Value {
	out := make([]reflect.Value, len(vals))
	for i, v := range vals {
		out[i] = v.FieldByName(name)
	}
	return out
}

// sameCell stands in a column for the value of the first one.
const sameCell = "*same*"

// format renders a value readably: durations by their String, lists comma-separated,
// lists of structs by their length (their elements get rows of their own), maps as sorted
// key=value, the empty string as "" and empty lists and absent values as —.
func format(v reflect.Value) string {
	if !v.IsValid() {
		return "—"
	}
	if s, ok := v.Interface().(fmt.Stringer); ok && v.Kind() != reflect.Struct {
		return code(s.String())
	}
	switch v.Kind() {
	case reflect.String:
		if v.String() == "" {
			return `""`
		}
		return code(v.String())
	case reflect.Slice:
		switch {
		case v.Len() == 0:
			return "—"
		case v.Type().Elem().Kind() == reflect.Struct && v.Len() == 1:
			return "1 element"
		case v.Type().Elem().Kind() == reflect.Struct:
			return fmt.Sprintf("%d elements", v.Len())
		}
		items := make([]string, v.Len())
		for i := range items {
			items[i] = fmt.Sprint(v.Index(i).Interface())
		}
		return code(strings.Join(items, ", "))
	case reflect.Map:
		if v.Len() == 0 {
			return "—"
		}
		var items []string
		for _, k := range v.MapKeys() {
			items = append(items, fmt.Sprintf("%v=%v", k.Interface(), v.MapIndex(k).Interface()))
		}
		sort.Strings(items)
		return code(strings.Join(items, ", "))
	}
	return code(fmt.Sprint(v.Interface()))
}

// text is prose in a cell: angle brackets escaped so that <env> is not read as HTML.
func text(s string) string {
	return strings.NewReplacer("<", "&lt;", ">", "&gt;").Replace(cell(s))
}

func code(s string) string { return "`" + cell(s) + "`" }

// cell keeps a table cell in its column: pipes escaped, newlines joined.
func cell(s string) string { return strings.ReplaceAll(oneLine(s), "|", `\|`) }
