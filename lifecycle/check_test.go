package lifecycle

import (
	"strings"
	"testing"
	"time"
)

func day(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := Date(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// LIFE-2: the check speaks by the calendar's dates, judged on an injected day: quiet
// before the window, a warning within WarnDays of the end, a failure after it.
func TestLIFE2CheckWarnsThenFailsOnInjectedDates(t *testing.T) {
	pins := []Pin{{Component: Kubernetes, Version: "1.36", Where: "config"}, {Component: MySQL, Version: "8.4", Where: "config"}}
	cases := []struct {
		date       string
		kubernetes Status
		days       int
	}{
		{"2026-12-06", OK, 239},
		{"2027-05-04", Warn, 90}, // exactly WarnDays before 2027-08-02
		{"2027-08-02", Warn, 0},  // the last day of standard support
		{"2027-08-03", Fail, -1},
	}
	for _, c := range cases {
		findings, err := Check(pins, day(t, c.date))
		if err != nil {
			t.Fatal(err)
		}
		var k Finding
		for _, f := range findings {
			if f.Component == Kubernetes {
				k = f
			}
		}
		if k.Status != c.kubernetes || k.DaysLeft != c.days {
			t.Errorf("%s: Kubernetes 1.36 is %s with %d days left, want %s with %d (%s)", c.date, k.Status, k.DaysLeft, c.kubernetes, c.days, k.Message)
		}
		if Worst(findings) != c.kubernetes {
			t.Errorf("%s: worst is %s, want %s (MySQL 8.4 is supported until 2029)", c.date, Worst(findings), c.kubernetes)
		}
		if c.kubernetes == Fail && (!strings.Contains(k.Message, "2027-08-02") || !strings.Contains(k.Message, "upgrade to 1.37") || !strings.Contains(k.Message, "config")) {
			t.Errorf("a failure must name the date, the upgrade and where the version is set: %q", k.Message)
		}
	}
}

// LIFE-2: an entry without a published end of support must be reviewed: it warns once
// its check is ReviewMonths old and fails at twice that.
func TestLIFE2EntriesWithoutAnEndDateAreReviewed(t *testing.T) {
	pins := []Pin{{Component: Action + "actions/checkout", Version: "v7", Where: ".github/workflows/deploy.yml"}}
	checkedOn := day(t, checked)
	for _, c := range []struct {
		at   time.Time
		want Status
	}{
		{checkedOn, OK},
		{checkedOn.AddDate(0, ReviewMonths, 1), Warn},
		{checkedOn.AddDate(0, 2*ReviewMonths, 1), Fail},
	} {
		findings, err := Check(pins, c.at)
		if err != nil {
			t.Fatal(err)
		}
		if findings[0].Status != c.want {
			t.Errorf("%s: %s, want %s (%s)", c.at.Format(time.DateOnly), findings[0].Status, c.want, findings[0].Message)
		}
	}
}

// LIFE-1: a pinned version that is not in the calendar fails, saying where to add it.
func TestLIFE1UnlistedPinFails(t *testing.T) {
	findings, err := Check([]Pin{{Component: Kubernetes, Version: "1.99", Where: "config dev"}}, day(t, "2026-12-06"))
	if err != nil {
		t.Fatal(err)
	}
	if findings[0].Status != Fail || !strings.Contains(findings[0].Message, "lifecycle/calendar.go") {
		t.Errorf("an unlisted version: %s %q", findings[0].Status, findings[0].Message)
	}
}

// LIFE-1: every entry is dated and sourced, and listed once.
func TestLIFE1CalendarEntriesAreDatedAndSourced(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range Calendar {
		key := e.Component + " " + e.Version
		if seen[key] {
			t.Errorf("%s is listed twice", key)
		}
		seen[key] = true
		if e.Source == "" || e.Upgrade == "" {
			t.Errorf("%s has no source or no upgrade", key)
		}
		if _, err := Date(e.Checked); err != nil {
			t.Errorf("%s: Checked %v", key, err)
		}
		for _, d := range []string{e.StandardEnds, e.ExtendedEnds} {
			if d == "" {
				continue
			}
			if _, err := Date(d); err != nil {
				t.Errorf("%s: %v", key, err)
			}
		}
		if e.ExtendedEnds != "" && e.ExtendedEnds <= e.StandardEnds {
			t.Errorf("%s: extended support ends %s, before standard support %s", key, e.ExtendedEnds, e.StandardEnds)
		}
	}
}

// LIFE-2: the report for the daily workflow's issue lists what needs attention only.
func TestLIFE2MarkdownListsOnlyWhatNeedsAttention(t *testing.T) {
	pins := []Pin{{Component: Kubernetes, Version: "1.34", Where: "config"}, {Component: MySQL, Version: "8.4", Where: "config"}}
	findings, err := Check(pins, day(t, "2026-12-06"))
	if err != nil {
		t.Fatal(err)
	}
	md := Markdown(findings, day(t, "2026-12-06"))
	if !strings.Contains(md, "| FAIL | Kubernetes (EKS) | `1.34` |") || strings.Contains(md, "RDS for MySQL") {
		t.Errorf("report:\n%s", md)
	}
}
