package config

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Keys describes the keys the commands know: each key's flag name ("" for a key only the config
// file has, such as pricing), and whether it is a setting, read from the config file and the
// environment too (the others, where results go and how this run behaves, are the command
// line's alone).
type Keys struct {
	Flags    map[string]string // key → flag name
	Settings map[string]bool
	// Lists are the settings whose flag takes a list (to: [fr, de] is --to fr,de): the config
	// file may give them as a YAML list of single values; every other setting takes one value.
	Lists map[string]bool
}

// CheckShapes refuses a setting the config file gives as a map, or as a list where it takes
// one value (or a list holding a map or a list): YAML parses either, and String would make a
// value of it that nobody wrote (map[a:1] as the API key, [x] as the model). The error names the
// key and the file, not the value, which may be the key. Keys no command reads as a setting are
// left to Warnings, and a section such as pricing to its own parser.
func (c *Config) CheckShapes(k Keys) error {
	for _, key := range c.FileKeys() {
		if !k.Settings[key] || k.Flags[key] == "" {
			continue
		}
		v := c.v.Get(key)
		what := shape(v)
		if what != "" {
			what = "is " + what
		}
		if list, ok := v.([]any); ok && k.Lists[key] {
			what = ""
			for _, item := range list {
				if w := shape(item); w != "" {
					what = "has " + w + " among its items"
					break
				}
			}
		}
		if what == "" {
			continue
		}
		hint := fmt.Sprintf("give it one value there, e.g. %s: VALUE (see configs/config.example.yaml)", key)
		if k.Lists[key] {
			hint = fmt.Sprintf("give it one value or a list of values there, e.g. %s: [a, b] (see configs/config.example.yaml)", key)
		}
		return &Error{Msg: fmt.Sprintf("%s in %s %s; it takes %s", key, c.File, what, takes(k.Lists[key])), Hint: hint}
	}
	return nil
}

// shape is "a map" or "a list" for a YAML value that is one, "" for a single value.
func shape(v any) string {
	switch v.(type) {
	case map[string]any, map[any]any:
		return "a map"
	case []any:
		return "a list"
	}
	return ""
}

// takes says what a setting takes, for CheckShapes' message.
func takes(list bool) string {
	if list {
		return "one value or a list of values"
	}
	return "one value"
}

// Warnings are what the config file and the environment (environ, as os.Environ gives it) hold
// that no run reads: a key no command knows (with the known key nearest to it, if it is near
// enough to be a typo), a key of a flag that is not a setting.
func (c *Config) Warnings(k Keys, environ []string) []string {
	var out []string
	var unknown []string
	for _, key := range c.FileKeys() {
		flag, known := k.Flags[key]
		switch {
		case !known:
			unknown = append(unknown, key)
		case flag != "" && !k.Settings[key]:
			out = append(out, fmt.Sprintf("config file %s: %q is not read from the config file, only from the command line (--%s); it is ignored", c.File, key, flag))
		}
	}
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		key, ok := strings.CutPrefix(name, "LIVETRANSLATE_")
		key = strings.ToLower(key)
		if !ok || k.Settings[key] || name == "LIVETRANSLATE_NOW" {
			continue
		}
		if flag, known := k.Flags[key]; known && flag != "" {
			out = append(out, fmt.Sprintf("$%s is not read from the environment, only from the command line (--%s); it is ignored", name, flag))
		} else if !known {
			msg := fmt.Sprintf("$%s is not a setting of livetranslate; it is ignored", name)
			if near := k.closest(key); near != "" {
				msg += fmt.Sprintf(" (did you mean $LIVETRANSLATE_%s?)", strings.ToUpper(near))
			}
			out = append(out, msg)
		}
	}
	slices.Sort(unknown)
	for _, key := range unknown {
		msg := fmt.Sprintf("config file %s: unknown key %q is ignored", c.File, key)
		if near := k.closest(key); near != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", near)
		}
		out = append(out, msg)
	}
	return out
}

// CheckValue says what is wrong with key's value from the config file or the environment for a
// flag of type typ (as pflag names its types: int, float64, duration, …), or nil. A value the
// command line gave, or the default, is not checked: pflag parsed it.
func (c *Config) CheckValue(key, typ string) error {
	src := c.Source(key)
	if src == "" || c.FromFlag(key) {
		return nil
	}
	if err := checkType(typ, c.Raw(key)); err != nil {
		return SourceError(src, key, err)
	}
	return nil
}

// checkType says what is wrong with a value for a flag of type typ, or nil.
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
		if _, err := ParseBytes(s); err != nil {
			return err
		}
	}
	return nil
}

var byteUnits = []struct {
	suffix string
	mult   float64
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30},
	{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9},
	{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"b", 1},
}

// ParseBytes reads a size in bytes with an optional unit: 10MiB, 7.5MB, 512k, 0.
func ParseBytes(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	mult := 1.0
	for _, u := range byteUnits {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f*mult > 1<<62 {
		return 0, fmt.Errorf("invalid size %q: use bytes or a unit, e.g. 10MiB, 7.5MB, 0", s)
	}
	return int64(f * mult), nil
}

// closest is the known key nearest to key by edit distance, if it is near enough to be a typo.
func (k Keys) closest(key string) string {
	limit := max(2, len(key)/3)
	best, bestD := "", limit+1
	for known := range k.Flags {
		if d := editDistance(key, known); d < bestD || (d == bestD && known < best) {
			best, bestD = known, d
		}
	}
	if bestD > limit {
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
