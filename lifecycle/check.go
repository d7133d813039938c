package lifecycle

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// WarnDays is how long before the end of standard support the check starts to warn
// (LIFE-2): enough for a reviewed upgrade through staging before prod pays extended support.
const WarnDays = 90

// ReviewMonths is how often an entry without a published end of support (providers,
// actions) must be checked again: the check warns when its Checked date is older, and
// fails at twice that.
const ReviewMonths = 6

// Pin is one version the repository uses, and where it is set.
type Pin struct {
	Component, Version string
	// Where names the file or config field that sets it, for the message.
	Where string
}

// Status is a finding's verdict.
type Status int

const (
	OK Status = iota
	Warn
	Fail
)

func (s Status) String() string { return [...]string{"ok", "WARN", "FAIL"}[s] }

// Finding is what the check says of one pin.
type Finding struct {
	Pin
	Status Status
	// Ends is the date the verdict is counted to: the end of standard support, or the
	// review date of an entry without one.
	Ends     time.Time
	DaysLeft int
	Message  string
}

// Check judges every pin against the calendar as of now (a date: tests pass one, the
// command passes today). A pin missing from the calendar fails: every default is listed
// once, with its source (LIFE-1).
func Check(pins []Pin, now time.Time) ([]Finding, error) {
	today := now.UTC().Truncate(24 * time.Hour)
	var out []Finding
	for _, p := range pins {
		f := Finding{Pin: p}
		e, ok := Lookup(p.Component, p.Version)
		if !ok {
			f.Status = Fail
			f.Message = fmt.Sprintf("%s %s (%s) is not in the support calendar: add it to lifecycle/calendar.go with its end of standard support, source and date checked (LIFE-1)",
				p.Component, p.Version, p.Where)
			out = append(out, f)
			continue
		}
		if err := judge(&f, e, today); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	slices.SortStableFunc(out, func(a, b Finding) int { return a.Ends.Compare(b.Ends) })
	return out, nil
}

// judge sets the verdict of one pin whose calendar entry is e.
func judge(f *Finding, e Entry, today time.Time) error {
	if e.StandardEnds == "" {
		checkedOn, err := Date(e.Checked)
		if err != nil {
			return fmt.Errorf("calendar: %s %s: Checked %w", e.Component, e.Version, err)
		}
		f.Ends = checkedOn.AddDate(0, ReviewMonths, 0)
		f.DaysLeft = days(today, f.Ends)
		switch {
		case today.After(checkedOn.AddDate(0, 2*ReviewMonths, 0)):
			f.Status, f.Message = Fail, fmt.Sprintf("no published end of support, and not checked since %s: check %s and update the entry's Checked date", e.Checked, e.Source)
		case today.After(f.Ends):
			f.Status, f.Message = Warn, fmt.Sprintf("no published end of support; due for review since %s: check %s", f.Ends.Format(time.DateOnly), e.Source)
		default:
			f.Status, f.Message = OK, "no published end of support; review by "+f.Ends.Format(time.DateOnly)
		}
		return nil
	}
	ends, err := Date(e.StandardEnds)
	if err != nil {
		return fmt.Errorf("calendar: %s %s: StandardEnds %w", e.Component, e.Version, err)
	}
	f.Ends, f.DaysLeft = ends, days(today, ends)
	switch {
	case today.After(ends):
		f.Status = Fail
		f.Message = fmt.Sprintf("left standard support on %s%s: upgrade to %s (set in %s)", e.StandardEnds, extended(e), e.Upgrade, f.Where)
	case f.DaysLeft <= WarnDays:
		f.Status = Warn
		f.Message = fmt.Sprintf("leaves standard support on %s, in %d days: upgrade to %s (set in %s)", e.StandardEnds, f.DaysLeft, e.Upgrade, f.Where)
	default:
		f.Status, f.Message = OK, "standard support until "+e.StandardEnds
	}
	return nil
}

func extended(e Entry) string {
	if e.ExtendedEnds == "" {
		return ""
	}
	return "; paid extended support until " + e.ExtendedEnds
}

// days counts whole days from today to the end date (negative once past).
func days(today, end time.Time) int { return int(end.Sub(today).Hours() / 24) }

// Worst is the most severe status among the findings.
func Worst(findings []Finding) Status {
	worst := OK
	for _, f := range findings {
		worst = max(worst, f.Status)
	}
	return worst
}

// Print writes the findings as a table, soonest end first.
func Print(w io.Writer, findings []Finding) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tCOMPONENT\tVERSION\tDAYS LEFT\tNOTE")
	for _, f := range findings {
		left := "-"
		if !f.Ends.IsZero() {
			left = fmt.Sprint(f.DaysLeft)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.Status, f.Component, f.Version, left, f.Message)
	}
	return tw.Flush()
}

// Markdown is the report the daily workflow posts in an issue when anything needs attention.
func Markdown(findings []Finding, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Support calendar check of %s (lifecycle/calendar.go, LIFE-2): a default within %d days of the end of its standard support warns, one past it fails.\n\n",
		now.Format(time.DateOnly), WarnDays)
	b.WriteString("| status | component | version | days left | what to do |\n|---|---|---|---|---|\n")
	for _, f := range findings {
		if f.Status != OK {
			fmt.Fprintf(&b, "| %s | %s | `%s` | %d | %s |\n", f.Status, f.Component, f.Version, f.DaysLeft, f.Message)
		}
	}
	return b.String()
}
