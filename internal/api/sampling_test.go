package api

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/livetranslate/livetranslate/internal/usage"
)

// TestParamsAreTheBody: each parameter sets the one field sent under its name, and every field
// of Sampling has its parameter, so a setting added to the struct without a row is caught.
func TestParamsAreTheBody(t *testing.T) {
	var zero Sampling
	params := zero.Params()
	if n := reflect.TypeOf(zero).NumField(); len(params) != n {
		t.Fatalf("%d parameters for %d fields of Sampling", len(params), n)
	}
	seen := map[string]bool{}
	for _, p := range params {
		var s Sampling
		bound := s.Params()
		for _, b := range bound {
			if b.Name == p.Name {
				if err := b.Value.Set("1"); err != nil {
					t.Fatalf("%s: Set(1): %v", p.Name, err)
				}
			}
		}
		body, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[p.Name] != 1.0 {
			t.Errorf("setting %s to 1 sends %s", p.Name, body)
		}
		if seen[p.Name] {
			t.Errorf("%s twice", p.Name)
		}
		seen[p.Name] = true
		if p.Help == "" || p.Range == "" {
			t.Errorf("%s: help %q, range %q", p.Name, p.Help, p.Range)
		}
	}
}

func TestParamValue(t *testing.T) {
	var s Sampling
	types := map[string]string{}
	for _, p := range s.Params() {
		types[p.Name] = p.Value.Type()
		if got := p.Value.String(); got != "" {
			t.Errorf("%s unset reads %q", p.Name, got)
		}
	}
	if types["max_tokens"] != "int" || types["seed"] != "int64" || types["temperature"] != "float64" {
		t.Errorf("types %v: the configuration checks a value by them (int, int64, float64)", types)
	}
	for _, p := range s.Params() {
		switch p.Name {
		case "seed":
			if err := p.Value.Set("0x10"); err != nil || *s.Seed != 16 || p.Value.String() != "16" {
				t.Errorf("seed 0x10: %v, %q", err, p.Value.String())
			}
		case "top_p":
			if err := p.Value.Set("0.25"); err != nil || *s.TopP != 0.25 || p.Value.String() != "0.25" {
				t.Errorf("top_p 0.25: %v, %q", err, p.Value.String())
			}
		case "top_k":
			if err := p.Value.Set("x"); err == nil || s.TopK != nil {
				t.Errorf("top_k x: %v, %v", err, s.TopK)
			}
		}
	}
}

func TestSamplingCheck(t *testing.T) {
	tests := []struct {
		name, value string
		want        string // the range, "" when in range
	}{
		{"max_tokens", "1", ""}, {"max_tokens", "4096", ""},
		{"max_tokens", "0", "in [1, 4096]"}, {"max_tokens", "4097", "in [1, 4096]"},
		{"seed", "0", ""}, {"seed", "2147483647", ""},
		{"seed", "-1", "in [0, 2147483647]"}, {"seed", "2147483648", "in [0, 2147483647]"},
		{"temperature", "0", ""}, {"temperature", "1.99", ""},
		{"temperature", "2", "in [0, 2)"}, {"temperature", "NaN", "in [0, 2)"},
		{"top_p", "1", ""}, {"top_p", "0", "in (0, 1]"}, {"top_p", "+Inf", "in (0, 1]"},
		{"top_k", "0", ""}, {"top_k", "500", ""}, {"top_k", "-1", ">= 0"},
		{"presence_penalty", "-2", ""}, {"presence_penalty", "2", ""}, {"presence_penalty", "2.5", "in [-2, 2]"},
		{"repetition_penalty", "0.1", ""}, {"repetition_penalty", "0", "> 0"},
		{"speech_rate", "0.5", ""}, {"speech_rate", "2", ""}, {"speech_rate", "0.4", "in [0.5, 2]"},
	}
	for _, tt := range tests {
		var s Sampling
		for _, p := range s.Params() {
			if p.Name == tt.name {
				if err := p.Value.Set(tt.value); err != nil {
					t.Fatalf("%s %s: %v", tt.name, tt.value, err)
				}
			}
		}
		err := s.Check()
		var re *RangeError
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s %s: %v", tt.name, tt.value, err)
		case tt.want == "":
		case !errors.As(err, &re):
			t.Errorf("%s %s: %v, want a *RangeError", tt.name, tt.value, err)
		case re.Param != tt.name || re.Value != tt.value || re.Range != tt.want:
			t.Errorf("%s %s: %+v, want range %q", tt.name, tt.value, *re, tt.want)
		default:
			if _, ok := usage.As(err); !ok {
				t.Errorf("%s %s: %v is not a usage error", tt.name, tt.value, err)
			}
		}
	}
	if err := (Sampling{}).Check(); err != nil {
		t.Errorf("nothing set: %v", err)
	}
	if got := (&RangeError{Param: "top_p", Value: "0", Range: "in (0, 1]"}).Error(); got != "top_p 0 is out of range: must be in (0, 1]" {
		t.Errorf("Error() = %q", got)
	}
}
