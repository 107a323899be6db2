// Package cmd holds livetranslate's Cobra commands: each parses its flags into an options struct,
// calls the internal packages, prints, and leaves the mapping of errors to exit codes to Main.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/livetranslate/livetranslate/internal/cmdutil"
	"github.com/livetranslate/livetranslate/internal/complete"
	"github.com/livetranslate/livetranslate/internal/config"
	"github.com/livetranslate/livetranslate/internal/iostreams"
	"github.com/livetranslate/livetranslate/internal/pricing"
	"github.com/livetranslate/livetranslate/internal/textfmt"
	"github.com/livetranslate/livetranslate/internal/usage"
)

// Exit codes, as the README's table lists them.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitConfig      = 3
	exitPartial     = 4
	exitTruncated   = 5
	exitInterrupted = 130
	exitBrokenPipe  = 141 // 128 + SIGPIPE, what a shell reports for a process killed by it
)

// app is what every command of one run shares: the streams and the loaded configuration.
type app struct {
	io      iostreams.IOStreams
	cfg     *config.Config
	verbose bool
	quiet   bool // -q: nothing on stderr but what explains a failure
	cfgFile string
	table   *pricing.Table // the price table, once read (prices)
}

// prices is the price table of the configuration, read once: the cost cap, the dry run and the
// ledger of one run all price with it.
func (a *app) prices() (*pricing.Table, error) {
	if a.table == nil {
		t, err := a.cfg.Prices()
		if err != nil {
			return nil, err
		}
		a.table = t
	}
	return a.table, nil
}

// getenv reads the environment through the injected streams.
func (a *app) getenv() func(string) string {
	return a.io.Env()
}

// warnf prints one warning line on stderr, unless -q.
func (a *app) warnf(format string, args ...any) {
	if !a.quiet {
		a.exitWarnf(format, args...)
	}
}

// exitWarnf prints a warning that explains the exit code (a translation cut short, exit 5):
// -q prints it too, as it prints errors.
func (a *app) exitWarnf(format string, args ...any) {
	fmt.Fprint(a.io.Err, a.redact("livetranslate: warning: "+fmt.Sprintf(format, args...)+"\n"))
}

// redact takes the API key out of a line about to be printed, wherever it came from (a base URL
// holding it as a query parameter, an error quoting that URL). Keys shorter than 8 characters
// are not real keys, and replacing them would mangle words.
func (a *app) redact(s string) string {
	s = textfmt.EscapeControls(s)
	if a.cfg == nil {
		return s
	}
	if key := a.cfg.String(config.KeyAPIKey); len(key) >= 8 {
		return strings.ReplaceAll(s, key, "[API key]")
	}
	return s
}

// notef prints one line on stderr that says what the command is doing, unless -q.
func (a *app) notef(format string, args ...any) {
	if !a.quiet {
		fmt.Fprint(a.io.Err, a.redact("livetranslate: "+fmt.Sprintf(format, args...)+"\n"))
	}
}

// infof prints one line on stderr when -v is set.
func (a *app) infof(format string, args ...any) {
	if a.verbose {
		fmt.Fprint(a.io.Err, a.redact("livetranslate: "+fmt.Sprintf(format, args...)+"\n"))
	}
}

// Main runs the command line and returns the process exit code.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// A reader that goes away (livetranslate … | head -1) makes writes to stdout fail with EPIPE
	// instead of killing the process outright, so temporary files are removed on the way out.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	go func() {
		// After the first signal, restore the default handlers so a second Ctrl-C kills at once.
		<-ctx.Done()
		stop()
	}()
	return execute(ctx, iostreams.System(), os.Args[1:])
}

// execute runs args and reports the error, if any, as one line (plus a hint) on stderr.
func execute(ctx context.Context, s iostreams.IOStreams, args []string) int {
	root, a := newRootCmd(s)
	root.SetArgs(args)
	var err error
	if len(args) >= 2 && args[0] == "help" {
		// cobra's help prints "Unknown help topic" and succeeds; a typo there is a usage error.
		if c, _, ferr := root.Find(args[1:]); ferr != nil || c == root {
			err = usagef(cmdutil.SuggestHint(root, args[1]), "no help for %q: there is no such command", args[1])
		}
	}
	if err == nil {
		err = root.ExecuteContext(ctx)
	}
	if name, ok := cmdutil.UnknownCommand(err); ok {
		err = usagef(cmdutil.SuggestHint(root, name), "unknown command %q", name)
	}
	if err == nil && ctx.Err() != nil {
		// A nil error with a cancelled context still counts as failure (restic's rule).
		err = ctx.Err()
	}
	if err == nil {
		return exitOK
	}
	if errors.Is(err, syscall.EPIPE) {
		return exitBrokenPipe // the reader of stdout left: nothing to say, as if killed by SIGPIPE
	}
	code := exitCode(err)
	if !errors.Is(err, errSilent) {
		msg := message(err)
		if code == exitInterrupted {
			msg = "interrupted"
		}
		// One line, whatever the error holds (a YAML parser's list of problems, say).
		msg = textfmt.OneLine(msg)
		fmt.Fprint(s.Err, a.redact(fmt.Sprintf("livetranslate: error: %s\n", msg)))
		a.printHint(err)
	}
	return code
}

