package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/smile/infra/config"
	"github.com/smile/infra/stacks"
)

// emulatorTestEndpoint is only written into the emulator variant's JSON; nothing listens.
const emulatorTestEndpoint = "http://127.0.0.1:4566"

// The emulator variant's local Kubernetes API servers, as scripts/emulator-deploy
// describes them in SMILE_EMULATOR_KUBE_DIR; nothing listens either.
const (
	emulatorKubeToken = "emulator-test-token"
	emulatorKubeCA    = "-----BEGIN CERTIFICATE-----\nMIIBemulator\n-----END CERTIFICATE-----"
)

// writeEmulatorKubeDir describes a fake API server per cluster under dir.
func writeEmulatorKubeDir(dir string) error {
	for i, cluster := range []string{"app", "data"} {
		files := map[string]string{"host": fmt.Sprintf("https://127.0.0.1:%d", 16443+i), "token": emulatorKubeToken, "ca.crt": emulatorKubeCA}
		if err := os.MkdirAll(filepath.Join(dir, cluster), 0o755); err != nil {
			return err
		}
		for name, content := range files {
			if err := os.WriteFile(filepath.Join(dir, cluster, name), []byte(content+"\n"), 0o600); err != nil {
				return err
			}
		}
	}
	return nil
}

// synthesized is one synthesized stack: the raw file and its decoded form.
type synthesized struct {
	name string
	raw  []byte
	doc  map[string]any
}

var (
	synthOnce sync.Once
	synthErr  error
	// real holds smile-dev, smile-staging, smile-prod as a real deployment synthesizes them;
	// variants holds smile-dev for the emulator, and smile-prod with remote state, an
	// existing hosted zone and a canary.
	real     map[string]*synthesized
	variants map[string]*synthesized
	// canary is smile-dev with a 90/10 split and nothing else changed (EDGE-4).
	canary *synthesized
	// bootstrap is smile-bootstrap (CICD-3).
	bootstrap *synthesized
)

// The smile-prod variant: remote state, an existing hosted zone, an account baseline owned
// by another stack, a 90/10 canary, a public cluster endpoint for one network, two more
// cluster admins, one more on-call role and a bastion key pair.
const (
	stateBucketForTest  = "smile-terraform-state"
	variantHostedZoneID = "Z0123456789ABCDEFGHIJ"
	variantSSHPublicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIowacH1dbAeUxS1nUEieIdVexw1KhLEPQFMglaJZ96R ops@smile.test"
)

var (
	variantOnCallRoleArns      = []string{"arn:aws:iam::123456789012:role/smile-oncall"}
	variantPublicEndpointCidrs = []string{"203.0.113.0/24"}
	variantAdminRoleArns       = []string{
		"arn:aws:iam::123456789012:role/smile-ci-deploy",
		"arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/ap-southeast-3/AWSReservedSSO_Admin_0123456789abcdef",
	}
)

// synthAll synthesizes every environment once per test binary, through the same
// stacks.New that main.go uses; every test shares the result.
func synthAll(t testing.TB) {
	t.Helper()
	synthOnce.Do(func() {
		if err := useRepositoryTools(); err != nil {
			synthErr = err
			return
		}
		dir, err := os.MkdirTemp("", "smile-synth-")
		if err != nil {
			synthErr = err
			return
		}
		fullSynthDirs = append(fullSynthDirs, dir)
		var envs []config.Environment
		for _, name := range config.Names() {
			env, _ := config.Lookup(name)
			envs = append(envs, env)
		}
		real, synthErr = synthApp(filepath.Join(dir, "real"), envs)
		if synthErr != nil {
			return
		}
		dev, prod := config.Dev(), config.Prod()
		dev.Deployment.EmulatorEndpoint = emulatorTestEndpoint
		dev.Deployment.EmulatorKubeDir = filepath.Join(dir, "kube")
		if synthErr = writeEmulatorKubeDir(dev.Deployment.EmulatorKubeDir); synthErr != nil {
			return
		}
		prod.Deployment.StateBucket = stateBucketForTest
		prod.Edge.HostedZoneID = variantHostedZoneID
		prod.Security.OwnsAccountBaseline = false
		prod.Edge.Traffic.BlueWeight, prod.Edge.Traffic.GreenWeight = 90, 10
		prod.Compute.PublicEndpointCidrs = variantPublicEndpointCidrs
		prod.Compute.AdminRoleArns = variantAdminRoleArns
		prod.Compute.Bastion.SSHPublicKey = variantSSHPublicKey
		prod.Kubernetes.OnCallRoleArns = variantOnCallRoleArns
		variants, synthErr = synthApp(filepath.Join(dir, "variants"), []config.Environment{dev, prod})
		if synthErr != nil {
			return
		}
		shifted := config.Dev()
		shifted.Edge.Traffic.BlueWeight, shifted.Edge.Traffic.GreenWeight = 90, 10
		var out map[string]*synthesized
		out, synthErr = synthApp(filepath.Join(dir, "canary"), []config.Environment{shifted})
		canary = out[shifted.StackName()]
		helperVerdicts = askCdktfHelpers(real)
		if bootstrap, synthErr = synthBootstrap(filepath.Join(dir, "bootstrap")); synthErr != nil {
			return
		}
		// Every synthesis is on disk and decoded: stop the jsii runtime (a Node process
		// holding the AWS, kubernetes and helm bindings, ~1 GiB) before the tests run
		// terraform validate and tfsec, or the suite peaks above its 2 GiB budget. No test
		// calls into jsii after this.
		jsii.Close()
	})
	if synthErr != nil {
		t.Fatalf("synth: %v", synthErr)
	}
}

