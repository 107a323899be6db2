package complete

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/spf13/cobra"

	"github.com/livetranslate/livetranslate/internal/ledger"
)

func TestChoicesDescribed(t *testing.T) {
	for name, choices := range map[string][]cobra.Completion{
		"formats": Formats(), "live formats": LiveFormats(), "regions": Regions(), "splits": Splits(), "progress": Progress(),
		"cache": Cache(), "lang forms": LangForms(), "groupings": Groupings(),
	} {
		values(choices) // panics on a candidate without a description
		if len(choices) == 0 {
			t.Errorf("%s: no choices", name)
		}
	}
	if got, want := values(Groupings()), ledger.Groupings(); !slices.Equal(got, want) {
		t.Errorf("Groupings = %v, want the ledger's %v", got, want)
	}
	for _, c := range Groupings() {
		if c[len(c)-1] == '\t' {
			t.Errorf("grouping %q has no description", c)
		}
	}
}

func TestLanguageFunc(t *testing.T) {
	for _, tc := range []struct {
		speechOnly, withAuto, list bool
		typed                      string
		want                       []string
	}{
		{false, false, false, "fr", []string{"fr", "French"}},
		{false, true, false, "fr", []string{"auto", "fr", "French"}},
		{false, false, true, "fr,d", []string{"fr,de"}},
		{false, false, false, "fr,d", nil}, // not a list: no language begins "fr,d"
		{true, false, true, "en,i", []string{"en,it", "en,Italian"}},
	} {
		got, dir := LanguageFunc(tc.speechOnly, tc.withAuto, tc.list)(nil, nil, tc.typed)
		if !slices.Equal(values(got), tc.want) {
			t.Errorf("LanguageFunc(%v, %v, %v)(%q) = %v, want %v", tc.speechOnly, tc.withAuto, tc.list, tc.typed, values(got), tc.want)
		}
		if dir != cobra.ShellCompDirectiveNoFileComp {
			t.Errorf("LanguageFunc offers file names (directive %d)", dir)
		}
	}
}

// The voices offered follow the target languages of the run: the command line's, else the
// environment's; a config file that cannot be read leaves the command line's.
func TestVoiceFunc(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.yaml")
	if err := os.WriteFile(broken, []byte("to: [unclosed\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	all := []string{"Cherry", "Ethan", "Nofish", "Jada", "Dylan", "Sunny", "Peter", "Kiki", "Eric"}
	for _, tc := range []struct {
		file, flag, env string
		want            []string
	}{
		{"", "", "", all},
		{"", "yue", "", []string{"Kiki"}},
		{"", "", "yue", []string{"Kiki"}},
		{"", "fr", "yue", []string{"Cherry", "Ethan", "Nofish"}},
		{broken, "yue", "", []string{"Kiki"}},
		{broken, "", "yue", all}, // nothing is read but the command line
	} {
		env := map[string]string{"XDG_CONFIG_HOME": dir, "HOME": dir, "LIVETRANSLATE_TO": tc.env}
		c := &cobra.Command{Use: "translate"}
		c.Flags().String("to", "", "")
		if tc.flag != "" {
			if err := c.Flags().Set("to", tc.flag); err != nil {
				t.Fatal(err)
			}
		}
		file := tc.file
		got, _ := VoiceFunc(&file, func(k string) string { return env[k] })(c, nil, "")
		if !slices.Equal(values(got), tc.want) {
			t.Errorf("file %q, flag %q, env %q: voices %v, want %v", tc.file, tc.flag, tc.env, values(got), tc.want)
		}
	}
}
