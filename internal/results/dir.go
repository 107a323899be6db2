// Package results writes a run's result files and checks, before anything is sent, that writing
// them loses nothing.
//
// Under an output directory each input has its result files, named by batch.ResultPath: the text
// (NAME.<code>.txt, or subtitles in .srt or .vtt), the speech (NAME.<code>.wav) and the JSON result
// (NAME.<code>.json). A Dir writes them to temporary files and renames them in place on commit, the
// text last: its presence marks the input done, so a rerun skips an input whose results all exist.
// A one-input run writes its text to stdout or a file and its speech to a WAV file or stdout: a
// Single does.
//
// Errors are usage errors (internal/usage) or typed errors inside them, in this package's words;
// the command line names the flags that change them.
package results

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/livetranslate/livetranslate/internal/atomicfile"
	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/pipeline"
	"github.com/livetranslate/livetranslate/internal/speech"
	"github.com/livetranslate/livetranslate/internal/usage"
)

// Layout is how a run's results are laid out under an output directory, and what it writes.
type Layout struct {
	Dir       string // the output directory
	Code      string // the target language's code, in every result's name
	TextExt   string // the text result's extension: ".txt", ".srt" or ".vtt"
	Speech    bool   // the speech is written, as a WAV
	JSON      bool   // the JSON result is written
	Overwrite bool   // existing results are replaced, and an input whose results exist is redone
}

func (l Layout) path(it batch.Item, ext string) string {
	return batch.ResultPath(l.Dir, it, l.Code, ext)
}

// Dir is one input's result files under the output directory.
type Dir struct {
	TextPath, WAVPath, JSONPath string
	// Outputs are the paths the run writes (the text first), for the ledger.
	Outputs []string

	name   string // the input's, as shown
	layout Layout
	text   *atomicfile.File
	bw     *bufio.Writer
	wav    *speech.Writer // nil without speech
	// ctx is the run's, for opening the JSON result at commit (a pipe there waits for a reader
	// only until the run is interrupted).
	ctx context.Context
}

// Input names the input's result files; nothing is opened or created.
func (l Layout) Input(it batch.Item) *Dir {
	d := &Dir{
		name:     it.Name,
		layout:   l,
		TextPath: l.path(it, l.TextExt),
		WAVPath:  l.path(it, ".wav"),
		JSONPath: l.path(it, ".json"),
	}
	d.Outputs = []string{d.TextPath}
	if l.Speech {
		d.Outputs = append(d.Outputs, d.WAVPath)
	}
	if l.JSON {
		d.Outputs = append(d.Outputs, d.JSONPath)
	}
	return d
}

// Done reports whether the input is done: every result exists, and they are not to be replaced.
func (d *Dir) Done() bool {
	if d.layout.Overwrite {
		return false
	}
	for _, p := range d.Outputs {
		if _, err := os.Stat(p); err != nil {
			return false
		}
	}
	return true
}

// Open creates the directory and opens every result for writing. Unless the layout overwrites,
// an existing speech or JSON result that this tool would not have written is refused with a
// *ForeignError. It removes temporary files of the input's results that a stopped run left
// (untouched for an hour) and returns their names, also with an error.
func (d *Dir) Open(ctx context.Context) (removed []string, err error) {
	d.ctx = ctx
	if !d.layout.Overwrite {
		// Some results exist and the input is redone: what is replaced must be this tool's (a
		// speech WAV of an interrupted run, say), not a file of the user's that has its name.
		for _, p := range d.Outputs[1:] {
			if foreignFile(p) {
				return nil, usage.Wrap(&ForeignError{Path: p, Input: d.name}, "")
			}
		}
	}
	dir := filepath.Dir(d.TextPath)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", dir, err)
	}
	var patterns []string
	for _, p := range []string{d.TextPath, d.WAVPath, d.JSONPath} {
		patterns = append(patterns, "."+filepath.Base(p)+".*.tmp")
	}
	removed = atomicfile.RemoveStale(dir, append(patterns, ".livetranslate-*.wav.tmp")...)
	if d.text, err = atomicfile.Create(ctx, d.TextPath, true); err != nil {
		return removed, err
	}
	d.bw = bufio.NewWriter(d.text)
	if d.layout.Speech {
		if d.wav, err = speech.Create(ctx, d.WAVPath, true); err != nil {
			d.text.Abort()
			return removed, err
		}
	}
	return removed, nil
}

// Text is where the text result is written.
func (d *Dir) Text() io.Writer { return d.bw }

// Speech is where the speech's samples are written; nil without speech.
func (d *Dir) Speech() io.Writer {
	if d.wav == nil {
		return nil
	}
	return d.wav
}

// Reset empties the text and speech written so far, for a request retried from the start.
func (d *Dir) Reset() error {
	d.bw.Reset(d.text)
	if err := d.text.Reset(); err != nil {
		return err
	}
	if d.wav != nil {
		return d.wav.Reset()
	}
	return nil
}

// WriteJSON writes tr as the JSON result at path.
type WriteJSON func(ctx context.Context, path string, tr *pipeline.Result) error

// Commit names the speech in tr, writes tr as the JSON result when the layout asks for it, then
// puts every file in place, the text last.
func (d *Dir) Commit(tr *pipeline.Result, writeJSON WriteJSON) error {
	if err := d.bw.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", d.TextPath, err)
	}
	if d.wav != nil {
		p, secs := d.WAVPath, seconds(d.wav)
		tr.AudioFile, tr.AudioSeconds = &p, &secs
	}
	if d.layout.JSON {
		if err := writeJSON(d.ctx, d.JSONPath, tr); err != nil {
			return err
		}
	}
	if d.wav != nil {
		if err := d.wav.Commit(); err != nil {
			return err
		}
	}
	return d.text.Commit()
}

// Abort removes whatever was not committed.
func (d *Dir) Abort() {
	d.text.Abort()
	if d.wav != nil {
		d.wav.Abort()
	}
}

// seconds is the speech's length to the millisecond, as results give it.
func seconds(w *speech.Writer) float64 {
	return math.Round(w.Duration().Seconds()*1000) / 1000
}

// foreignFile reports whether path holds a file this tool would not have written there: a WAV
// that is not its speech (24 kHz mono 16-bit PCM), JSON without its schema_version. A missing
// file, or one it cannot tell, is not foreign.
func foreignFile(path string) bool {
	switch filepath.Ext(path) {
	case ".wav":
		f, err := os.Open(path)
		if err != nil {
			return false
		}
		defer f.Close()
		h := make([]byte, 36)
		if _, err := io.ReadFull(f, h); err != nil {
			return true // too short for a WAV header, or unreadable: not this tool's speech
		}
		return !(string(h[0:4]) == "RIFF" && string(h[8:12]) == "WAVE" && string(h[12:16]) == "fmt " &&
			binary.LittleEndian.Uint16(h[20:]) == 1 && binary.LittleEndian.Uint16(h[22:]) == 1 &&
			binary.LittleEndian.Uint32(h[24:]) == speech.SampleRate && binary.LittleEndian.Uint16(h[34:]) == 16)
	case ".json":
		b, err := os.ReadFile(path)
		return err == nil && !bytes.Contains(b, []byte(`"finish_reason"`)) && !bytes.Contains(b, []byte(`"schema_version"`))
	}
	return false
}
