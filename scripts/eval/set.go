package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// manifest is conditions.json, written by scripts/make-eval-set.sh.
type manifest struct {
	ScriptSHA256 string   `json:"script_sha256"`
	Conditions   []string `json:"conditions"`
	Cleans       []struct {
		Name   string `json:"name"`
		Source string `json:"source"`
	} `json:"cleans"`
	Files []setFile `json:"files"`
}

// setFile is one recording of the set: a clean recording under one condition.
type setFile struct {
	File      string   `json:"file"`
	Clean     string   `json:"clean"`
	Condition string   `json:"condition"`
	Truth     string   `json:"truth"`
	SNR       *float64 `json:"snr_db"` // null for the clean condition (digital silence)
}

// truth is a <clean>.truth.json: the speech spans of the clean signal, in seconds.
type truth struct {
	Duration float64      `json:"duration"`
	Speech   [][2]float64 `json:"speech"`
}

func (t truth) total() time.Duration { return seconds(t.Duration) }

func (t truth) spans() []span {
	out := make([]span, len(t.Speech))
	for i, s := range t.Speech {
		out[i] = span{seconds(s[0]), seconds(s[1])}
	}
	return out
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// loadSet reads the manifest and every truth file it names.
func loadSet(dir string) (*manifest, map[string]truth, error) {
	var m manifest
	if err := readJSON(filepath.Join(dir, "conditions.json"), &m); err != nil {
		return nil, nil, fmt.Errorf("%w (make it with scripts/make-eval-set.sh %s)", err, dir)
	}
	if len(m.Files) == 0 {
		return nil, nil, fmt.Errorf("%s/conditions.json lists no files", dir)
	}
	truths := map[string]truth{}
	for _, f := range m.Files {
		if _, ok := truths[f.Truth]; ok {
			continue
		}
		var t truth
		if err := readJSON(filepath.Join(dir, f.Truth), &t); err != nil {
			return nil, nil, err
		}
		truths[f.Truth] = t
	}
	return &m, truths, nil
}
