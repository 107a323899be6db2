package lang

import (
	"errors"
	"slices"
	"strings"

	"github.com/livetranslate/livetranslate/internal/usage"
)

// Voice is one voice the model can use for speech output (the request's audio.voice).
type Voice struct {
	Name        string   // what the API receives: "Cherry"
	Display     string   // the name the vendor's Chinese guide shows: "芊悦", "上海-阿珍", …
	Gender      string   // "female" or "male"
	Description string   // Alibaba's English description of the voice
	Languages   []string // codes of the languages this model can speak in this voice
	Note        string   // a caveat about the documentation, empty for most voices
}

// multilingual is what Cherry, Ethan and Nofish speak, in the guide's order.
var multilingual = []string{"zh", "en", "fr", "de", "ru", "it", "es", "pt", "ja", "ko"}

// voices is the guide's table (docs/service.md, Voices) in its order; the order matters, since the first
// voice that can speak a language is its default and error messages list voices in this order.
var voices = [...]Voice{
	{Name: "Cherry", Display: "芊悦", Gender: "female",
		Description: "A cheerful, positive, friendly, and natural young woman.",
		Languages:   multilingual},
	{Name: "Ethan", Display: "Ethan", Gender: "male",
		Description: "A bright, warm, energetic male voice with a standard Mandarin pronunciation and a slight northern accent.",
		Languages:   multilingual,
		// Ethan is in the Qwen Cloud guide's table but not in help.aliyun.com's, so an account
		// there may be refused; it stays listed, with the caveat shown to the user.
		Note: "documented by the Qwen Cloud guide only"},
	{Name: "Nofish", Display: "不吃鱼", Gender: "male",
		Description: "A male designer who cannot pronounce the 'sh' or 'zh' sounds.",
		Languages:   multilingual},
	{Name: "Jada", Display: "上海-阿珍", Gender: "female",
		Description: "An energetic woman from Shanghai.",
		Languages:   []string{"zh"}},
	{Name: "Dylan", Display: "北京-晓东", Gender: "male",
		Description: "A teenage boy who grew up in the hutongs of Beijing.",
		Languages:   []string{"zh"}},
	{Name: "Sunny", Display: "四川-晴儿", Gender: "female",
		Description: "A Sichuan girl whose sweetness melts your heart.",
		Languages:   []string{"zh"}},
	{Name: "Peter", Display: "天津-李彼得", Gender: "male",
		Description: "A professional straight man in Tianjin crosstalk.",
		Languages:   []string{"zh"}},
	{Name: "Kiki", Display: "粤语-阿清", Gender: "female",
		Description: "A sweet best female friend from Hong Kong.",
		Languages:   []string{"yue"}},
	{Name: "Eric", Display: "四川-程川", Gender: "male",
		Description: "A man from Chengdu, Sichuan, who is detached from the mundane.",
		Languages:   []string{"zh"}},
}

// cloneVoice copies v deeply, so a caller cannot change the table through Languages.
func cloneVoice(v Voice) Voice {
	v.Languages = slices.Clone(v.Languages)
	return v
}

// Voices returns every voice in the order of the vendor's table.
func Voices() []Voice {
	out := make([]Voice, 0, len(voices))
	for _, v := range voices {
		out = append(out, cloneVoice(v))
	}
	return out
}

// VoicesFor returns the voices that can speak the language with this exact code (as in
// Language.Code), in table order; none for a text-only or unknown code.
func VoicesFor(code string) []Voice {
	var out []Voice
	for _, v := range voices {
		if slices.Contains(v.Languages, code) {
			out = append(out, cloneVoice(v))
		}
	}
	return out
}

// ParseVoice finds the voice named s, in any letter case, ignoring surrounding spaces; an
// unknown name is an *UnknownVoiceError.
func ParseVoice(s string) (Voice, error) {
	name := strings.TrimSpace(s)
	for _, v := range voices {
		if strings.EqualFold(name, v.Name) {
			return cloneVoice(v), nil
		}
	}
	return Voice{}, usage.Wrap(&UnknownVoiceError{Input: s}, "")
}

// DefaultVoice is the voice used when speech in the language with code target is asked for
// without a voice: the first in table order that can speak it, which is Cherry (the voice of
// every official example) for all but Cantonese, where only Kiki can. It is "" when the
// language cannot be spoken or the code is unknown.
func DefaultVoice(target string) string {
	for _, v := range voices {
		if slices.Contains(v.Languages, target) {
			return v.Name
		}
	}
	return ""
}

// CheckSpeech reports whether speech output in target with the named voice can be asked for. An
// empty voice means the default voice, so only the language is checked. The error is a
// *NoSpeechError for a text-only language, an *UnknownVoiceError for a name that is no voice, or
// a *VoiceLanguageError for a voice that cannot speak target.
func CheckSpeech(target Language, voice string) error {
	if !target.Speech || DefaultVoice(target.Code) == "" {
		return usage.Wrap(&NoSpeechError{Language: target}, "")
	}
	if strings.TrimSpace(voice) == "" {
		return nil
	}
	v, err := ParseVoice(voice)
	if err != nil {
		return err
	}
	if !slices.Contains(v.Languages, target.Code) {
		return usage.Wrap(&VoiceLanguageError{Voice: v, Language: target}, "")
	}
	return nil
}

// ChooseVoices picks the voice of each target's speech: voice (any letter case; "" for each
// language's own, DefaultVoice). A strict voice (the user's choice for this run) must speak every
// target; a voice that is only a default (from a config file) gives way, for a target it cannot
// speak, to that language's own voice, and the targets it gave way for are returned so the caller
// can say so. The errors are CheckSpeech's.
func ChooseVoices(targets []Language, voice string, strict bool) (voices []string, gaveWay []Language, err error) {
	if v, perr := ParseVoice(voice); perr == nil {
		voice = v.Name
	}
	for _, to := range targets {
		chosen := strings.TrimSpace(voice)
		if chosen == "" {
			chosen = DefaultVoice(to.Code)
		}
		err := CheckSpeech(to, chosen)
		var cannot *VoiceLanguageError
		if errors.As(err, &cannot) && !strict {
			chosen, err = DefaultVoice(to.Code), nil
			gaveWay = append(gaveWay, to)
		}
		if err != nil {
			return nil, nil, err
		}
		voices = append(voices, chosen)
	}
	return voices, gaveWay, nil
}
