package cmd

import (
	"bytes"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/iostreams"
	"github.com/livetranslate/livetranslate/internal/ledger"
	"github.com/livetranslate/livetranslate/internal/ledger/ledgertest"
	"github.com/livetranslate/livetranslate/internal/usagereport"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/")

// usageEnv is an isolated environment: no config file, an empty state directory, days in UTC,
// and "now" fixed at noon on 1 November 2026.
func usageEnv(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	return map[string]string{
		"HOME":              dir,
		"XDG_CONFIG_HOME":   filepath.Join(dir, "config"),
		"XDG_STATE_HOME":    filepath.Join(dir, "state"),
		"TZ":                "UTC",
		usagereport.EnvNow:  "2026-11-01T12:00:00Z",
		"DASHSCOPE_API_KEY": "sk-test-key-never-stored",
	}
}

// runUsageCommand runs `livetranslate usage args…` through the root command and returns its
// standard output, standard error and exit code.
func runUsageCommand(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	s := iostreams.IOStreams{In: strings.NewReader(""), Out: &out, Err: &errOut, Getenv: func(k string) string { return env[k] }}
	root, _ := newRootCmd(s)
	root.SetArgs(append([]string{"usage"}, args...))
	code = exitOK
	if err := root.ExecuteContext(t.Context()); err != nil {
		code = exitCode(err)
		errOut.WriteString("error: " + err.Error() + "\n")
	}
	return out.String(), errOut.String(), code
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "usage", name+".golden")
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd -run Usage -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test ./cmd -run Usage -update rewrites it):\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// fillUsageLedger records a month of requests: a split input with speech, a video in Beijing, an
// API error, an interruption, a model the price table does not know, one it no longer knows (with
// the cost recorded at the time), two requests before the default 30-day window, and three
// answered from the cache.
func fillUsageLedger(t *testing.T, path string) {
	t.Helper()
	l, err := ledger.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for _, r := range usageRows(t) {
		if err := l.Record(t.Context(), r); err != nil {
			t.Fatal(err)
		}
	}
}

