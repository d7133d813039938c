package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/smile/infra/archpic"
	"github.com/smile/infra/cost"
	"github.com/smile/infra/internal/golden"
)

// CICD-1: the cost of every environment, priced from the synthesized stacks (docs/cost.md).
func TestDocsCostTable(t *testing.T) {
	table, err := cost.Jakarta()
	if err != nil {
		t.Fatal(err)
	}
	stacks := synthReal(t)
	var estimates []cost.Estimate
	for _, name := range stackNames() {
		e, err := table.EstimateStack(name, stacks[name].raw)
		if err != nil {
			t.Fatal(err)
		}
		estimates = append(estimates, e)
	}
	golden.Check(t, filepath.Join("docs", "cost.md"), []byte(table.Markdown(estimates)))
}

// CICD-1: each environment's architecture picture (docs/architecture-<env>.svg; the README
// shows prod's) is drawn from its current synthesis.
func TestDocsArchitecture(t *testing.T) {
	stacks := synthReal(t)
	for _, name := range stackNames() {
		g, err := archpic.Build(name, stacks[name].raw)
		if err != nil {
			t.Fatal(err)
		}
		svg, err := g.SVG(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		golden.Check(t, filepath.Join("docs", "architecture-"+envOf(name).Name+".svg"), svg)
	}
}

// The README and docs/ are what a newcomer reads first (CICD-1: a pull request's review
// starts from them); these tests keep them short, linked and true to the repository.
// They only read files, so they run in milliseconds.

// readmeMaxLines is the README's budget: a few screens, with a doc per deeper topic.
const readmeMaxLines = 250

// CICD-1: the README stays within its budget.
func TestDocsReadmeIsShort(t *testing.T) {
	readme := readFile(t, "README.md")
	if n := strings.Count(readme, "\n"); n > readmeMaxLines {
		t.Errorf("README.md has %d lines, more than %d: move the detail into the doc of its topic under docs/ and link it", n, readmeMaxLines)
	}
}

// CICD-1: every relative link in README.md and docs/*.md points at a file that exists and,
// with a #fragment, at a heading of that file.
func TestDocsLinksResolve(t *testing.T) {
	for _, page := range docPages(t) {
		for _, link := range markdownLinks(prose(readFile(t, page))) {
			if strings.Contains(link, "://") || strings.HasPrefix(link, "mailto:") {
				continue
			}
			file, fragment, _ := strings.Cut(link, "#")
			target := page
			if file != "" {
				target = filepath.ToSlash(filepath.Join(filepath.Dir(page), file))
			}
			if _, err := os.Stat(target); err != nil {
				t.Errorf("%s links %q, but %s does not exist: fix the link or add the file", page, link, target)
				continue
			}
			if fragment == "" {
				continue
			}
			if !strings.HasSuffix(target, ".md") {
				t.Errorf("%s links %q: only Markdown files have headings to link to", page, link)
				continue
			}
			if anchors := headingAnchors(readFile(t, target)); !anchors[fragment] {
				t.Errorf("%s links %q, but %s has no heading with the anchor #%s: link one of %s", page, link, target, fragment, strings.Join(slices.Sorted(maps.Keys(anchors)), ", "))
			}
		}
	}
}

// CICD-1: every `make <target>` the docs mention is a target of the Makefile, and every
// scripts/<name> they mention exists.
func TestDocsCommandsExist(t *testing.T) {
	targets := makeTargets(t)
	makeCommand := regexp.MustCompile(`\bmake ([a-z][a-z0-9-]*)`)
	scriptPath := regexp.MustCompile(`\bscripts/[A-Za-z0-9_.-]*[A-Za-z0-9_]`)
	for _, page := range docPages(t) {
		text := readFile(t, page)
		for _, code := range codeSpans(text) {
			for _, m := range makeCommand.FindAllStringSubmatch(code, -1) {
				if !targets[m[1]] {
					t.Errorf("%s mentions `make %s`, which is not a target in the Makefile: fix the command or add the target", page, m[1])
				}
			}
		}
		for _, path := range scriptPath.FindAllString(text, -1) {
			if _, err := os.Stat(path); err != nil {
				t.Errorf("%s mentions %s, which does not exist: name the script as it is now", page, path)
			}
		}
	}
}

// CICD-1: every page under docs/ is in the README's table of docs, so none is out of reach.
// Two requirements ask the README for a section (MQ-2, each queue's throughput ceiling;
// LIFE-3, the upgrade runbook): the table names the doc that holds each.
func TestDocsTableListsEveryDoc(t *testing.T) {
	readme := readFile(t, "README.md")
	_, table, ok := strings.Cut(readme, "\n## Docs\n")
	if !ok {
		t.Fatal(`README.md has no "## Docs" section: add it, a table with one row per page under docs/`)
	}
	table, _, _ = strings.Cut(table, "\n## ")
	listed := map[string]string{}
	for _, row := range strings.Split(table, "\n") {
		for _, link := range markdownLinks(row) {
			listed[filepath.ToSlash(filepath.Clean(link))] = row
		}
	}
	pages, err := filepath.Glob(filepath.Join("docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, page := range pages {
		if _, ok := listed[filepath.ToSlash(page)]; !ok {
			t.Errorf("%s is not in the README's table of docs: add a row linking it, with one line on what it holds", page)
		}
	}
	for doc, id := range map[string]string{"docs/data.md": "MQ-2", "docs/upgrading.md": "LIFE-3"} {
		if !strings.Contains(listed[doc], id) {
			t.Errorf("the README's table of docs does not name %s on the row of %s, which holds it", id, doc)
		}
		if !strings.Contains(readFile(t, doc), id) {
			t.Errorf("%s does not hold %s any more: the README's table says it does", doc, id)
		}
	}
}

// docPages are the README and every Markdown page under docs/.
func docPages(t *testing.T) []string {
	t.Helper()
	pages, err := filepath.Glob(filepath.Join("docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	return append([]string{"README.md"}, pages...)
}

var (
	fencedBlock  = regexp.MustCompile("(?ms)^\\s*```.*?^\\s*```[^\\n]*$")
	inlineCode   = regexp.MustCompile("`[^`\\n]+`")
	markdownLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)
)

// prose is the text without its code: a link inside code is not a link.
func prose(text string) string {
	return inlineCode.ReplaceAllString(fencedBlock.ReplaceAllString(text, ""), "")
}

// codeSpans are the fenced blocks and inline code of a page, where commands are written.
func codeSpans(text string) []string {
	spans := fencedBlock.FindAllString(text, -1)
	return append(spans, inlineCode.FindAllString(fencedBlock.ReplaceAllString(text, ""), -1)...)
}

func markdownLinks(text string) []string {
	var links []string
	for _, m := range markdownLink.FindAllStringSubmatch(text, -1) {
		links = append(links, m[1])
	}
	return links
}

// headingAnchors are the fragments GitHub gives a page's headings: lower case, spaces as
// hyphens, punctuation dropped, a repeated heading numbered from -1.
func headingAnchors(text string) map[string]bool {
	anchors := map[string]bool{}
	seen := map[string]int{}
	for _, line := range strings.Split(fencedBlock.ReplaceAllString(text, ""), "\n") {
		title, ok := strings.CutPrefix(strings.TrimLeft(line, "#"), " ")
		if !ok || !strings.HasPrefix(line, "#") {
			continue
		}
		var b strings.Builder
		for _, r := range strings.ToLower(strings.TrimSpace(title)) {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
				b.WriteRune(r)
			}
		}
		anchor := b.String()
		if n := seen[anchor]; n > 0 {
			anchors[fmt.Sprintf("%s-%d", anchor, n)] = true
		} else {
			anchors[anchor] = true
		}
		seen[anchor]++
	}
	return anchors
}

// makeTargets are the targets the Makefile defines.
func makeTargets(t *testing.T) map[string]bool {
	t.Helper()
	targets := map[string]bool{}
	rule := regexp.MustCompile(`(?m)^([A-Za-z0-9][A-Za-z0-9_-]*)\s*:([^=]|$)`)
	for _, m := range rule.FindAllStringSubmatch(readFile(t, "Makefile"), -1) {
		targets[m[1]] = true
	}
	return targets
}
