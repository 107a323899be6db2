package lang

import (
	"fmt"
	"strings"
)

// Each error below is returned inside a usage error (usage.Wrap), which is how a caller tells
// them from runtime failures without naming every type; errors.As still finds the type itself.
// Error() is always one line (the user's input is quoted with %q, so a stray newline cannot
// break it) and lists the valid choices.

// UnknownError is returned by Parse for input that names no supported language.
type UnknownError struct {
	Input string // what the user typed, unmodified
}

func (e *UnknownError) Error() string {
	return fmt.Sprintf("unknown language %q; choose one of: %s", e.Input, describe(languages[:]))
}

// UnknownVoiceError is returned by ParseVoice and CheckSpeech for a name that is no voice.
type UnknownVoiceError struct {
	Input string // what the user typed, unmodified
}

func (e *UnknownVoiceError) Error() string {
	names := make([]string, len(voices))
	for i, v := range voices {
		names[i] = v.Name
	}
	return fmt.Sprintf("unknown voice %q; choose one of: %s", e.Input, strings.Join(names, ", "))
}

// NoSpeechError is returned by CheckSpeech when speech is asked for in a text-only language.
type NoSpeechError struct {
	Language Language
}

func (e *NoSpeechError) Error() string {
	return fmt.Sprintf("speech output is not available in %s (%s); speech languages: %s",
		e.Language.English, e.Language.Code, describe(speechLanguages()))
}

// VoiceLanguageError is returned by CheckSpeech when the voice cannot speak the target language.
type VoiceLanguageError struct {
	Voice    Voice
	Language Language
}

func (e *VoiceLanguageError) Error() string {
	var names []string
	for _, v := range VoicesFor(e.Language.Code) {
		names = append(names, v.Name)
	}
	return fmt.Sprintf("voice %s cannot speak %s; voices for %s: %s",
		e.Voice.Name, e.Language.English, e.Language.English, strings.Join(names, ", "))
}
