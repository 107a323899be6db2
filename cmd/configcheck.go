package cmd

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/livetranslate/livetranslate/internal/config"
)

// configOnlyKeys are the config file's keys that no flag has.
var configOnlyKeys = []string{"pricing"}

// settingKeys are the flags whose value may come from the config file or LIVETRANSLATE_*: the
// settings that stay the same from run to run. The others (where results go, what to read,
// how this run behaves) are the command line's alone.
var settingKeys = map[string]bool{
	"api_key": true, "region": true, "base_url": true, "model": true, "to": true, "from": true,
	"voice": true, "format": true, "jobs": true, "inline_limit": true, "timeout": true,
	"retries": true, "idle_timeout": true, "pause_threshold": true, "min_pause": true,
	"ledger": true, "lang_form": true, "max_tokens": true, "seed": true, "temperature": true,
	"top_p": true, "top_k": true, "presence_penalty": true, "repetition_penalty": true,
	"speech_rate": true, "pricing": true,
}

// checkConfig looks at the values that came from the config file or the environment, which
// pflag has not parsed: one of the wrong type is an error that names the key and where it came
// from (exit 3), not a flag the user never passed; a key no command knows is a warning that names
// the closest valid one.
func (a *app) checkConfig(run *cobra.Command) error {
	cfg := a.cfg
	known := map[string]*pflag.Flag{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, fs := range []*pflag.FlagSet{c.LocalFlags(), c.PersistentFlags()} {
			fs.VisitAll(func(f *pflag.Flag) {
				if f.Name != "help" && f.Name != "config" {
					known[strings.ReplaceAll(f.Name, "-", "_")] = f
				}
			})
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(run.Root())
	for _, k := range configOnlyKeys {
		known[k] = nil
	}

	var unknown []string
	for _, key := range cfg.FileKeys() {
		if _, ok := known[key]; !ok {
			unknown = append(unknown, key)
		}
	}
	slices.Sort(unknown)
	for _, key := range cfg.FileKeys() {
		if f, ok := known[key]; ok && f != nil && !settingKeys[key] {
			a.warnf("config file %s: %q is not read from the config file, only from the command line (--%s); it is ignored", cfg.File, key, f.Name)
		}
	}
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		key, ok := strings.CutPrefix(name, "LIVETRANSLATE_")
		key = strings.ToLower(key)
		if !ok || settingKeys[key] || name == "LIVETRANSLATE_NOW" {
			continue
		}
		if f, isFlag := known[key]; isFlag && f != nil {
			a.warnf("$%s is not read from the environment, only from the command line (--%s); it is ignored", name, f.Name)
		} else if !isFlag {
			msg := fmt.Sprintf("$%s is not a setting of livetranslate; it is ignored", name)
			if near := closest(key, known); near != "" {
				msg += fmt.Sprintf(" (did you mean $LIVETRANSLATE_%s?)", strings.ToUpper(near))
			}
			a.warnf("%s", msg)
		}
	}
	for _, key := range unknown {
		msg := fmt.Sprintf("config file %s: unknown key %q is ignored", cfg.File, key)
		if near := closest(key, known); near != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", near)
		}
		a.warnf("%s", msg)
	}

	// The running command's own flags: a value from the file or the environment must parse as
	// the flag would have parsed it.
	var err error
	run.Flags().VisitAll(func(f *pflag.Flag) {
		key := strings.ReplaceAll(f.Name, "-", "_")
		if err != nil || f.Changed || !cfg.IsSet(key) {
			return
		}
		src := cfg.Source(key)
		if src == "" {
			return // the default
		}
		if perr := checkType(f.Value.Type(), cfg.Raw(key)); perr != nil {
			err = &config.Error{Msg: fmt.Sprintf("%s: %v", src, perr),
				Hint: fmt.Sprintf("fix it there, or override it with --%s", f.Name)}
		}
	})
	return err
}

// applyConfig gives each setting flag of the running command that the command line left unset
// the value the environment or the config file has for it (their types were checked by
// checkConfig), so that a command reads every setting from its flags alone. The key, region and
// base URL are the config's to resolve (config.APIKey, config.BaseURL).
func (a *app) applyConfig(run *cobra.Command) error {
	var err error
	run.Flags().VisitAll(func(f *pflag.Flag) {
		key := strings.ReplaceAll(f.Name, "-", "_")
		switch {
		case err != nil || f.Changed || !settingKeys[key]:
			return
		case key == config.KeyAPIKey || key == config.KeyRegion || key == config.KeyBaseURL:
			return
		}
		src := a.cfg.Source(key)
		if src == "" {
			return // the flag's default
		}
		if serr := f.Value.Set(a.cfg.String(key)); serr != nil {
			err = &config.Error{Msg: fmt.Sprintf("%s: %v", src, serr), Hint: fmt.Sprintf("fix it there, or override it with --%s", f.Name)}
		}
	})
	return err
}

// checkType says what is wrong with a config value for a flag of type typ ("" when nothing).
func checkType(typ string, v any) error {
	s := strings.TrimSpace(fmt.Sprint(v))
	switch typ {
	case "int", "int64":
		if _, err := strconv.ParseInt(s, 10, 64); err != nil {
			return fmt.Errorf("%q is not a whole number", s)
		}
	case "float64":
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return fmt.Errorf("%q is not a number", s)
		}
	case "bool":
		if _, err := strconv.ParseBool(s); err != nil {
			return fmt.Errorf("%q is not true or false", s)
		}
	case "duration":
		if _, err := time.ParseDuration(s); err != nil {
			return fmt.Errorf("%q is not a duration: give a unit, e.g. 30s, 2m, 1h30m", s)
		}
	case "bytes":
		if _, err := parseBytes(s); err != nil {
			return err
		}
	}
	return nil
}

// closest is the known key nearest to key by edit distance, if it is near enough to be a typo.
func closest(key string, known map[string]*pflag.Flag) string {
	best, bestD := "", max(2, len(key)/3)+1
	for k := range known {
		if d := editDistance(key, k); d < bestD || (d == bestD && k < best) {
			best, bestD = k, d
		}
	}
	if bestD > max(2, len(key)/3) {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// flagInError finds the flag a settings error names first: "--jobs 0 is out of range",
// "unknown --format \"xml\"", "--to: unknown language".
var flagInError = regexp.MustCompile(`^(unknown |invalid )?--([a-z][a-z-]*)\b[ :]*`)

// fromSource turns an error about a flag's value into one about where the value came from when
// that was not the command line: "jobs in FILE: 0 is out of range" (exit 3, configuration), not
// "--jobs 0 is out of range" (exit 2) for a flag the user never passed.
func (a *app) fromSource(err error) error {
	m := flagInError.FindStringSubmatchIndex(err.Error())
	if m == nil || a.cfg == nil {
		return err
	}
	msg := err.Error()
	flag := msg[m[4]:m[5]]
	src := a.cfg.Source(strings.ReplaceAll(flag, "-", "_"))
	if src == "" || strings.HasPrefix(src, "--") {
		return err
	}
	what := msg[m[1]:]
	if m[2] >= 0 { // "unknown --format "xml"; choose …" reads "format in FILE: unknown "xml"; …"
		what = msg[m[2]:m[3]] + what
	}
	return &config.Error{Msg: src + ": " + what, Hint: "fix it there, or override it with --" + flag, Err: nil}
}
