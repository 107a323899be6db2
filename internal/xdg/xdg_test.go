package xdg

import "testing"

func TestPath(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	for _, tt := range []struct {
		getenv func(string) string
		kind   Base
		want   string
	}{
		{env("XDG_CACHE_HOME", "/c", "HOME", "/h"), Cache, "/c/livetranslate/x"},
		{env("XDG_CACHE_HOME", "rel", "HOME", "/h"), Cache, "/h/.cache/livetranslate/x"},
		{env("HOME", "/h"), State, "/h/.local/state/livetranslate/x"},
		{env("XDG_CONFIG_HOME", "/etc/u", "HOME", "/h"), Config, "/etc/u/livetranslate/x"},
		{env(), Config, ""},
		{env("XDG_STATE_HOME", "relative"), State, ""},
	} {
		if got := Path(tt.getenv, tt.kind, "livetranslate", "x"); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.kind, got, tt.want)
		}
	}
}