// synthReal returns the real stacks by name.
func synthReal(t testing.TB) map[string]*synthesized {
	t.Helper()
	synthAll(t)
	return real
}

// synthCanary returns smile-dev after a traffic shift.
func synthCanary(t testing.TB) *synthesized {
	t.Helper()
	synthAll(t)
	return canary
}

// fullSynth writes one stack with cdktf's Testing_FullSynth and reads it back.
func fullSynth(stack cdktf.TerraformStack, name string) (*synthesized, error) {
	dir := *cdktf.Testing_FullSynth(stack)
	fullSynthDirs = append(fullSynthDirs, dir)
	raw, err := os.ReadFile(filepath.Join(dir, "stacks", name, "cdk.tf.json"))
	if err != nil {
		return nil, err
	}
	s := &synthesized{name: name, raw: raw}
	return s, json.Unmarshal(raw, &s.doc)
}

// synthBootstrap synthesizes smile-bootstrap with the default bootstrap config.
func synthBootstrap(outdir string) (*synthesized, error) {
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(outdir)})
	b := config.DefaultBootstrap()
	stack, err := stacks.NewBootstrap(app, b, config.Deployment{})
	if err != nil {
		return nil, err
	}
	return fullSynth(stack, b.StackName())
}

// synthBootstrapStack returns smile-bootstrap.
func synthBootstrapStack(t testing.TB) *synthesized {
	t.Helper()
	synthAll(t)
	return bootstrap
}

// synthVariants returns smile-dev for the emulator, and the smile-prod variant.
func synthVariants(t testing.TB) map[string]*synthesized {
	t.Helper()
	synthAll(t)
	return variants
}

// helperVerdict is one answer of cdktf's Testing_ToHaveResourceWithProperties, asked while
// the jsii runtime is up (it is a jsii call), and the answer the question expects.
type helperVerdict struct {
	question  string
	got, want bool
}

var helperVerdicts []helperVerdict

// fullSynthDirs are the directories the synthesis made (the app's and Testing_FullSynth's);
// TestMain removes them.
var fullSynthDirs []string

func TestMain(m *testing.M) {
	code := m.Run()
	for _, dir := range fullSynthDirs {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// The card's "snapshot-tested with cdktf's testing helpers": the snapshots and every
// assertion read what Testing_FullSynth wrote (synthApp), and cdktf's own matcher agrees
// with the tests' reading of it. Testing_ToBeValidTerraform is not used: it runs
// terraform init and validate once per stack, which TestTerraformValidate already does
// for each environment's JSON and HCL together in one run (the suite's time budget);
// Testing_SynthScope panics from Go.
func TestCdktfTestingHelpers(t *testing.T) {
	synthAll(t)
	if len(helperVerdicts) == 0 {
		t.Fatal("cdktf's matcher was never asked")
	}
	for _, v := range helperVerdicts {
		if v.got != v.want {
			t.Errorf("Testing_ToHaveResourceWithProperties: %s = %v, want %v", v.question, v.got, v.want)
		}
	}
}

// askCdktfHelpers asks cdktf's own matcher about each real stack: a few facts that must
// hold, and one that must not (so the matcher is seen to say no).
func askCdktfHelpers(stacksByName map[string]*synthesized) []helperVerdict {
	var out []helperVerdict
	ask := func(s *synthesized, typ string, props map[string]any, want bool) {
		got := cdktf.Testing_ToHaveResourceWithProperties(jsii.String(string(s.raw)), jsii.String(typ), &props)
		out = append(out, helperVerdict{question: fmt.Sprintf("%s has a %s with %v", s.name, typ, props), got: *got, want: want})
	}
	for _, name := range stackNames() {
		s, env := stacksByName[name], envOf(name)
		ask(s, "aws_eks_cluster", map[string]any{"name": env.Prefix() + "-app", "version": env.Compute.KubernetesVersion}, true)
		ask(s, "kubernetes_namespace_v1", map[string]any{"metadata": map[string]any{"name": env.Prefix()}}, true)
		ask(s, "kubernetes_resource_quota_v1", map[string]any{"spec": map[string]any{"hard": map[string]any{"pods": fmt.Sprint(env.Kubernetes.Data.Pods)}}}, true)
		ask(s, "aws_eks_cluster", map[string]any{"name": env.Prefix() + "-app", "version": "1.24"}, false)
	}
	return out
}

// synthApp synthesizes each environment's stack with cdktf's own testing helper,
// Testing_FullSynth (stack JSON and assets, as `cdktf synth` writes them), and reads it.
// outdir is kept for the app's own files; each stack lands in a directory of its own.
func synthApp(outdir string, envs []config.Environment) (map[string]*synthesized, error) {
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(outdir)})
	built := map[string]cdktf.TerraformStack{}
	for _, env := range envs {
		if err := env.Validate(); err != nil {
			return nil, err
		}
		stack, err := stacks.New(app, env)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", env.StackName(), err)
		}
		built[env.StackName()] = stack
	}
	out := map[string]*synthesized{}
	for _, env := range envs {
		s, err := fullSynth(built[env.StackName()], env.StackName())
		if err != nil {
			return nil, err
		}
		out[env.StackName()] = s
	}
	return out, nil
}

