package lang

import (
	"errors"
	"strings"
	"testing"
	"unicode"

	"github.com/livetranslate/livetranslate/internal/usage"
)

// factsLanguages is the guide's language table (docs/service.md, Languages) copied by hand, so the package's table is checked against the
// source rather than against itself.
var factsLanguages = []struct {
	code, english, native, chinese string
	speech                         bool
}{
	{"en", "English", "English", "英语", true},
	{"zh", "Chinese", "中文", "中文", true},
	{"ru", "Russian", "Русский", "俄语", true},
	{"fr", "French", "Français", "法语", true},
	{"de", "German", "Deutsch", "德语", true},
	{"pt", "Portuguese", "Português", "葡萄牙语", true},
	{"es", "Spanish", "Español", "西班牙语", true},
	{"it", "Italian", "Italiano", "意大利语", true},
	{"id", "Indonesian", "Bahasa Indonesia", "印尼语", false},
	{"ko", "Korean", "한국어", "韩语", true},
	{"ja", "Japanese", "日本語", "日语", true},
	{"vi", "Vietnamese", "Tiếng Việt", "越南语", false},
	{"th", "Thai", "ไทย", "泰语", false},
	{"ar", "Arabic", "العربية", "阿拉伯语", false},
	{"yue", "Cantonese", "粵語", "粤语", true},
	{"hi", "Hindi", "हिन्दी", "印地语", false},
	{"el", "Greek", "Ελληνικά", "希腊语", false},
	{"tr", "Turkish", "Türkçe", "土耳其语", false},
}

const allChoices = "en (English), zh (Chinese), ru (Russian), fr (French), de (German), " +
	"pt (Portuguese), es (Spanish), it (Italian), id (Indonesian), ko (Korean), ja (Japanese), " +
	"vi (Vietnamese), th (Thai), ar (Arabic), yue (Cantonese), hi (Hindi), el (Greek), tr (Turkish)"

func TestAllMatchesFacts(t *testing.T) {
	all := All()
	if len(all) != len(factsLanguages) {
		t.Fatalf("All() has %d languages, the guide lists %d", len(all), len(factsLanguages))
	}
	for i, want := range factsLanguages {
		got := all[i]
		if got.Code != want.code || got.English != want.english || got.Native != want.native ||
			got.Chinese != want.chinese || got.Speech != want.speech || !got.Source || !got.Target {
			t.Errorf("All()[%d] = %+v, want %+v (source and target true)", i, got, want)
		}
	}
}

func TestAllReturnsACopy(t *testing.T) {
	first := All()
	first[0].Code = "xx"
	first[0].Speech = false
	if got := All()[0]; got.Code != "en" || !got.Speech {
		t.Fatalf("changing All()'s result changed the table: %+v", got)
	}
	if _, err := Parse("xx"); err == nil {
		t.Fatal(`Parse("xx") succeeded after a caller edited All()'s result`)
	}
}

