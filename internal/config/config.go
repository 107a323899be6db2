// Package config loads livetranslate's settings with the precedence users are promised: a flag
// the user set, then the environment, then the config file, then the built-in default. It owns
// one *viper.Viper per run (never viper's global), knows the XDG paths, and maps the endpoint
// region to the vendor's base URL. It knows which flags are settings (IsSetting), checks what the
// file and the environment give them and sets the running command's flags from it (Check,
// Apply), and lists the settings a run uses with where each came from (Show).
package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/livetranslate/livetranslate/internal/bytesize"
	"github.com/livetranslate/livetranslate/internal/ctxio"
	"github.com/livetranslate/livetranslate/internal/pricing"
	"github.com/livetranslate/livetranslate/internal/usage"
	"github.com/livetranslate/livetranslate/internal/xdg"
)

// Region base URLs of the OpenAI-compatible mode (docs/service.md, Regions and base URLs).
const (
	BaseURLIntl = "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"
	BaseURLCN   = "https://dashscope.aliyuncs.com/compatible-mode/v1"
)

// DefaultModel is the model the tool asks for unless told otherwise.
const DefaultModel = "qwen3-livetranslate-flash"

// Keys of the configuration, as written in the config file. A flag named with dashes binds to the
// key with underscores (--base-url → base_url), and LIVETRANSLATE_<KEY> sets it from the environment.
const (
	KeyAPIKey      = "api_key"
	KeyRegion      = "region"
	KeyBaseURL     = "base_url"
	KeyModel       = "model"
	KeyTo          = "to"
	KeyFrom        = "from"
	KeyVoice       = "voice"
	KeyFormat      = "format"
	KeyJobs        = "jobs"
	KeyInlineLimit = "inline_limit"
	KeyTimeout     = "timeout"
)

// Error is a configuration problem: an unreadable config file, a missing key, a bad region.
// The CLI maps it to exit code 3; a bad value given on the command line is the user's mistake in
// this run instead, and comes as a usage error (see badValue).
type Error struct {
	Msg  string
	Hint string
	Err  error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// Config is the loaded settings of one run.
type Config struct {
	v *viper.Viper
	// File is the config file that was read, "" if none.
	File string
	// data is File's contents as Load read them: sections viper does not serve as they are
	// written (pricing, whose model names are case-sensitive) are parsed from it, not read again.
	data   []byte
	getenv func(string) string
	flags  *pflag.FlagSet // the running command's, once bound
}

// Options say where to look.
type Options struct {
	// File is the --config flag; "" means the default XDG location, which may be absent.
	File string
	// Getenv reads the environment (os.Getenv in production; a map in tests).
	Getenv func(string) string
}

// Load reads the config file and prepares environment lookups. Flags are bound afterwards with
// BindFlags, once the running command's flags are known.
func Load(ctx context.Context, opts Options) (*Config, error) {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	v := viper.New()
	// The environment is read through getenv (get), not by viper, which would read the process's.
	v.SetDefault(KeyRegion, "intl")
	v.SetDefault(KeyModel, DefaultModel)
	v.SetDefault(KeyFormat, "text")
	v.SetDefault(KeyJobs, 4)
	v.SetDefault(KeyInlineLimit, 10<<20)
	v.SetDefault(KeyTimeout, "0s")

	c := &Config{v: v, getenv: getenv}
	file := Path(opts.File, getenv)
	explicit := opts.File != ""
	if file == "" {
		return c, nil
	}
	data, err := readFile(ctx, file)
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return nil, err
	case err != nil && !explicit && errors.Is(err, fs.ErrNotExist):
		return c, nil
	case err != nil:
		return nil, &Error{Msg: "cannot read config file " + file, Err: err,
			Hint: "fix the file (see configs/config.example.yaml) or point --config at another one"}
	case len(data) > MaxFileSize:
		return nil, &Error{Msg: fmt.Sprintf("config file %s is over %s: a config file is a few lines of YAML", file, bytesize.Text(MaxFileSize)),
			Hint: "point --config at the config file (see configs/config.example.yaml)"}
	}
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
		return nil, &Error{Msg: "cannot read config file " + file, Err: err,
			Hint: "fix the file (see configs/config.example.yaml) or point --config at another one"}
	}
	c.File, c.data = file, data
	return c, nil
}

