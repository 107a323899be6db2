package cmdutil

import (
	"errors"
	"testing"

	"github.com/spf13/cobra"
)

// tree is a root with global flags --config and --region, a command using only --config, one
// using all, a config-less one, and cobra's completion command.
func tree() (root, some, all, bare *cobra.Command) {
	run := func(*cobra.Command, []string) error { return nil }
	root = &cobra.Command{Use: "lt"}
	root.PersistentFlags().String("config", "", "")
	root.PersistentFlags().String("region", "", "")
	some = UsesGlobals(&cobra.Command{Use: "usage", RunE: run}, "config")
	all = &cobra.Command{Use: "translate", RunE: run}
	bare = SkipConfig(&cobra.Command{Use: "path", RunE: run})
	root.AddCommand(some, all, bare)
	root.InitDefaultCompletionCmd()
	return root, some, all, bare
}

func TestHideUnusedGlobals(t *testing.T) {
	_, some, all, _ := tree()
	region := func(c *cobra.Command) bool { return c.InheritedFlags().Lookup("region").Hidden }
	restore := HideUnusedGlobals(some)
	if !region(some) || some.InheritedFlags().Lookup("config").Hidden {
		t.Fatal("usage's help should hide --region and show --config")
	}
	restore()
	if region(some) {
		t.Fatal("restore should show --region again: the flag is the root's, shared")
	}
	HideUnusedGlobals(all)()
	if region(all) {
		t.Fatal("a command without the annotation uses every global flag")
	}
}

func TestLoadsConfig(t *testing.T) {
	root, some, _, bare := tree()
	comp, _, err := root.Find([]string{"completion", "bash"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		c    *cobra.Command
		want bool
	}{{some, true}, {bare, false}, {comp, false}, {comp.Parent(), false}} {
		if got := LoadsConfig(tc.c); got != tc.want {
			t.Errorf("LoadsConfig(%s) = %v, want %v", tc.c.CommandPath(), got, tc.want)
		}
	}
}

func TestWalkVisitsRunnableCommandsWithTheirHelp(t *testing.T) {
	root, _, _, _ := tree()
	var seen []string
	hidden := map[string]bool{}
	err := Walk(root, func(c *cobra.Command) error {
		seen = append(seen, c.CommandPath())
		if f := c.InheritedFlags().Lookup("region"); f != nil {
			hidden[c.CommandPath()] = f.Hidden
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) < 5 || seen[0] != "lt" {
		t.Fatalf("walked %v", seen)
	}
	if !hidden["lt usage"] || hidden["lt translate"] {
		t.Errorf("--region hidden while documented: %v", hidden)
	}
	stop := errors.New("stop")
	if err := Walk(root, func(*cobra.Command) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("Walk's error = %v, want the document's", err)
	}
}

func TestSuggestions(t *testing.T) {
	root, _, _, _ := tree()
	root.SuggestionsMinimumDistance = 2
	if got, want := SuggestHint(root, "usge"), "did you mean usage? see lt --help"; got != want {
		t.Errorf("SuggestHint = %q, want %q", got, want)
	}
	if got, want := SuggestHint(root, "zzzzzz"), "see lt --help"; got != want {
		t.Errorf("SuggestHint = %q, want %q", got, want)
	}
	root.SetArgs([]string{"transl8"})
	root.DisableSuggestions = true
	root.SilenceErrors, root.SilenceUsage = true, true
	name, ok := UnknownCommand(root.Execute())
	if !ok || name != "transl8" {
		t.Errorf("UnknownCommand = %q, %v", name, ok)
	}
	if _, ok := UnknownCommand(errors.New("unknown flag: --x")); ok {
		t.Error("an unknown flag is not an unknown command")
	}
}
