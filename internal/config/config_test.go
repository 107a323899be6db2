package config

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/livetranslate/livetranslate/internal/usage"
)

// cleanEnv empties every variable the package reads, so the tests see only what they set. Most
// tests load with Getenv: os.Getenv and set variables with t.Setenv, so they cannot run in
// parallel; TestInjectedEnvironment injects one instead.
func cleanEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "LIVETRANSLATE_") || strings.HasPrefix(name, "DASHSCOPE_") {
			t.Setenv(name, "") // an empty variable counts as unset
		}
	}
	home := t.TempDir() // no default config file unless a test writes one
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
}

// writeFile writes content to name in a fresh temporary directory and returns its path.
func writeFile(t *testing.T, name, content string, perm os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil { // past the umask
		t.Fatal(err)
	}
	return path
}

func load(t *testing.T, file string) *Config {
	t.Helper()
	c, err := Load(t.Context(), Options{File: file, Getenv: os.Getenv})
	if err != nil {
		t.Fatalf("Load(%q): %v", file, err)
	}
	return c
}

// flags is a command's flag set as cmd defines them (a default of the flag's own), parsed from args.
func flags(t *testing.T, args ...string) *pflag.FlagSet {
	t.Helper()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	fs.String("model", DefaultModel, "")
	fs.String("region", "", "")
	fs.String("base-url", "", "")
	fs.String("voice", "Cherry", "")
	fs.Int("jobs", 0, "")
	fs.String("inline-limit", "10MiB", "")
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return fs
}

func TestPrecedence(t *testing.T) {
	for _, tc := range []struct {
		name       string
		args       []string
		env        map[string]string
		file       string // the config file's content; "" for no file
		key        string
		want       string
		wantSource string // with "FILE" for the config file's path
	}{
		{name: "default", key: KeyModel, want: DefaultModel},
		{name: "file over default", file: "model: from-file\n", key: KeyModel, want: "from-file", wantSource: "model in FILE"},
		{name: "env over file", env: map[string]string{"LIVETRANSLATE_MODEL": "from-env"}, file: "model: from-file\n",
			key: KeyModel, want: "from-env", wantSource: "$LIVETRANSLATE_MODEL"},
		{name: "flag over env and file", args: []string{"--model", "from-flag"}, env: map[string]string{"LIVETRANSLATE_MODEL": "from-env"},
			file: "model: from-file\n", key: KeyModel, want: "from-flag", wantSource: "--model"},
		{name: "a flag at its default is not given", args: []string{"--region", "cn"}, file: "model: from-file\n",
			key: KeyModel, want: "from-file", wantSource: "model in FILE"},
		{name: "an empty variable is unset", env: map[string]string{"LIVETRANSLATE_MODEL": ""}, file: "model: from-file\n",
			key: KeyModel, want: "from-file", wantSource: "model in FILE"},
		{name: "the built-in default beats an unchanged flag's own", key: KeyJobs, want: "4"},
		{name: "an unchanged flag's default where there is no built-in one", key: KeyVoice, want: "Cherry"},
		{name: "a dashed flag binds the underscored key", args: []string{"--inline-limit", "5MiB"}, file: "inline_limit: 1MiB\n",
			key: KeyInlineLimit, want: "5MiB", wantSource: "--inline-limit"},
		{name: "underscored key from the environment", env: map[string]string{"LIVETRANSLATE_INLINE_LIMIT": "2MiB"},
			key: KeyInlineLimit, want: "2MiB", wantSource: "$LIVETRANSLATE_INLINE_LIMIT"},
		{name: "the vendor's variable first", env: map[string]string{"DASHSCOPE_API_KEY": "sk-vendor", "LIVETRANSLATE_API_KEY": "sk-ours"},
			key: KeyAPIKey, want: "sk-vendor", wantSource: "$DASHSCOPE_API_KEY"},
		{name: "our variable for the key", env: map[string]string{"LIVETRANSLATE_API_KEY": "sk-ours"}, file: "api_key: sk-file\n",
			key: KeyAPIKey, want: "sk-ours", wantSource: "$LIVETRANSLATE_API_KEY"},
		{name: "the vendor's base URL variable", env: map[string]string{"DASHSCOPE_BASE_URL": "http://a", "LIVETRANSLATE_BASE_URL": "http://b"},
			key: KeyBaseURL, want: "http://a", wantSource: "$DASHSCOPE_BASE_URL"},
		{name: "a key no flag or default knows, from the environment", env: map[string]string{"LIVETRANSLATE_LEDGER": "/x/usage.db"},
			key: "ledger", want: "/x/usage.db", wantSource: "$LIVETRANSLATE_LEDGER"},
		{name: "a key no flag or default knows, from the file", file: "ledger: /y/usage.db\n",
			key: "ledger", want: "/y/usage.db", wantSource: "ledger in FILE"},
		{name: "keys in the file are case-insensitive", file: "MODEL: upper\n", key: KeyModel, want: "upper", wantSource: "model in FILE"},
		{name: "values are trimmed", env: map[string]string{"LIVETRANSLATE_TO": "  fr \n"}, key: KeyTo, want: "fr", wantSource: "$LIVETRANSLATE_TO"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cleanEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			var file string
			if tc.file != "" {
				file = writeFile(t, "config.yaml", tc.file, 0o600)
			}
			c := load(t, file)
			if err := c.BindFlags(flags(t, tc.args...)); err != nil {
				t.Fatal(err)
			}
			if got := c.String(tc.key); got != tc.want {
				t.Errorf("String(%s) = %q, want %q", tc.key, got, tc.want)
			}
			wantSource := strings.ReplaceAll(tc.wantSource, "FILE", file)
			if got := c.Source(tc.key); got != wantSource {
				t.Errorf("Source(%s) = %q, want %q", tc.key, got, wantSource)
			}
			if got, want := c.Origin(tc.key), originOf(tc.wantSource, file); got != want {
				t.Errorf("Origin(%s) = %+v, want %+v", tc.key, got, want)
			}
			if got, want := c.FromFlag(tc.key), strings.HasPrefix(tc.wantSource, "--"); got != want {
				t.Errorf("FromFlag(%s) = %v, want %v", tc.key, got, want)
			}
			if got, want := c.IsSet(tc.key), tc.wantSource != ""; got != want {
				t.Errorf("IsSet(%s) = %v, want %v (set by a flag, the environment or the file)", tc.key, got, want)
			}
		})
	}
}