// Prices is the price table embedded in the binary with the config file's pricing: section laid
// over it, from the file as Load read it. A section that is not in the shape of the price table
// (a misspelt kind of token, say) is an *Error naming the file and the key. A nil Config, or one
// without a file, gives the embedded table.
func (c *Config) Prices() (*pricing.Table, error) {
	t, err := pricing.Default()
	if err != nil || c == nil || c.File == "" {
		return t, err
	}
	over, err := pricing.ParseConfig(c.data)
	if err != nil {
		return nil, &Error{Msg: c.File, Err: err,
			Hint: "the pricing: section takes the shape of configs/pricing.yaml (models → model → intl|cn → prices per 1M tokens)"}
	}
	return pricing.Merge(t, over), nil
}

// MaxFileSize is the largest config file read: every key documented, with comments, is 6 KiB.
const MaxFileSize = 1 << 20

// readFile reads at most MaxFileSize+1 bytes of the config file: a device or an endless pipe
// named by mistake (--config /dev/zero) is refused, not read until memory runs out, and a pipe
// without a writer (--config <(…) whose command never runs) waits only until ctx is done.
func readFile(ctx context.Context, path string) ([]byte, error) {
	f, err := ctxio.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(ctxio.NewReader(ctx, f), MaxFileSize+1))
}

// Path is the config file a run reads: the one named by --config (file), else DefaultFile. It
// is "" when neither is known (no --config, and neither XDG_CONFIG_HOME nor HOME is set).
func Path(file string, getenv func(string) string) string {
	if file != "" {
		return file
	}
	return DefaultFile(getenv)
}

// DefaultFile is $XDG_CONFIG_HOME/livetranslate/config.yaml, or ~/.config/… when XDG_CONFIG_HOME is
// unset (or not absolute).
func DefaultFile(getenv func(string) string) string {
	return xdg.Path(getenv, xdg.Config, "livetranslate", "config.yaml")
}

// BindFlags binds every flag of the running command (its own and the inherited ones) to the key of
// the same name with dashes turned to underscores. It is called once per run, on the command that
// runs, so two subcommands with a flag of the same name never steal each other's binding.
func (c *Config) BindFlags(fs *pflag.FlagSet) error {
	c.flags = fs
	var err error
	fs.VisitAll(func(f *pflag.Flag) {
		if err == nil {
			err = c.v.BindPFlag(strings.ReplaceAll(f.Name, "-", "_"), f)
		}
	})
	return err
}

// envNames are the environment variables that set key, in the order they are looked at.
func envNames(key string) []string {
	switch key {
	case KeyAPIKey:
		return []string{"DASHSCOPE_API_KEY", "LIVETRANSLATE_API_KEY"}
	case KeyBaseURL:
		return []string{"DASHSCOPE_BASE_URL", "LIVETRANSLATE_BASE_URL"}
	}
	return []string{"LIVETRANSLATE_" + strings.ToUpper(key)}
}

// OriginKind is where a setting's value came from, in the order of precedence.
type OriginKind string

const (
	FromFlag    OriginKind = "flag"
	FromEnv     OriginKind = "env"
	FromFile    OriginKind = "file"
	FromDefault OriginKind = "default"
)

// Origin is where key's value came from: the kind, and the flag ("--region"), the environment
// variable ("DASHSCOPE_API_KEY") or the file's path it came from ("" for a default).
type Origin struct {
	Kind OriginKind
	Name string
}

// Origin says where key's value comes from, with the precedence the README's Configuration
// section promises: a flag the user set, the environment (the vendor's DASHSCOPE_* names first),
// the config file, the default.
func (c *Config) Origin(key string) Origin {
	if c.flagChanged(key) {
		return Origin{FromFlag, "--" + FlagName(key)}
	}
	for _, env := range envNames(key) {
		if c.getenv != nil && c.getenv(env) != "" {
			return Origin{FromEnv, env}
		}
	}
	if c.File != "" && c.v.InConfig(key) {
		return Origin{FromFile, c.File}
	}
	return Origin{Kind: FromDefault}
}

