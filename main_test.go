package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/smile/infra/constructs/bastion"
	"github.com/smile/infra/hclexport"
	"github.com/smile/infra/internal/golden"
	"github.com/smile/infra/stacks"
)

// ENV-1: every environment synthesizes from the same code and matches its reviewed
// snapshot. A change to the infrastructure shows up in a pull request as a diff of
// testdata/<stack>.tf.json; refresh with `go test . -run TestSnapshots -update`.
func TestSnapshots(t *testing.T) {
	stacksByName := maps.Clone(synthReal(t))
	stacksByName["smile-bootstrap"] = synthBootstrapStack(t)
	for _, name := range append(stackNames(), "smile-bootstrap") {
		t.Run(name, func(t *testing.T) {
			golden.Check(t, filepath.Join("testdata", name+".tf.json"), pretty(t, stacksByName[name].raw))
		})
	}
}

// CICD-1: every synthesized stack, and the prod variant, passes `terraform validate`
// offline against the provider versions the constraints select.
func TestTerraformValidate(t *testing.T) {
	v := validateAll(t)
	for _, label := range v.jsonModules {
		t.Run(label, func(t *testing.T) { v.report(t, label) })
	}
}

// The exit from archived cdktf: every environment rendered as plain HCL (hclexport, with
// the providers' schemas) passes `terraform validate` too, so the stacks can leave cdktf
// for hand-kept Terraform at any time (docs/leaving-cdktf.md).
func TestExitToHCLValidates(t *testing.T) {
	v := validateAll(t)
	for _, label := range v.hclModules {
		t.Run(label, func(t *testing.T) {
			v.report(t, label)
			if v.hclSizes[label] == 0 {
				t.Fatalf("%s: nothing rendered", label)
			}
		})
	}
}

// validation is `terraform validate` of every synthesized stack (JSON, as deployed) and
// of its HCL rendering, together: one directory per environment holds the JSON stack as
// the root module, with its provider blocks rendered as HCL (providers.tf), and the HCL
// rendering of its resources as a child module that the root passes those providers to.
// The five directories are modules of one configuration, validated by one terraform
// validate (one init, the providers' schemas decoded once), against one process of each
// provider (sharedProviders): 45 s became ~10 s, and the suite's peak memory fell. A
// shared plugin cache links the providers instead of copying them into every directory.
type validation struct {
	jsonModules, hclModules []string
	hclSizes                map[string]int
	diagnostics             map[string][]string
}

var (
	validateOnce sync.Once
	validated    *validation
	validateErr  error
)

func validateAll(t *testing.T) *validation {
	t.Helper()
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Fatal("terraform is not on PATH: install Terraform 1.11+ (scripts/setup checks for it)")
	}
	stacksByName, variants := synthReal(t), synthVariants(t)
	bootstrapStack := synthBootstrapStack(t)
	validateOnce.Do(func() { validated, validateErr = runValidation(stacksByName, variants, bootstrapStack) })
	if validateErr != nil {
		t.Fatal(validateErr)
	}
	return validated
}

