package config

import (
	"errors"
	"strings"
)

// Load returns the environments named in the comma-separated list names (all of them when
// it is empty), each with the given deployment settings and validated. The error names
// every unknown environment and every problem of every environment at once (ENV-3).
func Load(names string, deployment Deployment) ([]Environment, error) {
	wanted := Names()
	if strings.TrimSpace(names) != "" {
		wanted = nil
		for _, n := range strings.Split(names, ",") {
			wanted = append(wanted, strings.TrimSpace(n))
		}
	}
	var envs []Environment
	var errs []error
	seen := map[string]bool{}
	for _, name := range wanted {
		if seen[name] {
			continue
		}
		seen[name] = true
		env, err := Lookup(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		env.Deployment = deployment
		if deployment.Versions == "previous" {
			env = env.WithVersions(PreviousVersions())
		}
		if err := env.Validate(); err != nil {
			errs = append(errs, err)
			continue
		}
		envs = append(envs, env)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return envs, nil
}
