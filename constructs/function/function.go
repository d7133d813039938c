// Package function builds a Go Lambda function from source in this repository (CMP-3):
// built reproducibly, packaged as a cdktf asset, in the private subnets, with X-Ray
// tracing, a KMS-encrypted dead-letter queue and environment, its own encrypted log group,
// a role with exactly the given rights, and optionally a schedule.
package function

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lambdafunction"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/schedulerschedule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/config"
	"github.com/smile/infra/constructs/iampolicy"
	"github.com/smile/infra/constructs/iamrole"
	"github.com/smile/infra/constructs/loggroup"
	"github.com/smile/infra/constructs/queues"
	"github.com/smile/infra/constructs/sgrule"
	"github.com/smile/infra/lambda/build"
)

// Architecture: Graviton costs less per GB-second than x86, and Go cross-compiles to it
// without cgo, so nothing about the build changes.
const Architecture = "arm64"

// Runtime is the OS-only runtime the Go bootstrap runs on (its end of support is in the
// calendar, lifecycle/calendar.go).
const Runtime = "provided.al2023"

// Config is one function.
type Config struct {
	// Name, e.g. smile5-dev-redis-snapshot (ENV-2).
	Name        string
	Description string
	// Package is the main package to build, relative to the module root, e.g.
	// ./lambda/redis-snapshot.
	Package    string
	Region     string
	AccountID  *string
	VpcID      *string
	SubnetIDs  []*string
	DataKeyArn *string
	LogsKeyArn *string
	// LambdaKeyArn encrypts the function's environment variables (SEC-1).
	LambdaKeyArn *string
	// LogRetentionDays of the function's log group (OBS-1).
	LogRetentionDays int
	Environment      map[string]*string
	// Statements are the function's own rights, besides logging, tracing, the VPC and its
	// dead-letter queue.
	Statements     []iampolicy.Statement
	TimeoutSeconds int
	MemoryMiB      int
	// Schedule, e.g. rate(6 hours), invokes the function through EventBridge Scheduler;
	// empty means no schedule.
	Schedule string
}

// Output is the function's identity.
type Output struct {
	FunctionArn, FunctionName, RoleArn, LogGroupName *string
	DeadLetterQueue                                  queues.Queue
	SecurityGroupID                                  *string
}

