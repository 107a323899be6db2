package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/livetranslate/livetranslate/internal/api"
)

// KeyLedger is the key of the usage ledger's path.
const KeyLedger = "ledger"

// configOnlyKeys are the config file's keys that no flag has.
var configOnlyKeys = []string{"pricing"}

// settingKeys are the flags whose value may come from the config file or LIVETRANSLATE_*: the
// settings that stay the same from run to run. The others (where results go, what to read,
// how this run behaves) are the command line's alone.
var settingKeys = withSampling(map[string]bool{
	"api_key": true, "region": true, "base_url": true, "model": true, "to": true, "from": true,
	"voice": true, "format": true, "jobs": true, "inline_limit": true, "timeout": true,
	"retries": true, "idle_timeout": true, "pause_threshold": true, "min_pause": true,
	"ledger": true, "lang_form": true, "pricing": true, "max_cost": true,
	"cache": true, "cache_max_size": true,
})

// withSampling adds the request's sampling parameters to keys: each is a setting, its key the
// body parameter's name (max_tokens), as its flag is that name with dashes.
func withSampling(keys map[string]bool) map[string]bool {
	var s api.Sampling
	for _, p := range s.Params() {
		keys[p.Name] = true
	}
	return keys
}

// FlagKey is the key of the flag named name: its dashes turned to underscores (base-url is
// base_url).
func FlagKey(name string) string { return strings.ReplaceAll(name, "-", "_") }

// FlagName is the name of the flag of key: its underscores turned to dashes (base_url is
// base-url), the inverse of FlagKey.
func FlagName(key string) string { return strings.ReplaceAll(key, "_", "-") }

// IsSetting reports whether key is a setting: a value the config file and the environment may
// give as well as the command line.
func IsSetting(key string) bool { return settingKeys[key] }

// FlagKeys are the keys of the flags in sets (the flag sets of every command), with the keys only
// the config file has.
func FlagKeys(sets []*pflag.FlagSet) Keys {
	keys := Keys{Flags: map[string]string{}, Settings: settingKeys, Lists: map[string]bool{}}
	for _, fs := range sets {
		fs.VisitAll(func(f *pflag.Flag) {
			if f.Name == "help" || f.Name == "config" {
				return
			}
			key := FlagKey(f.Name)
			keys.Flags[key] = f.Name
			if t := f.Value.Type(); t == "langs" || strings.HasSuffix(t, "Slice") {
				keys.Lists[key] = true
			}
		})
	}
	for _, k := range configOnlyKeys {
		keys.Flags[k] = ""
	}
	return keys
}

// Check looks at the values that came from the config file or the environment (environ, as
// os.Environ gives it), which pflag has not parsed: a map or a list in the file for a setting
// that takes one value, and a value of the wrong type for the running command's flag (bound with
// BindFlags), are errors that name the key and where it came from, not a flag the user never
// passed; what no run reads (a key no command knows, with the closest valid one) is passed to
// warn.
func (c *Config) Check(known Keys, environ []string, warn func(format string, args ...any)) error {
	if err := c.CheckShapes(known); err != nil {
		return err
	}
	for _, w := range c.Warnings(known, environ) {
		warn("%s", w)
	}
	if c.flags == nil {
		return nil
	}
	var err error
	c.flags.VisitAll(func(f *pflag.Flag) {
		if key := FlagKey(f.Name); err == nil && settingKeys[key] {
			err = c.CheckValue(key, f.Value.Type()) // the others are ignored, as warned
		}
	})
	return err
}

// Apply gives each setting flag of the running command (bound with BindFlags) that the command
// line left unset the value the environment or the config file has for it (their types checked
// by Check), so that a command reads every setting from its flags alone. The key, region and base
// URL are left to APIKey and BaseURL, which resolve them.
func (c *Config) Apply() error {
	if c.flags == nil {
		return nil
	}
	var err error
	c.flags.VisitAll(func(f *pflag.Flag) {
		key := FlagKey(f.Name)
		switch {
		case err != nil || f.Changed || !settingKeys[key]:
			return
		case key == KeyAPIKey || key == KeyRegion || key == KeyBaseURL:
			return
		}
		src := c.Source(key)
		if src == "" {
			return // the flag's default
		}
		if serr := f.Value.Set(c.String(key)); serr != nil {
			err = SourceError(src, key, serr)
		}
	})
	return err
}

// SourceError is a bad value of key from src, the environment or the config file: a
// configuration error naming where it came from, and the flag that overrides it.
func SourceError(src, key string, err error) *Error {
	return &Error{Msg: fmt.Sprintf("%s: %v", src, err), Hint: "fix it there, or override it with --" + FlagName(key)}
}

// ShownKeys are the keys a listing of the settings shows: the service's (the key, region and base
// URL), then the settings among the flags of fs in the order of their names.
func ShownKeys(fs *pflag.FlagSet) []string {
	keys := []string{KeyAPIKey, KeyRegion, KeyBaseURL}
	fs.VisitAll(func(f *pflag.Flag) {
		if key := FlagKey(f.Name); settingKeys[key] && !slices.Contains(keys, key) {
			keys = append(keys, key)
		}
	})
	return keys
}
