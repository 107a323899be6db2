package cmd

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/iostreams"
	"github.com/livetranslate/livetranslate/internal/lang"
)

// validateArgs parses `translate args…` as the command does (flags, then the environment env and
// no config file), then only validates: nothing is read, opened or sent.
func validateArgs(t *testing.T, env map[string]string, args ...string) (*settings, *translateOptions, error) {
	t.Helper()
	dir := t.TempDir()
	full := map[string]string{"HOME": dir, "XDG_CONFIG_HOME": filepath.Join(dir, "config")}
	for k, v := range env {
		full[k] = v
	}
	var out, errOut bytes.Buffer
	s := iostreams.IOStreams{In: strings.NewReader(""), Out: &out, Err: &errOut, Getenv: func(k string) string { return full[k] }}
	root, a := newRootCmd(s)
	if c, _, err := root.Find([]string{"translate"}); err == nil {
		root.RemoveCommand(c)
	}
	cmd, opts := translateCommand(a)
	var got *settings
	var verr error
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		opts.fromCommand(a, cmd, args)
		got, verr = opts.validate(a.cfg)
		if verr != nil {
			verr = a.fromSource(verr)
		}
		return nil
	}
	root.AddCommand(cmd)
	root.SetArgs(append([]string{"translate"}, args...))
	root.SetOut(&out)
	root.SetErr(&errOut)
	if err := root.ExecuteContext(t.Context()); err != nil {
		return nil, opts, err // a flag pflag refused, or the configuration
	}
	return got, opts, verr
}

