package stacks

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/stateful"
)

// statefulResources walks the stack's resources and returns those package stateful lists
// (SAFE-1), in construct order.
func statefulResources(stack cdktf.TerraformStack) ([]cdktf.TerraformResource, error) {
	var out []cdktf.TerraformResource
	for _, node := range *stack.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		if !*cdktf.TerraformResource_IsTerraformResource(node) {
			continue
		}
		resource, ok := node.(cdktf.TerraformResource)
		if !ok {
			return nil, fmt.Errorf("stateful: %s looks like a Terraform resource but is %T", *node.Node().Path(), node)
		}
		typ := *resource.TerraformResourceType()
		tags := map[string]string{}
		if typ == stateful.LogGroupType {
			group, ok := node.(cloudwatchloggroup.CloudwatchLogGroup)
			if !ok {
				return nil, fmt.Errorf("stateful: %s is an %s but is %T", *node.Node().Path(), typ, node)
			}
			if in := group.TagsInput(); in != nil {
				for k, v := range *in {
					tags[k] = *v
				}
			}
		}
		if stateful.Is(typ, tags) {
			out = append(out, resource)
		}
	}
	return out, nil
}

// preventDestroy gives every stateful resource lifecycle.prevent_destroy (SAFE-1, prod's
// Security.PreventDestroy): Terraform then refuses any plan that deletes or replaces one.
// cdktf merges it with what a construct or the emulator table puts under lifecycle.
func preventDestroy(stack cdktf.TerraformStack) error {
	resources, err := statefulResources(stack)
	for _, r := range resources {
		r.AddOverride(jsii.String("lifecycle.prevent_destroy"), jsii.Bool(true))
	}
	return err
}
