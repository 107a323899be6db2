package cmd

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/livetranslate/livetranslate/internal/atomicfile"
	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/pipeline"
	"github.com/livetranslate/livetranslate/internal/sink"
	"github.com/livetranslate/livetranslate/internal/speech"
)

// dirResults are one input's result files under --out-dir: the text (or subtitles), the speech
// with --speech, the JSON with --format json. Each is written to a temporary file and renamed by
// commit; the text goes last, since its presence is what marks the input done for a rerun.
type dirResults struct {
	textPath, wavPath, jsonPath string
	outputs                     []string // the paths this run will write, for the ledger
	text                        *atomicfile.File
	bw                          *bufio.Writer
	wav                         *speech.Writer // nil without --speech
	// ctx is the run's, for opening the JSON result at commit (a pipe there waits for a reader
	// only until Ctrl-C).
	ctx context.Context
}

// openDirResults names the input's results and, unless they all exist already and --overwrite
// is not given (then skip is true), opens them for writing.
func (a *app) openDirResults(ctx context.Context, s *settings, opts *translateOptions, it batch.Item, textExt string) (d *dirResults, skip bool, err error) {
	if it.Err != nil {
		return nil, false, it.Err
	}
	d = &dirResults{
		ctx:      ctx,
		textPath: batch.ResultPath(opts.OutDir, it, s.to.Code, textExt),
		wavPath:  batch.ResultPath(opts.OutDir, it, s.to.Code, ".wav"),
		jsonPath: batch.ResultPath(opts.OutDir, it, s.to.Code, ".json"),
	}
	d.outputs = []string{d.textPath}
	if opts.Speech {
		d.outputs = append(d.outputs, d.wavPath)
	}
	if s.format == "json" {
		d.outputs = append(d.outputs, d.jsonPath)
	}
	if !opts.Overwrite && allExist(d.outputs) {
		a.infof("skipping %s: %s exists (--overwrite redoes it)", it.Name, d.textPath)
		return nil, true, nil
	}
	if !opts.Overwrite {
		// Some results exist and the input is redone: what is replaced must be this tool's (a
		// speech WAV of an interrupted run, say), not a file of the user's that has its name.
		for _, p := range d.outputs[1:] {
			if foreignFile(p) {
				return nil, false, usagef("move it, or pass --overwrite to replace it",
					"%s exists and is not a result of livetranslate (the %s result of %s would replace it)", p, filepath.Ext(p), it.Name)
			}
		}
	}
	if err := os.MkdirAll(filepath.Dir(d.textPath), 0o755); err != nil {
		return nil, false, fmt.Errorf("creating %s: %w", filepath.Dir(d.textPath), err)
	}
	// Temporary files of this input's results that a killed run left (untouched for an hour).
	var patterns []string
	for _, p := range []string{d.textPath, d.wavPath, d.jsonPath} {
		patterns = append(patterns, "."+filepath.Base(p)+".*.tmp")
	}
	for _, f := range atomicfile.RemoveStale(filepath.Dir(d.textPath), append(patterns, ".livetranslate-*.wav.tmp")...) {
		a.infof("removed %s, left by a run that was stopped", f)
	}
	if d.text, err = atomicfile.Create(ctx, d.textPath, true); err != nil {
		return nil, false, err
	}
	d.bw = bufio.NewWriter(d.text)
	if opts.Speech {
		if d.wav, err = speech.Create(ctx, d.wavPath, true); err != nil {
			d.text.Abort()
			return nil, false, err
		}
	}
	return d, false, nil
}

// reset empties the text and speech written so far, for a request retried from the start.
func (d *dirResults) reset() error {
	d.bw.Reset(d.text)
	if err := d.text.Reset(); err != nil {
		return err
	}
	if d.wav != nil {
		return d.wav.Reset()
	}
	return nil
}