// TestValidate: the translate options are checked, in order, without running anything; each
// refusal says what is wrong with the exit code of its kind.
func TestValidate(t *testing.T) {
	key := map[string]string{"DASHSCOPE_API_KEY": "sk-validate-test"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{"DASHSCOPE_API_KEY": "sk-validate-test"}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
		err  string // a substring of the error; "" for none
		code int
		want func(*settings) bool
	}{
		{"plain", key, []string{"a.wav", "--to", "French"}, "", 0, func(s *settings) bool {
			return s.to.Code == "fr" && s.from == nil && s.format == "text" && s.jobs == 4 && s.voice == "" && !s.timed
		}},
		{"no target", key, []string{"a.wav"}, "no target language", exitUsage, nil},
		{"target from the environment", with("LIVETRANSLATE_TO", "ja"), []string{"a.wav"}, "", 0, func(s *settings) bool { return s.to.Code == "ja" }},
		{"several targets", key, []string{"a.wav", "--to", "fr,de", "--to", "French", "-t", "yue", "--speech", "--out-dir", "o"}, "", 0, func(s *settings) bool {
			return fmt.Sprint(codes(s.targets), s.voices) == "[fr de yue] [Cherry Cherry Kiki]" && s.to.Code == "fr"
		}},
		{"several targets from the environment", with("LIVETRANSLATE_TO", "ja, ko"), []string{"a.wav"}, "", 0, func(s *settings) bool {
			return fmt.Sprint(codes(s.targets)) == "[ja ko]"
		}},
		{"a size that is not a number", key, []string{"a.wav", "--to", "fr", "--inline-limit", "NaN"}, "invalid size", exitUsage, nil},
		{"an empty target", key, []string{"a.wav", "--to", "fr,,de"}, "--to fr,,de: an empty language in the list", exitUsage, nil},
		{"a voice one target lacks", key, []string{"a.wav", "--to", "fr,yue", "--voice", "Ethan", "--audio-out", "a.{lang}.wav"}, "Ethan", exitUsage, nil},
		{"unknown target", key, []string{"a.wav", "--to", "Klingon"}, "--to", exitUsage, nil},
		{"unknown format", key, []string{"a.wav", "--to", "fr", "--format", "xml"}, `unknown --format "xml"`, exitUsage, nil},
		{"format from the environment", with("LIVETRANSLATE_FORMAT", "xml"), []string{"a.wav", "--to", "fr"}, `$LIVETRANSLATE_FORMAT: unknown "xml"`, exitConfig, nil},
		{"sampling out of range", key, []string{"a.wav", "--to", "fr", "--top-p", "0"}, "--top-p 0 is out of range: must be in (0, 1]", exitUsage, nil},
		{"sampling given", key, []string{"a.wav", "--to", "fr", "--seed", "7", "--temperature", "0.5"}, "", 0, nil},
		{"speech picks the voice", key, []string{"a.wav", "--to", "fr", "--audio-out", "a.wav"}, "", 0, func(s *settings) bool { return s.voice == "Cherry" }},
		{"voice without speech", key, []string{"a.wav", "--to", "fr", "--voice", "Cherry"}, "--voice needs speech", exitUsage, nil},
		{"a configured voice one target lacks", with("LIVETRANSLATE_VOICE", "ethan"), []string{"a.wav", "--to", "fr,yue", "--speech", "--out-dir", "o"}, "", 0, func(s *settings) bool {
			return fmt.Sprint(s.voices) == "[Ethan Kiki]" && len(s.warnings) == 1 && strings.HasPrefix(s.warnings[0], "$LIVETRANSLATE_VOICE: Ethan cannot speak Cantonese; Cantonese speech is in Kiki")
		}},
		{"a configured voice every target has", with("LIVETRANSLATE_VOICE", "Ethan"), []string{"a.wav", "--to", "fr,de", "--speech", "--out-dir", "o"}, "", 0, func(s *settings) bool {
			return fmt.Sprint(s.voices) == "[Ethan Ethan]" && len(s.warnings) == 0
		}},
		{"a configured voice overridden by --voice ''", with("LIVETRANSLATE_VOICE", "Ethan"), []string{"a.wav", "--to", "fr,yue", "--speech", "--out-dir", "o", "--voice", ""}, "", 0, func(s *settings) bool {
			return fmt.Sprint(s.voices) == "[Cherry Kiki]" && len(s.warnings) == 0
		}},
		{"a configured voice that is none", with("LIVETRANSLATE_VOICE", "Nobody"), []string{"a.wav", "--to", "fr", "--speech", "--out-dir", "o"}, `$LIVETRANSLATE_VOICE: unknown voice "Nobody"`, exitConfig, nil},
		{"a configured voice and a text-only target", with("LIVETRANSLATE_VOICE", "Ethan"), []string{"a.wav", "--to", "th", "--speech", "--out-dir", "o"}, "speech output is not available in Thai", exitUsage, nil},
		{"--voice '' without speech", key, []string{"a.wav", "--to", "fr", "--voice", ""}, "", 0, nil},
		{"speech and text on stdout", key, []string{"a.wav", "--to", "fr", "--audio-out", "-"}, "cannot both go to stdout", exitUsage, nil},
		{"jsonl to a directory", key, []string{"a.wav", "--to", "fr", "--format", "jsonl", "--out-dir", "o"}, "cannot be used with --out-dir", exitUsage, nil},
		{"quiet", key, []string{"a.wav", "--to", "fr", "-q"}, "", 0, nil},
		{"quiet and verbose", key, []string{"a.wav", "--to", "fr", "-q", "-v"}, "-q/--quiet and -v/--verbose cannot be used together", exitUsage, nil},
		{"quiet and verbose, long", key, []string{"a.wav", "--to", "fr", "--verbose", "--quiet"}, "-q/--quiet and -v/--verbose cannot be used together", exitUsage, nil},
		{"quiet with progress always", key, []string{"a.wav", "--to", "fr", "-q", "--progress", "always"}, "-q/--quiet shows no progress; it cannot be used with --progress always", exitUsage, nil},
		{"quiet with progress never", key, []string{"a.wav", "--to", "fr", "-q", "--progress", "never"}, "", 0, nil},
		{"jobs out of range", key, []string{"a.wav", "--to", "fr", "-j", "0"}, "--jobs 0 is out of range", exitUsage, nil},
		{"jobs from the config", with("LIVETRANSLATE_JOBS", "65"), []string{"a.wav", "--to", "fr"}, "$LIVETRANSLATE_JOBS: 65 is out of range", exitConfig, nil},
		{"subtitles are timed", key, []string{"a.wav", "--to", "fr", "--format", "srt"}, "", 0, func(s *settings) bool { return s.timed && s.subs != 0 }},
		{"subtitles never split", key, []string{"a.wav", "--to", "fr", "--format", "srt", "--split", "never"}, "--split never cannot be used", exitUsage, nil},
		{"cue-max without timed output", key, []string{"a.wav", "--to", "fr", "--cue-max", "5s"}, "--cue-max sets the pieces", exitUsage, nil},
		{"pause threshold", key, []string{"a.wav", "--to", "fr", "--pause-threshold", "-40dB"}, "", 0, func(s *settings) bool { return s.pauses.Threshold == -40 }},
		{"pause threshold out of range", key, []string{"a.wav", "--to", "fr", "--pause-threshold", "3"}, `--pause-threshold "3" is not a level in [-90, -5] dB`, exitUsage, nil},
		{"pause threshold from the environment", with("LIVETRANSLATE_PAUSE_THRESHOLD", "-100 dB"), []string{"a.wav", "--to", "fr"}, `$LIVETRANSLATE_PAUSE_THRESHOLD: "-100 dB" is not a level in [-90, -5] dB`, exitConfig, nil},
		{"min pause out of range", key, []string{"a.wav", "--to", "fr", "--min-pause", "10ms"}, "--min-pause 10ms is out of range: must be in [50ms, 5s]", exitUsage, nil},
		{"sampling from the config", with("LIVETRANSLATE_MAX_TOKENS", "0"), []string{"a.wav", "--to", "fr"}, "$LIVETRANSLATE_MAX_TOKENS: 0 is out of range: must be in [1, 4096]", exitConfig, nil},
		{"no key", nil, []string{"a.wav", "--to", "fr"}, "no API key", exitConfig, nil},
		{"no key for a dry run", nil, []string{"a.wav", "--to", "fr", "--dry-run"}, "", 0, nil},
		{"not a number", key, []string{"a.wav", "--to", "fr", "--seed", "x"}, `invalid argument "x" for "--seed"`, exitUsage, nil},
		{"a flag the environment does not set is ignored, whatever its value", with("LIVETRANSLATE_NO_STREAM", "maybe"), []string{"a.wav", "--to", "fr"}, "", 0, nil},
		{"a setting's value of the wrong type", with("LIVETRANSLATE_RETRIES", "many"), []string{"a.wav", "--to", "fr"}, `$LIVETRANSLATE_RETRIES: "many" is not a whole number`, exitConfig, nil},
		{"a speech rate from the environment waits for speech", with("LIVETRANSLATE_SPEECH_RATE", "1.3"), []string{"a.wav", "--to", "fr"}, "", 0,
			func(s *settings) bool { return s.sampling.SpeechRate == nil }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, _, err := validateArgs(t, tt.env, tt.args...)
			var msg string // as the command line words it
			if err != nil {
				msg = message(err)
			}
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("error %v", err)
			case tt.err != "" && (err == nil || !strings.Contains(msg, tt.err)):
				t.Fatalf("error %q, want one containing %q", msg, tt.err)
			case tt.err != "" && exitCode(err) != tt.code:
				t.Fatalf("%v: exit %d, want %d", err, exitCode(err), tt.code)
			case tt.want != nil && !tt.want(s):
				t.Errorf("settings %+v", *s)
			}
		})
	}
}

