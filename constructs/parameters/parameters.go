// Package parameters publishes what other teams and the applications need to find the
// platform in SSM Parameter Store, under /smile5/<env>/ (SEC-4). Only non-secret values:
// secrets stay in Secrets Manager.
package parameters

import (
	"fmt"
	"regexp"
	"sort"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ssmparameter"
)

var keyPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9/_-]*$`)

// Config is the parameters of one environment.
type Config struct {
	// Path is the prefix, e.g. /smile5/dev.
	Path string
	// Values by key below Path, e.g. "network/vpc-id".
	Values map[string]*string
}

// Output maps each key to its parameter's full name.
type Output struct {
	Names map[string]string
}

// New creates one String parameter per value, in key order.
func New(scope constructs.Construct, id string, cfg Config) (*Output, error) {
	if !regexp.MustCompile(`^/[a-z0-9-]+(/[a-z0-9-]+)*$`).MatchString(cfg.Path) {
		return nil, fmt.Errorf("parameters %s: Path %q must look like /smile5/dev", id, cfg.Path)
	}
	keys := make([]string, 0, len(cfg.Values))
	for k, v := range cfg.Values {
		if !keyPattern.MatchString(k) || v == nil {
			return nil, fmt.Errorf("parameters %s: key %q must be lowercase words separated by / and have a value", id, k)
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	c := constructs.NewConstruct(scope, jsii.String(id))
	out := &Output{Names: map[string]string{}}
	for _, k := range keys {
		name := cfg.Path + "/" + k
		ssmparameter.NewSsmParameter(c, jsii.String(k), &ssmparameter.SsmParameterConfig{
			Name:  jsii.String(name),
			Type:  jsii.String("String"),
			Value: cfg.Values[k],
			Tier:  jsii.String("Standard"),
		})
		out.Names[k] = name
	}
	return out, nil
}
