package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/livetranslate/livetranslate/cmd"
)

// Every command gets a page, and the page lists the command's flags and the command's name; the
// header carries the version and the date of SOURCE_DATE_EPOCH.
func TestPagePerCommandWithItsFlags(t *testing.T) {
	dir := t.TempDir()
	n, err := write(dir, "v1.2.3", "1700000000") // 2023-11-14 22:13:20 UTC
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	err = cmd.Tree(func(c *cobra.Command) error {
		name := PageName(c)
		names = append(names, name)
		page, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: no page: %v", c.CommandPath(), err)
			return nil
		}
		title := strings.ToUpper(strings.TrimSuffix(name, ".1"))
		if !bytes.HasPrefix(page, []byte(".nh\n.TH \""+title+"\" \"1\" \"Nov 2023\" \"livetranslate v1.2.3\" \"livetranslate manual\"\n")) {
			t.Errorf("%s: header is not the one asked for:\n%s", name, page[:min(len(page), 200)])
		}
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if !f.Hidden && !bytes.Contains(page, []byte(`\fB--`+f.Name+`\fP`)) {
				t.Errorf("%s: flag --%s is not in the page", name, f.Name)
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"livetranslate.1", "livetranslate-translate.1", "livetranslate-config-show.1",
		"livetranslate-config-path.1", "livetranslate-usage.1", "livetranslate-completion-bash.1"} {
		if !slices.Contains(names, want) {
			t.Errorf("no page %s among %v", want, names)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(names) || len(entries) != n {
		t.Errorf("wrote %d pages, %d files, for %d commands", n, len(entries), len(names))
	}

	// The global flags a command does not use are left out of its page, as out of its --help.
	languages, err := os.ReadFile(filepath.Join(dir, "livetranslate-languages.1"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(languages, []byte(`\fB--region\fP`)) || !bytes.Contains(languages, []byte(`\fB--json\fP`)) {
		t.Errorf("languages page: --region listed, or --json not:\n%s", languages)
	}
	translate, err := os.ReadFile(filepath.Join(dir, "livetranslate-translate.1"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(translate, []byte(`\fB--region\fP`)) {
		t.Error("translate page: --region, which it uses, is not listed (hiding it for languages leaked)")
	}
}

// The same commit gives the same pages, byte for byte; a missing or bad date is refused.
func TestReproducible(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	if _, err := write(a, "v1", "1764950000"); err != nil {
		t.Fatal(err)
	}
	if _, err := write(b, "v1", "1764950000"); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(a)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		pa, _ := os.ReadFile(filepath.Join(a, e.Name()))
		pb, err := os.ReadFile(filepath.Join(b, e.Name()))
		if err != nil || !bytes.Equal(pa, pb) {
			t.Errorf("%s differs between two runs (%v)", e.Name(), err)
		}
	}
	for _, epoch := range []string{"", "yesterday"} {
		if _, err := write(t.TempDir(), "v1", epoch); err == nil || !strings.Contains(err.Error(), "SOURCE_DATE_EPOCH") {
			t.Errorf("SOURCE_DATE_EPOCH=%q: error %v, want one naming SOURCE_DATE_EPOCH", epoch, err)
		}
	}
}