// New builds and deploys the function.
func New(scope constructs.Construct, id string, cfg Config) (*Output, error) {
	if cfg.Name == "" || cfg.Package == "" || cfg.Region == "" || cfg.AccountID == nil || cfg.VpcID == nil ||
		len(cfg.SubnetIDs) == 0 || cfg.DataKeyArn == nil || cfg.LogsKeyArn == nil || cfg.LambdaKeyArn == nil || cfg.TimeoutSeconds <= 0 || cfg.MemoryMiB < 128 {
		return nil, fmt.Errorf("function %s: Name, Package, Region, AccountID, VpcID, SubnetIDs, DataKeyArn, LogsKeyArn, LambdaKeyArn, a timeout and at least 128 MiB are required", cfg.Name)
	}
	zip, hash, err := bundle(cfg.Package)
	if err != nil {
		return nil, fmt.Errorf("function %s: %w", cfg.Name, err)
	}
	c := constructs.NewConstruct(scope, jsii.String(id))
	asset := cdktf.NewTerraformAsset(c, jsii.String("code"), &cdktf.TerraformAssetConfig{
		Path: jsii.String(zip), Type: cdktf.AssetType_FILE, AssetHash: jsii.String(hash.hex),
	})

	logGroup := loggroup.New(c, "log-group", loggroup.Config{Name: "/aws/lambda/" + cfg.Name, KeyArn: cfg.LogsKeyArn, RetentionDays: cfg.LogRetentionDays})
	dlq := queues.NewQueue(c, "dead-letter-queue", queues.QueueConfig{
		Name: cfg.Name + "-dlq", KeyArn: cfg.DataKeyArn,
		Queues: config.Queues{RetentionDays: 14, KmsDataKeyReuseSeconds: 300},
	})

	sg := sgrule.HTTPSOutOnly(c, "sg", cfg.Name, "Lambda "+cfg.Name+": no inbound; HTTPS out to AWS APIs",
		cfg.VpcID, sgrule.Out{
			// NET-5: the internet, on purpose. The functions call service APIs the VPC has
			// no interface endpoint for (the snapshot function: ElastiCache's API, and X-Ray
			// for its active tracing); they reach them through the NAT gateways. Two more
			// endpoints would cost more than the NAT traffic of a call every few hours
			// (docs/architecture.md, "Egress"). The Lambda service itself, not the function, writes the
			// logs, decrypts the environment and sends to the dead-letter queue.
			RuleID: "sg-out-https", Cidr: sgrule.Internet,
			Description: "AWS APIs through the endpoints and the NAT gateways",
		})

	role, err := functionRole(c, cfg, logGroup.Arn(), dlq.Arn)
	if err != nil {
		return nil, err
	}
	fn := lambdafunction.NewLambdaFunction(c, jsii.String("function"), &lambdafunction.LambdaFunctionConfig{
		FunctionName:   jsii.String(cfg.Name),
		Description:    jsii.String(cfg.Description),
		Filename:       asset.Path(),
		SourceCodeHash: jsii.String(hash.base64),
		Handler:        jsii.String("bootstrap"),
		Runtime:        jsii.String(Runtime),
		Architectures:  jsii.Strings(Architecture),
		MemorySize:     jsii.Number(float64(cfg.MemoryMiB)),
		Timeout:        jsii.Number(float64(cfg.TimeoutSeconds)),
		Role:           role.Arn,
		KmsKeyArn:      cfg.LambdaKeyArn,
		Environment:    &lambdafunction.LambdaFunctionEnvironment{Variables: &cfg.Environment},
		VpcConfig: &lambdafunction.LambdaFunctionVpcConfig{
			SubnetIds: &cfg.SubnetIDs, SecurityGroupIds: &[]*string{sg.Id()},
		},
		TracingConfig:    &lambdafunction.LambdaFunctionTracingConfig{Mode: jsii.String("Active")},
		DeadLetterConfig: &lambdafunction.LambdaFunctionDeadLetterConfig{TargetArn: dlq.Arn},
		LoggingConfig:    &lambdafunction.LambdaFunctionLoggingConfig{LogGroup: logGroup.Name(), LogFormat: jsii.String("JSON")},
		// One run at a time: two overlapping snapshot runs would race each other.
		ReservedConcurrentExecutions: jsii.Number(1),
		DependsOn:                    &role.Policies,
	})
	if cfg.Schedule != "" {
		if err := schedule(c, cfg, fn.Arn()); err != nil {
			return nil, err
		}
	}
	return &Output{
		FunctionArn: fn.Arn(), FunctionName: fn.FunctionName(), RoleArn: role.Arn, LogGroupName: logGroup.Name(),
		DeadLetterQueue: dlq, SecurityGroupID: sg.Id(),
	}, nil
}

func functionRole(scope constructs.Construct, cfg Config, logGroupArn, dlqArn *string) (*iamrole.Role, error) {
	return iamrole.New(scope, "role", iamrole.Config{
		Name: cfg.Name, Service: "lambda.amazonaws.com", SourceAccount: cfg.AccountID,
		ManagedPolicyArns: []string{
			"arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
			"arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess",
		},
		Statements: append([]iampolicy.Statement{{
			Sid:       "WriteOwnLogs",
			Actions:   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
			Resources: []*string{jsii.String(*logGroupArn + ":*")},
		}, {
			Sid:       "DeadLetters",
			Actions:   []string{"sqs:SendMessage"},
			Resources: []*string{dlqArn},
		}, {
			// The dead-letter queue is encrypted with the data key, the environment with the
			// Lambda key.
			Sid:       "UseKeys",
			Actions:   []string{"kms:Decrypt", "kms:GenerateDataKey"},
			Resources: []*string{cfg.DataKeyArn, cfg.LambdaKeyArn},
		}}, cfg.Statements...),
	})
}