// Source says where key's value came from, for messages that must point at it: "--region",
// "$DASHSCOPE_API_KEY", "api_key in /home/u/.config/livetranslate/config.yaml", or "" when the
// value is the default.
func (c *Config) Source(key string) string {
	switch o := c.Origin(key); o.Kind {
	case FromFlag:
		return o.Name
	case FromEnv:
		return "$" + o.Name
	case FromFile:
		return key + " in " + o.Name
	}
	return ""
}

func (c *Config) flagChanged(key string) bool {
	if c.flags == nil {
		return false
	}
	f := c.flags.Lookup(FlagName(key))
	return f != nil && f.Changed
}

// FromFlag reports whether key's value was given on the command line: a bad one is a usage
// error, where a bad value in the file or environment is a configuration error.
func (c *Config) FromFlag(key string) bool { return strings.HasPrefix(c.Source(key), "--") }

// FileKeys are the top-level keys the config file sets.
func (c *Config) FileKeys() []string {
	if c.File == "" {
		return nil
	}
	seen := map[string]bool{}
	var keys []string
	for _, k := range c.v.AllKeys() {
		top, _, _ := strings.Cut(k, ".")
		if !seen[top] && c.v.InConfig(top) {
			seen[top] = true
			keys = append(keys, top)
		}
	}
	return keys
}

// get is key's value with the precedence the README's Configuration section promises: the
// command line, the environment (LIVETRANSLATE_<KEY>, or the vendor's DASHSCOPE_* names first),
// the config file, the default.
func (c *Config) get(key string) any {
	if !c.FromFlag(key) {
		if v, ok := c.env(key); ok {
			return v
		}
	}
	return c.v.Get(key)
}

// env is key's value in the environment, if it has one.
func (c *Config) env(key string) (string, bool) {
	for _, name := range envNames(key) {
		if c.getenv == nil {
			break
		}
		if v := c.getenv(name); v != "" {
			return v, true
		}
	}
	return "", false
}

// Raw returns key's value as the file or environment gave it, before any conversion.
func (c *Config) Raw(key string) any { return c.get(key) }

// String returns the value of key.
func (c *Config) String(key string) string {
	switch v := c.get(key).(type) {
	case nil:
		return ""
	case string:
		return strings.TrimSpace(v)
	case []any: // a YAML list (to: [fr, de]) is the comma-separated list a flag takes
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = strings.TrimSpace(fmt.Sprint(e))
		}
		return strings.Join(parts, ",")
	default:
		return strings.TrimSpace(fmt.Sprint(v))
	}
}

// Int returns the value of key (0 when it is not a whole number).
func (c *Config) Int(key string) int {
	n, _ := strconv.Atoi(c.String(key))
	return n
}

// Float64 returns the value of key (0 when it is not a number).
func (c *Config) Float64(key string) float64 {
	f, _ := strconv.ParseFloat(c.String(key), 64)
	return f
}

// Int64 returns the value of key (0 when it is not a whole number).
func (c *Config) Int64(key string) int64 {
	n, _ := strconv.ParseInt(c.String(key), 10, 64)
	return n
}

// IsSet reports whether key has a value from a flag, the environment or the file: not a default,
// the built-in one or a flag's (viper's IsSet counts the built-in defaults too).
func (c *Config) IsSet(key string) bool { return c.Source(key) != "" }

