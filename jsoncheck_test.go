package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/term"

	"github.com/livetranslate/livetranslate/cmd"
)

// Every --format json and jsonl output the test suite produces is checked against the schema
// that docs/json.md describes: the livetranslate of the scripts tees its stdout, and when what it
// printed is JSON, validates each value in it; NAME.<code>.json files left in a script's work
// directory are validated when the script ends. A mismatch is written to the file named by
// $JSONCHECK_LOG, which fails the script (a check by exit code alone would pass under `! exec`).

const schemaFile = "docs/livetranslate.schema.json"

var loadSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	path, err := filepath.Abs(schemaFile)
	if err != nil {
		return nil, err
	}
	return jsonschema.NewCompiler().Compile(path)
})

// runChecked runs the command with its stdout teed, then validates what it printed.
func runChecked() int {
	logPath := os.Getenv("JSONCHECK_LOG")
	schemaDir := os.Getenv("JSONCHECK_SCHEMA_DIR")
	if logPath == "" || schemaDir == "" || !(slices.Contains(os.Args[1:], "translate") || slices.Contains(os.Args[1:], "live")) {
		return cmd.Main() // usage --json and the tables have JSON of their own
	}
	if term.IsTerminal(int(os.Stdout.Fd())) {
		// A terminal (script(1)'s, in progress_tty.txtar) is for people, and the tee would hide
		// from the command that its text and its progress share one.
		return cmd.Main()
	}
	realOut := os.Stdout
	r, w, err := os.Pipe()
	if err != nil {
		return cmd.Main()
	}
	os.Stdout = w
	var captured bytes.Buffer
	done := make(chan struct{})
	go func() {
		io.Copy(io.MultiWriter(realOut, &captured), r)
		close(done)
	}()
	code := cmd.Main()
	w.Close()
	<-done
	os.Stdout = realOut
	if err := validateJSONStream(schemaDir, captured.Bytes()); err != nil {
		appendLog(logPath, fmt.Sprintf("livetranslate %s: stdout: %v", strings.Join(os.Args[1:], " "), err))
	}
	return code
}

// validateJSONStream validates each JSON value of out, when out is JSON at all.
func validateJSONStream(schemaDir string, out []byte) error {
	trimmed := bytes.TrimSpace(out)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil // text, subtitles, a WAV
	}
	sch, err := schemaIn(schemaDir)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	for n := 1; ; n++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return fmt.Errorf("value %d is not JSON: %w", n, err)
		}
		if err := validateValue(sch, raw); err != nil {
			return fmt.Errorf("value %d: %w\n%s", n, err, raw)
		}
	}
}

func validateValue(sch *jsonschema.Schema, raw []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}

// schemaIn compiles the schema of the repository at dir (the script's process runs in $WORK).
func schemaIn(dir string) (*jsonschema.Schema, error) {
	return jsonschema.NewCompiler().Compile(filepath.Join(dir, schemaFile))
}

// checkResultFiles validates the NAME.<code>.json files under root that hold a schema_version.
func checkResultFiles(root string) error {
	sch, err := loadSchema()
	if err != nil {
		return err
	}
	var errs []error
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(b, []byte(`"schema_version"`)) {
			return nil
		}
		if err := validateValue(sch, b); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, err))
		}
		return nil
	})
	return errors.Join(errs...)
}

func appendLog(path, msg string) {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	fmt.Fprintln(f, msg)
}

// TestSchemaCatches: the check is not vacuous: the shapes --format json printed before
// schema_version 1 (nulls, fields coming and going, one object per input of a batch) fail it,
// and the documented ones pass.
func TestSchemaCatches(t *testing.T) {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	good := `{"schema_version":1,"input":"a.wav","status":"translated","kind":"audio","input_format":"wav","model":"m","target_language":"en","text":"Hi","finish_reason":"stop","elapsed_seconds":0.1}`
	for _, tc := range []struct {
		name string
		out  string
		ok   bool
	}{
		{"a translated result", good, true},
		{"a failed one", `{"schema_version":1,"input":"a.wav","status":"failed","model":"m","target_language":"en","error":{"code":"usage","message":"no","exit_code":2}}`, true},
		{"jsonl lines", `{"schema_version":1,"type":"text","input":"a","target_language":"en","text":"Hi"}` + "\n" + `{"schema_version":1,"type":"done","input":"a","target_language":"en","result":` + strings.Replace(good, `"schema_version":1,`, "", 1) + `}`, true},
		{"a null", strings.Replace(good, `"text":"Hi"`, `"text":"Hi","source_language":null`, 1), false},
		{"a field not in the schema", strings.Replace(good, `"text":"Hi"`, `"text":"Hi","id":"chatcmpl-1"`, 1), false},
		{"no schema_version", strings.Replace(good, `"schema_version":1,`, "", 1), false},
		{"translated without text", strings.Replace(good, `"text":"Hi",`, "", 1), false},
		{"failed without an error", `{"schema_version":1,"input":"a.wav","status":"failed","model":"m","target_language":"en"}`, false},
		{"a jsonl line without its input", `{"schema_version":1,"type":"text","target_language":"en","text":"Hi"}`, false},
	} {
		err := validateJSONStream(dir, []byte(tc.out))
		if (err == nil) != tc.ok {
			t.Errorf("%s: validation error %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}
