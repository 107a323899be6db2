// Package complete makes the candidates a shell offers for a flag's value, each
// "value<TAB>description", the form the completion scripts of the command line read (the shell
// shows the description beside the value where it can): languages and voices from
// internal/lang's tables, the fixed choices of the flags that have them, and the completion
// functions cobra calls for them. The scripts (`livetranslate completion bash|zsh|fish`) ask the
// hidden `livetranslate __complete ARGS… PARTIAL` for the candidates: one per line, and a last
// line ":N" with cobra's ShellCompDirective (4: do not offer file names instead). Which function
// goes with which flag is the command line's.
package complete

import (
	"slices"
	"strings"

	"github.com/livetranslate/livetranslate/internal/lang"
)

// Languages are the languages whose code or English name begins with prefix, in any case: with
// no prefix, every code ("fr", described "French (Français)"); with one, the codes and the
// English names it begins ("Fr" → French), so a user may complete either form. The shell keeps
// those that begin with what was typed. speechOnly keeps the languages the model can speak.
func Languages(prefix string, speechOnly bool) []string {
	p := strings.ToLower(strings.TrimSpace(prefix))
	var codes, names []string
	for _, l := range lang.All() {
		if speechOnly && !l.Speech {
			continue
		}
		desc := l.English
		if l.Native != l.English {
			desc += " (" + l.Native + ")"
		}
		if !l.Speech {
			desc += ", text only"
		}
		if strings.HasPrefix(l.Code, p) {
			codes = append(codes, l.Code+"\t"+desc)
		}
		if p != "" && strings.HasPrefix(strings.ToLower(l.English), p) {
			names = append(names, l.English+"\t"+l.Code)
		}
	}
	return append(codes, names...)
}

// Voices are the voices whose name begins with prefix, in any case, that can speak every one of
// targets (languages as a user types them: codes, English or native names), each described by
// its gender and the languages it speaks. A target that is no language is passed over (the run
// will say so), so with no language among targets every voice is offered; none is when a
// target is a language the model cannot speak.
func Voices(targets []string, prefix string) []string {
	var codes []string
	for _, t := range targets {
		if l, err := lang.Parse(t); err == nil && !slices.Contains(codes, l.Code) {
			codes = append(codes, l.Code)
		}
	}
	p := strings.ToLower(strings.TrimSpace(prefix))
	var out []string
	for _, v := range lang.Voices() {
		if !strings.HasPrefix(strings.ToLower(v.Name), p) {
			continue
		}
		speaksAll := true
		for _, c := range codes {
			speaksAll = speaksAll && slices.Contains(v.Languages, c)
		}
		if speaksAll {
			out = append(out, v.Name+"\t"+v.Gender+", speaks "+strings.Join(v.Languages, " "))
		}
	}
	return out
}