// APIKey returns the key, or an *Error that says how to set one, or what is wrong with the one
// set: a key holding a control or invisible character (a line break pasted in the middle, a
// byte-order mark) cannot go into a request's header, and would fail every request only once it
// is sent, after the inputs were read (or be hidden by answers from the cache). The error names
// where the key came from, never the key.
func (c *Config) APIKey() (string, error) {
	k := c.String(KeyAPIKey)
	if k == "" {
		return "", &Error{Msg: "no API key: set DASHSCOPE_API_KEY",
			Hint: "export DASHSCOPE_API_KEY=sk-… (from the Model Studio console), or put api_key in " + c.fileForHint()}
	}
	if i := strings.IndexFunc(k, invisible); i >= 0 {
		r, _ := utf8.DecodeRuneInString(k[i:])
		return "", &Error{Msg: fmt.Sprintf("the API key from %s contains %s; a key is one line of visible characters", c.Source(KeyAPIKey), describeRune(r)),
			Hint: "copy the key again from the Model Studio console into " + c.Source(KeyAPIKey) + ", without it"}
	}
	return k, nil
}

// invisible reports whether r has no place in an API key: a control character (a line break,
// a tab, an escape) or an invisible format character (a zero-width space, a byte-order mark).
func invisible(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError
}

// describeRune names an invisible character for a message: "a line break (\n)", "a control
// character (U+0001)".
func describeRune(r rune) string {
	switch r {
	case '\n', '\r':
		return fmt.Sprintf("a line break (%s)", strings.Trim(strconv.QuoteRune(r), "'"))
	case '\t':
		return `a tab (\t)`
	case utf8.RuneError:
		return "bytes that are not UTF-8"
	}
	if unicode.IsControl(r) {
		return fmt.Sprintf("a control character (%U)", r)
	}
	return fmt.Sprintf("an invisible character (%U)", r)
}

func (c *Config) fileForHint() string {
	if c.File != "" {
		return c.File
	}
	return "$XDG_CONFIG_HOME/livetranslate/config.yaml"
}

// BaseURL is --base-url (or DASHSCOPE_BASE_URL, or base_url) when set, else the region's URL. The
// region is checked either way: a typo in it is not passed over because a base URL is set too.
func (c *Config) BaseURL() (string, error) {
	regionURL, err := c.regionURL()
	if err != nil {
		return "", err
	}
	if u := c.String(KeyBaseURL); u != "" {
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			msg := fmt.Sprintf("base URL %q must start with http:// or https://", u)
			if src := c.Source(KeyBaseURL); src != "" && !c.FromFlag(KeyBaseURL) {
				msg = fmt.Sprintf("base URL %q (from %s) must start with http:// or https://", u, src)
			}
			return "", c.badValue(KeyBaseURL, msg)
		}
		return strings.TrimRight(u, "/"), nil
	}
	return regionURL, nil
}

func (c *Config) regionURL() (string, error) {
	switch strings.ToLower(c.String(KeyRegion)) {
	case "intl", "international", "singapore", "ap-southeast-1", "":
		return BaseURLIntl, nil
	case "cn", "china", "beijing", "cn-beijing":
		return BaseURLCN, nil
	}
	msg := fmt.Sprintf("unknown region %q; choose intl (Singapore) or cn (Beijing), or set --base-url", c.String(KeyRegion))
	if src := c.Source(KeyRegion); !c.FromFlag(KeyRegion) && src != "" {
		msg = fmt.Sprintf("unknown region %q (from %s); choose intl (Singapore) or cn (Beijing), or set base_url", c.String(KeyRegion), src)
	}
	return "", c.badValue(KeyRegion, msg)
}

// badValue is the error for key's value: a usage error when the value came from the command line
// (exit 2), a configuration error otherwise (exit 3).
func (c *Config) badValue(key, msg string) error {
	if c.FromFlag(key) {
		return &usage.Error{Msg: msg}
	}
	return &Error{Msg: msg}
}

// KeyFileWarning returns a warning when the config file that holds the API key can be read by
// other users, "" otherwise.
func (c *Config) KeyFileWarning() string {
	if c.File == "" || !c.v.InConfig(KeyAPIKey) {
		return ""
	}
	st, err := os.Stat(c.File)
	if err != nil || st.Mode().Perm()&0o044 == 0 {
		return ""
	}
	return fmt.Sprintf("config file %s holds an API key and is readable by other users; run: chmod 600 %s", c.File, c.File)
}
