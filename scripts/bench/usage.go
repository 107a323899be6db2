package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/livetranslate/livetranslate/internal/ledger/ledgertest"
)

// usageRows is the size of the usage group's ledger; usageEnd the "now" of its reports, the end
// of the made-up requests, all of which fall in the default window of 30 days.
const usageRows = 1_000_000

var usageEnd = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// benchUsage: `livetranslate usage` over a ledger of a million requests (ledgertest's made-up
// month: 50,000 inputs of 20 segments, a few failures), as the summary and by each grouping, with
// days in a zone that leaves summer time within the window; and the first usage after an upgrade
// from a ledger the first release wrote, which fills the running sums from the requests.
func benchUsage(ctx context.Context, s *suite) error {
	const runs = 7
	path, err := usageLedger(ctx, s, ledgertest.FileName(usageRows), ledgertest.Fill)
	if err != nil {
		return err
	}
	xdg := filepath.Join(s.work, "usage-xdg")
	env := []string{"LIVETRANSLATE_NOW=" + usageEnd.Format(time.RFC3339), "TZ=Europe/Berlin",
		"XDG_CONFIG_HOME=" + filepath.Join(xdg, "config"), "XDG_STATE_HOME=" + filepath.Join(xdg, "state")}
	usage := func(ledger string, args ...string) command {
		return command{args: append([]string{s.bin, "usage", "--ledger", ledger}, args...), env: env}
	}
	// A first run upgrades a ledger an older livetranslate built, and brings the file into the page
	// cache, where a user's ledger that is read now and then is too.
	if err := mustOK(run(ctx, usage(path))); err != nil {
		return err
	}
	for _, c := range []struct{ name, by string }{{"summary", ""}, {"--by day", "day"}, {"--by model", "model"},
		{"--by language", "language"}, {"--by input", "input"}} {
		args := []string{}
		if c.by != "" {
			args = append(args, "--by", c.by)
		}
		var walls, cpus []float64
		var outBytes int64
		for range runs {
			m := run(ctx, usage(path, args...))
			if err := mustOK(m); err != nil {
				return err
			}
			if c.by != "input" && !strings.Contains(string(m.Out), fmt.Sprintf(" %d ", usageRows)) {
				return fmt.Errorf("usage %s does not count %d requests: %q: %w", c.name, usageRows, lastLine(string(m.Out)), errCheck)
			}
			walls, cpus = append(walls, m.Wall.Seconds()), append(cpus, m.CPU.Seconds())
			outBytes = m.OutBytes
		}
		s.add(row{Group: "usage", Name: "usage over 1M requests: " + c.name, Unit: "s", Ours: ptr(median(walls)), Target: "< 0.5",
			Note: fmt.Sprintf("median of %d runs; CPU %.2f s; %d bytes of table", runs, median(cpus), outBytes)})
	}

	// The upgrade: a copy of a version 1 ledger of the same requests, opened by usage once.
	v1, err := usageLedger(ctx, s, fmt.Sprintf("ledger-%d-v1.db", usageRows), func(ctx context.Context, path string, n int, end time.Time) error {
		return ledgertest.CreateVersion1(ctx, path, ledgertest.Rows(n, end))
	})
	if err != nil {
		return err
	}
	upgraded := filepath.Join(s.work, "ledger-upgrading.db")
	if err := copyFile(v1, upgraded); err != nil {
		return err
	}
	defer func() {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(upgraded + suffix)
		}
	}()
	m := run(ctx, usage(upgraded))
	if err := mustOK(m); err != nil {
		return err
	}
	s.add(row{Group: "usage", Name: "usage over 1M requests: first run after the upgrade", Unit: "s", Ours: ptr(m.Wall.Seconds()),
		Note: fmt.Sprintf("a ledger of schema version 1 (no running sums) upgraded in place and summed; once; CPU %.2f s", m.CPU.Seconds())})
	return nil
}

// usageLedger is a ledger of usageRows made-up requests in the work directory, made by fill when
// it is not there yet (half a minute to a few minutes) and kept for the next run.
func usageLedger(ctx context.Context, s *suite, name string, fill func(context.Context, string, int, time.Time) error) (string, error) {
	path := filepath.Join(s.work, name)
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	s.logf("building %s (%d requests; kept for the next run)", name, usageRows)
	tmp := path + ".building"
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
	if err := fill(ctx, tmp, usageRows, usageEnd); err != nil {
		return "", err
	}
	return path, os.Rename(tmp, path)
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
