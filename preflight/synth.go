package preflight

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// Synth is a stack's synthesized Terraform JSON (cdk.tf.json or its snapshot): the
// preflight takes resource addresses and names from it, so an import command names exactly
// what the stack creates.
type Synth struct {
	Resource map[string]map[string]map[string]any `json:"resource"`
	Data     map[string]map[string]map[string]any `json:"data"`
}

// ParseSynth reads a synthesized stack.
func ParseSynth(raw []byte) (Synth, error) {
	var s Synth
	if err := json.Unmarshal(raw, &s); err != nil {
		return Synth{}, fmt.Errorf("synthesized stack: %w", err)
	}
	return s, nil
}

// Address is the address of the resource of type typ whose attribute name equals name
// (any name when empty): "" when the stack has none.
func (s Synth) Address(typ, name string) string {
	for _, id := range slices.Sorted(maps.Keys(s.Resource[typ])) {
		if got, _ := s.Resource[typ][id]["name"].(string); name == "" || got == name {
			return typ + "." + id
		}
	}
	return ""
}

// Name is the name attribute of the first resource of type typ.
func (s Synth) Name(typ string) string {
	for _, id := range slices.Sorted(maps.Keys(s.Resource[typ])) {
		name, _ := s.Resource[typ][id]["name"].(string)
		return name
	}
	return ""
}

// InterfaceEndpoints counts the stack's interface VPC endpoints (all in its one VPC).
func (s Synth) InterfaceEndpoints() int {
	n := 0
	for _, e := range s.Resource["aws_vpc_endpoint"] {
		if e["vpc_endpoint_type"] == "Interface" {
			n++
		}
	}
	return n
}

var (
	policyRef         = regexp.MustCompile(`^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$`)
	serviceLinkedRole = regexp.MustCompile(`role/aws-service-role/([a-z0-9.-]+)/([A-Za-z0-9_+=,.@-]+)`)
)

// ServiceLinkedRole is a role AWS creates for a service, named in a key policy.
type ServiceLinkedRole struct{ Service, Name string }

// KeyPolicyServiceLinkedRoles are the service-linked roles the KMS key policies name: KMS
// refuses a policy whose principal does not exist yet.
func (s Synth) KeyPolicyServiceLinkedRoles() []ServiceLinkedRole {
	var roles []ServiceLinkedRole
	for _, key := range s.Resource["aws_kms_key"] {
		policy, _ := key["policy"].(string)
		if m := policyRef.FindStringSubmatch(policy); m != nil {
			raw, _ := json.Marshal(s.Data["aws_iam_policy_document"][m[1]])
			policy = string(raw)
		}
		for _, m := range serviceLinkedRole.FindAllStringSubmatch(policy, -1) {
			if r := (ServiceLinkedRole{m[1], m[2]}); !slices.Contains(roles, r) {
				roles = append(roles, r)
			}
		}
	}
	slices.SortFunc(roles, func(a, b ServiceLinkedRole) int { return strings.Compare(a.Name, b.Name) })
	return roles
}
