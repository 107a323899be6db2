// Package lang holds the languages and voices that qwen3-livetranslate-flash supports and turns
// what a user types ("English", "en", "français", "zh-HK", "粵語") into the language code the API
// expects. The tables follow the vendor's guides (docs/service.md, Languages and Voices): 18 languages,
// each usable as source and target, 11 of them with speech output, and 9 voices with the
// languages each can speak. The tables are unexported values that are never modified; All and
// Voices hand out copies. Every error this package returns is a usage error (the user asked for
// something the model does not offer): a *usage.Error around the package's own error type, so a
// caller maps them all to one exit code with usage.As and still finds the type with errors.As.
package lang

import (
	"strings"

	"github.com/livetranslate/livetranslate/internal/usage"
)

// Language is one language the model accepts as source or target.
type Language struct {
	Code    string // what the API receives in translation_options: "en", "yue", …
	English string // English name as the Qwen docs pair it with the code: "English", "Cantonese", …
	Native  string // the language's own name: "Français", "粵語", …
	Chinese string // the name in the vendor's Chinese guide: "英语", "粤语", …
	Source  bool   // can be translation_options.source_lang
	Target  bool   // can be translation_options.target_lang
	Speech  bool   // the model can speak it (audio output); the others are text-only targets
}

// languages is the official table in the guide's order (docs/service.md, Languages).
var languages = [...]Language{
	{Code: "en", English: "English", Native: "English", Chinese: "英语", Source: true, Target: true, Speech: true},
	{Code: "zh", English: "Chinese", Native: "中文", Chinese: "中文", Source: true, Target: true, Speech: true},
	{Code: "ru", English: "Russian", Native: "Русский", Chinese: "俄语", Source: true, Target: true, Speech: true},
	{Code: "fr", English: "French", Native: "Français", Chinese: "法语", Source: true, Target: true, Speech: true},
	{Code: "de", English: "German", Native: "Deutsch", Chinese: "德语", Source: true, Target: true, Speech: true},
	{Code: "pt", English: "Portuguese", Native: "Português", Chinese: "葡萄牙语", Source: true, Target: true, Speech: true},
	{Code: "es", English: "Spanish", Native: "Español", Chinese: "西班牙语", Source: true, Target: true, Speech: true},
	{Code: "it", English: "Italian", Native: "Italiano", Chinese: "意大利语", Source: true, Target: true, Speech: true},
	{Code: "id", English: "Indonesian", Native: "Bahasa Indonesia", Chinese: "印尼语", Source: true, Target: true},
	{Code: "ko", English: "Korean", Native: "한국어", Chinese: "韩语", Source: true, Target: true, Speech: true},
	{Code: "ja", English: "Japanese", Native: "日本語", Chinese: "日语", Source: true, Target: true, Speech: true},
	{Code: "vi", English: "Vietnamese", Native: "Tiếng Việt", Chinese: "越南语", Source: true, Target: true},
	{Code: "th", English: "Thai", Native: "ไทย", Chinese: "泰语", Source: true, Target: true},
	{Code: "ar", English: "Arabic", Native: "العربية", Chinese: "阿拉伯语", Source: true, Target: true},
	{Code: "yue", English: "Cantonese", Native: "粵語", Chinese: "粤语", Source: true, Target: true, Speech: true},
	{Code: "hi", English: "Hindi", Native: "हिन्दी", Chinese: "印地语", Source: true, Target: true},
	{Code: "el", English: "Greek", Native: "Ελληνικά", Chinese: "希腊语", Source: true, Target: true},
	{Code: "tr", English: "Turkish", Native: "Türkçe", Chinese: "土耳其语", Source: true, Target: true},
}

// aliases are extra spellings Parse accepts besides each language's code and three names.
// Only spellings that can mean one language of the table are here:
//   - ISO 639-2 codes (T and B forms), because media files tag their streams with them
//     (ffprobe reports "eng", "chi", "ger" …);
//   - other common names of Chinese and Cantonese, in English and in Chinese characters;
//   - the native names written without diacritics, as typed on a plain keyboard;
//   - a second common spelling of Hindi's native name.
//
// Deliberately absent: country codes used as language codes ("jp", "cn", "kr", "gr"), because
// they are not language codes and "jp"-style guessing invites more of it; "chinese
// (traditional)", which names a script and could mean Mandarin or Cantonese; "bahasa" alone
// (Malay or Indonesian); languages the model lacks ("farsi", "malay" …). Region and script
// subtags ("fr-CA", "zh_Hans") are handled by a rule in Parse, not listed here.
var aliases = [...]struct{ alias, code string }{
	{"eng", "en"},
	{"mandarin", "zh"}, {"mandarin chinese", "zh"}, {"chinese (simplified)", "zh"},
	{"simplified chinese", "zh"}, {"cmn", "zh"}, {"zho", "zh"}, {"chi", "zh"},
	{"普通话", "zh"}, {"普通話", "zh"}, {"汉语", "zh"}, {"漢語", "zh"},
	{"国语", "zh"}, {"國語", "zh"}, {"华语", "zh"}, {"華語", "zh"},
	{"rus", "ru"},
	{"fra", "fr"}, {"fre", "fr"}, {"francais", "fr"},
	{"deu", "de"}, {"ger", "de"},
	{"por", "pt"}, {"portugues", "pt"},
	{"spa", "es"}, {"espanol", "es"},
	{"ita", "it"},
	{"ind", "id"},
	{"kor", "ko"},
	{"jpn", "ja"},
	{"vie", "vi"}, {"tieng viet", "vi"},
	{"tha", "th"},
	{"ara", "ar"},
	{"广东话", "yue"}, {"廣東話", "yue"},
	{"hin", "hi"}, {"हिंदी", "hi"},
	{"ell", "el"}, {"gre", "el"},
	{"tur", "tr"}, {"turkce", "tr"},
}

