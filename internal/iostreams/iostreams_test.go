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
