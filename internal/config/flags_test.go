package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// commandFlags is a running command's flags as cmd defines them: settings, a list setting and one
// flag that is the command line's alone, parsed from args.
func commandFlags(t *testing.T, args ...string) *pflag.FlagSet {
	t.Helper()
	fs := flags(t)
	fs.StringSlice("to", nil, "")
	fs.String("out-dir", "", "")
	fs.String("ledger", "", "")
	fs.Bool("help", false, "")
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return fs
}

func TestFlagKeys(t *testing.T) {
	global := pflag.NewFlagSet("root", pflag.ContinueOnError)
	global.String("config", "", "")
	global.String("api-key", "", "")
	k := FlagKeys([]*pflag.FlagSet{global, commandFlags(t)})
	for key, flag := range map[string]string{"api_key": "api-key", "base_url": "base-url", "out_dir": "out-dir", "to": "to", "pricing": ""} {
		if got, ok := k.Flags[key]; !ok || got != flag {
			t.Errorf("Flags[%q] = %q, %v; want %q", key, got, ok, flag)
		}
	}
	for _, key := range []string{"help", "config"} {
		if _, ok := k.Flags[key]; ok {
			t.Errorf("%s is a key", key)
		}
	}
	if !k.Lists["to"] || k.Lists["model"] {
		t.Errorf("Lists = %v; want to alone", k.Lists)
	}
	if !k.Settings["jobs"] || k.Settings["out_dir"] || !IsSetting("pricing") || IsSetting("out_dir") {
		t.Errorf("settings: jobs %v, out_dir %v; want jobs alone", k.Settings["jobs"], k.Settings["out_dir"])
	}
}

// Apply gives the unset setting flags their value from the environment or the file, and leaves
// flags the command line set, the service's keys (resolved by APIKey and BaseURL) and flags that
// are not settings alone.
func TestApply(t *testing.T) {
	cleanEnv(t)
	t.Setenv("LIVETRANSLATE_JOBS", "8")
	t.Setenv("LIVETRANSLATE_OUT_DIR", "/elsewhere")
	file := writeFile(t, "config.yaml", "model: from-file\nregion: cn\nvoice: Cherry\nto: [fr, de]\n", 0o600)
	c := load(t, file)
	fs := commandFlags(t, "--voice", "Ethan")
	if err := c.BindFlags(fs); err != nil {
		t.Fatal(err)
	}
	if err := c.Check(FlagKeys([]*pflag.FlagSet{fs}), nil, func(format string, args ...any) { t.Errorf(format, args...) }); err != nil {
		t.Fatal(err)
	}
	if err := c.Apply(); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"jobs": "8", "model": "from-file", "voice": "Ethan", "to": "[fr,de]",
		"region": "", "out-dir": "", "inline-limit": "10MiB"} {
		if got := fs.Lookup(name).Value.String(); got != want {
			t.Errorf("--%s = %q, want %q", name, got, want)
		}
	}
}

// A value of the wrong type in the file is an error naming the key and the file, its hint the
// flag that overrides it; what no run reads is a warning; a setting given a map is refused before
// anything is warned.
func TestCheck(t *testing.T) {
	cleanEnv(t)
	file := writeFile(t, "config.yaml", "modle: x\njobs: many\n", 0o600)
	c := load(t, file)
	fs := commandFlags(t)
	if err := c.BindFlags(fs); err != nil {
		t.Fatal(err)
	}
	var warned []string
	warn := func(format string, args ...any) { warned = append(warned, fmt.Sprintf(format, args...)) }
	err := c.Check(FlagKeys([]*pflag.FlagSet{fs}), []string{"LIVETRANSLATE_OUT_DIR=x"}, warn)
	var cerr *Error
	if !errors.As(err, &cerr) || cerr.Error() != "jobs in "+file+`: "many" is not a whole number` || cerr.Hint != "fix it there, or override it with --jobs" {
		t.Errorf("Check = %v; want a configuration error naming the key and the file", err)
	}
	if len(warned) != 2 || !strings.Contains(warned[0], "$LIVETRANSLATE_OUT_DIR is not read from the environment") || !strings.Contains(warned[1], `unknown key "modle"`) {
		t.Errorf("warnings %q; want the variable and the unknown key", warned)
	}

	warned = nil
	c = load(t, writeFile(t, "config.yaml", "modle: x\nmodel: {a: 1}\n", 0o600))
	if err := c.BindFlags(commandFlags(t)); err != nil {
		t.Fatal(err)
	}
	if err := c.Check(FlagKeys([]*pflag.FlagSet{fs}), nil, warn); err == nil || !strings.Contains(err.Error(), "is a map") || warned != nil {
		t.Errorf("a map for the model: %v, warnings %q; want the error alone", err, warned)
	}
}

