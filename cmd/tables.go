package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/livetranslate/livetranslate/internal/cmdutil"
	"github.com/livetranslate/livetranslate/internal/complete"
	"github.com/livetranslate/livetranslate/internal/lang"
	"github.com/livetranslate/livetranslate/internal/tables"
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
			if asJSON {
				return tables.LanguagesJSON(a.io.Out, lang.All())
			}
			return tables.Languages(a.io.Out, lang.All())
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// voicesOptions is what the voices flags say.
type voicesOptions struct {
	JSON bool
	Lang string
}

func newVoicesCmd(a *app) *cobra.Command {
	opts := &voicesOptions{}
	cmd := &cobra.Command{
		Use:   "voices [--lang LANG]",
		Short: "List the voices for speech output and the languages each can speak",
		Example: `  livetranslate voices --lang fr
  livetranslate voices --json | jq -r '.[] | select(.gender == "male") | .name'
  livetranslate translate talk.mp3 --to fr --audio-out talk.fr.wav --voice Ethan`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			voices, err := opts.validate()
			if err != nil {
				return err
			}
			if opts.JSON {
				return tables.VoicesJSON(a.io.Out, voices)
			}
			return tables.Voices(a.io.Out, voices)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	cmd.Flags().StringVar(&opts.Lang, "lang", "", "only the voices that can speak LANG")
	cmdutil.CompleteFlag(cmd, "lang", complete.LanguageFunc(true, false, false))
	return cmd
}

// validate checks --lang and returns the voices to list: all of them, or those that speak it.
func (o *voicesOptions) validate() ([]lang.Voice, error) {
	if o.Lang == "" {
		return lang.Voices(), nil
	}
	l, err := lang.Parse(o.Lang)
	if err != nil {
		return nil, fmt.Errorf("--lang: %w", err)
	}
	if !l.Speech {
		return nil, usagef("see livetranslate languages", "%s (%s) is a text-only target: no voice speaks it", l.English, l.Code)
	}
	return lang.VoicesFor(l.Code), nil
}