// usageRows are the requests of fillUsageLedger.
func usageRows(t *testing.T) []ledger.Row {
	t.Helper()
	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	const flash, snapshot = "qwen3-livetranslate-flash", "qwen3-livetranslate-flash-2025-12-01"
	rows := []ledger.Row{
		{Start: at("2026-09-15T09:00:00Z"), Input: "talks/old.mp3", Kind: "audio", Model: flash, Region: "intl",
			SourceLang: "zh", TargetLang: "en", Modalities: "text", Status: "ok", HTTPStatus: 200, RequestID: "req-0000",
			PromptAudioTokens: 100, CompletionTextTokens: 10, TotalTokens: 110},
		{Start: at("2026-10-02T08:00:00Z"), Input: "talks/keynote.mp3", Kind: "audio", Model: flash, Region: "intl",
			SourceLang: "zh", TargetLang: "en", Modalities: "text", Status: "ok", HTTPStatus: 200, RequestID: "req-0001",
			PromptAudioTokens: 415, CompletionTextTokens: 51, TotalTokens: 466},
		{Start: at("2026-10-05T09:00:00Z"), Input: "talks/keynote.mp3", Kind: "audio", Model: flash, Region: "intl",
			SourceLang: "zh", TargetLang: "en", Modalities: "text", Status: "ok", HTTPStatus: 200, RequestID: "req-0002",
			PromptAudioTokens: 415, CompletionTextTokens: 51, TotalTokens: 466},
		{Start: at("2026-10-06T10:00:00Z"), Input: "talks/long.wav", Kind: "audio", Segment: 1, Model: flash, Region: "intl",
			SourceLang: "zh", TargetLang: "fr", Modalities: "text,audio", Voice: "Cherry", Status: "ok", HTTPStatus: 200,
			RequestID: "req-0003", PromptAudioTokens: 3750, CompletionTextTokens: 300, CompletionAudioTokens: 1800, TotalTokens: 5850},
		{Start: at("2026-10-06T10:00:01Z"), Input: "talks/long.wav", Kind: "audio", Segment: 2, Model: flash, Region: "intl",
			SourceLang: "zh", TargetLang: "fr", Modalities: "text,audio", Voice: "Cherry", Status: "truncated", HTTPStatus: 200,
			RequestID: "req-0004", PromptAudioTokens: 3750, CompletionTextTokens: 200, CompletionAudioTokens: 3896, TotalTokens: 7846},
		{Start: at("2026-10-07T14:30:00Z"), Input: "clips/demo.mp4", Kind: "video", Model: snapshot, Region: "cn",
			TargetLang: "ja", Modalities: "text", Status: "ok", HTTPStatus: 200, RequestID: "req-0005",
			PromptAudioTokens: 375, PromptVideoTokens: 2600, CompletionTextTokens: 80, TotalTokens: 3055},
		{Start: at("2026-10-07T15:00:00Z"), Input: "https://example.com/a.wav?sig=secret", Kind: "audio", Model: flash, Region: "intl",
			TargetLang: "en", Modalities: "text", Status: "api_error", HTTPStatus: 400, ErrorCode: "InvalidParameter", RequestID: "req-0006"},
		{Start: at("2026-10-20T08:00:00Z"), Input: "talks/keynote.mp3", Kind: "audio", Model: flash, Region: "intl",
			SourceLang: "zh", TargetLang: "en", Modalities: "text", Status: "interrupted", HTTPStatus: 200},
		{Start: at("2026-10-21T08:00:00Z"), Input: "talks/keynote.mp3", Kind: "audio", Model: "my-proxy-model",
			SourceLang: "zh", TargetLang: "en", Modalities: "text", Status: "ok", HTTPStatus: 200, RequestID: "req-0008",
			PromptAudioTokens: 100, CompletionTextTokens: 10, TotalTokens: 110},
		{Start: at("2026-10-22T08:00:00Z"), Input: "talks/keynote.mp3", Kind: "audio", Model: "retired-model", Region: "intl",
			SourceLang: "zh", TargetLang: "en", Modalities: "text", Status: "ok", HTTPStatus: 200, RequestID: "req-0009",
			PromptAudioTokens: 100, CompletionTextTokens: 10, TotalTokens: 110, Cost: 0.5, Currency: "CNY"},
		// Answers from the cache: the keynote again, an input translated before only, and one of a
		// model the price table does not know.
		{Start: at("2026-10-23T08:00:00Z"), Input: "talks/keynote.mp3", Kind: "audio", Model: flash, Region: "intl",
			SourceLang: "zh", TargetLang: "en", Modalities: "text", Status: "cached", RequestID: "req-0001",
			PromptAudioTokens: 415, CompletionTextTokens: 51, TotalTokens: 466},
		{Start: at("2026-10-24T08:00:00Z"), Input: "talks/replayed.wav", Kind: "audio", Model: flash, Region: "intl",
			SourceLang: "zh", TargetLang: "fr", Modalities: "text,audio", Voice: "Cherry", Status: "cached", RequestID: "req-0003",
			PromptAudioTokens: 3750, CompletionTextTokens: 300, CompletionAudioTokens: 1800, TotalTokens: 5850},
		{Start: at("2026-10-25T08:00:00Z"), Input: "talks/keynote.mp3", Kind: "audio", Model: "my-proxy-model",
			SourceLang: "zh", TargetLang: "en", Modalities: "text", Status: "cached", RequestID: "req-0008",
			PromptAudioTokens: 100, CompletionTextTokens: 10, TotalTokens: 110},
	}
	for i := range rows {
		if rows[i].End.IsZero() {
			rows[i].End = rows[i].Start.Add(12 * time.Second)
		}
	}
	return rows
}

