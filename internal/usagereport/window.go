// Package usagereport reports the usage ledger: the window of time a report covers, the requests
// in it summed by group or listed one by one, priced with today's price table, and written as an
// aligned table with a footer saying what it covers, as JSON or as CSV safe to open in a
// spreadsheet.
package usagereport

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/livetranslate/livetranslate/internal/usage"
)

// EnvNow fixes "now" for the report, for tests and scripts only: an RFC 3339 time. It is
// deliberately in no help text.
const EnvNow = "LIVETRANSLATE_NOW"

// TimeLayout is how the ends of the window are printed.
const TimeLayout = "2006-01-02 15:04 MST"

// WhenHint says what a start or end of the window can be.
const WhenHint = "give a duration back from now (90m, 36h, 7d, 2w), a date (2026-11-01) or an RFC 3339 time"

// Window is the time span a usage report covers, with the zone its days are counted in.
type Window struct {
	Since, Until time.Time
	Loc          *time.Location
}

// TimeError is a start (or end) of the window that is not a point in time. It comes inside a
// usage error.
type TimeError struct {
	End   bool // the end of the window, not its start
	Value string
	Err   error
}

func (e *TimeError) Error() string {
	which := "start"
	if e.End {
		which = "end"
	}
	return fmt.Sprintf("invalid %s of the window %q: %v", which, e.Value, e.Err)
}

func (e *TimeError) Unwrap() error { return e.Err }

// OrderError is a window whose start is not before its end. It comes inside a usage error.
type OrderError struct{ Since, Until time.Time }

func (e *OrderError) Error() string {
	return fmt.Sprintf("the start of the window (%s) must be before its end (%s)", e.Since.Format(TimeLayout), e.Until.Format(TimeLayout))
}

// Clock is "now" and the zone days are counted in, from the environment the command was given:
// LIVETRANSLATE_NOW (tests only) and TZ (the local zone when unset or unknown).
func Clock(getenv func(string) string) (time.Time, *time.Location, error) {
	loc := time.Local
	if tz := strings.TrimPrefix(getenv("TZ"), ":"); tz != "" {
		if l, err := time.LoadLocation(tz); err == nil {
			loc = l
		}
	}
	now := time.Now()
	if s := getenv(EnvNow); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return time.Time{}, nil, fmt.Errorf("%s=%q: want an RFC 3339 time: %w", EnvNow, s, err)
		}
		now = t
	}
	return now.In(loc), loc, nil
}

// NewWindow reads the start and end of a window, each "now", a duration back from now (90m, 36h,
// 7d, 2w, 1d12h; m is minutes), a date (midnight in loc; for the end, the next midnight, so that
// the day is included) or an RFC 3339 time. A duration in since counts back from now when
// sinceFromNow, else from the end of the window. A time that cannot be read is a *TimeError, a
// start not before the end an *OrderError, each inside a usage error.
func NewWindow(since, until string, sinceFromNow bool, now time.Time, loc *time.Location) (Window, error) {
	end, err := parseWhen(until, now, loc, true)
	if err != nil {
		return Window{}, usage.Wrap(&TimeError{End: true, Value: until, Err: err}, WhenHint)
	}
	from := now
	if !sinceFromNow {
		from = end
	}
	start, err := parseWhen(since, from, loc, false)
	if err != nil {
		return Window{}, usage.Wrap(&TimeError{Value: since, Err: err}, WhenHint)
	}
	if !start.Before(end) {
		return Window{}, usage.Wrap(&OrderError{Since: start, Until: end}, "")
	}
	return Window{Since: start.In(loc), Until: end.In(loc), Loc: loc}, nil
}

// parseWhen reads a point in time: "now", a duration back from now, a date (midnight in loc; the
// next midnight when endOfDay), or RFC 3339.
func parseWhen(s string, now time.Time, loc *time.Location, endOfDay bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "now" {
		return now, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		if endOfDay {
			t = t.AddDate(0, 0, 1)
		}
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := parseAgo(s)
	if err != nil {
		return time.Time{}, err
	}
	return now.Add(-d), nil
}

var agoUnits = map[byte]time.Duration{
	'w': 7 * 24 * time.Hour, 'd': 24 * time.Hour, 'h': time.Hour, 'm': time.Minute, 's': time.Second,
}

// parseAgo reads a duration such as 7d, 2w, 36h, 1d12h, 1.5h (m is minutes).
func parseAgo(s string) (time.Duration, error) {
	if s == "" {
		return 0, errors.New("empty duration")
	}
	var total float64
	for rest := s; rest != ""; {
		i := 0
		for i < len(rest) && (rest[i] >= '0' && rest[i] <= '9' || rest[i] == '.') {
			i++
		}
		if i == 0 || i == len(rest) {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		unit, ok := agoUnits[rest[i]]
		if !ok {
			return 0, fmt.Errorf("invalid duration %q: unknown unit %q", s, rest[i])
		}
		n, err := strconv.ParseFloat(rest[:i], 64)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		total += n * float64(unit)
		rest = rest[i+1:]
	}
	if total > float64(100*365*24*time.Hour) {
		return 0, fmt.Errorf("duration %q is more than a century", s)
	}
	return time.Duration(total), nil
}
