// Package defaults lists every version this repository pins, where it pins it: the
// environments' config, the constructs' runtimes and AMI types, the provider constraints,
// the tools (Terraform, Node, Go) and the GitHub Actions of the workflows. The support
// check (`make lifecycle`, LIFE-2) judges them against lifecycle.Calendar.
package defaults

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/smile/infra/config"
	"github.com/smile/infra/constructs/eks"
	"github.com/smile/infra/constructs/function"
	"github.com/smile/infra/lifecycle"
	"github.com/smile/infra/stacks"
)

// Pins are the defaults of every environment and tool, each once (the places that set
// the same version are joined in Where). root is the repository's root directory.
func Pins(root string) ([]lifecycle.Pin, error) {
	var c collector
	for _, name := range config.Names() {
		env, err := config.Lookup(name)
		if err != nil {
			return nil, err
		}
		c.versions(config.Versions{
			Kubernetes: env.Compute.KubernetesVersion, Addons: env.Compute.Addons, Charts: env.Kubernetes.Charts,
			MySQL: env.Database.EngineVersion, CacheEngine: env.Cache.Engine, CacheEngineVersion: env.Cache.EngineVersion,
		}, "config "+name)
		c.add(lifecycle.CodeBuildImage, env.Delivery.Runner.Image, "config "+name+" Delivery.Runner.Image")
	}
	c.add(lifecycle.LambdaRuntime, function.Runtime, "constructs/function Runtime")
	c.add(lifecycle.NodeAMI, eks.AMIStandard, "constructs/eks AMIStandard")
	c.add(lifecycle.NodeAMI, eks.AMINvidia, "constructs/eks AMINvidia")
	c.add(lifecycle.Provider+"hashicorp/aws", stacks.AwsProviderConstraint, "stacks.AwsProviderConstraint")
	c.add(lifecycle.Provider+"hashicorp/kubernetes", stacks.KubernetesProviderConstraint, "stacks.KubernetesProviderConstraint")
	c.add(lifecycle.Provider+"hashicorp/helm", stacks.HelmProviderConstraint, "stacks.HelmProviderConstraint")
	if err := c.files(root); err != nil {
		return nil, err
	}
	return c.pins, nil
}

// Previous are the versions the upgrade drill starts from (config.PreviousVersions): they
// must be in the calendar too, though the check does not judge them.
func Previous() []lifecycle.Pin {
	var c collector
	c.versions(config.PreviousVersions(), "config.PreviousVersions")
	return c.pins
}

type collector struct{ pins []lifecycle.Pin }

// add records component at version, joining where to an existing pin of the same.
func (c *collector) add(component, version, where string) {
	for i, p := range c.pins {
		if p.Component == component && p.Version == version {
			if !strings.Contains(p.Where, where) {
				c.pins[i].Where += ", " + where
			}
			return
		}
	}
	c.pins = append(c.pins, lifecycle.Pin{Component: component, Version: version, Where: where})
}

func (c *collector) versions(v config.Versions, where string) {
	c.add(lifecycle.Kubernetes, v.Kubernetes, where)
	for _, name := range slices.Sorted(maps.Keys(v.Addons)) {
		c.add(lifecycle.EKSAddon+name, v.Addons[name], where)
	}
	all := v.Charts.All()
	for _, name := range slices.Sorted(maps.Keys(all)) {
		c.add(lifecycle.Chart+name, all[name].Version, where)
	}
	c.add(lifecycle.MySQL, v.MySQL, where)
	cache := config.Cache{Engine: v.CacheEngine, EngineVersion: v.CacheEngineVersion}
	c.add(cache.CalendarComponent(), v.CacheEngineVersion, where)
}

var (
	// uses: owner/name@<40 hex> # vX.Y.Z
	actionPin = regexp.MustCompile(`uses:\s*([\w.-]+/[\w.-]+)@[0-9a-f]{40}\s*#\s*(v[0-9]+)`)
	// terraform_version: 1.15.9 in the setup action
	terraformVersion = regexp.MustCompile(`terraform_version:\s*"?([0-9]+\.[0-9]+)\.[0-9]+`)
	// node-version: 22 in the setup action
	nodeVersion = regexp.MustCompile(`node-version:\s*"?([0-9]+)`)
	goDirective = regexp.MustCompile(`(?m)^go ([0-9]+\.[0-9]+)`)
)

// files reads the pins that live outside Go: the workflows' actions, the CI's Terraform
// and Node, package.json's Node and go.mod's Go.
func (c *collector) files(root string) error {
	read := func(rel string) (string, error) {
		b, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			return "", fmt.Errorf("lifecycle: %w", err)
		}
		return string(b), nil
	}
	yamls, err := filepath.Glob(filepath.Join(root, ".github", "*", "*.yml"))
	if err != nil {
		return err
	}
	more, _ := filepath.Glob(filepath.Join(root, ".github", "actions", "*", "action.yml"))
	yamls = append(yamls, more...)
	slices.Sort(yamls)
	for _, path := range yamls {
		rel, _ := filepath.Rel(root, path)
		text, err := read(rel)
		if err != nil {
			return err
		}
		for _, m := range actionPin.FindAllStringSubmatch(text, -1) {
			c.add(lifecycle.Action+m[1], m[2], rel)
		}
		for _, m := range terraformVersion.FindAllStringSubmatch(text, -1) {
			c.add(lifecycle.TerraformCLI, m[1], rel)
		}
		for _, m := range nodeVersion.FindAllStringSubmatch(text, -1) {
			c.add(lifecycle.NodeJS, m[1], rel)
		}
	}
	pkg, err := read("package.json")
	if err != nil {
		return err
	}
	var manifest struct {
		DevDependencies map[string]string `json:"devDependencies"`
	}
	if err := json.Unmarshal([]byte(pkg), &manifest); err != nil {
		return fmt.Errorf("lifecycle: package.json: %w", err)
	}
	node, _, _ := strings.Cut(manifest.DevDependencies["node"], ".")
	c.add(lifecycle.NodeJS, node, "package.json (the jsii runtime's Node)")
	mod, err := read("go.mod")
	if err != nil {
		return err
	}
	if m := goDirective.FindStringSubmatch(mod); m != nil {
		c.add(lifecycle.Go, m[1], "go.mod")
	}
	return nil
}