// usageGoldens are the reports of fillUsageLedger's requests checked against golden files.
func usageGoldens() []struct {
	name string
	args []string
} {
	october := []string{"--since", "2026-10-01", "--until", "2026-10-31"}
	return []struct {
		name string
		args []string
	}{
		{"default", nil},
		{"total-october", october},
		{"by-day", append([]string{"--by", "day"}, october...)},
		{"by-model", append([]string{"--by", "model"}, october...)},
		{"by-language", append([]string{"--by", "language"}, october...)},
		{"by-input", append([]string{"--by", "input"}, october...)},
		{"by-day-json", append([]string{"--by", "day", "--json"}, october...)},
		{"total-json", append([]string{"--json"}, october...)},
		{"by-model-csv", append([]string{"--by", "model", "--csv"}, october...)},
		{"total-csv", append([]string{"--csv"}, october...)},
		{"since-2w-by-day", []string{"--since", "2w", "--by", "day"}},
		{"list", []string{"--list", "--since", "90d"}},
		{"list-limit", []string{"--list", "--limit", "3"}},
		{"list-json", []string{"--list", "--limit", "4", "--json"}},
		{"list-csv", []string{"--list", "--limit", "0", "--since", "2026-09-01", "--csv"}},
	}
}

func TestUsageGolden(t *testing.T) {
	env := usageEnv(t)
	fillUsageLedger(t, ledger.DefaultPath(func(k string) string { return env[k] }))
	checkUsageGoldens(t, env)
}

// TestUsageGoldenAfterUpgrade: a ledger the first release wrote (no running sums) is upgraded in
// place by the first usage that opens it, and every report is what it was.
func TestUsageGoldenAfterUpgrade(t *testing.T) {
	env := usageEnv(t)
	path := ledger.DefaultPath(func(k string) string { return env[k] })
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := ledgertest.CreateVersion1(t.Context(), path, slices.Values(usageRows(t))); err != nil {
		t.Fatal(err)
	}
	checkUsageGoldens(t, env)
}

func checkUsageGoldens(t *testing.T, env map[string]string) {
	t.Helper()
	for _, tt := range usageGoldens() {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runUsageCommand(t, env, tt.args...)
			if code != exitOK || stderr != "" {
				t.Fatalf("exit %d, stderr:\n%s", code, stderr)
			}
			if strings.Contains(stdout, "secret") || strings.Contains(stdout, env["DASHSCOPE_API_KEY"]) {
				t.Error("the output shows a secret")
			}
			checkGolden(t, tt.name, stdout)
		})
	}
}

func TestUsageWithoutLedgerPrintsAnEmptySummary(t *testing.T) {
	env := usageEnv(t)
	path := ledger.DefaultPath(func(k string) string { return env[k] })
	for _, args := range [][]string{{"--by", "day"}, {"--json"}, {"--list", "--json"}} {
		stdout, stderr, code := runUsageCommand(t, env, args...)
		if code != exitOK || stderr != "" {
			t.Fatalf("usage %v without a ledger: exit %d, stderr %q", args, code, stderr)
		}
		checkGolden(t, "empty"+strings.ReplaceAll(strings.Join(args, ""), "--", "-"), stdout)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("usage created %s (%v); looking must not create a ledger", path, err)
	}
}

