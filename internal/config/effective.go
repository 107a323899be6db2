package config

import (
	"strings"
	"unicode/utf8"
)

// Setting is one setting as a run uses it, and where its value came from.
type Setting struct {
	Key    string
	Value  string
	Origin Origin
}

// Effective lists keys, in the order given, with the values a run uses: the API key redacted
// (RedactKey), the base URL resolved from the region when none is set, the region as given, and
// every other key as the running command's flag (bound with BindFlags) holds it. The command's
// hook has given each flag the command line left unset its value from the environment or the
// file by then, so the flag holds the value the run uses, parsed as it parses it; a key without
// a flag shows the value of the environment, the file or the default. A region or base URL a run
// would refuse is its error.
func (c *Config) Effective(keys []string) ([]Setting, error) {
	out := make([]Setting, 0, len(keys))
	for _, key := range keys {
		s := Setting{Key: key, Origin: c.Origin(key)}
		switch key {
		case KeyAPIKey:
			s.Value = RedactKey(c.String(key))
		case KeyBaseURL:
			u, err := c.BaseURL()
			if err != nil {
				return nil, err
			}
			s.Value = u
		case KeyRegion:
			if _, err := c.regionURL(); err != nil {
				return nil, err
			}
			s.Value = c.String(key)
		default:
			s.Value = c.String(key)
			if c.flags != nil {
				if f := c.flags.Lookup(FlagName(key)); f != nil {
					s.Value = f.Value.String()
				}
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// RedactKey shows enough of an API key to tell two keys apart and too little to use one: its
// "sk-" prefix, if it has one, and its last four characters ("sk-…abcd"). A key under 16
// characters would give away too much of itself that way and is shown as "(set)"; no key is "".
func RedactKey(key string) string {
	switch {
	case key == "":
		return ""
	case utf8.RuneCountInString(key) < 16:
		return "(set)"
	}
	prefix := ""
	if strings.HasPrefix(key, "sk-") {
		prefix = "sk-"
	}
	r := []rune(key)
	return prefix + "…" + string(r[len(r)-4:])
}
