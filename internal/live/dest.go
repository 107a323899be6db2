package live

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/livetranslate/livetranslate/internal/atomicfile"
	"github.com/livetranslate/livetranslate/internal/results"
	"github.com/livetranslate/livetranslate/internal/speech"
	"github.com/livetranslate/livetranslate/internal/textfmt"
	"github.com/livetranslate/livetranslate/internal/usage"
)

// Destination says where a run's output goes: Stdout, or the Output file, and the speech to
// AudioOut ("-" for Stdout); or, with OutDir, a new set of files every hour.
type Destination struct {
	Stdout    io.Writer
	Output    string // "" or "-": Stdout
	AudioOut  string // "" for no speech
	OutDir    string
	Speech    bool // with OutDir: the hour's WAV too
	Overwrite bool
	Format    string
	Target    string // the target language's code, in OutDir's names
}

// CheckOutputs refuses, before anything is opened, outputs that would destroy the source (a
// file), or each other: text's file and audio's, each named in messages as given.
func CheckOutputs(src Source, text, audio results.Output) error {
	for _, out := range []results.Output{text, audio} {
		if out.Path != "" && out.Path != "-" && src.Kind == File && results.SameOutput(out.Path, src.Name) {
			return usage.Errorf("write it elsewhere", "%s %s is the source: writing it would destroy it", out.Name, out.Path)
		}
	}
	if text.Path != "" && text.Path != "-" && audio.Path != "" && results.SameOutput(text.Path, audio.Path) {
		return usage.Errorf("name two files", "%s and %s name the same file, %s", text.Name, audio.Name, text.Path)
	}
	return nil
}

// Open opens the destination's files: written as they grow, never renamed into place (there is
// no end to wait for), a file that exists refused unless Overwrite (an atomicfile.ExistsError or
// a speech.ExistsError), a device or a FIFO written into.
func (d Destination) Open() (Dest, error) {
	if d.OutDir != "" {
		ext := map[string]string{FormatText: ".txt", FormatJSONL: ".jsonl", FormatSRT: ".srt", FormatVTT: ".vtt"}[d.Format]
		// Made now, so a directory that cannot be is said before the source is opened.
		if err := os.MkdirAll(d.OutDir, 0o755); err != nil {
			return nil, fmt.Errorf("creating %s: %w", d.OutDir, err)
		}
		return &Hourly{Dir: d.OutDir, Target: d.Target, Ext: ext, Speech: d.Speech}, nil
	}
	f := &Fixed{}
	f.Files.Text = d.Stdout
	if d.Output != "" && d.Output != "-" {
		out, err := openText(d.Output, d.Overwrite)
		if err != nil {
			return nil, err
		}
		f.Files.Text = out
		f.Closers = append(f.Closers, out)
	}
	switch d.AudioOut {
	case "":
	case "-":
		f.Files.Audio = stream{speech.NewStream(d.Stdout)}
		if d.Output == "" || d.Output == "-" {
			f.Files.Text = nil // the speech has stdout; the text has nowhere to go
		}
	default:
		w, c, err := openSpeech(d.AudioOut, d.Overwrite)
		if err != nil {
			f.Close()
			return nil, err
		}
		f.Files.Audio = w
		f.Closers = append(f.Closers, c)
	}
	return f, nil
}

// openText opens the text's file.
func openText(path string, overwrite bool) (*os.File, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, pathError(path, syscall.EISDIR)
	} else if err == nil && !fi.Mode().IsRegular() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, fmt.Errorf("opening %s: %w", path, err)
		}
		return f, nil
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if overwrite {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, 0o644)
	switch {
	case errors.Is(err, fs.ErrExist):
		return nil, usage.Wrap(&atomicfile.ExistsError{Path: path}, "")
	case err != nil:
		return nil, pathError(path, err)
	}
	return f, nil
}

// pathError is a file that cannot be created where the user named it: the name's fault (exit 2,
// as translate says it), or the machine's (a disk full, exit 1).
func pathError(path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return usage.Errorf("create the directory first, or name a file in one that exists", "%s: its directory does not exist", path)
	case errors.Is(err, syscall.EISDIR):
		return usage.Errorf("name a file in it", "%s is a directory", path)
	case errors.Is(err, syscall.ENOTDIR):
		return usage.Errorf("", "%s: a file is in the way of its directory", path)
	case errors.Is(err, fs.ErrPermission):
		return usage.Errorf("", "%s cannot be written: permission denied", path)
	}
	return fmt.Errorf("creating %s: %w", path, err)
}

// openSpeech opens the speech's WAV, valid after every utterance; a device or a FIFO gets a WAV
// stream.
func openSpeech(path string, overwrite bool) (AudioOut, io.Closer, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, nil, pathError(path, syscall.EISDIR)
	} else if err == nil && !fi.Mode().IsRegular() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, nil, fmt.Errorf("opening %s: %w", path, err)
		}
		return stream{speech.NewStream(f)}, f, nil
	}
	g, err := speech.CreateGrowing(path, overwrite)
	var exists *speech.ExistsError
	switch {
	case errors.As(err, &exists):
		return nil, nil, usage.Wrap(err, "")
	case err != nil:
		return nil, nil, pathError(path, errors.Unwrap(err))
	}
	return g, g, nil
}

// stream is a WAV stream as an AudioOut: nothing to bring up to date after an utterance.
type stream struct{ *speech.StreamWriter }

func (stream) Sync() error { return nil }

// Line sums a run up in a line: "4 of 5 utterances translated (1 failed) in 3:02 of source;
// 1234 tokens, about 0.0123 CNY; 3:05 elapsed". currency is the estimate's ("" for none).
func (s *Summary) Line(currency string, elapsed time.Duration) string {
	line := fmt.Sprintf("%d of %s translated", s.Translated, textfmt.Plural(s.Utterances, "utterance"))
	var gaps []string
	if s.Failed > 0 {
		gaps = append(gaps, fmt.Sprintf("%d failed", s.Failed))
	}
	if s.Dropped > 0 {
		gaps = append(gaps, fmt.Sprintf("%d dropped", s.Dropped))
	}
	if s.NotSent > 0 {
		gaps = append(gaps, fmt.Sprintf("%d not sent", s.NotSent))
	}
	if len(gaps) > 0 {
		line += " (" + strings.Join(gaps, ", ") + ")"
	}
	line += " in " + textfmt.Clock(s.Audio) + " of source"
	if s.Drops > 0 {
		line += fmt.Sprintf(", %s away in %s", textfmt.Clock(s.Lost), textfmt.Plural(s.Drops, "drop"))
	}
	line += fmt.Sprintf("; %d tokens", s.Usage.TotalTokens)
	if s.Translated > 0 && s.Priced && currency != "" {
		line += fmt.Sprintf(", about %.4f %s", s.Cost, currency)
	}
	line += "; " + textfmt.Clock(elapsed) + " elapsed"
	if s.CapReached {
		line += "; stopped at the cost cap"
	}
	return line
}
