// Command lifecycle is `make lifecycle` (LIFE-2): every version the repository pins, with
// the days left until its standard support ends. It warns within lifecycle.WarnDays of
// that date and fails (exit 1) once a default is past it.
//
//	go run ./lifecycle/cmd/lifecycle [-date YYYY-MM-DD] [-report FILE]
//	go run ./lifecycle/cmd/lifecycle upgrade-plan PLAN_JSON [TYPE:ATTRIBUTE ...]
//
// upgrade-plan is the upgrade drill's check (LIFE-3): the plan of a version bump, as
// `terraform show -json` writes it, must update every protected resource in place
// (lifecycle.UpgradeProtected) and make each expected update; exit 1 otherwise.
//
// -report writes the findings that need attention as Markdown (for the daily workflow's
// issue), and, under GitHub Actions, the step output attention=true|false.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/smile/infra/lifecycle"
	"github.com/smile/infra/lifecycle/defaults"
)

func main() {
	code, err := run(os.Args[1:], os.Stdout, time.Now())
	if err != nil {
		fmt.Fprintln(os.Stderr, "lifecycle:", err)
	}
	os.Exit(code)
}

func run(args []string, out io.Writer, now time.Time) (int, error) {
	if len(args) > 0 && args[0] == "upgrade-plan" {
		return upgradePlan(args[1:], out)
	}
	flags := flag.NewFlagSet("lifecycle", flag.ContinueOnError)
	date := flags.String("date", "", "judge as of this day (YYYY-MM-DD) instead of today")
	report := flags.String("report", "", "write the findings that need attention to this Markdown file")
	root := flags.String("root", ".", "the repository's root directory")
	if err := flags.Parse(args); err != nil {
		return 2, err
	}
	if *date != "" {
		d, err := lifecycle.Date(*date)
		if err != nil {
			return 2, fmt.Errorf("-date %w", err)
		}
		now = d
	}
	pins, err := defaults.Pins(*root)
	if err != nil {
		return 2, fmt.Errorf("%w (run it from the repository's root, or pass -root)", err)
	}
	findings, err := lifecycle.Check(pins, now)
	if err != nil {
		return 2, err
	}
	if err := lifecycle.Print(out, findings); err != nil {
		return 2, err
	}
	worst := lifecycle.Worst(findings)
	fmt.Fprintf(out, "\n%d pinned versions checked as of %s: %s\n", len(findings), now.Format(time.DateOnly), verdict(worst))
	if *report != "" && worst != lifecycle.OK {
		if err := os.WriteFile(*report, []byte(lifecycle.Markdown(findings, now)), 0o644); err != nil {
			return 2, err
		}
	}
	if path := os.Getenv("GITHUB_OUTPUT"); path != "" {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
		if err != nil {
			return 2, err
		}
		fmt.Fprintf(f, "attention=%t\n", worst != lifecycle.OK)
		if err := f.Close(); err != nil {
			return 2, err
		}
	}
	if worst == lifecycle.Fail {
		return 1, nil
	}
	return 0, nil
}

func verdict(s lifecycle.Status) string {
	switch s {
	case lifecycle.Fail:
		return "a default is past the end of its standard support (FAIL above): upgrade it"
	case lifecycle.Warn:
		return fmt.Sprintf("a default leaves standard support within %d days (WARN above): plan its upgrade", lifecycle.WarnDays)
	}
	return "every default is in standard support"
}

func upgradePlan(args []string, out io.Writer) (int, error) {
	if len(args) < 1 {
		return 2, fmt.Errorf("usage: lifecycle upgrade-plan PLAN_JSON [TYPE:ATTRIBUTE ...]")
	}
	raw, err := os.ReadFile(args[0])
	if err != nil {
		return 2, err
	}
	r, err := lifecycle.CheckUpgradePlan(raw, args[1:])
	if err != nil {
		return 2, fmt.Errorf("%s: %w", args[0], err)
	}
	for _, u := range r.Updated {
		fmt.Fprintln(out, "  in place:", u)
	}
	for _, x := range r.Replaced {
		fmt.Fprintln(out, "  REPLACED:", x)
	}
	for _, m := range r.Missing {
		fmt.Fprintln(out, "  MISSING: the plan does not update", m)
	}
	if !r.OK() {
		fmt.Fprintln(out, "the upgrade is not in place: keep the resource (an attribute that forces replacement must not change with a version), or make it a reviewed migration of its own")
		return 1, nil
	}
	fmt.Fprintf(out, "the upgrade updates %d attributes of protected resources in place and replaces none of them\n", len(r.Updated))
	return 0, nil
}