// commit writes tr as JSON when asked, then puts every file in place, the text last.
func (d *dirResults) commit(s *settings, tr *pipeline.Result) error {
	if err := d.bw.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", d.textPath, err)
	}
	if d.wav != nil {
		p, secs := d.wavPath, roundMillis(d.wav.Duration().Seconds())
		tr.AudioFile, tr.AudioSeconds = &p, &secs
	}
	if s.format == "json" {
		if err := writeJSONFile(d.ctx, d.jsonPath, tr); err != nil {
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

// abort removes whatever was not committed.
func (d *dirResults) abort() {
	d.text.Abort()
	if d.wav != nil {
		d.wav.Abort()
	}
}

// singleResults are the destinations of a one-input run: text to stdout or -o (a temporary file
// renamed by commit), speech to --audio-out (a WAV file, or a streamed WAV on stdout for -).
type singleResults struct {
	out      io.Writer // where the text goes
	textFile *atomicfile.File
	bw       *bufio.Writer
	audio    io.Writer // nil without speech
	wav      *speech.Writer
	stream   *speech.StreamWriter
	outputs  []string // the files this run writes, for the ledger
}

// openSingleResults opens every destination before anything is sent, so a bad path fails before
// any tokens are spent.
func (a *app) openSingleResults(ctx context.Context, opts *translateOptions, extra ...string) (_ *singleResults, err error) {
	r := &singleResults{out: a.io.Out}
	defer func() {
		if err != nil {
			r.close()
		}
	}()
	if opts.Output != "" && opts.Output != "-" {
		if r.textFile, err = atomicfile.Create(ctx, opts.Output, opts.Overwrite); err != nil {
			return nil, err
		}
		r.bw = bufio.NewWriter(r.textFile)
		r.out = r.bw
	}
	switch opts.AudioOut {
	case "":
	case "-":
		r.stream = speech.NewStream(a.io.Out)
		r.audio = r.stream
	default:
		if r.wav, err = speech.Create(ctx, opts.AudioOut, opts.Overwrite); err != nil {
			return nil, err
		}
		r.audio = r.wav
	}
	for _, o := range append([]string{opts.Output, opts.AudioOut}, extra...) {
		if o != "" && o != "-" {
			r.outputs = append(r.outputs, o)
		}
	}
	return r, nil
}

// canReset reports whether what was written can be taken back (a file, or JSON printed only at
// the end), so a request whose stream broke mid-way can be retried cleanly from the start; text
// already on a terminal or in a pipe or device, or a WAV streamed there, cannot.
func (r *singleResults) canReset(format string) bool {
	textBack := (r.textFile != nil && !r.textFile.Direct()) || format == "json"
	return textBack && r.stream == nil && (r.wav == nil || !r.wav.Direct())
}

// reset empties the files written so far.
func (r *singleResults) reset() error {
	if r.textFile != nil {
		r.bw.Reset(r.textFile)
		if err := r.textFile.Reset(); err != nil {
			return err
		}
	}
	if r.wav != nil {
		return r.wav.Reset()
	}
	return nil
}

// commitSpeech puts the WAV in place and names it in tr.
func (r *singleResults) commitSpeech(tr *pipeline.Result, path string) error {
	if r.wav == nil {
		return nil
	}
	if err := r.wav.Commit(); err != nil {
		return err
	}
	secs := roundMillis(r.wav.Duration().Seconds())
	tr.AudioFile, tr.AudioSeconds = &path, &secs
	return nil
}

// commitText puts the -o file in place.
func (r *singleResults) commitText() error {
	if r.textFile == nil {
		return nil
	}
	if err := r.bw.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", r.textFile.Path(), err)
	}
	return r.textFile.Commit()
}

// close removes what was not committed and ends a streamed WAV.
func (r *singleResults) close() {
	if r.textFile != nil {
		r.textFile.Abort()
	}
	if r.wav != nil {
		r.wav.Abort()
	}
	if r.stream != nil {
		r.stream.Close()
	}
}

// finishDir ends one input of a batch written under --out-dir, whatever produced it: the output's
// last bytes (finish), every file put in place, the -v usage line, and the input's outcome.
func (a *app) finishDir(d *dirResults, s *settings, it batch.Item, tr *pipeline.Result, err error, finish func(*pipeline.Result) error) sink.Outcome {
	if err == nil {
		err = finish(tr)
	}
	if err == nil {
		err = d.commit(s, tr)
	}
	if err != nil {
		return sink.Failed(err)
	}
	a.reportUsage(tr)
	if tr.FinishReason == "length" {
		a.warnf("%s: the translation was cut short at the output limit (finish_reason: length)", it.Name)
	}
	return sink.Translated(tr)
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
