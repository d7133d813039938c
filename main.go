// Command smile-infra synthesizes one Terraform stack per SMILE environment.
//
// Environment variables:
//
//	SMILE_ENVIRONMENTS       comma-separated subset of dev,staging,prod (default: all)
//	SMILE_EMULATOR_ENDPOINT  http://127.0.0.1:PORT to deploy to the local AWS emulator
//	SMILE_EMULATOR_KUBE_DIR  with the emulator: the local Kubernetes API servers (host, token, ca.crt per cluster)
//	SMILE_STATE_BUCKET       S3 bucket for remote state (CICD-3); unset keeps state in .state/
package main

import (
	"fmt"
	"os"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/config"
	"github.com/smile/infra/stacks"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "smile-infra:", err)
		os.Exit(1)
	}
}

func run() error {
	// Every environment is validated before anything is built, so a bad config stops synth
	// with one message and nothing written (ENV-3).
	envs, err := config.Load(os.Getenv("SMILE_ENVIRONMENTS"), config.Deployment{
		EmulatorEndpoint: os.Getenv("SMILE_EMULATOR_ENDPOINT"),
		EmulatorKubeDir:  os.Getenv("SMILE_EMULATOR_KUBE_DIR"),
		StateBucket:      os.Getenv("SMILE_STATE_BUCKET"),
	})
	if err != nil {
		return err
	}
	app := cdktf.NewApp(nil)
	for _, env := range envs {
		if _, err := stacks.New(app, env); err != nil {
			return fmt.Errorf("%s: %w", env.StackName(), err)
		}
	}
	app.Synth()
	return nil
}
