package usagereport

import (
	"errors"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/usage"
)

func TestParseWhen(t *testing.T) {
	loc := time.FixedZone("UTC+8", 8*3600)
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, loc)
	tests := []struct {
		in       string
		endOfDay bool
		want     time.Time
	}{
		{"now", false, now},
		{"7d", false, now.Add(-7 * 24 * time.Hour)},
		{"2w", false, now.Add(-14 * 24 * time.Hour)},
		{"36h", false, now.Add(-36 * time.Hour)},
		{"90m", false, now.Add(-90 * time.Minute)},
		{"1d12h", false, now.Add(-36 * time.Hour)},
		{"1.5h", false, now.Add(-90 * time.Minute)},
		{"0d", false, now},
		{"2026-10-01", false, time.Date(2026, 10, 1, 0, 0, 0, 0, loc)},
		{"2026-10-31", true, time.Date(2026, 11, 1, 0, 0, 0, 0, loc)},
		{"2026-10-01T10:00:00Z", false, time.Date(2026, 10, 1, 10, 0, 0, 0, time.UTC)},
		{"2026-10-01T10:00:00+08:00", true, time.Date(2026, 10, 1, 2, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		got, err := parseWhen(tt.in, now, loc, tt.endOfDay)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("parseWhen(%q, endOfDay %v) = %v, %v; want %v", tt.in, tt.endOfDay, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "d", "7", "7dd", "seven days", "2026-10", "10/01/2026", "-3d", "1y", "1e3d", "100000w"} {
		if _, err := parseWhen(bad, now, loc, false); err == nil {
			t.Errorf("parseWhen(%q) succeeded, want an error", bad)
		}
	}
}

func TestNewWindow(t *testing.T) {
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	tests := []struct {
		since, until string
		fromNow      bool
		want         Window // zero: an error
		end          bool   // the error is about the end
	}{
		{"30d", "now", false, Window{Since: now.Add(-30 * day), Until: now}, false},
		// Without a start given, a duration counts back from the end.
		{"30d", "2026-10-31", false, Window{Since: time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC), Until: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}, false},
		{"7d", "2026-10-31", true, Window{Since: now.Add(-7 * day), Until: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}, false},
		{"yesterday", "now", true, Window{}, false},
		{"7d", "2026-13-01", true, Window{}, true},
		{"1d", "2d", true, Window{}, false},
	}
	for _, tt := range tests {
		got, err := NewWindow(tt.since, tt.until, tt.fromNow, now, time.UTC)
		if tt.want.Since.IsZero() {
			var te *TimeError
			var oe *OrderError
			ue, isUsage := usage.As(err)
			switch {
			case !isUsage:
				t.Errorf("NewWindow(%q, %q) = %v; want a usage error", tt.since, tt.until, err)
			case errors.As(err, &te) && (te.End != tt.end || ue.Hint != WhenHint):
				t.Errorf("NewWindow(%q, %q): %#v, hint %q; want end %v and the hint", tt.since, tt.until, te, ue.Hint, tt.end)
			case te == nil && !errors.As(err, &oe):
				t.Errorf("NewWindow(%q, %q) = %v; want a TimeError or an OrderError", tt.since, tt.until, err)
			}
			continue
		}
		if err != nil || !got.Since.Equal(tt.want.Since) || !got.Until.Equal(tt.want.Until) || got.Loc != time.UTC {
			t.Errorf("NewWindow(%q, %q, %v) = %+v, %v; want %+v", tt.since, tt.until, tt.fromNow, got, err, tt.want)
		}
	}
}

func TestClock(t *testing.T) {
	env := map[string]string{EnvNow: "2026-11-01T12:00:00Z", "TZ": ":Asia/Shanghai"}
	now, loc, err := Clock(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if _, zerr := time.LoadLocation("Asia/Shanghai"); zerr == nil && (loc.String() != "Asia/Shanghai" || now.Hour() != 20) {
		t.Errorf("now %v in %v; want 20:00 in Asia/Shanghai", now, loc)
	}
	env[EnvNow] = "yesterday"
	if _, _, err := Clock(func(k string) string { return env[k] }); err == nil {
		t.Error("a bad LIVETRANSLATE_NOW is accepted")
	}
}
