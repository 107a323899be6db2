package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/livetranslate/livetranslate/internal/usage"
)

func TestPath(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tc := range []struct {
		file string
		env  map[string]string
		want string
	}{
		{"my.yaml", map[string]string{"XDG_CONFIG_HOME": "/xdg"}, "my.yaml"},
		{"", map[string]string{"XDG_CONFIG_HOME": "/xdg", "HOME": "/home/u"}, "/xdg/livetranslate/config.yaml"},
		{"", map[string]string{"HOME": "/home/u"}, "/home/u/.config/livetranslate/config.yaml"},
		{"", map[string]string{}, ""},
	} {
		if got := Path(tc.file, env(tc.env)); got != tc.want {
			t.Errorf("Path(%q, %v) = %q, want %q", tc.file, tc.env, got, tc.want)
		}
	}
}

func TestRedactKey(t *testing.T) {
	for key, want := range map[string]string{
		"":                                    "",
		"sk-0123456789abcdef0123456789abcdef": "sk-…cdef",
		"0123456789abcdefXYZW":                "…XYZW",
		"sk-short-key":                        "(set)", // 12 characters: four would be a third of it
		"sk-ключ-с-буквами-1234":              "sk-…1234",
	} {
		got := RedactKey(key)
		if got != want {
			t.Errorf("RedactKey(%q) = %q, want %q", key, got, want)
		}
		if key != "" && strings.Contains(got, key) {
			t.Errorf("RedactKey(%q) = %q holds the key", key, got)
		}
	}
}

// Effective gives each key the value a run uses and its origin: the flag's value (which the
// command's hook has filled from the environment or the file), the key redacted, the base URL
// resolved from the region.
func TestEffective(t *testing.T) {
	cleanEnv(t)
	const key = "sk-effective-0123456789abcdef"
	t.Setenv("DASHSCOPE_API_KEY", key)
	t.Setenv("LIVETRANSLATE_JOBS", "8")
	file := writeFile(t, "config.yaml", "model: from-file\nregion: cn\n", 0o600)
	c := load(t, file)
	fs := flags(t, "--voice", "Ethan")
	if err := c.BindFlags(fs); err != nil {
		t.Fatal(err)
	}
	// What cmd's hook does for an unset flag whose key the environment or the file has.
	for _, k := range []string{KeyModel, KeyJobs} {
		if err := fs.Lookup(k).Value.Set(c.String(k)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := c.Effective([]string{KeyAPIKey, KeyRegion, KeyBaseURL, KeyModel, KeyJobs, KeyVoice, KeyInlineLimit, KeyTo})
	if err != nil {
		t.Fatal(err)
	}
	want := []Setting{
		{KeyAPIKey, "sk-…cdef", Origin{FromEnv, "DASHSCOPE_API_KEY"}},
		{KeyRegion, "cn", Origin{FromFile, file}},
		{KeyBaseURL, BaseURLCN, Origin{Kind: FromDefault}},
		{KeyModel, "from-file", Origin{FromFile, file}},
		{KeyJobs, "8", Origin{FromEnv, "LIVETRANSLATE_JOBS"}},
		{KeyVoice, "Ethan", Origin{FromFlag, "--voice"}},
		{KeyInlineLimit, "10MiB", Origin{Kind: FromDefault}}, // the flag's default, as it prints it
		{KeyTo, "", Origin{Kind: FromDefault}},               // no flag: the (empty) default
	}
	if len(got) != len(want) {
		t.Fatalf("Effective = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Effective[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// A region a run would refuse is refused here too, as a configuration error when it came from
// the environment or the file.
func TestEffectiveBadRegion(t *testing.T) {
	cleanEnv(t)
	t.Setenv("LIVETRANSLATE_REGION", "mars")
	c := load(t, "")
	if err := c.BindFlags(flags(t)); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{KeyRegion, KeyBaseURL} {
		_, err := c.Effective([]string{k})
		var ce *Error
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), `unknown region "mars" (from $LIVETRANSLATE_REGION)`) {
			t.Errorf("Effective(%s) error = %v, want the configuration error of the region", k, err)
		}
		if _, ok := usage.As(err); ok {
			t.Errorf("Effective(%s): a usage error for a value from the environment", k)
		}
	}
}
