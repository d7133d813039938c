// Command preflight checks a real AWS account before the first deploy of a stack (SAFE-3):
// quotas, instance-type offerings per zone, add-on versions, account singletons,
// service-linked roles and DNS delegation. Read-only. Exit status 1 on a blocker, 0 with
// warnings only, 2 when it cannot run.
//
//	AWS_PROFILE=smile-prod go run ./preflight/cmd/preflight -stack smile-prod
//	go run ./preflight/cmd/preflight -stack smile-prod -with dev,staging   # one account for all three
//	go run ./preflight/cmd/preflight -stack smile-dev -endpoint http://127.0.0.1:5000  # moto
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/smile/infra/config"
	"github.com/smile/infra/preflight"
	"github.com/smile/infra/stackfile"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("preflight", flag.ContinueOnError)
	flags.SetOutput(stderr)
	stack := flags.String("stack", "", "the stack to check: "+strings.Join(stacks(), ", "))
	with := flags.String("with", os.Getenv("SMILE_PREFLIGHT_SHARED"),
		"the other environments deployed to the same account, comma-separated (e.g. dev,staging): quotas are summed over them and at most one may own each account singleton (default: the stack alone; env SMILE_PREFLIGHT_SHARED)")
	endpoint := flags.String("endpoint", os.Getenv("SMILE_EMULATOR_ENDPOINT"), "send every call to this endpoint (a local emulator such as moto_server) with dummy credentials")
	resolver := flags.String("resolver", "", "DNS server (host:port) for the delegation check (default: the system's resolver)")
	synth := flags.String("synth", "", "the stack's synthesized JSON, for resource addresses and names (default: testdata/<stack>.tf.json, the reviewed snapshot; or cdktf.out/stacks/<stack>)")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	p, err := setup(ctx, *stack, *with, *endpoint, *resolver, *synth)
	if err != nil {
		fmt.Fprintln(stderr, "preflight:", err)
		return 2
	}
	if preflight.Report(stdout, *stack, p.Run(ctx)) {
		return 1
	}
	return 0
}

func stacks() []string {
	var names []string
	for _, n := range config.Names() {
		names = append(names, "smile-"+n)
	}
	return names
}

func setup(ctx context.Context, stack, with, endpoint, resolver, synthPath string) (*preflight.Preflight, error) {
	name, ok := strings.CutPrefix(stack, "smile-")
	if !ok || !slices.Contains(config.Names(), name) {
		return nil, fmt.Errorf("unknown stack %q: known stacks are %s (make preflight STACK=smile-prod)", stack, strings.Join(stacks(), ", "))
	}
	wanted := []string{name}
	for _, w := range strings.Split(with, ",") {
		if w = strings.TrimPrefix(strings.TrimSpace(w), "smile-"); w == "" {
			continue
		}
		if !slices.Contains(config.Names(), w) {
			return nil, fmt.Errorf("unknown environment %q in -with (SMILE_PREFLIGHT_SHARED): known environments are %s", w, strings.Join(config.Names(), ", "))
		}
		wanted = append(wanted, w)
	}
	// Load keeps deployment order and validates every environment.
	var names []string
	for _, n := range config.Names() {
		if slices.Contains(wanted, n) {
			names = append(names, n)
		}
	}
	shared, err := config.Load(strings.Join(names, ","), config.Deployment{})
	if err != nil {
		return nil, err
	}
	env := shared[slices.IndexFunc(shared, func(e config.Environment) bool { return e.Name == name })]

	if synthPath == "" {
		synthPath = "testdata/" + stack + ".tf.json"
	}
	_, raw, err := stackfile.Read(synthPath)
	if err != nil {
		return nil, err
	}
	synth, err := preflight.ParseSynth(raw)
	if err != nil {
		return nil, err
	}

	cfg, err := awsConfig(ctx, env.Region, stack, endpoint)
	if err != nil {
		return nil, err
	}
	account, err := callerAccount(ctx, cfg, stack, endpoint)
	if err != nil {
		return nil, err
	}
	return &preflight.Preflight{Env: env, Shared: shared, Synth: synth, AccountID: account,
		AWS: preflight.NewClients(cfg, preflight.NewResolver(resolver))}, nil
}

func awsConfig(ctx context.Context, region, stack, endpoint string) (aws.Config, error) {
	opts := []func(*awsconfig.LoadOptions) error{awsconfig.WithRegion(region)}
	if endpoint != "" {
		// An emulator answers unimplemented calls with HTTP 500: retrying them only waits.
		opts = append(opts, awsconfig.WithBaseEndpoint(endpoint), awsconfig.WithRetryMaxAttempts(1),
			awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", "")))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("AWS configuration: %w. Fix: AWS_PROFILE=<profile of the %s account> make preflight STACK=%s", err, stack, stack)
	}
	return cfg, nil
}

// callerAccount asks STS who is calling: the one clear error for missing credentials or an
// endpoint that does not answer.
func callerAccount(ctx context.Context, cfg aws.Config, stack, endpoint string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err == nil {
		return aws.ToString(out.Account), nil
	}
	short := strings.Join(strings.Fields(err.Error()), " ")
	if endpoint != "" {
		return "", fmt.Errorf("nothing answers at %s (%s). Fix: start the emulator there (moto_server -H 127.0.0.1 -p PORT), or unset SMILE_EMULATOR_ENDPOINT / -endpoint for real AWS", endpoint, short)
	}
	return "", fmt.Errorf("cannot call AWS as anyone (%s). Fix: AWS_PROFILE=<profile of the %s account> make preflight STACK=%s (after aws sso login --profile <profile> if it is an SSO profile)",
		short, stack, stack)
}
