package lang

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// factsVoices is the guide's voice table (docs/service.md, Voices) copied by hand: name, display name, gender and the languages the
// guide says each voice speaks for this model.
var factsVoices = []struct {
	name, display, gender string
	speaks                []string
}{
	{"Cherry", "芊悦", "female", []string{"zh", "en", "fr", "de", "ru", "it", "es", "pt", "ja", "ko"}},
	{"Ethan", "Ethan", "male", []string{"zh", "en", "fr", "de", "ru", "it", "es", "pt", "ja", "ko"}},
	{"Nofish", "不吃鱼", "male", []string{"zh", "en", "fr", "de", "ru", "it", "es", "pt", "ja", "ko"}},
	{"Jada", "上海-阿珍", "female", []string{"zh"}},
	{"Dylan", "北京-晓东", "male", []string{"zh"}},
	{"Sunny", "四川-晴儿", "female", []string{"zh"}},
	{"Peter", "天津-李彼得", "male", []string{"zh"}},
	{"Kiki", "粤语-阿清", "female", []string{"yue"}},
	{"Eric", "四川-程川", "male", []string{"zh"}},
}

func TestVoicesMatchFacts(t *testing.T) {
	got := Voices()
	if len(got) != len(factsVoices) {
		t.Fatalf("Voices() has %d voices, the guide lists %d", len(got), len(factsVoices))
	}
	for i, want := range factsVoices {
		v := got[i]
		if v.Name != want.name || v.Display != want.display || v.Gender != want.gender ||
			!slices.Equal(v.Languages, want.speaks) {
			t.Errorf("Voices()[%d] = %+v, want %+v", i, v, want)
		}
		if v.Description == "" || strings.Contains(v.Description, "\n") {
			t.Errorf("voice %s: description %q should be one non-empty line", v.Name, v.Description)
		}
		wantNote := ""
		if v.Name == "Ethan" {
			wantNote = "documented by the Qwen Cloud guide only"
		}
		if v.Note != wantNote {
			t.Errorf("voice %s: Note = %q, want %q", v.Name, v.Note, wantNote)
		}
	}
}

func TestVoicesReturnsACopy(t *testing.T) {
	vs := Voices()
	vs[0].Languages[0] = "xx"
	vs[0].Name = "Changed"
	for _, v := range Voices() {
		if v.Name == "Changed" || slices.Contains(v.Languages, "xx") {
			t.Fatalf("changing Voices()'s result changed the table: %+v", v)
		}
	}
	for _, v := range VoicesFor("en") {
		v.Languages[0] = "xx"
	}
	if got := VoicesFor("zh"); len(got) != 8 {
		t.Fatalf("changing VoicesFor's result changed the table: %d voices for zh, want 8", len(got))
	}
	v, _ := ParseVoice("Cherry")
	v.Languages[0] = "xx"
	if DefaultVoice("zh") != "Cherry" {
		t.Fatal("changing ParseVoice's result changed the table")
	}
}

// TestVoiceLanguageMatrix checks every voice against every language of the guide's table, through
// each function that answers "can this voice speak that?".
func TestVoiceLanguageMatrix(t *testing.T) {
	for _, lrow := range factsLanguages {
		target, err := Parse(lrow.code)
		if err != nil {
			t.Fatalf("Parse(%q): %v", lrow.code, err)
		}
		var wantVoices []string
		for _, vrow := range factsVoices {
			speaks := slices.Contains(vrow.speaks, lrow.code)
			if speaks {
				wantVoices = append(wantVoices, vrow.name)
			}
			err := CheckSpeech(target, vrow.name)
			switch {
			case !lrow.speech:
				var noSpeech *NoSpeechError
				if !errors.As(err, &noSpeech) {
					t.Errorf("CheckSpeech(%s, %s) = %v, want *NoSpeechError", lrow.code, vrow.name, err)
				}
			case speaks:
				if err != nil {
					t.Errorf("CheckSpeech(%s, %s) = %v, want nil", lrow.code, vrow.name, err)
				}
			default:
				var mismatch *VoiceLanguageError
				if !errors.As(err, &mismatch) {
					t.Errorf("CheckSpeech(%s, %s) = %v, want *VoiceLanguageError", lrow.code, vrow.name, err)
				}
			}
			// The voice name in any case means the same voice.
			if got, want := CheckSpeech(target, strings.ToLower(vrow.name)) == nil, err == nil; got != want {
				t.Errorf("CheckSpeech(%s, %s) accepted=%v but lower-case name accepted=%v", lrow.code, vrow.name, want, got)
			}
		}
		var gotVoices []string
		for _, v := range VoicesFor(lrow.code) {
			gotVoices = append(gotVoices, v.Name)
		}
		if !slices.Equal(gotVoices, wantVoices) {
			t.Errorf("VoicesFor(%s) = %v, want %v", lrow.code, gotVoices, wantVoices)
		}
		// A language can be spoken exactly when some voice speaks it.
		if lrow.speech != (len(wantVoices) > 0) {
			t.Errorf("%s: Speech=%v but %d voices speak it", lrow.code, lrow.speech, len(wantVoices))
		}
	}
}