// mixedCase alternates upper and lower case rune by rune, starting upper: "eNgLiSh" style.
func mixedCase(s string) string {
	var b strings.Builder
	for i, r := range []rune(s) {
		if i%2 == 0 {
			b.WriteRune(unicode.ToUpper(r))
		} else {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

func TestParseEveryNameInEveryCase(t *testing.T) {
	for _, row := range factsLanguages {
		for _, name := range []string{row.code, row.english, row.native, row.chinese} {
			forms := map[string]string{
				"as written": name,
				"lower":      strings.ToLower(name),
				"upper":      strings.ToUpper(name),
				"mixed":      mixedCase(name),
				"padded":     " \t" + name + "\n ",
			}
			for form, input := range forms {
				got, err := Parse(input)
				if err != nil {
					t.Errorf("Parse(%q) (%s of %q): %v", input, form, name, err)
					continue
				}
				if got.Code != row.code {
					t.Errorf("Parse(%q) (%s of %q) = %s, want %s", input, form, name, got.Code, row.code)
				}
			}
		}
	}
}

func TestParseAliases(t *testing.T) {
	tests := []struct{ input, want string }{
		// Chinese: other names, ISO 639-2/3, script and region tags.
		{"mandarin", "zh"}, {"Mandarin", "zh"}, {"Mandarin Chinese", "zh"},
		{"chinese (simplified)", "zh"}, {"Chinese (Simplified)", "zh"}, {"simplified chinese", "zh"},
		{"zh-cn", "zh"}, {"zh-CN", "zh"}, {"zh_CN", "zh"}, {"zh-hans", "zh"}, {"zh-Hans-CN", "zh"},
		{"zh-TW", "zh"}, {"zh-Hant-TW", "zh"}, {"zh-SG", "zh"},
		{"cmn", "zh"}, {"zho", "zh"}, {"chi", "zh"}, {"CMN", "zh"},
		{"普通话", "zh"}, {"普通話", "zh"}, {"汉语", "zh"}, {"漢語", "zh"},
		{"国语", "zh"}, {"國語", "zh"}, {"华语", "zh"}, {"華語", "zh"},
		// Cantonese: Hong Kong and Macau Chinese, the yue extlang, other names.
		{"zh-hk", "yue"}, {"zh-HK", "yue"}, {"zh_HK", "yue"}, {"zh-Hant-HK", "yue"},
		{"zh-MO", "yue"}, {"zh-yue", "yue"}, {"ZH-YUE", "yue"}, {"zho-HK", "yue"},
		{"cantonese", "yue"}, {"yue-HK", "yue"}, {"yue-Hant", "yue"},
		{"广东话", "yue"}, {"廣東話", "yue"},
		// Region subtags on other bases.
		{"pt-br", "pt"}, {"pt-BR", "pt"}, {"pt-pt", "pt"}, {"pt_BR", "pt"},
		{"en-us", "en"}, {"en-GB", "en"}, {"en_US", "en"}, {"EN-us", "en"}, {"en-419", "en"},
		{"es-es", "es"}, {"es-MX", "es"}, {"es-419", "es"},
		{"fr-CA", "fr"}, {"fr_CA", "fr"}, {"fr-ca", "fr"}, {"de-AT", "de"}, {"de-CH-1996", "de"},
		{"ja-JP", "ja"}, {"ko-KR", "ko"}, {"ar-EG", "ar"}, {"sr-Latn", ""}, {"en-US-x-twain", "en"},
		// ISO 639-2 codes, T and B forms, as media stream tags carry them.
		{"eng", "en"}, {"rus", "ru"}, {"fra", "fr"}, {"fre", "fr"}, {"deu", "de"}, {"ger", "de"},
		{"por", "pt"}, {"spa", "es"}, {"ita", "it"}, {"ind", "id"}, {"kor", "ko"}, {"jpn", "ja"},
		{"vie", "vi"}, {"tha", "th"}, {"ara", "ar"}, {"hin", "hi"}, {"ell", "el"}, {"gre", "el"},
		{"tur", "tr"}, {"eng-US", "en"}, {"ENG", "en"},
		// Native names without diacritics and a second Hindi spelling.
		{"francais", "fr"}, {"FRANCAIS", "fr"}, {"espanol", "es"}, {"portugues", "pt"},
		{"tieng viet", "vi"}, {"turkce", "tr"}, {"हिंदी", "hi"},
		// White space inside names is collapsed.
		{"bahasa  indonesia", "id"}, {"Bahasa\tIndonesia", "id"}, {"  tiếng   việt ", "vi"},
		{"\u3000日本語\u3000", "ja"},
	}
	for _, tt := range tests {
		got, err := Parse(tt.input)
		if tt.want == "" {
			if err == nil {
				t.Errorf("Parse(%q) = %s, want an error", tt.input, got.Code)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.input, err)
			continue
		}
		if got.Code != tt.want {
			t.Errorf("Parse(%q) = %s, want %s", tt.input, got.Code, tt.want)
		}
	}
}

func TestParseUnknown(t *testing.T) {
	for _, input := range []string{
		"", "   ", "\t\n",
		"xx", "english-ish", "englis", "engl ish",
		"jp", "cn", "kr", "gr", // country codes, not language codes
		"farsi", "persian", "fa", "malay", "bahasa", "indonesia",
		"chinese (traditional)", "traditional chinese",
		// Detection is asked for by omitting the source, not by a value.
		"auto",
		// Empty subtags.
		"en-", "-en", "en--us", "en-us-", "en__us",
		// A name cannot carry subtags.
		"english-us", "Chinese-HK",
		"en-toolongsub", "en-u$", "en-ü", "en us",
		"zh-hk-", "yue_", "xx-US", "ind-", "e",
	} {
		got, err := Parse(input)
		if err == nil {
			t.Errorf("Parse(%q) = %s, want an error", input, got.Code)
			continue
		}
		var unknown *UnknownError
		if !errors.As(err, &unknown) {
			t.Errorf("Parse(%q) error is %T, want *UnknownError", input, err)
			continue
		}
		if unknown.Input != input {
			t.Errorf("Parse(%q) error Input = %q, want the input unmodified", input, unknown.Input)
		}
		if got != (Language{}) {
			t.Errorf("Parse(%q) returned %+v with its error, want the zero Language", input, got)
		}
	}
}

func TestUnknownErrorText(t *testing.T) {
	tests := []struct{ input, want string }{
		{"xx", `unknown language "xx"; choose one of: ` + allChoices},
		{"", `unknown language ""; choose one of: ` + allChoices},
		{"two\nlines", `unknown language "two\nlines"; choose one of: ` + allChoices},
	}
	for _, tt := range tests {
		_, err := Parse(tt.input)
		if err == nil {
			t.Fatalf("Parse(%q) succeeded", tt.input)
		}
		if got := err.Error(); got != tt.want {
			t.Errorf("Parse(%q) error:\n got %s\nwant %s", tt.input, got, tt.want)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("Parse(%q) error is not one line: %q", tt.input, err.Error())
		}
	}
}

// TestNamesAreUnambiguous guards the tables as they grow: no code, name or alias may lead to two
// languages, and every alias must lead to a language of the table.
func TestNamesAreUnambiguous(t *testing.T) {
	owner := map[string]string{}
	claim := func(key, code string) {
		key = strings.ToLower(key)
		if prev, ok := owner[key]; ok && prev != code {
			t.Errorf("%q names both %s and %s", key, prev, code)
		}
		owner[key] = code
	}
	for _, l := range languages {
		claim(l.Code, l.Code)
		claim(l.English, l.Code)
		claim(l.Native, l.Code)
		claim(l.Chinese, l.Code)
	}
	for _, a := range aliases {
		if _, ok := byCode(a.code); !ok {
			t.Errorf("alias %q leads to unknown code %q", a.alias, a.code)
		}
		if a.alias != normalize(a.alias) {
			t.Errorf("alias %q is not normalized (lower case, single spaces), so it never matches", a.alias)
		}
		claim(a.alias, a.code)
	}
}

func TestErrorsAreUsageErrors(t *testing.T) {
	_, unknownLang := Parse("xx")
	_, unknownVoice := ParseVoice("Nobody")
	th, _ := Parse("th")
	en, _ := Parse("en")
	for _, err := range []error{
		unknownLang,
		unknownVoice,
		CheckSpeech(th, ""),
		CheckSpeech(en, "Dylan"),
		CheckSpeech(en, "Nobody"),
	} {
		if err == nil {
			t.Fatal("expected an error")
		}
		wrapped := errors.Join(errors.New("context"), err)
		if _, ok := usage.As(wrapped); !ok {
			t.Errorf("%T (%v) is not found as a usage error through wrapping", err, err)
		}
	}
}
