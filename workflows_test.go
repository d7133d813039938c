package main

import (
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/smile/infra/config"
)

// CICD-1: actionlint (built by setup) accepts every workflow and the local action.
func TestCICD1WorkflowsPassActionlint(t *testing.T) {
	bin, err := filepath.Abs(filepath.Join(".tools", "bin", "actionlint"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("%v: run scripts/setup (make setup) to build actionlint", err)
	}
	out, err := exec.Command(bin, "-no-color").CombinedOutput()
	if err != nil {
		t.Fatalf("actionlint: %v\n%s", err, out)
	}
}

type workflow struct {
	On          map[string]any `yaml:"on"`
	Permissions map[string]string
	Concurrency *concurrency
	Jobs        map[string]job
}

type concurrency struct {
	Group            string
	CancelInProgress bool `yaml:"cancel-in-progress"`
}

type job struct {
	Needs       any
	If          string
	RunsOn      string `yaml:"runs-on"`
	Environment string
	Permissions map[string]string
	Concurrency *concurrency
	Strategy    struct {
		Matrix map[string][]string
	}
	Steps []struct {
		If   string
		Uses string
		With map[string]string
		Env  map[string]string
		Run  string
	}
}

func readWorkflows(t *testing.T) map[string]workflow {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(".github", "workflows", "*.yml"))
	out := map[string]workflow{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var w workflow
		if err := yaml.Unmarshal(raw, &w); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[filepath.Base(f)] = w
	}
	if len(out) != 3 {
		t.Fatalf("workflows %v, want pull-request, deploy and drift", slices.Sorted(maps.Keys(out)))
	}
	return out
}

var pinnedAction = regexp.MustCompile(`^\s*(- )?uses: ([^\s@]+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+$`)