func TestUsagePricesFromTheConfigFile(t *testing.T) {
	env := usageEnv(t)
	fillUsageLedger(t, ledger.DefaultPath(func(k string) string { return env[k] }))
	cfgDir := filepath.Join(env["XDG_CONFIG_HOME"], "livetranslate")
	if err := os.MkdirAll(cfgDir, 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := `pricing:
  source: negotiated contract
  as_of: 2026-10-01
  models:
    qwen3-livetranslate-flash:
      intl: {currency: CNY, input_audio: 1000, output_text: 1000, output_audio: 1000}
    my-proxy-model:
      intl: {currency: CNY, input_audio: 10000}
`
	if err := os.WriteFile(filepath.Join(cfgDir, "config.yaml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runUsageCommand(t, env, "--by", "model", "--since", "2026-10-01", "--until", "2026-10-31")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	checkGolden(t, "by-model-config-prices", stdout)

	if err := os.WriteFile(filepath.Join(cfgDir, "config.yaml"), []byte("pricing:\n  models: {m: {intl: {currency: CNY, input_audo: 1}}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := runUsageCommand(t, env); code != exitConfig || !strings.Contains(stderr, "input_audo") {
		t.Errorf("a misspelt price in the config file: exit %d, stderr %q; want exit 3 naming the key", code, stderr)
	}
}

func TestUsageLedgerLocation(t *testing.T) {
	env := usageEnv(t)
	elsewhere := filepath.Join(t.TempDir(), "team.db")
	fillUsageLedger(t, elsewhere)
	countOf := func(out string) string {
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, "TOTAL") {
				return strings.Fields(line)[1]
			}
		}
		return ""
	}
	// The flag.
	if out, stderr, _ := runUsageCommand(t, env, "--ledger", elsewhere); countOf(out) != "8" {
		t.Errorf("--ledger: TOTAL requests %q, want 8\n%s%s", countOf(out), out, stderr)
	}
	// The environment (the injected one, as the XDG paths are).
	t.Run("env", func(t *testing.T) {
		env := maps.Clone(env)
		env["LIVETRANSLATE_LEDGER"] = elsewhere
		if out, stderr, _ := runUsageCommand(t, env); countOf(out) != "8" {
			t.Errorf("LIVETRANSLATE_LEDGER: TOTAL requests %q, want 8\n%s%s", countOf(out), out, stderr)
		}
	})
	// The config file.
	cfgDir := filepath.Join(env["XDG_CONFIG_HOME"], "livetranslate")
	if err := os.MkdirAll(cfgDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfgDir, "config.yaml"), []byte("ledger: "+elsewhere+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, stderr, _ := runUsageCommand(t, env); countOf(out) != "8" {
		t.Errorf("ledger in the config file: TOTAL requests %q, want 8\n%s%s", countOf(out), out, stderr)
	}
}

func TestUsageDamagedLedgerIsAnError(t *testing.T) {
	env := usageEnv(t)
	path := filepath.Join(t.TempDir(), "usage.db")
	if err := os.WriteFile(path, bytes.Repeat([]byte("garbage!"), 512), 0o600); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runUsageCommand(t, env, "--ledger", path)
	if code != exitFailure || !strings.Contains(stderr, path) {
		t.Errorf("damaged ledger: exit %d, stderr %q; want exit 1 naming the file", code, stderr)
	}
}

func TestUsageFlagErrors(t *testing.T) {
	env := usageEnv(t)
	tests := [][]string{
		{"--since", "yesterday"},
		{"--since", "7x"},
		{"--since", "-7d"},
		{"--until", "2026-13-01"},
		{"--since", "2026-10-10", "--until", "2026-10-01"},
		{"--since", "1d", "--until", "2d"},
		{"--by", "week"},
		{"--json", "--csv"},
		{"--limit", "5"},
		{"--list", "--limit", "-1"},
		{"--list", "--by", "day"},
		{"extra-argument"},
		{"--no-such-flag"},
	}
	for _, args := range tests {
		_, stderr, code := runUsageCommand(t, env, args...)
		if code != exitUsage {
			t.Errorf("usage %v: exit %d, want %d (usage error); stderr %q", args, code, exitUsage, stderr)
		}
	}
}

func TestUsageDaysFollowTZ(t *testing.T) {
	if _, err := time.LoadLocation("Pacific/Kiritimati"); err != nil {
		t.Skip("no time zone database:", err)
	}
	env := usageEnv(t)
	fillUsageLedger(t, ledger.DefaultPath(func(k string) string { return env[k] }))
	env["TZ"] = "Pacific/Kiritimati" // UTC+14: 10:00 UTC on 6 October is the 7th there
	out, stderr, code := runUsageCommand(t, env, "--by", "day", "--since", "2026-10-01", "--until", "2026-10-31")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	days := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 1 && strings.HasPrefix(f[0], "2026-") {
			days[f[0]] = f[1]
		}
	}
	if days["2026-10-06"] != "" || days["2026-10-07"] != "2" || days["2026-10-08"] != "2" {
		t.Errorf("requests per day in UTC+14 = %v; want none on the 6th, 2 on the 7th and 2 on the 8th\n%s", days, out)
	}
	if !strings.Contains(out, "+14") && !strings.Contains(out, "LINT") {
		t.Errorf("the window is not shown in the zone of the days:\n%s", out)
	}
}

func TestUsageMixedCurrencies(t *testing.T) {
	env := usageEnv(t)
	fillUsageLedger(t, ledger.DefaultPath(func(k string) string { return env[k] }))
	cfgDir := filepath.Join(env["XDG_CONFIG_HOME"], "livetranslate")
	if err := os.MkdirAll(cfgDir, 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := "pricing:\n  models:\n    qwen3-livetranslate-flash:\n      intl: {currency: USD, input_audio: 10}\n"
	if err := os.WriteFile(filepath.Join(cfgDir, "config.yaml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runUsageCommand(t, env, "--by", "model")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"USD", "(mixed currencies)", "not added up", "overridden"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestUsageValidate: the usage options are checked, in order, without reading anything but the
// environment's "now" and zone; each refusal is a usage error worded with the flags.
func TestUsageValidate(t *testing.T) {
	env := map[string]string{usagereport.EnvNow: "2026-11-01T12:00:00Z", "TZ": "UTC"}
	getenv := func(k string) string { return env[k] }
	def := usageOptions{Since: "30d", Until: "now", Limit: 50}
	with := func(f func(*usageOptions)) usageOptions { o := def; f(&o); return o }
	for _, tt := range []struct {
		name string
		opts usageOptions
		err  string // a substring of the error; "" for none
		code int
	}{
		{"defaults", def, "", 0},
		{"json and csv", with(func(o *usageOptions) { o.JSON, o.CSV = true, true }), "--json and --csv cannot be used together", exitUsage},
		{"by with list", with(func(o *usageOptions) { o.List, o.By, o.byGiven = true, "day", true }), "--by and --list cannot be used together", exitUsage},
		{"limit without list", with(func(o *usageOptions) { o.limitGiven = true }), "--limit applies to --list", exitUsage},
		{"negative limit", with(func(o *usageOptions) { o.List, o.Limit, o.limitGiven = true, -1, true }), "--limit must be 0 (all) or more, got -1", exitUsage},
		{"unknown grouping", with(func(o *usageOptions) { o.By = "week" }), `cannot group --by "week"`, exitUsage},
		{"grouping", with(func(o *usageOptions) { o.By = "model" }), "", 0},
		{"bad since", with(func(o *usageOptions) { o.Since, o.sinceGiven = "yesterday", true }), `invalid --since "yesterday"`, exitUsage},
		{"bad until", with(func(o *usageOptions) { o.Until = "2026-13-01" }), `invalid --until "2026-13-01"`, exitUsage},
		{"empty window", with(func(o *usageOptions) { o.Since, o.Until, o.sinceGiven = "2026-10-10", "2026-10-01", true }),
			"--since (2026-10-10 00:00 UTC) must be before --until (2026-10-02 00:00 UTC)", exitUsage},
	} {
		win, err := tt.opts.validate(getenv)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.err == "" && (!win.Until.Equal(time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)) || !win.Since.Equal(win.Until.AddDate(0, 0, -30))):
			t.Errorf("%s: window %v to %v; want the 30 days before now", tt.name, win.Since, win.Until)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err) || exitCode(err) != tt.code):
			t.Errorf("%s: %v (exit %d); want %q, exit %d", tt.name, err, exitCode(err), tt.err, tt.code)
		}
	}
	env[usagereport.EnvNow] = "noon"
	if _, err := def.validate(getenv); err == nil || exitCode(err) != exitFailure {
		t.Errorf("a bad %s: %v; want an error, exit 1", usagereport.EnvNow, err)
	}
}
