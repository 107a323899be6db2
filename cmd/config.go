package cmd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/livetranslate/livetranslate/internal/cmdutil"
	"github.com/livetranslate/livetranslate/internal/config"
	"github.com/livetranslate/livetranslate/internal/ledger"
)

func newConfigCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config path|show",
		Short: "Print where the config file is, or the settings a run uses and where each comes from",
		Example: `  livetranslate config path
  $EDITOR "$(livetranslate config path)"
  livetranslate config show
  livetranslate config show --region cn --to ja     # what these flags would change
  livetranslate config show --json | jq -r '.[] | select(.source != "default") | .key'`,
		Args:                       cobra.ArbitraryArgs,
		SuggestionsMinimumDistance: 2,
		// Without a subcommand, the help; a subcommand that does not exist is a usage error
		// (cobra would print the help and succeed).
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmd.Help()
			}
			return usagef(cmdutil.SuggestHint(cmd, args[0]), "livetranslate config has no command %q: choose path or show", args[0])
		},
	}
	// config path names the file whatever it holds: a broken file is what one looks for it to fix.
	cmd.AddCommand(
		cmdutil.SkipConfig(cmdutil.UsesGlobals(newConfigPathCmd(a), "config", "verbose")),
		newConfigShowCmd(a),
	)
	return cmdutil.SkipConfig(cmdutil.UsesGlobals(cmd, "config"))
}

func newConfigPathCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "path",
		Short: "Print the path of the config file that is read, whether or not it exists",
		Long: `path prints the config file livetranslate reads: --config FILE when given, else
$XDG_CONFIG_HOME/livetranslate/config.yaml (~/.config/livetranslate/config.yaml), whether or not
the file exists; -v says on stderr whether it does. The file is not read.`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			path := config.Path(a.cfgFile, a.getenv())
			if path == "" {
				return &config.Error{Msg: "no config file location: neither XDG_CONFIG_HOME nor HOME is set",
					Hint: "set XDG_CONFIG_HOME, or name the file with --config FILE"}
			}
			switch _, err := os.Stat(path); {
			case err == nil:
				a.infof("%s exists", path)
			case errors.Is(err, fs.ErrNotExist):
				a.infof("%s does not exist: the defaults, the environment and the flags apply", path)
			default:
				a.infof("%s cannot be read: %v", path, err)
			}
			_, err := fmt.Fprintln(a.io.Out, a.redact(path))
			return err
		},
	}
}

// configShowOptions is what the config show flags say.
type configShowOptions struct {
	JSON bool
}

func newConfigShowCmd(a *app) *cobra.Command {
	opts := &configShowOptions{}
	cmd := &cobra.Command{
		Use:   "show [--json] [SETTING FLAGS]",
		Short: "Print the settings a translation uses, one a line, and where each comes from",
		Long: `show prints each setting of a translation as "key = value  (source)", the source being the
flag, the environment variable, the config file or the default, with the precedence translate
uses: flag > environment > config file > default. The API key is shortened to its last four
characters (sk-…abcd). A setting's flag given here (--to, --jobs, --region …) shows what it
would change. A value translate would refuse, given here or in the environment or the file, is
refused here too, by translate's checks, with its error and exit code (2 for a flag, 3 for the
environment or the file); a missing target language or key is not an error here.`,
		Args: noArgs,
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON: a list of {key, value, source, flag|env|file}")
	// translate's settings flags, so that they are filled from the environment and the file as
	// translate's are (applyConfig), show its defaults, and are checked by its validate.
	translate, topts := translateCommand(a)
	topts.settingsOnly = true
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if _, err := topts.validate(a.cfg); err != nil {
			return a.fromSource(err)
		}
		return runConfigShow(a, opts, config.ShownKeys(cmd.LocalFlags()))
	}
	translate.Flags().VisitAll(func(f *pflag.Flag) {
		if config.IsSetting(config.FlagKey(f.Name)) {
			cmd.Flags().AddFlag(f)
		}
	})
	return cmd
}

func runConfigShow(a *app, opts *configShowOptions, keys []string) error {
	shown, err := a.cfg.Show(keys, map[string]string{config.KeyLedger: ledger.DefaultPath(a.getenv())}) // what translate opens
	if err != nil {
		return err
	}
	if opts.JSON {
		return shown.WriteJSON(a.io.Out, a.redact)
	}
	return shown.WriteText(a.io.Out, a.redact)
}