// printHint prints the hint of err, if it has one, as the line under its error.
func (a *app) printHint(err error) bool {
	keySource := "" // where the API key came from, for the hint under a refused key
	if a.cfg != nil {
		keySource = a.cfg.Source(config.KeyAPIKey)
	}
	h := hintOf(err, keySource)
	if h != "" {
		fmt.Fprint(a.io.Err, a.redact(fmt.Sprintf("livetranslate: hint: %s\n", h)))
	}
	return h != ""
}

func newRootCmd(s iostreams.IOStreams) (*cobra.Command, *app) {
	a := &app{io: s}
	cobra.EnableTraverseRunHooks = true
	root := &cobra.Command{
		Use:   "livetranslate",
		Short: "Translate audio and video files with Alibaba Cloud's qwen3-livetranslate-flash",
		Long: `livetranslate translates audio and video files through Alibaba Cloud Model Studio's
qwen3-livetranslate-flash model. Translated text streams to standard output as it arrives;
speech can be written to a WAV file.

The API key is read from DASHSCOPE_API_KEY (or api_key in the config file).`,
		Version:       versionString(),
		SilenceUsage:  true,
		SilenceErrors: true,
		// Suggestions are made by run, as the hint under a one-line error.
		DisableSuggestions:         true,
		SuggestionsMinimumDistance: 2,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if a.quiet && a.verbose {
				return quietVerbose()
			}
			if !cmdutil.LoadsConfig(cmd) {
				return nil
			}
			cfg, err := config.Load(cmd.Context(), config.Options{File: a.cfgFile, Getenv: a.getenv()})
			if err != nil {
				return err
			}
			if err := cfg.BindFlags(cmd.Flags()); err != nil {
				return fmt.Errorf("binding flags: %w", err)
			}
			a.cfg = cfg
			if w := cfg.KeyFileWarning(); w != "" {
				a.warnf("%s", w)
			}
			return a.applyConfig(cmd)
		},
	}
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	root.SetVersionTemplate(strings.ReplaceAll(versionLine(), "{", "{{`{`}}") + "\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return usage.Wrap(err, "see --help")
	})

	pf := root.PersistentFlags()
	pf.StringVar(&a.cfgFile, "config", "", "config file (default $XDG_CONFIG_HOME/livetranslate/config.yaml)")
	pf.String("api-key", "", "API key (prefer DASHSCOPE_API_KEY: a flag leaks into shell history and ps)")
	pf.String("region", "intl", "endpoint region: intl (Singapore) or cn (Beijing)")
	pf.String("base-url", "", "OpenAI-compatible base URL; overrides --region (env DASHSCOPE_BASE_URL)")
	pf.BoolVarP(&a.verbose, "verbose", "v", false, "print request ids, usage and decisions on stderr")
	pf.BoolVarP(&a.quiet, "quiet", "q", false, "print nothing on stderr but errors: no progress, warnings, or summary of a run that succeeded")
	cmdutil.CompleteFlag(root, "region", complete.Fixed(complete.Regions()))

	root.AddCommand(
		newTranslateCmd(a),
		newLiveCmd(a),
		cmdutil.UsesGlobals(newVoicesCmd(a)),
		cmdutil.UsesGlobals(newLanguagesCmd(a)),
		cmdutil.UsesGlobals(newVersionCmd(a)),
		cmdutil.UsesGlobals(newUsageCmd(a), "config", "verbose", "quiet"),
		newConfigCmd(a),
	)
	// cobra's completion command, added now rather than when the root runs, so that it too lists
	// only the global flags it uses (none).
	root.InitDefaultCompletionCmd()
	if c, _, err := root.Find([]string{"completion"}); err == nil && c != root {
		cmdutil.UsesGlobals(c)
		var shells []string
		for _, sub := range c.Commands() {
			cmdutil.UsesGlobals(sub)
			shells = append(shells, sub.Name())
		}
		// Without a shell, the help; a shell it has no script for is a usage error (cobra would
		// print the help and succeed, and `completion tcsh > file` would leave the help there).
		c.Args = cobra.ArbitraryArgs
		c.RunE = func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmd.Help()
			}
			return usagef("see livetranslate completion --help", "livetranslate completion has no script for %q: choose %s", args[0], textfmt.Or(shells))
		}
	}
	defaultHelp := root.HelpFunc()
	root.SetHelpFunc(func(c *cobra.Command, args []string) {
		cmdutil.HideUnusedGlobals(c)
		defaultHelp(c, args)
	})
	return root, a
}

// Tree is the command tree a run builds, for the tools that
// document it (scripts/man): its streams go nowhere and nothing is run. Each command is passed
// to document with the global flags it does not use hidden, as its --help hides them.
func Tree(document func(c *cobra.Command) error) error {
	root, _ := newRootCmd(iostreams.IOStreams{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard,
		Getenv: func(string) string { return "" }})
	return cmdutil.Walk(root, document)
}