// All returns every supported language in the order of the vendor's table.
func All() []Language {
	out := make([]Language, len(languages))
	copy(out, languages[:])
	return out
}

// Parse finds the language s names. It accepts the code, the English name, the native name, the
// Chinese name or an alias (see aliases), in any letter case, ignoring surrounding spaces and
// repeated inner spaces. A tag with region or script subtags ("pt-BR", "fr_CA", "zh-Hans-CN")
// resolves to its base language when the base is known; a Chinese tag with a Hong Kong or Macau
// region or a "yue" subtag ("zh-HK", "zh-MO", "zh-yue") means Cantonese, the spoken language of
// those regions. Anything else is an *UnknownError.
func Parse(s string) (Language, error) {
	key := normalize(s)
	if l, ok := lookup(key); ok {
		return l, nil
	}
	if l, ok := parseTag(key); ok {
		return l, nil
	}
	return Language{}, usage.Wrap(&UnknownError{Input: s}, "")
}

// normalize lower-cases s and collapses every run of white space to one ASCII space, so
// " Bahasa  Indonesia " and "bahasa indonesia" are the same key.
func normalize(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// lookup matches an already normalized key against codes, names and aliases.
func lookup(key string) (Language, bool) {
	if key == "" {
		return Language{}, false
	}
	for _, l := range languages {
		if key == l.Code || key == strings.ToLower(l.English) ||
			key == strings.ToLower(l.Native) || key == strings.ToLower(l.Chinese) {
			return l, true
		}
	}
	for _, a := range aliases {
		if key == a.alias {
			return byCode(a.code)
		}
	}
	return Language{}, false
}

// parseTag resolves a BCP 47-like tag ("fr-ca", "zh_hant_hk") by its first subtag. The base must
// be a code or an ISO 639-2 alias of the table, and every further subtag must look like a BCP 47
// subtag (1-8 ASCII letters or digits), so "english-ish" or "en-" stay unknown.
func parseTag(key string) (Language, bool) {
	parts := strings.FieldsFunc(key, func(r rune) bool { return r == '-' || r == '_' })
	if len(parts) < 2 || strings.Count(key, "-")+strings.Count(key, "_") != len(parts)-1 {
		return Language{}, false // no subtags, or empty ones ("en--us", "-en", "en-")
	}
	base := parts[0]
	if !isCodeLike(base) {
		return Language{}, false
	}
	l, ok := lookup(base)
	if !ok {
		return Language{}, false
	}
	for _, sub := range parts[1:] {
		if !isSubtag(sub) {
			return Language{}, false
		}
	}
	if l.Code == "zh" {
		for _, sub := range parts[1:] {
			if sub == "hk" || sub == "mo" || sub == "yue" {
				return byCode("yue")
			}
		}
	}
	return l, true
}

// isCodeLike reports whether s has the shape of an ISO 639 code (2 or 3 ASCII letters), so a
// name cannot serve as the base of a tag ("english-us" stays unknown).
func isCodeLike(s string) bool {
	if len(s) < 2 || len(s) > 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

// isSubtag reports whether s has the shape of a BCP 47 subtag after the language: 1-8 ASCII
// letters or digits (s is already lower-cased).
func isSubtag(s string) bool {
	if len(s) < 1 || len(s) > 8 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// byCode returns the language whose code is exactly code.
// Name is the English name of the language with code ("French" for "fr"), the code itself when
// it is not one of the table's, and "" for "".
func Name(code string) string {
	if l, ok := byCode(code); ok {
		return l.English
	}
	return code
}

func byCode(code string) (Language, bool) {
	for _, l := range languages {
		if l.Code == code {
			return l, true
		}
	}
	return Language{}, false
}

// describe lists languages as "en (English), zh (Chinese), …" for error messages.
func describe(ls []Language) string {
	var b strings.Builder
	for i, l := range ls {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(l.Code)
		b.WriteString(" (")
		b.WriteString(l.English)
		b.WriteString(")")
	}
	return b.String()
}

// speechLanguages returns the languages the model can speak, in table order.
func speechLanguages() []Language {
	var out []Language
	for _, l := range languages {
		if l.Speech {
			out = append(out, l)
		}
	}
	return out
}
