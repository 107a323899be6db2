package iostreams

import (
	"os"
	"testing"
)

func TestEnv(t *testing.T) {
	t.Setenv("LIVETRANSLATE_IOSTREAMS_TEST", "process")
	injected := IOStreams{Getenv: func(k string) string { return "injected " + k }}
	if got := injected.Env()("X"); got != "injected X" {
		t.Errorf("Env with Getenv = %q, want the injected environment's", got)
	}
	var none IOStreams
	if got := none.Env()("LIVETRANSLATE_IOSTREAMS_TEST"); got != "process" {
		t.Errorf("Env without Getenv = %q, want the process's", got)
	}
}

// An injected environment is never mixed with the process's: without its own list, it lists
// nothing.
func TestEnvironment(t *testing.T) {
	t.Setenv("LIVETRANSLATE_IOSTREAMS_TEST", "process")
	has := func(env []string) bool {
		for _, kv := range env {
			if kv == "LIVETRANSLATE_IOSTREAMS_TEST=process" {
				return true
			}
		}
		return false
	}
	var none IOStreams
	if !has(none.Environment()) {
		t.Error("no injected environment: want the process's variables")
	}
	injected := IOStreams{Getenv: func(string) string { return "" }}
	if env := injected.Environment(); env != nil {
		t.Errorf("injected Getenv without Environ listed %d variables, want none", len(env))
	}
	listed := IOStreams{Getenv: func(string) string { return "" }, Environ: func() []string { return []string{"LIVETRANSLATE_X=1"} }}
	if env := listed.Environment(); len(env) != 1 || env[0] != "LIVETRANSLATE_X=1" {
		t.Errorf("Environment = %v, want the injected list", env)
	}
}

// Pipes are not terminals, so output to a pipe never shares a terminal with stderr.
func TestSameTerminalPipes(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if sameTerminal(w, w) {
		t.Error("a pipe counted as a terminal shared with itself")
	}
}