func TestDefaultVoice(t *testing.T) {
	want := map[string]string{
		"en": "Cherry", "zh": "Cherry", "ru": "Cherry", "fr": "Cherry", "de": "Cherry",
		"pt": "Cherry", "es": "Cherry", "it": "Cherry", "ko": "Cherry", "ja": "Cherry",
		"yue": "Kiki",
		"id":  "", "vi": "", "th": "", "ar": "", "hi": "", "el": "", "tr": "",
		"": "", "xx": "", "English": "", "EN": "",
	}
	for code, voice := range want {
		if got := DefaultVoice(code); got != voice {
			t.Errorf("DefaultVoice(%q) = %q, want %q", code, got, voice)
		}
	}
	// The default must itself pass the check it stands in for.
	for _, l := range All() {
		if v := DefaultVoice(l.Code); v != "" {
			if err := CheckSpeech(l, v); err != nil {
				t.Errorf("default voice %s for %s fails CheckSpeech: %v", v, l.Code, err)
			}
		}
	}
}

func TestParseVoice(t *testing.T) {
	for _, tt := range []struct{ input, want string }{
		{"Cherry", "Cherry"}, {"cherry", "Cherry"}, {"CHERRY", "Cherry"}, {"cHeRrY", "Cherry"},
		{"  Kiki\t", "Kiki"}, {"nofish", "Nofish"}, {"ETHAN", "Ethan"}, {"eric", "Eric"},
	} {
		v, err := ParseVoice(tt.input)
		if err != nil {
			t.Errorf("ParseVoice(%q): %v", tt.input, err)
			continue
		}
		if v.Name != tt.want {
			t.Errorf("ParseVoice(%q) = %s, want %s", tt.input, v.Name, tt.want)
		}
	}
	for _, input := range []string{"", " ", "Nobody", "芊悦", "Cher ry", "Cherry2", "No fish"} {
		_, err := ParseVoice(input)
		var unknown *UnknownVoiceError
		if !errors.As(err, &unknown) {
			t.Errorf("ParseVoice(%q) = %v, want *UnknownVoiceError", input, err)
			continue
		}
		if unknown.Input != input {
			t.Errorf("ParseVoice(%q) error Input = %q", input, unknown.Input)
		}
	}
}

