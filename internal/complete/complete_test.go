package complete

import (
	"slices"
	"strings"
	"testing"
)

// values are the candidates without their descriptions.
func values(cands []string) []string {
	out := make([]string, len(cands))
	for i, c := range cands {
		v, _, ok := strings.Cut(c, "\t")
		if !ok {
			panic("candidate without a description: " + c)
		}
		out[i] = v
	}
	return out
}

func TestLanguages(t *testing.T) {
	all := []string{"en", "zh", "ru", "fr", "de", "pt", "es", "it", "id", "ko", "ja", "vi", "th", "ar", "yue", "hi", "el", "tr"}
	speech := []string{"en", "zh", "ru", "fr", "de", "pt", "es", "it", "ko", "ja", "yue"}
	for _, tc := range []struct {
		prefix     string
		speechOnly bool
		want       []string
	}{
		{"", false, all},
		{"", true, speech},
		{"fr", false, []string{"fr", "French"}},
		{"Fr", false, []string{"fr", "French"}}, // the shell keeps the form that matches the case typed
		{"e", false, []string{"en", "es", "el", "English"}},
		{"I", true, []string{"it", "Italian"}}, // not Indonesian, text only
		{"can", false, []string{"Cantonese"}},
		{"x", false, nil},
	} {
		if got := values(Languages(tc.prefix, tc.speechOnly)); !slices.Equal(got, tc.want) {
			t.Errorf("Languages(%q, %v) = %v, want %v", tc.prefix, tc.speechOnly, got, tc.want)
		}
	}
	cands := Languages("", false)
	for _, want := range []string{"fr\tFrench (Français)", "en\tEnglish", "th\tThai (ไทย), text only"} {
		if !slices.Contains(cands, want) {
			t.Errorf("Languages(\"\") has no %q: %q", want, cands)
		}
	}
	if got := Languages("ja", false); !slices.Contains(got, "Japanese\tja") {
		t.Errorf("Languages(ja) = %q, want the English name described by its code", got)
	}
}

func TestVoices(t *testing.T) {
	all := []string{"Cherry", "Ethan", "Nofish", "Jada", "Dylan", "Sunny", "Peter", "Kiki", "Eric"}
	for _, tc := range []struct {
		targets []string
		prefix  string
		want    []string
	}{
		{nil, "", all},
		{[]string{"fr"}, "", []string{"Cherry", "Ethan", "Nofish"}},
		{[]string{"French"}, "", []string{"Cherry", "Ethan", "Nofish"}},
		{[]string{"Français"}, "", []string{"Cherry", "Ethan", "Nofish"}},
		{[]string{"yue"}, "", []string{"Kiki"}},
		{[]string{"zh-HK"}, "", []string{"Kiki"}},
		{[]string{"zh"}, "E", []string{"Ethan", "Eric"}},
		{[]string{"zh"}, "e", []string{"Ethan", "Eric"}},
		{[]string{"zh", "fr"}, "", []string{"Cherry", "Ethan", "Nofish"}}, // a voice for every target
		{[]string{"fr", "fr"}, "", []string{"Cherry", "Ethan", "Nofish"}},
		{[]string{"fr", "yue"}, "", nil}, // no voice speaks both
		{[]string{"th"}, "", nil},        // text only: no voice speaks it
		{[]string{"fr", "th"}, "", nil},  // nor a list with it
		{[]string{"klingon"}, "", all},   // not a language: the run will say so; every voice meanwhile
		{[]string{"", "yue"}, "", []string{"Kiki"}},
		{nil, "nobody", nil}, // no such voice
		{[]string{" fr "}, "che", []string{"Cherry"}},
	} {
		if got := values(Voices(tc.targets, tc.prefix)); !slices.Equal(got, tc.want) {
			t.Errorf("Voices(%q, %q) = %v, want %v", tc.targets, tc.prefix, got, tc.want)
		}
	}
	if got := Voices([]string{"yue"}, ""); len(got) != 1 || got[0] != "Kiki\tfemale, speaks yue" {
		t.Errorf("Voices(yue) = %q, want Kiki described by gender and languages", got)
	}
}