// A value the flag refuses is Apply's error too (for a run that did not Check first), named by
// where it came from.
func TestApplyRefusesAValue(t *testing.T) {
	cleanEnv(t)
	t.Setenv("LIVETRANSLATE_JOBS", "many")
	c := load(t, "")
	fs := commandFlags(t)
	if err := c.BindFlags(fs); err != nil {
		t.Fatal(err)
	}
	err := c.Apply()
	var cerr *Error
	if !errors.As(err, &cerr) || !strings.HasPrefix(err.Error(), "$LIVETRANSLATE_JOBS: ") || cerr.Hint != "fix it there, or override it with --jobs" {
		t.Errorf("Apply = %v; want a configuration error naming the variable", err)
	}
}

func TestShow(t *testing.T) {
	cleanEnv(t)
	const key = "sk-effective-0123456789abcdef"
	t.Setenv("DASHSCOPE_API_KEY", key)
	file := writeFile(t, "config.yaml", "model: from-file\n", 0o600)
	c := load(t, file)
	fs := commandFlags(t, "--voice", "Ethan")
	if err := c.BindFlags(fs); err != nil {
		t.Fatal(err)
	}
	if err := c.Apply(); err != nil {
		t.Fatal(err)
	}
	keys := ShownKeys(fs)
	if want := []string{KeyAPIKey, KeyRegion, KeyBaseURL, "inline_limit", "jobs", "ledger", "model", "to", "voice"}; !slices.Equal(keys, want) {
		t.Fatalf("ShownKeys = %q, want %q", keys, want)
	}
	shown, err := c.Show(keys, map[string]string{KeyLedger: "/state/usage.db", KeyModel: "unused"})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := shown.WriteText(&b, func(s string) string { return strings.ReplaceAll(s, "cdef", "[redacted]") }); err != nil {
		t.Fatal(err)
	}
	want := `api_key = sk-…[redacted]  (env $DASHSCOPE_API_KEY)
region = intl  (default)
base_url = ` + BaseURLIntl + `  (default)
inline_limit = 10MiB  (default)
jobs = 0  (default)
ledger = /state/usage.db  (default)
model = from-file  (file ` + file + `)
to = []  (default)
voice = Ethan  (flag --voice)
`
	if b.String() != want {
		t.Errorf("WriteText:\n%s\nwant:\n%s", b.String(), want)
	}

	b.Reset()
	var lines int
	if err := shown.WriteJSON(&b, func(s string) string { lines++; return s }); err != nil {
		t.Fatal(err)
	}
	var got []map[string]string
	if err := json.Unmarshal([]byte(b.String()), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(keys) || got[0]["env"] != "DASHSCOPE_API_KEY" || got[6]["file"] != file || got[8]["flag"] != "--voice" || got[1]["source"] != "default" {
		t.Errorf("WriteJSON: %v", got)
	}
	if lines < len(keys)*4 {
		t.Errorf("WriteJSON redacted %d lines; want every line", lines)
	}
}
