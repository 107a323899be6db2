package fakeapi

import "strings"

// language is one row of the service's language table (docs/service.md, Languages) plus the
// fixed greeting the emulator "translates" into it.
type language struct {
	Code     string
	Name     string // English name, used in the response text and in error messages
	Speech   bool   // can be an audio-output (speech) target
	Greeting string // first sentence of every response in this language
}

// languages is the service's table of 18 codes, in the vendor's order. It is
// read-only after package initialisation.
var languages = []language{
	{"en", "English", true, "Hello from the livetranslate emulator."},
	{"zh", "Chinese", true, "你好，这里是 livetranslate 模拟器。"},
	{"ru", "Russian", true, "Привет от эмулятора livetranslate."},
	{"fr", "French", true, "Bonjour de la part de l'émulateur livetranslate."},
	{"de", "German", true, "Hallo vom livetranslate-Emulator."},
	{"pt", "Portuguese", true, "Olá do emulador livetranslate."},
	{"es", "Spanish", true, "Hola desde el emulador de livetranslate."},
	{"it", "Italian", true, "Ciao dall'emulatore livetranslate."},
	{"id", "Indonesian", false, "Halo dari emulator livetranslate."},
	{"ko", "Korean", true, "livetranslate 에뮬레이터에서 인사드립니다."},
	{"ja", "Japanese", true, "livetranslate エミュレーターからこんにちは。"},
	{"vi", "Vietnamese", false, "Xin chào từ trình giả lập livetranslate."},
	{"th", "Thai", false, "สวัสดีจากโปรแกรมจำลอง livetranslate"},
	{"ar", "Arabic", false, "مرحبًا من محاكي livetranslate."},
	{"yue", "Cantonese", true, "你好，呢度係 livetranslate 模擬器。"},
	{"hi", "Hindi", false, "livetranslate एमुलेटर की ओर से नमस्ते।"},
	{"el", "Greek", false, "Γεια σας από τον εξομοιωτή livetranslate."},
	{"tr", "Turkish", false, "livetranslate emülatöründen merhaba."},
}

// voice is one output voice and the target codes it can speak (docs/service.md, Voices,
// Ethan included).
type voice struct {
	Name  string
	Langs []string
}

var voices = []voice{
	{"Cherry", []string{"zh", "en", "fr", "de", "ru", "it", "es", "pt", "ja", "ko"}},
	{"Ethan", []string{"zh", "en", "fr", "de", "ru", "it", "es", "pt", "ja", "ko"}},
	{"Nofish", []string{"zh", "en", "fr", "de", "ru", "it", "es", "pt", "ja", "ko"}},
	{"Jada", []string{"zh"}},
	{"Dylan", []string{"zh"}},
	{"Sunny", []string{"zh"}},
	{"Peter", []string{"zh"}},
	{"Eric", []string{"zh"}},
	{"Kiki", []string{"yue"}},
}

// lookupLanguage finds a language by its exact code; names are not codes and
// are not accepted, as on the wire only codes are documented.
func lookupLanguage(code string) (language, bool) {
	for _, l := range languages {
		if l.Code == code {
			return l, true
		}
	}
	return language{}, false
}

// languageCodes lists every code, space separated, for error messages.
func languageCodes(speechOnly bool) string {
	var codes []string
	for _, l := range languages {
		if !speechOnly || l.Speech {
			codes = append(codes, l.Code)
		}
	}
	return strings.Join(codes, ", ")
}

// lookupVoice finds a voice by its exact (case-sensitive) name.
func lookupVoice(name string) (voice, bool) {
	for _, v := range voices {
		if v.Name == name {
			return v, true
		}
	}
	return voice{}, false
}

func (v voice) speaks(code string) bool {
	for _, c := range v.Langs {
		if c == code {
			return true
		}
	}
	return false
}

// voiceNames lists the voices that speak code (all voices when code is "").
func voiceNames(code string) string {
	var names []string
	for _, v := range voices {
		if code == "" || v.speaks(code) {
			names = append(names, v.Name)
		}
	}
	return strings.Join(names, ", ")
}