// originOf is the Origin a source as Source words it stands for ("FILE" for file's path).
func originOf(source, file string) Origin {
	switch {
	case strings.HasPrefix(source, "--"):
		return Origin{FromFlag, source}
	case strings.HasPrefix(source, "$"):
		return Origin{FromEnv, source[1:]}
	case strings.HasSuffix(source, " in FILE"):
		return Origin{FromFile, file}
	}
	return Origin{Kind: FromDefault}
}

// A flag bound before Load's defaults are known still parses as its type: an int flag gives an
// int, and numbers from the file or environment convert.
func TestTypes(t *testing.T) {
	cleanEnv(t)
	t.Setenv("LIVETRANSLATE_JOBS", "8")
	file := writeFile(t, "config.yaml", "jobs: 2\nretries: 3\ntemperature: 0.5\ninline_limit: 1048576\ntimeout: 90s\nbad_int: many\n", 0o600)
	c := load(t, file)
	if err := c.BindFlags(flags(t)); err != nil {
		t.Fatal(err)
	}
	if got := c.Int(KeyJobs); got != 8 {
		t.Errorf("Int(jobs) = %d, want 8 from the environment", got)
	}
	if got := c.Int("retries"); got != 3 {
		t.Errorf("Int(retries) = %d, want 3", got)
	}
	if got := c.Float64("temperature"); got != 0.5 {
		t.Errorf("Float64(temperature) = %v, want 0.5", got)
	}
	if got := c.Int64(KeyInlineLimit); got != 1<<20 {
		t.Errorf("Int64(inline_limit) = %d, want %d", got, 1<<20)
	}
	if got := c.String(KeyTimeout); got != "90s" {
		t.Errorf("String(timeout) = %q, want 90s", got)
	}
	// What does not convert reads as zero; Raw keeps it for a message that names it.
	if got := c.Int("bad_int"); got != 0 {
		t.Errorf("Int(bad_int) = %d, want 0", got)
	}
	if got := c.Raw("bad_int"); got != "many" {
		t.Errorf("Raw(bad_int) = %#v, want \"many\"", got)
	}
	if got := c.Raw(KeyJobs); got != "8" {
		t.Errorf("Raw(jobs) = %#v, want the environment's string \"8\"", got)
	}
	if err := c.BindFlags(flags(t, "--jobs", "6")); err != nil {
		t.Fatal(err)
	}
	if got := c.Int(KeyJobs); got != 6 {
		t.Errorf("Int(jobs) with --jobs 6 = %d, want 6", got)
	}
}

