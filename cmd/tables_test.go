package cmd

import (
	"strings"
	"testing"
)

// TestVoicesValidate: --lang is checked before anything is printed; each refusal is a usage error
// that names the flag or says why no voice speaks the language.
func TestVoicesValidate(t *testing.T) {
	for _, tt := range []struct {
		lang   string
		err    string // a substring of the error; "" for none
		voices string // a voice among those listed
		not    string // a voice not among them
	}{
		{"", "", "Kiki", ""},
		{"French", "", "Cherry", "Kiki"},
		{"粤语", "", "Kiki", "Cherry"},
		{"Klingon", `--lang: unknown language "Klingon"`, "", ""},
		{"Thai", "Thai (th) is a text-only target: no voice speaks it", "", ""},
	} {
		voices, err := (&voicesOptions{Lang: tt.lang}).validate()
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) || exitCode(err) != exitUsage {
				t.Errorf("--lang %q: %v (exit %d); want a usage error with %q", tt.lang, err, exitCode(err), tt.err)
			}
			continue
		}
		names := map[string]bool{}
		for _, v := range voices {
			names[v.Name] = true
		}
		if err != nil || !names[tt.voices] || names[tt.not] {
			t.Errorf("--lang %q: %v, %v; want %s and not %q", tt.lang, names, err, tt.voices, tt.not)
		}
	}
}
