package cmd

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/livetranslate/livetranslate/internal/lang"
)

func newLanguagesCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "languages",
		Short: "List the languages: code, names, and whether each can be a source, a target, and spoken",
		Example: `  livetranslate languages
  livetranslate languages --json | jq -r '.[] | select(.speech) | .code'   # the languages it can speak
  livetranslate translate talk.mp3 --from de --to 日本語                    # a code, an English or a native name`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			return printLanguages(a.io.Out, asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func printLanguages(w io.Writer, asJSON bool) error {
	all := lang.All()
	if asJSON {
		type row struct {
			Code    string `json:"code"`
			English string `json:"english"`
			Native  string `json:"native"`
			Source  bool   `json:"source"`
			Target  bool   `json:"target"`
			Speech  bool   `json:"speech"`
		}
		rows := make([]row, 0, len(all))
		for _, l := range all {
			rows = append(rows, row{l.Code, l.English, l.Native, l.Source, l.Target, l.Speech})
		}
		return writeJSON(w, rows)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tLANGUAGE\tNATIVE\tSOURCE\tTARGET\tSPEECH")
	for _, l := range all {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", l.Code, l.English, l.Native, yesNo(l.Source), yesNo(l.Target), yesNo(l.Speech))
	}
	return tw.Flush()
}

func newVoicesCmd(a *app) *cobra.Command {
	var (
		asJSON  bool
		forLang string
	)
	cmd := &cobra.Command{
		Use:   "voices [--lang LANG]",
		Short: "List the voices for speech output and the languages each can speak",
		Example: `  livetranslate voices --lang fr
  livetranslate voices --json | jq -r '.[] | select(.gender == "male") | .name'
  livetranslate translate talk.mp3 --to fr --audio-out talk.fr.wav --voice Ethan`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			voices := lang.Voices()
			if forLang != "" {
				l, err := lang.Parse(forLang)
				if err != nil {
					return fmt.Errorf("--lang: %w", err)
				}
				if !l.Speech {
					return usagef("see livetranslate languages", "%s (%s) is a text-only target: no voice speaks it", l.English, l.Code)
				}
				voices = lang.VoicesFor(l.Code)
			}
			return printVoices(a.io.Out, voices, asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().StringVar(&forLang, "lang", "", "only the voices that can speak LANG")
	return cmd
}

func printVoices(w io.Writer, voices []lang.Voice, asJSON bool) error {
	if asJSON {
		type row struct {
			Name        string   `json:"name"`
			Display     string   `json:"display"`
			Gender      string   `json:"gender"`
			Description string   `json:"description"`
			Languages   []string `json:"languages"`
			Note        string   `json:"note,omitempty"`
		}
		rows := make([]row, 0, len(voices))
		for _, v := range voices {
			rows = append(rows, row{v.Name, v.Display, v.Gender, v.Description, v.Languages, v.Note})
		}
		return writeJSON(w, rows)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
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

// writeJSON writes v as indented JSON and a newline, with <, > and & as they are.
func writeJSON(w io.Writer, v any) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}