func TestDefaults(t *testing.T) {
	cleanEnv(t)
	c := load(t, "")
	if c.File != "" {
		t.Errorf("File = %q with no config file anywhere", c.File)
	}
	for key, want := range map[string]string{KeyRegion: "intl", KeyModel: DefaultModel, KeyFormat: "text",
		KeyJobs: "4", KeyInlineLimit: "10485760", KeyTimeout: "0s", KeyTo: "", KeyAPIKey: ""} {
		if got := c.String(key); got != want {
			t.Errorf("String(%s) = %q, want %q", key, got, want)
		}
		if c.IsSet(key) || c.Source(key) != "" {
			t.Errorf("%s: IsSet %v, Source %q for a default", key, c.IsSet(key), c.Source(key))
		}
	}
	if keys := c.FileKeys(); keys != nil {
		t.Errorf("FileKeys = %v with no file", keys)
	}
}

// FileKeys lists the file's top-level keys, known or not, so the CLI can warn about a typo; the
// values of unknown keys are kept and readable.
func TestFileKeys(t *testing.T) {
	cleanEnv(t)
	t.Setenv("LIVETRANSLATE_FORMAT", "json") // the environment adds no key of the file's
	file := writeFile(t, "config.yaml", "model: m\nmodle: typo\npricing:\n  models:\n    m:\n      intl:\n        input_text: 1\nRegion: cn\n", 0o600)
	c := load(t, file)
	got := c.FileKeys()
	slices.Sort(got)
	if want := []string{"model", "modle", "pricing", "region"}; !slices.Equal(got, want) {
		t.Errorf("FileKeys = %v, want %v", got, want)
	}
	if got := c.String("modle"); got != "typo" {
		t.Errorf("String(modle) = %q", got)
	}
	if got := c.Float64("pricing.models.m.intl.input_text"); got != 1 {
		t.Errorf("nested key = %v, want 1", got)
	}
}

func TestDefaultFile(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_CONFIG_HOME": "/xdg", "HOME": "/home/u"}, "/xdg/livetranslate/config.yaml"},
		{map[string]string{"HOME": "/home/u"}, "/home/u/.config/livetranslate/config.yaml"},
		{map[string]string{}, ""},
	} {
		if got := DefaultFile(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("DefaultFile(%v) = %q, want %q", tc.env, got, tc.want)
		}
	}
}