// TestCheckInputs: what the options ask of the inputs they were given, refused before anything
// is opened (the usage ledger included).
func TestCheckInputs(t *testing.T) {
	two := []batch.Item{{Name: "a.wav"}, {Name: "b.wav"}}
	for _, tt := range []struct {
		args  []string
		items []batch.Item
		err   string
	}{
		{[]string{"--to", "fr"}, two, ""},
		{[]string{"--to", "fr", "-o", "x.txt"}, two, "-o and --audio-out take one input, got 2"},
		{[]string{"--to", "fr", "--speech"}, two, "--speech with several inputs needs --out-dir"},
		{[]string{"--to", "fr", "--speech"}, two[:1], "--speech writes NAME.<code>.wav under --out-dir"},
		{[]string{"--to", "fr", "--speech", "--out-dir", "o"}, two, ""},
		{[]string{"--to", "fr", "--out-dir", "o", "-o", "x"}, two[:1], "drop -o and --audio-out"},
		{[]string{"--to", "fr", "--format", "srt"}, two, "--format srt with several inputs needs --out-dir"},
		{[]string{"--to", "fr", "--dub", "x.mp4"}, two, "--dub takes one input, got 2"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			s, opts, err := validateArgs(t, map[string]string{"DASHSCOPE_API_KEY": "sk-validate-test"}, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			err = opts.checkInputs(s, tt.items)
			if (tt.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("error %v, want %q", err, tt.err)
			}
		})
	}
}

