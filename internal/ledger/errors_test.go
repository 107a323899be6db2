package ledger

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Open's refusals are typed and name no flag: the command layer says how to name another path.
func TestOpenRefusalsAreTyped(t *testing.T) {
	if _, err := Open(context.Background(), ""); !errors.Is(err, ErrNoPath) {
		t.Errorf("Open(\"\") = %v, want ErrNoPath", err)
	}
	path := filepath.Join(t.TempDir(), "broken.db")
	junk := []byte(strings.Repeat("not a database, only text\n", 200))
	if err := os.WriteFile(path, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), path)
	var nl *NotLedgerError
	if !errors.As(err, &nl) || nl.Path != path || nl.Err == nil || errors.Unwrap(err) != nl.Err {
		t.Fatalf("Open(broken) = %v (%T), want a NotLedgerError for %s", err, err, path)
	}
	if !strings.HasPrefix(err.Error(), path+" is not a usage ledger (damaged, or another kind of file): move it aside, or use another path: ") ||
		strings.Contains(err.Error(), "--") {
		t.Errorf("message %q", err)
	}
	if data, _ := os.ReadFile(path); string(data) != string(junk) {
		t.Error("Open changed the file it refused")
	}
}