// Without --config, the file at the XDG location is read when it is there, and its absence is no
// error; which location is what Options.Getenv says.
func TestLoadDefaultLocation(t *testing.T) {
	cleanEnv(t)
	xdg := t.TempDir()
	getenv := func(k string) string {
		if k == "XDG_CONFIG_HOME" {
			return xdg
		}
		return ""
	}
	c, err := Load(t.Context(), Options{Getenv: getenv})
	if err != nil || c.File != "" {
		t.Fatalf("no file at the default location: File %q, err %v", c.File, err)
	}
	path := filepath.Join(xdg, "livetranslate", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("to: de\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err = Load(t.Context(), Options{Getenv: getenv})
	if err != nil {
		t.Fatal(err)
	}
	if c.File != path || c.String(KeyTo) != "de" || c.Source(KeyTo) != "to in "+path {
		t.Errorf("File %q, to %q from %q; want de from %s", c.File, c.String(KeyTo), c.Source(KeyTo), path)
	}
	// A damaged file at the default location is an error, not silently passed over.
	if err := os.WriteFile(path, []byte("to: [de\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(t.Context(), Options{Getenv: getenv}); err == nil {
		t.Error("a damaged default config file loaded without error")
	}
}

func TestLoadErrors(t *testing.T) {
	cleanEnv(t)
	dir := t.TempDir()
	big := writeFile(t, "big.yaml", "# "+strings.Repeat("x", MaxFileSize)+"\n", 0o600)
	for _, tc := range []struct {
		name string
		file string
		want string // in the message
	}{
		{"missing --config file", filepath.Join(dir, "nope.yaml"), "cannot read config file"},
		{"a directory", dir, "cannot read config file"},
		{"not YAML", writeFile(t, "bad.yaml", "model: [unclosed\n", 0o600), "cannot read config file"},
		{"a list, not a map", writeFile(t, "list.yaml", "- model\n- jobs\n", 0o600), "cannot read config file"},
		{"over the size limit", big, "is over 1 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(t.Context(), Options{File: tc.file, Getenv: os.Getenv})
			var cerr *Error
			if !errors.As(err, &cerr) {
				t.Fatalf("err = %v (%T), want a *config.Error", err, err)
			}
			if !strings.Contains(cerr.Error(), tc.want) || !strings.Contains(cerr.Error(), tc.file) {
				t.Errorf("message %q does not say %q about %s", cerr.Error(), tc.want, tc.file)
			}
			if _, isUsage := usage.As(err); cerr.Hint == "" || isUsage {
				t.Errorf("hint %q, usage %v: want a hint and a set-up (not usage) error", cerr.Hint, isUsage)
			}
		})
	}
	// An empty file and one of exactly the largest size are read.
	for _, content := range []string{"", "#" + strings.Repeat("x", MaxFileSize-2) + "\n"} {
		if _, err := Load(t.Context(), Options{File: writeFile(t, "ok.yaml", content, 0o600), Getenv: os.Getenv}); err != nil {
			t.Errorf("a file of %d bytes: %v", len(content), err)
		}
	}
}

func TestLoadCancelled(t *testing.T) {
	cleanEnv(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := Load(ctx, Options{File: writeFile(t, "config.yaml", "model: m\n", 0o600), Getenv: os.Getenv})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	var cerr *Error
	if errors.As(err, &cerr) {
		t.Errorf("a cancelled load is reported as a config problem: %v", err)
	}
}

func TestAPIKey(t *testing.T) {
	cleanEnv(t)
	c := load(t, "")
	_, err := c.APIKey()
	var cerr *Error
	if !errors.As(err, &cerr) || !strings.Contains(cerr.Msg, "DASHSCOPE_API_KEY") ||
		!strings.Contains(cerr.Hint, "$XDG_CONFIG_HOME/livetranslate/config.yaml") || isUsageError(err) {
		t.Errorf("no key: err %v, hint %q", err, cerr.Hint)
	}
	file := writeFile(t, "config.yaml", "api_key: '   '\n", 0o600)
	if _, err := load(t, file).APIKey(); !errors.As(err, &cerr) || !strings.Contains(cerr.Hint, file) {
		t.Errorf("a blank key in %s: err %v, want a hint naming the file", file, err)
	}
	t.Setenv("DASHSCOPE_API_KEY", " sk-123 ")
	if k, err := load(t, file).APIKey(); k != "sk-123" || err != nil {
		t.Errorf("APIKey() = %q, %v; want sk-123", k, err)
	}
	// A key with a control or invisible character inside (the trimmed ends aside) is refused,
	// naming where it came from and never the key.
	for key, want := range map[string]string{
		"sk-secret\nvalue":     "the API key from $DASHSCOPE_API_KEY contains a line break (\\n)",
		"sk-secret\r\nvalue":   "contains a line break (\\r)",
		"sk-secret\x01value":   "contains a control character (U+0001)",
		"sk-secret\x7fvalue":   "contains a control character (U+007F)",
		"sk-secret\tvalue":     "contains a tab (\\t)",
		"\ufeffsk-secretvalue": "contains an invisible character (U+FEFF)",
		"sk-secret\u200bvalue": "contains an invisible character (U+200B)",
		"sk-secret\xffvalue":   "contains bytes that are not UTF-8",
		"sk-secretvalue\n":     "",
		"sk-secret-vålue-中文":   "",
	} {
		t.Setenv("DASHSCOPE_API_KEY", key)
		k, err := load(t, file).APIKey()
		switch {
		case want == "" && err != nil:
			t.Errorf("APIKey() with %q: %v", key, err)
		case want != "" && (!errors.As(err, &cerr) || !strings.HasPrefix(err.Error(), want) && !strings.Contains(err.Error(), want)):
			t.Errorf("APIKey() with %q = %q, %v; want a configuration error with %q", key, k, err, want)
		case want != "" && (strings.Contains(err.Error(), "secret") || strings.Contains(cerr.Hint, "secret") || k != ""):
			t.Errorf("APIKey() with %q gives the key away: %q, %v (hint %q)", key, k, err, cerr.Hint)
		}
	}
	t.Setenv("DASHSCOPE_API_KEY", "")
	file = writeFile(t, "config.yaml", "api_key: \"sk-secret\\nvalue\"\n", 0o600)
	if _, err := load(t, file).APIKey(); err == nil || err.Error() != "the API key from api_key in "+file+" contains a line break (\\n); a key is one line of visible characters" {
		t.Errorf("a key with a line break in %s: %v", file, err)
	}
}

func TestBaseURL(t *testing.T) {
	for _, tc := range []struct {
		name      string
		args      []string
		env       map[string]string
		file      string
		want      string
		wantErr   string // in the message; with "FILE" for the file's path
		wantUsage bool
	}{
		{name: "default region", want: BaseURLIntl},
		{name: "intl alias", env: map[string]string{"LIVETRANSLATE_REGION": "Singapore"}, want: BaseURLIntl},
		{name: "ap-southeast-1", args: []string{"--region", "ap-southeast-1"}, want: BaseURLIntl},
		{name: "cn from the file", file: "region: ' CN '\n", want: BaseURLCN},
		{name: "beijing", args: []string{"--region", "beijing"}, want: BaseURLCN},
		{name: "cn-beijing", env: map[string]string{"LIVETRANSLATE_REGION": "cn-beijing"}, want: BaseURLCN},
		{name: "base URL over region", args: []string{"--region", "cn", "--base-url", "http://127.0.0.1:8080/v1/"}, want: "http://127.0.0.1:8080/v1"},
		{name: "base URL from the vendor's variable", env: map[string]string{"DASHSCOPE_BASE_URL": "https://proxy.example/v1"}, want: "https://proxy.example/v1"},
		{name: "unknown region from a flag", args: []string{"--region", "mars"}, wantErr: `unknown region "mars"; choose`, wantUsage: true},
		{name: "unknown region from the file", file: "region: mars\n", wantErr: `unknown region "mars" (from region in FILE)`},
		{name: "unknown region from the environment", env: map[string]string{"LIVETRANSLATE_REGION": "mars"}, wantErr: `(from $LIVETRANSLATE_REGION)`},
		{name: "a region typo is not hidden by a base URL", args: []string{"--region", "cnn", "--base-url", "http://x"}, wantErr: `unknown region "cnn"`, wantUsage: true},
		{name: "base URL without a scheme from a flag", args: []string{"--base-url", "localhost:8080"}, wantErr: `base URL "localhost:8080" must start with`, wantUsage: true},
		{name: "base URL without a scheme from the file", file: "base_url: ftp://x\n", wantErr: `base URL "ftp://x" (from base_url in FILE) must start with`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cleanEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			var file string
			if tc.file != "" {
				file = writeFile(t, "config.yaml", tc.file, 0o600)
			}
			c := load(t, file)
			if err := c.BindFlags(flags(t, tc.args...)); err != nil {
				t.Fatal(err)
			}
			got, err := c.BaseURL()
			if tc.wantErr == "" {
				if err != nil || got != tc.want {
					t.Errorf("BaseURL() = %q, %v; want %q", got, err, tc.want)
				}
				return
			}
			// A bad value from the command line is a usage error (exit 2), from the
			// environment or the file a configuration error (exit 3).
			var cerr *Error
			if !tc.wantUsage && !errors.As(err, &cerr) {
				t.Fatalf("BaseURL() = %q, %v; want a *config.Error", got, err)
			}
			if want := strings.ReplaceAll(tc.wantErr, "FILE", file); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error %v, want it to contain %q", err, want)
			}
			if isUsageError(err) != tc.wantUsage {
				t.Errorf("usage error %v, want %v", isUsageError(err), tc.wantUsage)
			}
		})
	}
}

func TestKeyFileWarning(t *testing.T) {
	cleanEnv(t)
	for _, tc := range []struct {
		content string
		perm    os.FileMode
		warn    bool
	}{
		{"api_key: sk-1\n", 0o644, true},
		{"api_key: sk-1\n", 0o640, true},
		{"api_key: sk-1\n", 0o604, true},
		{"api_key: sk-1\n", 0o600, false},
		{"model: m\n", 0o644, false}, // no key in it
	} {
		file := writeFile(t, "config.yaml", tc.content, tc.perm)
		w := load(t, file).KeyFileWarning()
		if (w != "") != tc.warn || (tc.warn && !strings.Contains(w, "chmod 600 "+file)) {
			t.Errorf("%q at %v: warning %q, want one: %v", tc.content, tc.perm, w, tc.warn)
		}
	}
	// A key from the environment is not the file's to guard.
	t.Setenv("DASHSCOPE_API_KEY", "sk-env")
	if w := load(t, writeFile(t, "config.yaml", "model: m\n", 0o644)).KeyFileWarning(); w != "" {
		t.Errorf("warning %q for a key from the environment", w)
	}
	if w := load(t, "").KeyFileWarning(); w != "" {
		t.Errorf("warning %q with no file", w)
	}
}

func TestError(t *testing.T) {
	inner := errors.New("permission denied")
	for _, tc := range []struct {
		err  *Error
		want string
	}{
		{&Error{Msg: "no API key"}, "no API key"},
		{&Error{Msg: "cannot read config file /x", Err: inner}, "cannot read config file /x: permission denied"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
		if isUsageError(tc.err) {
			t.Errorf("%q is a usage error", tc.want)
		}
		if (tc.err.Err != nil) != errors.Is(tc.err, inner) {
			t.Errorf("%q: errors.Is the wrapped error = %v", tc.want, errors.Is(tc.err, inner))
		}
	}
}

// The example the repository ships loads, and says what a fresh install assumes.
func TestExampleConfig(t *testing.T) {
	cleanEnv(t)
	c := load(t, filepath.Join("..", "..", "configs", "config.example.yaml"))
	for key, want := range map[string]string{KeyRegion: "intl", KeyModel: DefaultModel, KeyFormat: "text",
		KeyJobs: "4", KeyInlineLimit: "10MiB", KeyTimeout: "0s"} {
		if got := c.String(key); got != want {
			t.Errorf("example %s = %q, want %q", key, got, want)
		}
	}
	if _, err := c.BaseURL(); err != nil {
		t.Error(err)
	}
	if c.IsSet(KeyAPIKey) || c.KeyFileWarning() != "" {
		t.Error("the example sets an API key")
	}
}

// TestInjectedEnvironment: the environment is Options.Getenv, for the values as for the default
// file and the sources: a variable only the injected environment has is seen, one only the
// process has is not.
func TestInjectedEnvironment(t *testing.T) {
	cleanEnv(t)
	t.Setenv("LIVETRANSLATE_MODEL", "from-the-process")
	env := map[string]string{"LIVETRANSLATE_JOBS": "8", "DASHSCOPE_API_KEY": "sk-injected"}
	c, err := Load(t.Context(), Options{Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.BindFlags(flags(t)); err != nil {
		t.Fatal(err)
	}
	if got := c.String(KeyJobs); got != "8" || c.Source(KeyJobs) != "$LIVETRANSLATE_JOBS" || !c.IsSet(KeyJobs) {
		t.Errorf("jobs = %q from %q (set %v); want 8 from $LIVETRANSLATE_JOBS", got, c.Source(KeyJobs), c.IsSet(KeyJobs))
	}
	if got, err := c.APIKey(); err != nil || got != "sk-injected" {
		t.Errorf("APIKey() = %q, %v; want the injected key", got, err)
	}
	if got := c.String(KeyModel); got != DefaultModel {
		t.Errorf("model = %q; the process's variable must not reach a run with an injected environment", got)
	}
}

func isUsageError(err error) bool {
	_, ok := usage.As(err)
	return ok
}

func TestWarningsAndCheckValue(t *testing.T) {
	cleanEnv(t)
	file := writeFile(t, "config.yaml", "modle: x\njobs: many\nout_dir: /tmp/x\npricing: {}\n", 0o600)
	c := load(t, file)
	if err := c.BindFlags(flags(t)); err != nil {
		t.Fatal(err)
	}
	keys := Keys{
		Flags:    map[string]string{"model": "model", "jobs": "jobs", "out_dir": "out-dir", "pricing": ""},
		Settings: map[string]bool{"model": true, "jobs": true, "pricing": true},
	}
	got := c.Warnings(keys, []string{"LIVETRANSLATE_MODLE=x", "LIVETRANSLATE_OUT_DIR=y", "LIVETRANSLATE_JOBS=2", "PATH=/bin"})
	want := []string{
		`config file ` + file + `: "out_dir" is not read from the config file, only from the command line (--out-dir); it is ignored`,
		`$LIVETRANSLATE_MODLE is not a setting of livetranslate; it is ignored (did you mean $LIVETRANSLATE_MODEL?)`,
		`$LIVETRANSLATE_OUT_DIR is not read from the environment, only from the command line (--out-dir); it is ignored`,
		`config file ` + file + `: unknown key "modle" is ignored (did you mean "model"?)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	err := c.CheckValue("jobs", "int")
	if err == nil || err.Error() != "jobs in "+file+`: "many" is not a whole number` || isUsageError(err) {
		t.Errorf("CheckValue(jobs) = %v, want a configuration error naming the key and the file", err)
	}
	if err := c.CheckValue("model", "string"); err != nil {
		t.Errorf("CheckValue(model) = %v", err)
	}
	for _, tc := range []struct {
		in   string
		want int64
	}{{"10MiB", 10 << 20}, {"7.5MB", 7_500_000}, {"512k", 512 << 10}, {"0", 0}, {" 2 GiB ", 2 << 30}} {
		if n, err := ParseBytes(tc.in); err != nil || n != tc.want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", tc.in, n, err, tc.want)
		}
	}
	if _, err := ParseBytes("-1"); err == nil {
		t.Error("a negative size was taken")
	}
}

// TestCheckShapes: a map or a list in the file for a setting that takes one value is refused,
// naming the key and the file and not the value; a list of single values for a list setting, a
// section with its own parser and keys no setting has are left alone.
func TestCheckShapes(t *testing.T) {
	cleanEnv(t)
	keys := Keys{
		Flags:    map[string]string{"api_key": "api-key", "model": "model", "to": "to", "jobs": "jobs", "include": "include", "pricing": ""},
		Settings: map[string]bool{"api_key": true, "model": true, "to": true, "jobs": true, "pricing": true},
		Lists:    map[string]bool{"to": true, "include": true},
	}
	for _, tt := range []struct {
		yaml, err string // err: "" for none
	}{
		{"api_key: {a: sk-secret-value}\n", "api_key in FILE is a map; it takes one value"},
		{"model: [x]\n", "model in FILE is a list; it takes one value"},
		{"jobs: [1, 2]\n", "jobs in FILE is a list; it takes one value"},
		{"model: {}\n", "model in FILE is a map"},
		{"to: {fr: 1}\n", "to in FILE is a map; it takes one value or a list of values"},
		{"to: [fr, [de]]\n", "to in FILE has a list among its items; it takes one value or a list of values"},
		{"to: [fr, {de: 1}]\n", "to in FILE has a map among its items"},
		{"to: [fr, de]\nmodel: x\njobs: 2\napi_key: sk-123\n", ""},
		{"to: fr\n", ""},
		{"pricing: {models: {}}\n", ""},
		{"include: [a, b]\nextras: {a: 1}\n", ""}, // not settings: Warnings says so
		{"model: ~\n", ""},
	} {
		file := writeFile(t, "config.yaml", tt.yaml, 0o600)
		c := load(t, file)
		err := c.CheckShapes(keys)
		want := strings.ReplaceAll(tt.err, "FILE", file)
		var cerr *Error
		switch {
		case want == "" && err != nil:
			t.Errorf("%q: %v", tt.yaml, err)
		case want != "" && (!errors.As(err, &cerr) || !strings.HasPrefix(err.Error(), want)):
			t.Errorf("%q: error %v, want a configuration error starting %q", tt.yaml, err, want)
		case err != nil && (strings.Contains(err.Error(), "secret") || strings.Contains(cerr.Hint, "secret")):
			t.Errorf("%q: the error shows the value: %v", tt.yaml, err)
		}
	}
}
