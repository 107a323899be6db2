package results

import (
	"bufio"
	"context"
	"fmt"
	"io"

	"github.com/livetranslate/livetranslate/internal/atomicfile"
	"github.com/livetranslate/livetranslate/internal/pipeline"
	"github.com/livetranslate/livetranslate/internal/speech"
)

// Single is the destinations of a one-input run: the text to stdout or a file (a temporary file
// renamed by CommitText), the speech to a WAV file or streamed as a WAV to stdout ("-"). A device
// or a FIFO is written into directly.
type Single struct {
	Out     io.Writer // where the text goes
	Audio   io.Writer // where the speech's samples go; nil without speech
	Outputs []string  // the files the run writes, for the ledger

	textFile  *atomicfile.File
	bw        *bufio.Writer
	wav       *speech.Writer
	audioPath string
	stream    *speech.StreamWriter
}

// OpenSingle opens every destination before anything is sent, so a bad path fails before any
// tokens are spent: text and audio are the paths of the text and the speech ("" for none, "-"
// for stdout; text defaults to stdout), extra other files the run writes, for Outputs.
func OpenSingle(ctx context.Context, stdout io.Writer, text, audio string, overwrite bool, extra ...string) (_ *Single, err error) {
	r := &Single{Out: stdout, audioPath: audio}
	defer func() {
		if err != nil {
			r.Close()
		}
	}()
	if text != "" && text != "-" {
		if r.textFile, err = atomicfile.Create(ctx, text, overwrite); err != nil {
			return nil, err
		}
		r.bw = bufio.NewWriter(r.textFile)
		r.Out = r.bw
	}
	switch audio {
	case "":
	case "-":
		r.stream = speech.NewStream(stdout)
		r.Audio = r.stream
	default:
		if r.wav, err = speech.Create(ctx, audio, overwrite); err != nil {
			return nil, err
		}
		r.Audio = r.wav
	}
	for _, o := range append([]string{text, audio}, extra...) {
		if o != "" && o != "-" {
			r.Outputs = append(r.Outputs, o)
		}
	}
	return r, nil
}

// CanReset reports whether what was written can be taken back (a file, or text held to be
// printed at the end: heldText), so a request whose stream broke mid-way can be retried cleanly
// from the start; text already on a terminal or in a pipe or device, or a WAV streamed there,
// cannot.
func (r *Single) CanReset(heldText bool) bool {
	textBack := (r.textFile != nil && !r.textFile.Direct()) || heldText
	return textBack && r.stream == nil && (r.wav == nil || !r.wav.Direct())
}

// Reset empties the files written so far.
func (r *Single) Reset() error {
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

// CommitSpeech puts the WAV file in place and names it in tr.
func (r *Single) CommitSpeech(tr *pipeline.Result) error {
	if r.wav == nil {
		return nil
	}
	if err := r.wav.Commit(); err != nil {
		return err
	}
	path, secs := r.audioPath, seconds(r.wav)
	tr.AudioFile, tr.AudioSeconds = &path, &secs
	return nil
}

// CommitText puts the text file in place.
func (r *Single) CommitText() error {
	if r.textFile == nil {
		return nil
	}
	if err := r.bw.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", r.textFile.Path(), err)
	}
	return r.textFile.Commit()
}

// Close removes what was not committed and ends a streamed WAV.
func (r *Single) Close() {
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