func codes(ls []lang.Language) []string {
	var c []string
	for _, l := range ls {
		c = append(c, l.Code)
	}
	return c
}

// TestConfigShowValidates: config show refuses the settings translate refuses, with the same
// error line and exit code, because it runs translate's validate; what only a run needs (an
// input, a target language, a key, speech for a voice) it does not ask for.
func TestConfigShowValidates(t *testing.T) {
	run := func(env map[string]string, args ...string) (int, string) {
		dir := t.TempDir()
		full := map[string]string{"HOME": dir, "XDG_CONFIG_HOME": filepath.Join(dir, "config"), "XDG_STATE_HOME": filepath.Join(dir, "state")}
		for k, v := range env {
			full[k] = v
		}
		var out, errOut bytes.Buffer
		s := iostreams.IOStreams{In: strings.NewReader(""), Out: &out, Err: &errOut, Getenv: func(k string) string { return full[k] }}
		code := execute(t.Context(), s, args)
		first, _, _ := strings.Cut(errOut.String(), "\n")
		return code, first
	}
	key := map[string]string{"DASHSCOPE_API_KEY": "sk-show-validate-0123"}
	env := func(k, v string) map[string]string {
		return map[string]string{"DASHSCOPE_API_KEY": "sk-show-validate-0123", k: v}
	}
	for _, tt := range []struct {
		env  map[string]string
		args []string
		code int
	}{
		{key, []string{"--to", "xx"}, exitUsage},
		{key, []string{"--to", "fr,"}, exitUsage},
		{key, []string{"--jobs", "0"}, exitUsage},
		{key, []string{"--format", "xml"}, exitUsage},
		{key, []string{"--max-cost", "1e2"}, exitUsage},
		{key, []string{"--top-p", "0"}, exitUsage},
		{key, []string{"--cache", "sometimes"}, exitUsage},
		{key, []string{"--min-pause", "1ms"}, exitUsage},
		{key, []string{"--region", "mars"}, exitUsage},
		{key, []string{"--lang-form", "emoji"}, exitUsage},
		{env("LIVETRANSLATE_TO", "xx"), nil, exitConfig},
		{env("LIVETRANSLATE_JOBS", "100"), nil, exitConfig},
		{env("LIVETRANSLATE_MAX_COST", "NaN"), nil, exitConfig},
		{env("LIVETRANSLATE_RETRIES", "-1"), nil, exitConfig},
		{env("DASHSCOPE_BASE_URL", "ftp://x"), nil, exitConfig},
		{map[string]string{"DASHSCOPE_API_KEY": "sk-show\x01validate"}, nil, exitConfig},
	} {
		t.Run(fmt.Sprintf("%q %q", tt.args, tt.env), func(t *testing.T) {
			var to []string
			if !slices.Contains(tt.args, "--to") && tt.env["LIVETRANSLATE_TO"] == "" {
				to = []string{"--to", "fr"} // translate needs one; config show does not
			}
			showCode, showErr := run(tt.env, append([]string{"config", "show"}, tt.args...)...)
			runCode, runErr := run(tt.env, append(append([]string{"translate", "a.wav"}, to...), tt.args...)...)
			if showCode != tt.code || runCode != tt.code || showErr != runErr || !strings.HasPrefix(showErr, "livetranslate: error: ") {
				t.Errorf("config show: exit %d, %q\ntranslate:   exit %d, %q\nwant exit %d and the same line", showCode, showErr, runCode, runErr, tt.code)
			}
		})
	}
	for _, args := range [][]string{nil, {"--voice", "Ethan"}, {"--voice", ""}, {"--speech-rate", "1.5"}, {"--to", "fr,yue", "--voice", "Ethan"}} {
		if code, line := run(nil, append([]string{"config", "show"}, args...)...); code != exitOK {
			t.Errorf("config show %q without a key: exit %d, %q", args, code, line)
		}
	}
}