// CICD-1, CICD-2: third-party actions pinned by commit SHA (with the version beside it);
// no token rights by default, each job granted what it uses; AWS only through OIDC, with
// the plan role for pull requests and drift and the deploy role for deploys; the jobs
// that reach the clusters run on the environment's runner inside its VPC.
func TestCICD1WorkflowPolicy(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(".github", "*", "*", "*.y*ml"))
	more, _ := filepath.Glob(filepath.Join(".github", "workflows", "*.yml"))
	for _, f := range append(files, more...) {
		raw, _ := os.ReadFile(f)
		for i, line := range strings.Split(string(raw), "\n") {
			if strings.Contains(line, "uses:") && !strings.Contains(line, "uses: ./") && !pinnedAction.MatchString(line) {
				t.Errorf("%s:%d: %q is not pinned by commit SHA with its version (uses: owner/repo@<sha> # vX.Y.Z)", f, i+1, strings.TrimSpace(line))
			}
		}
	}
	bootstrap := config.DefaultBootstrap()
	runners := map[string]bool{}
	for _, name := range config.Names() {
		env, _ := config.Lookup(name)
		runners[env.RunnerProject()] = true
	}
	workflows := readWorkflows(t)
	for file, w := range workflows {
		if w.Permissions == nil || len(w.Permissions) != 0 {
			t.Errorf("%s: top-level permissions %v, want {} (each job asks for its own)", file, w.Permissions)
		}
		for id, j := range w.Jobs {
			if j.Permissions == nil {
				t.Errorf("%s/%s: no permissions of its own", file, id)
			}
			for scope, level := range j.Permissions {
				if level == "write" && !slices.Contains([]string{"id-token", "pull-requests", "issues"}, scope) {
					t.Errorf("%s/%s: may write %s", file, id, scope)
				}
			}
			role := ""
			for _, s := range j.Steps {
				if strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@") {
					role = s.With["role-to-assume"]
					if s.With["aws-access-key-id"] != "" || s.With["aws-secret-access-key"] != "" {
						t.Errorf("%s/%s: static AWS keys", file, id)
					}
				}
			}
			if role == "" {
				continue
			}
			if j.Permissions["id-token"] != "write" {
				t.Errorf("%s/%s: assumes %s without id-token: write", file, id, role)
			}
			wantRole := "${{ vars.CI_PLAN_ROLE_ARN }}"
			if file == "deploy.yml" {
				wantRole = "${{ vars.CI_DEPLOY_ROLE_ARN }}"
			}
			if role != wantRole {
				t.Errorf("%s/%s: assumes %s, want %s", file, id, role, wantRole)
			}
			project := strings.TrimPrefix(strings.TrimSuffix(j.RunsOn, "-${{ github.run_id }}-${{ github.run_attempt }}"), "codebuild-")
			if matrix := j.Strategy.Matrix["env"]; len(matrix) > 0 {
				if !slices.Equal(matrix, config.Names()) || project != "smile5-${{ matrix.env }}-ci-runner" {
					t.Errorf("%s/%s: runs on %q over %v, want every environment's runner", file, id, j.RunsOn, matrix)
				}
			} else if !runners[project] {
				t.Errorf("%s/%s: runs on %q, not an environment's CI runner (config.Environment.RunnerProject)", file, id, j.RunsOn)
			}
		}
	}

	pr, deploy, drift := workflows["pull-request.yml"], workflows["deploy.yml"], workflows["drift.yml"]
	if pr.On["pull_request"] == nil || pr.Concurrency == nil || !pr.Concurrency.CancelInProgress {
		t.Errorf("pull-request.yml: on %v, concurrency %+v: a new push must cancel the last run", pr.On, pr.Concurrency)
	}
	push, _ := deploy.On["push"].(map[string]any)
	if branches, _ := push["branches"].([]any); len(branches) != 1 || branches[0] != bootstrap.Branch {
		t.Errorf("deploy.yml deploys on %v, want pushes to %s (the deploy role trusts that branch)", deploy.On, bootstrap.Branch)
	}
	staging, planProd, prod := deploy.Jobs["staging"], deploy.Jobs["plan-prod"], deploy.Jobs["prod"]
	if prod.Environment != bootstrap.ProductionEnvironment || prod.Needs != "plan-prod" || planProd.Needs != "staging" ||
		planProd.Environment != "" || staging.Environment != "" {
		t.Errorf("deploy.yml: prod in environment %q after %v, its plan after %v; want %q after plan-prod, after staging",
			prod.Environment, prod.Needs, planProd.Needs, bootstrap.ProductionEnvironment)
	}
	// What was reviewed is what runs: each deploy applies the plan saved before it (for
	// prod, before the reviewers' approval), from the same store.
	steps := map[string][]string{
		"staging":   {"scripts/ci-deploy plan staging", "scripts/ci-deploy apply staging"},
		"plan-prod": {"scripts/ci-deploy plan prod"},
		"prod":      {"scripts/ci-deploy apply prod"},
	}
	group := map[string]string{"staging": "deploy-smile-staging", "plan-prod": "plan-smile-prod", "prod": "deploy-smile-prod"}
	var stores []string
	for id, j := range deploy.Jobs {
		if j.Concurrency == nil || j.Concurrency.Group != group[id] || j.Concurrency.CancelInProgress {
			t.Errorf("deploy.yml/%s: concurrency %+v: one deploy of an environment at a time, never cancelled", id, j.Concurrency)
		}
		want := steps[id]
		if len(j.Steps) < len(want) {
			t.Fatalf("deploy.yml/%s: %d steps", id, len(j.Steps))
		}
		for i, s := range j.Steps[len(j.Steps)-len(want):] {
			if s.Run != want[i] {
				t.Errorf("deploy.yml/%s: step %q, want %q", id, s.Run, want[i])
			}
			// SAFE-1: the plan and its apply are gated on the deployed commits' Allow-Destroy trailers.
			if s.Env["SMILE_ALLOW_DESTROY_FILE"] == "" || !hasStep(j, "scripts/deployed-commit-messages") {
				t.Errorf("deploy.yml/%s: %s runs without the deployed commits' messages (SMILE_ALLOW_DESTROY_FILE)", id, s.Run)
			}
			if !strings.HasPrefix(s.Env["SMILE_PLAN_STORE"], "s3://${{ vars.SMILE_STATE_BUCKET }}/") {
				t.Errorf("deploy.yml/%s: %s keeps its plan in %q, want the state bucket", id, s.Run, s.Env["SMILE_PLAN_STORE"])
			}
			stores = append(stores, s.Env["SMILE_PLAN_STORE"])
		}
	}
	if distinct := slices.Compact(slices.Sorted(slices.Values(stores))); len(distinct) != 1 {
		t.Errorf("deploy.yml: the plans are saved and read in different stores: %v", stores)
	}
	// SAFE-1: the pull request's plans are gated on its commits' Allow-Destroy trailers.
	for _, s := range pr.Jobs["plan"].Steps {
		if strings.HasPrefix(s.Run, "scripts/pr-plan") && s.Env["SMILE_ALLOW_DESTROY_FILE"] == "" {
			t.Errorf("pull-request.yml/plan: pr-plan runs without the commit messages (SMILE_ALLOW_DESTROY_FILE)")
		}
	}
	if !hasStep(pr.Jobs["plan"], "git log --format=%B \"$BASE_SHA..$HEAD_SHA\"") {
		t.Errorf("pull-request.yml/plan: no step writes the pull request's commit messages")
	}
	for _, script := range []string{"scripts/pr-plan", "scripts/ci-deploy"} {
		if !strings.Contains(readFile(t, script), "prcomment guard") {
			t.Errorf("%s does not run the stateful guard (prcomment guard)", script)
		}
	}
	if drift.On["schedule"] == nil || !strings.Contains(readFile(t, "scripts/drift-check"), "-detailed-exitcode") {
		t.Errorf("drift.yml: on %v: a scheduled plan with -detailed-exitcode", drift.On)
	}
	if j := drift.Jobs["drift"]; j.Permissions["issues"] != "write" {
		t.Errorf("drift.yml: cannot open the drift issue")
	}
	// LIFE-2: the daily workflow runs the support calendar check and files what it finds.
	if j := drift.Jobs["lifecycle"]; j.Permissions["issues"] != "write" || len(j.Steps) < 4 ||
		!strings.Contains(j.Steps[2].Run, "lifecycle/cmd/lifecycle -report") || !strings.Contains(j.Steps[3].If, "attention == 'true'") {
		t.Errorf("drift.yml: the lifecycle job must run the check and open or update its issue: %+v", j)
	}
}

// hasStep reports whether a step of j runs a command containing command.
func hasStep(j job, command string) bool {
	for _, s := range j.Steps {
		if strings.Contains(s.Run, command) {
			return true
		}
	}
	return false
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}