// useRepositoryTools points Terraform at the CLI config scripts/setup wrote. (Node comes
// from PATH as the test binary found it: the jsii runtime resolves `node` before any test
// runs, which is why the README's test command sources scripts/env.sh.)
func useRepositoryTools() error {
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	rc := filepath.Join(root, ".tools", "terraform.rc")
	if _, err := os.Stat(rc); err != nil {
		return fmt.Errorf("%s is missing: run scripts/setup (or make setup) before go test", rc)
	}
	os.Setenv("TF_CLI_CONFIG_FILE", rc)
	os.Setenv("CHECKPOINT_DISABLE", "1")
	return nil
}

// resource is one Terraform resource of a synthesized stack.
type resource struct {
	Type, Name string
	Attrs      map[string]any
}

// address is the resource's Terraform address, as depends_on lists it.
func (r resource) address() string { return r.Type + "." + r.Name }

// Ref is how other resources refer to this one's attribute.
func (r resource) Ref(attr string) string { return fmt.Sprintf("${%s.%s.%s}", r.Type, r.Name, attr) }

func (r resource) str(attr string) string {
	s, _ := r.Attrs[attr].(string)
	return s
}

func (r resource) num(attr string) int {
	f, _ := r.Attrs[attr].(float64)
	return int(f)
}

func (r resource) boolean(attr string) bool {
	b, _ := r.Attrs[attr].(bool)
	return b
}

func (r resource) strs(attr string) []string {
	list, _ := r.Attrs[attr].([]any)
	out := make([]string, 0, len(list))
	for _, v := range list {
		s, _ := v.(string)
		out = append(out, s)
	}
	return out
}

func (r resource) tag(key string) string {
	tags, _ := r.Attrs["tags"].(map[string]any)
	s, _ := tags[key].(string)
	return s
}

// resources returns every resource of a type (or data source, with kind "data"), sorted by name.
func (s *synthesized) block(kind, typ string) []resource {
	byName, _ := s.doc[kind].(map[string]any)[typ].(map[string]any)
	var out []resource
	for name, v := range byName {
		out = append(out, resource{Type: typ, Name: name, Attrs: v.(map[string]any)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (s *synthesized) resources(typ string) []resource { return s.block("resource", typ) }

// single returns the one resource of a type, failing the test unless there is exactly one.
func (s *synthesized) single(t *testing.T, typ string) resource {
	t.Helper()
	all := s.resources(typ)
	if len(all) != 1 {
		t.Fatalf("%s: %d %s resources, want 1", s.name, len(all), typ)
	}
	return all[0]
}

// one returns the single resource of a type whose tag Name or name attribute is name.
func (s *synthesized) one(t *testing.T, typ, name string) resource {
	t.Helper()
	for _, r := range s.resources(typ) {
		if r.tag("Name") == name || r.str("name") == name {
			return r
		}
	}
	t.Fatalf("%s: no %s named %q", s.name, typ, name)
	return resource{}
}

// byRef finds the resource a "${type.name.attr}" reference points at.
func (s *synthesized) byRef(t *testing.T, ref string) resource {
	t.Helper()
	m := refPattern.FindStringSubmatch(ref)
	if m == nil {
		t.Fatalf("%s: %q is not a resource reference", s.name, ref)
	}
	for _, r := range s.resources(m[1]) {
		if r.Name == m[2] {
			return r
		}
	}
	t.Fatalf("%s: reference %q points at nothing", s.name, ref)
	return resource{}
}

var refPattern = regexp.MustCompile(`^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[a-z_]+\}$`)

// resourceTypes lists the resource types of the stack.
func (s *synthesized) resourceTypes() []string {
	var out []string
	for typ := range s.doc["resource"].(map[string]any) {
		out = append(out, typ)
	}
	sort.Strings(out)
	return out
}

// stackNames returns the synthesized real stacks in deployment order.
func stackNames() []string {
	var out []string
	for _, n := range config.Names() {
		out = append(out, "smile-"+n)
	}
	return out
}

func envOf(stack string) config.Environment {
	env, err := config.Lookup(strings.TrimPrefix(stack, "smile-"))
	if err != nil {
		panic(err)
	}
	return env
}