// schedule invokes the function through EventBridge Scheduler (CACHE-3).
func schedule(scope constructs.Construct, cfg Config, functionArn *string) error {
	role, err := iamrole.New(scope, "schedule-role", iamrole.Config{
		Name: cfg.Name + "-schedule", Service: "scheduler.amazonaws.com", SourceAccount: cfg.AccountID,
		Statements: []iampolicy.Statement{{Actions: []string{"lambda:InvokeFunction"}, Resources: []*string{functionArn}}},
	})
	if err != nil {
		return err
	}
	schedulerschedule.NewSchedulerSchedule(scope, jsii.String("schedule"), &schedulerschedule.SchedulerScheduleConfig{
		Name:               jsii.String(cfg.Name),
		ScheduleExpression: jsii.String(cfg.Schedule),
		FlexibleTimeWindow: &schedulerschedule.SchedulerScheduleFlexibleTimeWindow{Mode: jsii.String("OFF")},
		Target: &schedulerschedule.SchedulerScheduleTarget{
			Arn: functionArn, RoleArn: role.Arn,
			RetryPolicy: &schedulerschedule.SchedulerScheduleTargetRetryPolicy{MaximumRetryAttempts: jsii.Number(2), MaximumEventAgeInSeconds: jsii.Number(3600)},
		},
	})
	return nil
}

type digest struct{ hex, base64 string }

var (
	bundles   = map[string]*bundled{}
	bundlesMu sync.Mutex
)

type bundled struct {
	done chan struct{} // closed when zip, hash and err are set
	zip  string
	hash digest
	err  error
}

// Prepare starts building the packages in the background, so the build (or the check that
// nothing changed, two go commands) runs while the jsii runtime is still loading the
// provider bindings; New then takes the result. Calling it is optional.
func Prepare(pkgs ...string) {
	for _, pkg := range pkgs {
		start(pkg)
	}
}

// start begins the bundle of a package once per process (every stack shares the zip).
func start(pkg string) *bundled {
	bundlesMu.Lock()
	defer bundlesMu.Unlock()
	if b, ok := bundles[pkg]; ok {
		return b
	}
	b := &bundled{done: make(chan struct{})}
	bundles[pkg] = b
	go func() {
		defer close(b.done)
		b.zip, b.hash, b.err = bundleNow(pkg)
	}()
	return b
}

// bundle waits for the package's zip, started by Prepare or now.
func bundle(pkg string) (string, digest, error) {
	b := start(pkg)
	<-b.done
	return b.zip, b.hash, b.err
}

// bundleNow builds a package into .build/<package>.zip under the module root, and not at
// all when nothing it is built from has changed since the last synth (build.Cached); the
// build is reproducible, so the hash, and with it `cdktf diff`, only changes when the code
// does.
func bundleNow(pkg string) (string, digest, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", digest{}, err
	}
	zip := filepath.Join(root, ".build", filepath.Base(pkg)+".zip")
	sum, _, err := build.Cached(root, pkg, zip, Architecture)
	if err != nil {
		return zip, digest{}, err
	}
	hash, err := digestOf(sum)
	return zip, hash, err
}

// digestOf gives a zip's hex SHA-256 (as build.Cached returns it) both ways Terraform wants it.
func digestOf(sha256hex string) (digest, error) {
	raw, err := hex.DecodeString(sha256hex)
	if err != nil {
		return digest{}, fmt.Errorf("zip hash %q: %w", sha256hex, err)
	}
	return digest{hex: sha256hex, base64: base64.StdEncoding.EncodeToString(raw)}, nil
}

// moduleRoot is the directory of go.mod above the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory: run synth from the repository")
		}
		dir = parent
	}
}
