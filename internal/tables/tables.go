// Package tables lays out the tables livetranslate prints for people (Writer: columns aligned by
// the width a terminal gives each character, whatever the script), and prints the languages and
// the voices it knows, as such a table or as JSON for scripts.
package tables

import (
	"fmt"
	"io"
	"strings"

	"github.com/livetranslate/livetranslate/internal/lang"
	"github.com/livetranslate/livetranslate/internal/prettyjson"
)

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// Languages writes one line per language: its code, English and native names, and whether it can
// be a source, a target, and spoken.
func Languages(w io.Writer, all []lang.Language) error {
	tw := NewWriter(w)
	fmt.Fprintln(tw, "CODE\tLANGUAGE\tNATIVE\tSOURCE\tTARGET\tSPEECH")
	for _, l := range all {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", l.Code, l.English, l.Native, yesNo(l.Source), yesNo(l.Target), yesNo(l.Speech))
	}
	return tw.Flush()
}

type languageJSON struct {
	Code    string `json:"code"`
	English string `json:"english"`
	Native  string `json:"native"`
	Source  bool   `json:"source"`
	Target  bool   `json:"target"`
	Speech  bool   `json:"speech"`
}

// LanguagesJSON writes the languages as a JSON array.
func LanguagesJSON(w io.Writer, all []lang.Language) error {
	rows := make([]languageJSON, 0, len(all))
	for _, l := range all {
		rows = append(rows, languageJSON{l.Code, l.English, l.Native, l.Source, l.Target, l.Speech})
	}
	return prettyjson.Write(w, rows)
}

// Voices writes one line per voice: its name, gender, the languages it speaks and what it sounds
// like.
func Voices(w io.Writer, voices []lang.Voice) error {
	tw := NewWriter(w)
	fmt.Fprintln(tw, "VOICE\tGENDER\tLANGUAGES\tDESCRIPTION")
	for _, v := range voices {
		desc := v.Description
		if v.Note != "" {
			desc += " (" + v.Note + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", v.Name, v.Gender, strings.Join(v.Languages, " "), desc)
	}
	return tw.Flush()
}

type voiceJSON struct {
	Name        string   `json:"name"`
	Display     string   `json:"display"`
	Gender      string   `json:"gender"`
	Description string   `json:"description"`
	Languages   []string `json:"languages"`
	Note        string   `json:"note,omitempty"`
}

// VoicesJSON writes the voices as a JSON array.
func VoicesJSON(w io.Writer, voices []lang.Voice) error {
	rows := make([]voiceJSON, 0, len(voices))
	for _, v := range voices {
		rows = append(rows, voiceJSON{v.Name, v.Display, v.Gender, v.Description, v.Languages, v.Note})
	}
	return prettyjson.Write(w, rows)
}
