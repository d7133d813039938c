// Command floor is the synth-time floor of make bench (issue 11's budget): three stacks
// that load the same provider bindings as smile-infra (the AWS provider, twice, as the real
// stacks do for us-east-1; the kubernetes and helm providers, once per cluster) with one
// resource each. It costs what loading the bindings and
// the jsii runtime costs, which no code of ours can go below; the real synth is measured
// against it.
package main

import (
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ssmparameter"
	helmprovider "github.com/cdktf/cdktf-provider-helm-go/helm/v10/provider"
	kubernetesprovider "github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

func main() {
	app := cdktf.NewApp(nil)
	for _, name := range []string{"dev", "staging", "prod"} {
		stack := cdktf.NewTerraformStack(app, jsii.String("floor-"+name))
		provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("ap-southeast-3")})
		provider.NewAwsProvider(stack, jsii.String("aws-us-east-1"), &provider.AwsProviderConfig{
			Region: jsii.String("us-east-1"), Alias: jsii.String("us-east-1"),
		})
		for _, cluster := range []string{"app", "data"} {
			kubernetesprovider.NewKubernetesProvider(stack, jsii.String("kubernetes-"+cluster), &kubernetesprovider.KubernetesProviderConfig{
				Alias: jsii.String(cluster), Host: jsii.String("https://" + cluster + ".floor.invalid"),
			})
			helmprovider.NewHelmProvider(stack, jsii.String("helm-"+cluster), &helmprovider.HelmProviderConfig{
				Alias: jsii.String(cluster), Kubernetes: &helmprovider.HelmProviderKubernetes{Host: jsii.String("https://" + cluster + ".floor.invalid")},
			})
		}
		ssmparameter.NewSsmParameter(stack, jsii.String("marker"), &ssmparameter.SsmParameterConfig{
			Name: jsii.String("/floor/" + name), Type: jsii.String("String"), Value: jsii.String(name),
		})
	}
	app.Synth()
}