func TestSpeechErrorTexts(t *testing.T) {
	lang := func(s string) Language {
		t.Helper()
		l, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		return l
	}
	_, unknownVoice := ParseVoice("Alloy")
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"dialect voice, English", CheckSpeech(lang("en"), "Dylan"),
			"voice Dylan cannot speak English; voices for English: Cherry, Ethan, Nofish"},
		{"name in lower case is shown canonically", CheckSpeech(lang("fr"), "kiki"),
			"voice Kiki cannot speak French; voices for French: Cherry, Ethan, Nofish"},
		{"multilingual voice, Cantonese", CheckSpeech(lang("yue"), "Cherry"),
			"voice Cherry cannot speak Cantonese; voices for Cantonese: Kiki"},
		{"Cantonese voice, Chinese", CheckSpeech(lang("zh"), "Kiki"),
			"voice Kiki cannot speak Chinese; voices for Chinese: Cherry, Ethan, Nofish, Jada, Dylan, Sunny, Peter, Eric"},
		{"text-only language", CheckSpeech(lang("th"), "Cherry"),
			"speech output is not available in Thai (th); speech languages: en (English), zh (Chinese), " +
				"ru (Russian), fr (French), de (German), pt (Portuguese), es (Spanish), it (Italian), " +
				"ko (Korean), ja (Japanese), yue (Cantonese)"},
		{"text-only language without a voice", CheckSpeech(lang("Türkçe"), ""),
			"speech output is not available in Turkish (tr); speech languages: en (English), zh (Chinese), " +
				"ru (Russian), fr (French), de (German), pt (Portuguese), es (Spanish), it (Italian), " +
				"ko (Korean), ja (Japanese), yue (Cantonese)"},
		{"unknown voice", CheckSpeech(lang("en"), "Alloy"),
			`unknown voice "Alloy"; choose one of: Cherry, Ethan, Nofish, Jada, Dylan, Sunny, Peter, Kiki, Eric`},
		{"unknown voice from ParseVoice", unknownVoice,
			`unknown voice "Alloy"; choose one of: Cherry, Ethan, Nofish, Jada, Dylan, Sunny, Peter, Kiki, Eric`},
	}
	for _, tt := range tests {
		if tt.err == nil {
			t.Errorf("%s: no error, want %q", tt.name, tt.want)
			continue
		}
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

func TestCheckSpeechAccepts(t *testing.T) {
	for _, tt := range []struct{ lang, voice string }{
		{"en", ""}, {"en", "  "}, {"yue", ""}, {"yue", "Kiki"}, {"zh", "Dylan"},
		{"ja", "nofish"}, {"ko", " Ethan "},
	} {
		l, err := Parse(tt.lang)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.lang, err)
		}
		if err := CheckSpeech(l, tt.voice); err != nil {
			t.Errorf("CheckSpeech(%s, %q) = %v, want nil", tt.lang, tt.voice, err)
		}
	}
	// The zero Language (a caller that skipped Parse) cannot be spoken.
	var noSpeech *NoSpeechError
	if err := CheckSpeech(Language{}, "Cherry"); !errors.As(err, &noSpeech) {
		t.Errorf("CheckSpeech(Language{}, Cherry) = %v, want *NoSpeechError", err)
	}
}

func TestChooseVoices(t *testing.T) {
	parse := func(codes ...string) []Language {
		var out []Language
		for _, c := range codes {
			l, err := Parse(c)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, l)
		}
		return out
	}
	tests := []struct {
		name    string
		targets []Language
		voice   string
		strict  bool
		want    []string
		gaveWay []string
		err     any
	}{
		{"each language's own", parse("fr", "yue"), "", true, []string{"Cherry", "Kiki"}, nil, nil},
		{"one voice for all, any case", parse("fr", "de"), " cherry ", true, []string{"Cherry", "Cherry"}, nil, nil},
		{"strict: cannot speak", parse("fr", "yue"), "Cherry", true, nil, nil, new(*VoiceLanguageError)},
		{"a default gives way", parse("fr", "yue"), "Cherry", false, []string{"Cherry", "Kiki"}, []string{"yue"}, nil},
		{"unknown voice", parse("fr"), "Nobody", false, nil, nil, new(*UnknownVoiceError)},
		{"text-only language", parse("fr", "ar"), "", true, nil, nil, new(*NoSpeechError)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			voices, gaveWay, err := ChooseVoices(tc.targets, tc.voice, tc.strict)
			if tc.err != nil {
				if !errors.As(err, tc.err) {
					t.Fatalf("err = %v, want %T", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, l := range gaveWay {
				codes = append(codes, l.Code)
			}
			if !slices.Equal(voices, tc.want) || !slices.Equal(codes, tc.gaveWay) {
				t.Errorf("voices %v, gave way for %v; want %v, %v", voices, codes, tc.want, tc.gaveWay)
			}
		})
	}
}
