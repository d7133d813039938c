// Command smile-infra synthesizes one Terraform stack per SMILE environment.
//
// Environment variables:
//
//	SMILE_ENVIRONMENTS       comma-separated subset of dev,staging,prod,bootstrap (default: all;
//	                         bootstrap is the once-per-account stack smile-bootstrap)
//	SMILE_EMULATOR_ENDPOINT  http://127.0.0.1:PORT to deploy to the local AWS emulator
//	SMILE_EMULATOR_KUBE_DIR  with the emulator: the local Kubernetes API servers (host, token, ca.crt per cluster)
//	SMILE_STATE_BUCKET       S3 bucket for remote state (CICD-3); unset keeps state in .state/
//	SMILE_KUBE_AS_CALLER=1   the kubernetes and helm providers call the clusters as the caller (pull-request plans)
//	SMILE_VERSIONS=previous  the environments at config.PreviousVersions (the upgrade drill's starting point)
package main

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

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
	deployment := config.Deployment{
		EmulatorEndpoint: os.Getenv("SMILE_EMULATOR_ENDPOINT"),
		EmulatorKubeDir:  os.Getenv("SMILE_EMULATOR_KUBE_DIR"),
		StateBucket:      os.Getenv("SMILE_STATE_BUCKET"),
		KubeAsCaller:     os.Getenv("SMILE_KUBE_AS_CALLER") == "1",
		Versions:         os.Getenv("SMILE_VERSIONS"),
		// The upgrade drill's check plan (scripts/emulator-deploy).
		EmulatorUpgradeCheck: os.Getenv("SMILE_EMULATOR_UPGRADE_CHECK") == "1",
	}
	list := os.Getenv("SMILE_ENVIRONMENTS")
	names, withBootstrap := splitBootstrap(list)
	var envs []config.Environment
	// SMILE_ENVIRONMENTS=bootstrap alone builds no environment.
	if names != "" || strings.TrimSpace(list) == "" {
		var err error
		if envs, err = config.Load(names, deployment); err != nil {
			return err
		}
	}
	bootstrap := config.DefaultBootstrap()
	if withBootstrap {
		if err := bootstrap.Validate(); err != nil {
			return err
		}
	}
	if err := emulatorAnswers(deployment.EmulatorEndpoint); err != nil {
		return err
	}
	// The jsii runtime panics with its own trace when the output directory cannot be made.
	if dir := os.Getenv("CDKTF_OUTDIR"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("CDKTF_OUTDIR=%s cannot be created (%v): point it at a writable directory, or unset it to write cdktf.out", dir, err)
		}
	}
	if len(envs) > 0 {
		stacks.Prepare()
	}
	app := cdktf.NewApp(nil)
	if withBootstrap {
		if _, err := stacks.NewBootstrap(app, bootstrap, config.Deployment{EmulatorEndpoint: deployment.EmulatorEndpoint}); err != nil {
			return fmt.Errorf("%s: %w", bootstrap.StackName(), err)
		}
	}
	for _, env := range envs {
		if _, err := stacks.New(app, env); err != nil {
			return fmt.Errorf("%s: %w", env.StackName(), err)
		}
	}
	app.Synth()
	return nil
}

// splitBootstrap takes "bootstrap" out of the SMILE_ENVIRONMENTS list: it is a stack, not
// an environment. An empty list means every environment and the bootstrap.
func splitBootstrap(list string) (names string, bootstrap bool) {
	if strings.TrimSpace(list) == "" {
		return "", true
	}
	var rest []string
	for _, n := range strings.Split(list, ",") {
		if strings.TrimSpace(n) == "bootstrap" {
			bootstrap = true
			continue
		}
		rest = append(rest, n)
	}
	return strings.Join(rest, ","), bootstrap
}

// emulatorAnswers checks that something listens at the emulator endpoint before a stack
// is built for it: a deploy against a closed port would only fail minutes later, resource
// by resource. The endpoint's form is validated with the config.
func emulatorAnswers(endpoint string) error {
	if endpoint == "" {
		return nil
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil // config.Load has already said what is wrong with it
	}
	conn, err := net.DialTimeout("tcp", u.Host, 2*time.Second)
	if err != nil {
		return fmt.Errorf("nothing answers at SMILE_EMULATOR_ENDPOINT=%s: start moto_server there, or let `make emulator` start one", endpoint)
	}
	return conn.Close()
}