func runValidation(stacksByName, variants map[string]*synthesized, bootstrapStack *synthesized) (*validation, error) {
	root, err := os.MkdirTemp("", "smile-validate-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(root)
	cache := filepath.Join(root, ".plugin-cache")
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return nil, err
	}
	v := &validation{hclSizes: map[string]int{}, diagnostics: map[string][]string{}}
	var providers *sharedProviders
	run := func(dir string, args ...string) ([]byte, error) {
		cmd := exec.Command("terraform", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "TF_PLUGIN_CACHE_DIR="+cache)
		if providers != nil && args[0] != "init" {
			cmd.Env = append(cmd.Env, providers.env())
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil && args[0] != "validate" {
			return nil, fmt.Errorf("terraform %s in %s: %v\n%s%s", strings.Join(args, " "), dir, err, out, stderr.String())
		}
		return out, nil
	}
	write := func(dir, file string, content []byte) error {
		path := filepath.Join(root, dir, file)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		return os.WriteFile(path, content, 0o644)
	}
	// The JSON is validated as synthesized, except the backend (validation ignores state).
	jsonFile := func(doc map[string]any, withProviders bool) ([]byte, error) {
		doc = deepCopyDoc(doc)
		delete(doc["terraform"].(map[string]any), "backend")
		if !withProviders {
			delete(doc, "provider")
		}
		return json.Marshal(doc)
	}

	// The HCL renderings need the providers' schemas: read them where the prod variant is
	// validated (its JSON alone), then validate it.
	variant := "smile-prod-variant"
	raw, err := jsonFile(variants["smile-prod"].doc, true)
	if err != nil {
		return nil, err
	}
	if err := write(variant, "cdk.tf.json", raw); err != nil {
		return nil, err
	}
	if _, err := run(filepath.Join(root, variant), "init", "-backend=false", "-input=false", "-no-color"); err != nil {
		return nil, err
	}
	// From here on every terraform command shares one process of each provider.
	if providers, err = startSharedProviders(cache); err != nil {
		return nil, err
	}
	defer providers.stop()
	out, err := providerSchemas(filepath.Join(root, variant), run)
	if err != nil {
		return nil, err
	}
	schemas, err := hclexport.LoadSchemas(bytes.NewReader(out))
	if err != nil {
		return nil, err
	}
	renderer := hclexport.Renderer{Schemas: schemas}
	dirs := []string{variant}
	v.jsonModules = append(v.jsonModules, variant)
	raw, err = jsonFile(bootstrapStack.doc, true)
	if err != nil {
		return nil, err
	}
	if err := write(bootstrapStack.name, "cdk.tf.json", raw); err != nil {
		return nil, err
	}
	dirs = append(dirs, bootstrapStack.name)
	v.jsonModules = append(v.jsonModules, bootstrapStack.name)
	for _, name := range stackNames() {
		doc := stacksByName[name].doc
		raw, err := jsonFile(doc, false)
		if err != nil {
			return nil, err
		}
		module, err := renderer.Module(doc)
		if err != nil {
			return nil, err
		}
		var pass []string
		configurations := hclexport.Configurations(doc)
		for _, p := range slices.Sorted(maps.Keys(configurations)) {
			for _, address := range configurations[p] {
				pass = append(pass, address+" = "+address)
			}
		}
		call := fmt.Sprintf("module \"hcl\" {\n  source = \"./hcl\"\n  providers = {\n    %s\n  }\n}\n", strings.Join(pass, "\n    "))
		for file, content := range map[string][]byte{"cdk.tf.json": raw, "providers.tf": renderer.Providers(doc), "module.tf": []byte(call), "hcl/main.tf": module} {
			if err := write(name, file, content); err != nil {
				return nil, err
			}
		}
		dirs = append(dirs, name)
		v.jsonModules = append(v.jsonModules, name)
		v.hclModules = append(v.hclModules, name+"-hcl")
		v.hclSizes[name+"-hcl"] = len(module) + len(renderer.Providers(doc))
	}

	// One configuration holds them all, each stack a module of its own with its own
	// provider blocks: one init, one validate, the schemas decoded once.
	modules := map[string]any{}
	for _, dir := range dirs {
		modules[dir] = map[string]string{"source": "./" + dir}
	}
	all, err := json.Marshal(map[string]any{"module": modules})
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(root, "stacks.tf.json"), all, 0o644); err != nil {
		return nil, err
	}
	// labelOf names the stack, or its HCL rendering, that a file of the configuration
	// belongs to: <dir>/cdk.tf.json is the stack as synthesized, the rest of an
	// environment's directory (providers.tf, hcl/) its rendering.
	labelOf := func(file string) string {
		dir, rest, _ := strings.Cut(filepath.ToSlash(file), "/")
		if rest == "cdk.tf.json" || dir == variant || dir == bootstrapStack.name {
			return dir
		}
		return dir + "-hcl"
	}
	if _, err := run(root, "init", "-backend=false", "-input=false", "-no-color"); err != nil {
		// init already parses the configuration: report its errors like validate's, with
		// the stack whose file they name.
		labelled := false
		for _, dir := range dirs {
			for _, file := range []string{dir + "/cdk.tf.json", dir + "/providers.tf", dir + "/module.tf", dir + "/hcl/main.tf"} {
				if strings.Contains(err.Error(), file) {
					v.diagnostics[labelOf(file)] = append(v.diagnostics[labelOf(file)], err.Error())
					labelled = true
				}
			}
		}
		if !labelled {
			return nil, err
		}
		return v, nil
	}
	out, _ = run(root, "validate", "-json", "-no-color")
	var result struct {
		Valid       bool `json:"valid"`
		Diagnostics []struct {
			Severity, Summary, Detail string
			Range                     struct {
				Filename string `json:"filename"`
				Start    struct{ Line int }
			} `json:"range"`
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal(out, &result); err != nil {
		return nil, fmt.Errorf("terraform validate printed no JSON: %v\n%s", err, out)
	}
	known := append(slices.Clone(v.jsonModules), v.hclModules...)
	for _, d := range result.Diagnostics {
		label := labelOf(d.Range.Filename)
		if !slices.Contains(known, label) {
			return nil, fmt.Errorf("terraform validate: %s: %s: %s (in %q, which belongs to no stack)", d.Severity, d.Summary, d.Detail, d.Range.Filename)
		}
		v.diagnostics[label] = append(v.diagnostics[label], fmt.Sprintf("%s: %s: %s (%s:%d)", d.Severity, d.Summary, d.Detail, d.Range.Filename, d.Range.Start.Line))
	}
	if !result.Valid && len(result.Diagnostics) == 0 {
		return nil, fmt.Errorf("terraform validate: the configuration is invalid, and it names no diagnostic")
	}
	return v, nil
}

// report fails the test for each diagnostic of one stack's validation.
func (v *validation) report(t *testing.T, label string) {
	t.Helper()
	for _, d := range v.diagnostics[label] {
		t.Error(d)
	}
}

// deepCopyDoc copies a decoded document, so a test may change it.
func deepCopyDoc(doc map[string]any) map[string]any {
	raw, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		panic(err)
	}
	return out
}

func terraform(t *testing.T, dir string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("terraform", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil && args[0] != "validate" {
		t.Fatalf("terraform %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr.String())
	}
	return out
}

// RES-1, RES-2, ENV-2: the AWS provider in Jakarta, and the us-east-1 alias for CloudFront's
// certificate and web ACL (useast1_test.go checks what uses it); both tag everything once
// through default_tags.
func TestProviderRegionAndDefaultTags(t *testing.T) {
	stacksByName := synthReal(t)
	for _, name := range stackNames() {
		env := envOf(name)
		s := stacksByName[name]
		providers := s.doc["provider"].(map[string]any)["aws"].([]any)
		regions := map[string]string{}
		for _, raw := range providers {
			p := raw.(map[string]any)
			alias, _ := p["alias"].(string)
			regions[alias], _ = p["region"].(string)
			tags := p["default_tags"].([]any)[0].(map[string]any)["tags"].(map[string]any)
			want := map[string]any{"Project": "smile", "Environment": env.Name, "ManagedBy": "cdktf"}
			if !reflect.DeepEqual(tags, want) {
				t.Errorf("%s: provider %q default tags %v, want %v", name, alias, tags, want)
			}
		}
		if want := map[string]string{"": "ap-southeast-3", stacks.GlobalProviderAlias: "us-east-1"}; !reflect.DeepEqual(regions, want) {
			t.Errorf("%s: providers by alias and region %v, want %v", name, regions, want)
		}
		// Every name the stack gives carries the environment: smile5-<env>-..., also inside
		// log-group paths and KMS aliases. Where AWS dictates a path (/aws/eks/<cluster>/cluster,
		// /aws/rds/instance/<id>/error, /aws/lambda/<function>), it is the resource's own
		// segment that carries it; WAF logs go only to groups named aws-waf-logs-<name>.
		// The exceptions: the account's Session Manager preferences document, whose name
		// AWS fixes, and DNS names, which are the public names of Edge.Domain.
		prefix := "smile5-" + env.Name + "-"
		for _, typ := range s.resourceTypes() {
			// DNS names are Edge.Domain's; GuardDuty features have the names AWS gives them;
			// a Helm release is named inside its cluster, whose name carries the environment.
			if strings.HasPrefix(typ, "aws_route53_") || typ == "aws_guardduty_detector_feature" || typ == "helm_release" {
				continue
			}
			for _, r := range s.resources(typ) {
				for _, n := range []string{r.tag("Name"), r.str("name")} {
					// API Gateway's default stage; references to a named resource.
					if n == "" || n == bastion.SessionPreferencesDocument || n == "$default" || strings.HasPrefix(n, "${") {
						continue
					}
					path := strings.TrimPrefix(n, "alias/")
					if dictated := regexp.MustCompile(`^(/aws/(eks|rds/instance|lambda|codebuild)/|aws-waf-logs-)`); dictated.MatchString(path) {
						path = dictated.ReplaceAllString(path, "")
					}
					path = strings.TrimPrefix(path, "/")
					// SEC-4 names parameters /smile5/<env>/...
					if !strings.HasPrefix(path, prefix) && !strings.HasPrefix(path, strings.TrimSuffix(prefix, "-")+"/") && !strings.HasPrefix(path, "smile5/"+env.Name+"/") {
						t.Errorf("%s: %s.%s is named %q, not %s...", name, typ, r.Name, n, prefix)
					}
				}
			}
		}
		required := s.doc["terraform"].(map[string]any)["required_providers"].(map[string]any)["aws"].(map[string]any)
		if required["version"] != stacks.AwsProviderConstraint {
			t.Errorf("%s: aws provider constraint %v, want %s", name, required["version"], stacks.AwsProviderConstraint)
		}
	}
}

// CICD-3: remote state in an encrypted S3 bucket with S3-native locking, when configured.
func TestRemoteStateBackend(t *testing.T) {
	stacksByName := synthReal(t)
	backend := stacksByName["smile-prod"].doc["terraform"].(map[string]any)["backend"].(map[string]any)
	local, ok := backend["local"].(map[string]any)
	if !ok || local["path"] != "../../../.state/smile-prod.tfstate" {
		t.Errorf("without SMILE_STATE_BUCKET the backend should be local under .state/, got %v", backend)
	}
	doc := synthVariants(t)["smile-prod"].doc
	s3 := doc["terraform"].(map[string]any)["backend"].(map[string]any)["s3"]
	want := map[string]any{
		"bucket": stateBucketForTest, "key": "smile/smile-prod/terraform.tfstate",
		"region": "ap-southeast-3", "encrypt": true, "use_lockfile": true,
	}
	if !reflect.DeepEqual(s3, want) {
		t.Errorf("s3 backend = %v, want %v", s3, want)
	}
}

// ENV-3: a bad environment name or value stops synth with one message naming the problem
// and the fix: exit status 1, no panic, no jsii trace, nothing written.
func TestBadConfigStopsSynth(t *testing.T) {
	cases := []struct {
		name string
		env  []string
		want []string
	}{
		{"unknown environment", []string{"SMILE_ENVIRONMENTS=qa"},
			[]string{`unknown environment "qa"`, "dev, staging, prod"}},
		{"emulator endpoint off the machine", []string{"SMILE_ENVIRONMENTS=dev", "SMILE_EMULATOR_ENDPOINT=http://10.0.0.5:4566"},
			[]string{"Deployment.EmulatorEndpoint", "http://127.0.0.1:PORT"}},
		{"emulator endpoint not answering", []string{"SMILE_ENVIRONMENTS=dev", "SMILE_EMULATOR_ENDPOINT=http://127.0.0.1:" + closedPort(t), "SMILE_EMULATOR_KUBE_DIR=/nonexistent"},
			[]string{"nothing answers at SMILE_EMULATOR_ENDPOINT=http://127.0.0.1:", "start moto_server there"}},
		{"state bucket that is not a bucket name", []string{"SMILE_STATE_BUCKET=Not_A_Bucket"},
			[]string{"Deployment.StateBucket", `"Not_A_Bucket" is not a valid S3 bucket name`}},
		{"every problem at once", []string{"SMILE_ENVIRONMENTS=dev,qa", "SMILE_STATE_BUCKET=x"},
			[]string{`unknown environment "qa"`, `environment "dev" has an invalid configuration`, "Deployment.StateBucket"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			out, err := runBinary(t, dir, tc.env...)
			exit, ok := err.(*exec.ExitError)
			if !ok || exit.ExitCode() != 1 {
				t.Fatalf("want exit status 1, got %v\n%s", err, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, bad := range []string{"panic", "goroutine", "jsii", "node:"} {
				if strings.Contains(string(out), bad) {
					t.Errorf("output contains %q: a config error must be one clear message:\n%s", bad, out)
				}
			}
			if entries, _ := os.ReadDir(dir); len(entries) > 0 {
				t.Errorf("a failed synth wrote %d entries into the working directory", len(entries))
			}
		})
	}
}

var binaryPath string

// closedPort is a loopback port nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return strconv.Itoa(port)
}

// runBinary builds the app once and runs it in dir with the given SMILE_* variables.
func runBinary(t *testing.T, dir string, env ...string) ([]byte, error) {
	t.Helper()
	if binaryPath == "" {
		bin := filepath.Join(os.TempDir(), "smile-infra-test")
		if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		binaryPath = bin
	}
	if err := useRepositoryTools(); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binaryPath)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SMILE_") && !strings.HasPrefix(kv, "CDKTF_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	cmd.Env = append(cmd.Env, "CDKTF_OUTDIR="+filepath.Join(dir, "cdktf.out"))
	return cmd.CombinedOutput()
}

// The emulator adjustments of stacks/emulator.go are the only difference between an
// emulator synth and a real one, apart from the provider's endpoints and credentials; and
// a real synth carries none of them.
func TestEmulatorAdjustmentsStayInEmulatorMode(t *testing.T) {
	stacksByName, emulated := synthReal(t), synthVariants(t)["smile-dev"]
	real := stacksByName["smile-dev"]

	realProvider := real.doc["provider"].(map[string]any)["aws"].([]any)[0].(map[string]any)
	for _, key := range []string{"endpoints", "access_key", "secret_key", "skip_credentials_validation", "max_retries", "s3_use_path_style"} {
		if _, ok := realProvider[key]; ok {
			t.Errorf("real smile-dev provider has emulator setting %q", key)
		}
	}
	emuProvider := emulated.doc["provider"].(map[string]any)["aws"].([]any)[0].(map[string]any)
	endpoints := emuProvider["endpoints"].([]any)[0].(map[string]any)
	// Every service a deployed resource calls must be pointed at the emulator, or the
	// provider calls real AWS with dummy credentials (it happened: CodeBuild).
	services := map[string]bool{"sts": true}
	for _, typ := range emulated.resourceTypes() {
		deployed := false
		for _, r := range emulated.resources(typ) {
			deployed = deployed || r.Attrs["count"] != float64(0)
		}
		if !strings.HasPrefix(typ, "aws_") || !deployed {
			continue
		}
		svc := serviceOf(typ)
		if svc == "" {
			t.Errorf("%s: which AWS service does it call? Add its prefix to serviceOf and the service to stacks/provider.go's emulatorServices", typ)
		}
		services[svc] = true
	}
	for svc := range services {
		if svc != "" && endpoints[svc] != emulatorTestEndpoint {
			t.Errorf("emulator provider sends %s to %v, want %s: add it to stacks/provider.go's emulatorServices", svc, endpoints[svc], emulatorTestEndpoint)
		}
	}
	if emuProvider["max_retries"] != float64(2) {
		t.Errorf("emulator max_retries = %v, want 2 (moto answers unimplemented calls with 500)", emuProvider["max_retries"])
	}

	for _, typ := range emulated.resourceTypes() {
		for _, r := range emulated.resources(typ) {
			for _, e := range stacks.EmulatorExceptions {
				if e.ResourceType != typ {
					continue
				}
				if e.Skip && r.Attrs["count"] != float64(0) {
					t.Errorf("emulator %s.%s should be skipped (count 0): %s", typ, r.Name, e.Reason)
				}
				if ignored := e.Ignored(false); len(ignored) > 0 {
					// The exception's attributes come after those the construct ignores itself.
					lc, _ := r.Attrs["lifecycle"].(map[string]any)
					got := toStrings(lc["ignore_changes"])
					if len(got) < len(ignored) || !reflect.DeepEqual(got[len(got)-len(ignored):], ignored) {
						t.Errorf("emulator %s.%s ignore_changes = %v, want it to end with %v", typ, r.Name, got, ignored)
					}
				}
			}
		}
	}

	// Terraform rejects any attribute reference to a count = 0 resource without an index
	// ("Missing resource instance key"), even from another skipped resource: whatever
	// names a skipped resource needs an override too (the drills found the anomaly
	// subscription's monitor list).
	rendered, err := json.Marshal(emulated.doc["resource"])
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range emulated.resourceTypes() {
		for _, r := range emulated.resources(typ) {
			if r.Attrs["count"] != float64(0) {
				continue
			}
			if ref := typ + "." + r.Name + "."; strings.Contains(string(rendered), ref) {
				t.Errorf("emulator: %s is skipped (count 0) but still referenced as %s…: Terraform fails with \"Missing resource instance key\"; give the referring attribute an override in stacks/emulator.go", typ+"."+r.Name, ref)
			}
		}
	}

	strip := func(doc map[string]any, adjusted bool) map[string]any {
		out := deepCopyDoc(doc)
		// The provider differs by design (checked above); the stack metadata lists the
		// overrides the adjustments made.
		delete(out, "provider")
		delete(out, "//")
		for typ, byName := range out["resource"].(map[string]any) {
			for _, e := range stacks.EmulatorExceptions {
				if e.ResourceType != typ {
					continue
				}
				for _, v := range byName.(map[string]any) {
					attrs := v.(map[string]any)
					for attr := range e.Overrides {
						deletePath(attrs, strings.Split(attr, "."))
					}
					if !adjusted {
						continue
					}
					if e.Skip {
						delete(attrs, "count")
					}
					if lc, ok := attrs["lifecycle"].(map[string]any); ok && len(e.Ignored(false)) > 0 {
						list := lc["ignore_changes"].([]any)
						if kept := list[:len(list)-len(e.Ignored(false))]; len(kept) > 0 {
							lc["ignore_changes"] = kept
						} else {
							delete(lc, "ignore_changes")
						}
						if len(lc) == 0 {
							delete(attrs, "lifecycle")
						}
					}
				}
			}
		}
		return out
	}
	if a, b := strip(emulated.doc, true), strip(real.doc, false); !reflect.DeepEqual(a, b) {
		t.Errorf("the emulator synth differs from the real one beyond the listed adjustments:\n%s",
			golden.FirstDifference(string(prettyValue(t, b)), string(prettyValue(t, a))))
	}
}

// deletePath removes the value at an override path such as
// "ordered_cache_behavior.0.response_headers_policy_id" (maps by key, lists by index).
func deletePath(v any, path []string) {
	switch node := v.(type) {
	case map[string]any:
		if len(path) == 1 {
			delete(node, path[0])
			return
		}
		deletePath(node[path[0]], path[1:])
	case []any:
		i, err := strconv.Atoi(path[0])
		if err != nil || i >= len(node) {
			return
		}
		if len(path) == 1 {
			node[i] = nil // a list keeps its length; the overridden element is blanked
			return
		}
		deletePath(node[i], path[1:])
	}
}

// Every exception says why it exists, and no type is listed twice.
func TestEmulatorExceptionsAreExplained(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range stacks.EmulatorExceptions {
		if strings.TrimSpace(e.Reason) == "" {
			t.Errorf("%s: an emulator exception needs its reason", e.ResourceType)
		}
		if !e.Skip && len(e.IgnoreChanges) == 0 && len(e.Overrides) == 0 {
			t.Errorf("%s: the exception adjusts nothing", e.ResourceType)
		}
		if seen[e.ResourceType] {
			t.Errorf("%s is listed twice", e.ResourceType)
		}
		seen[e.ResourceType] = true
		if !strings.HasPrefix(e.ResourceType, "aws_") && !strings.HasPrefix(e.ResourceType, "helm_") && !strings.HasPrefix(e.ResourceType, "kubernetes_") {
			t.Errorf("%s: not a resource type of the aws, kubernetes or helm provider", e.ResourceType)
		}
	}
	table, err := os.ReadFile(filepath.Join("docs", "emulator.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range stacks.EmulatorExceptions {
		if !bytes.Contains(table, []byte("`"+e.ResourceType+"`")) {
			t.Errorf("docs/emulator.md does not list the emulator exception for `%s`: add its row (type, what changes, why) to the table", e.ResourceType)
		}
	}
}

func toStrings(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

func pretty(t *testing.T, raw []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		t.Fatal(err)
	}
	buf.WriteByte('\n')
	return buf.Bytes()
}

func prettyValue(t *testing.T, v any) []byte {
	t.Helper()
	raw, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// serviceOf is the provider endpoint a resource type calls, by its name's prefix (longest
// match first where prefixes nest).
func serviceOf(typ string) string {
	name := strings.TrimPrefix(typ, "aws_")
	for _, p := range []struct{ prefix, service string }{
		{"s3_account_", "s3control"}, {"s3_", "s3"}, {"cloudwatch_log_", "logs"}, {"cloudwatch_", "cloudwatch"},
		{"apigatewayv2_", "apigatewayv2"}, {"acm_", "acm"}, {"backup_", "backup"}, {"cloudfront_", "cloudfront"},
		{"cloudtrail", "cloudtrail"}, {"codebuild_", "codebuild"}, {"config_", "configservice"}, {"db_", "rds"},
		{"ecr_", "ecr"}, {"efs_", "efs"}, {"eks_", "eks"}, {"elasticache_", "elasticache"}, {"lb", "elbv2"},
		{"guardduty_", "guardduty"}, {"iam_", "iam"}, {"kms_", "kms"}, {"lambda_", "lambda"}, {"route53_", "route53"},
		{"scheduler_", "scheduler"}, {"secretsmanager_", "secretsmanager"}, {"securityhub_", "securityhub"},
		{"sns_", "sns"}, {"sqs_", "sqs"}, {"ssm_", "ssm"}, {"wafv2_", "wafv2"}, {"xray_", "xray"},
		{"vpc", "ec2"}, {"subnet", "ec2"}, {"route", "ec2"}, {"nat_gateway", "ec2"}, {"eip", "ec2"}, {"internet_gateway", "ec2"},
		{"network_acl", "ec2"}, {"security_group", "ec2"}, {"default_security_group", "ec2"}, {"flow_log", "ec2"},
		{"instance", "ec2"}, {"launch_template", "ec2"}, {"key_pair", "ec2"}, {"ebs_", "ec2"},
	} {
		if strings.HasPrefix(name, p.prefix) {
			return p.service
		}
	}
	return ""
}
