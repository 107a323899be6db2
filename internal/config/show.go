package config

import (
	"fmt"
	"io"
	"strings"

	"github.com/livetranslate/livetranslate/internal/prettyjson"
)

// ShownSetting is one setting as a listing of the settings shows it: its value, the kind of its
// source, and the flag, environment variable or file it came from.
type ShownSetting struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Source string `json:"source"`
	Flag   string `json:"flag,omitempty"`
	Env    string `json:"env,omitempty"`
	File   string `json:"file,omitempty"`
}

// Shown is the settings a run uses, in the order they are shown.
type Shown []ShownSetting

// Show is keys as Effective gives them, for showing. defaults are the values to show for keys
// whose default is empty, because the run works out what it means (the ledger's default path).
func (c *Config) Show(keys []string, defaults map[string]string) (Shown, error) {
	settings, err := c.Effective(keys)
	if err != nil {
		return nil, err
	}
	shown := make(Shown, 0, len(settings))
	for _, s := range settings {
		if d, ok := defaults[s.Key]; ok && s.Value == "" && s.Origin.Kind == FromDefault {
			s.Value = d
		}
		sh := ShownSetting{Key: s.Key, Value: s.Value, Source: string(s.Origin.Kind)}
		switch s.Origin.Kind {
		case FromFlag:
			sh.Flag = s.Origin.Name
		case FromEnv:
			sh.Env = s.Origin.Name
		case FromFile:
			sh.File = s.Origin.Name
		}
		shown = append(shown, sh)
	}
	return shown, nil
}

// WriteText writes the settings one a line, "key = value  (source)", each line through redact.
func (s Shown) WriteText(w io.Writer, redact func(string) string) error {
	for _, sh := range s {
		value := sh.Value
		if value == "" {
			value = `""`
		}
		source := sh.Source
		switch {
		case sh.Flag != "":
			source += " " + sh.Flag
		case sh.Env != "":
			source += " $" + sh.Env
		case sh.File != "":
			source += " " + sh.File
		}
		if _, err := io.WriteString(w, redact(fmt.Sprintf("%s = %s  (%s)\n", sh.Key, value, source))); err != nil {
			return err
		}
	}
	return nil
}

// WriteJSON writes the settings as a JSON list, each line through redact.
func (s Shown) WriteJSON(w io.Writer, redact func(string) string) error {
	var b strings.Builder
	if err := prettyjson.Write(&b, s); err != nil {
		return err
	}
	for _, line := range strings.SplitAfter(b.String(), "\n") {
		if _, err := io.WriteString(w, redact(line)); err != nil {
			return err
		}
	}
	return nil
}
