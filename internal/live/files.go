package live

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/livetranslate/livetranslate/internal/speech"
)

// Fixed is a Dest that is the same files for the whole run; closers are closed at the end.
type Fixed struct {
	Files   Files
	Closers []io.Closer
}

func (f *Fixed) At(time.Time) (*Files, error) { return &f.Files, nil }

func (f *Fixed) Close() error {
	var errs []error
	for _, c := range f.Closers {
		errs = append(errs, c.Close())
	}
	return errors.Join(errs...)
}

// Hourly is a Dest that starts new files every hour of the clock (local time), for runs that
// last days: DIR/2026-12-05T14.fr.srt and DIR/2026-12-05T14.fr.wav. A name already taken (a
// run restarted within the hour) gets a number: DIR/2026-12-05T14-2.fr.srt.
type Hourly struct {
	Dir    string
	Target string // the target language's code, in the names
	Ext    string // of the text files (".txt", ".srt"…); "" for none
	Speech bool   // a WAV file of the speech too

	hour  string
	files *Files
	close []io.Closer
}

func (h *Hourly) At(t time.Time) (*Files, error) {
	hour := t.Format("2006-01-02T15")
	if hour == h.hour && h.files != nil {
		return h.files, nil
	}
	if err := h.Close(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(h.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", h.Dir, err)
	}
	files := &Files{}
	for n := 1; ; n++ {
		base := hour
		if n > 1 {
			base += "-" + strconv.Itoa(n)
		}
		base = filepath.Join(h.Dir, base+"."+h.Target)
		if h.taken(base) {
			continue
		}
		if h.Ext != "" {
			f, err := os.OpenFile(base+h.Ext, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
			if err != nil {
				return nil, fmt.Errorf("creating %s: %w", base+h.Ext, err)
			}
			files.Text = f
			h.close = append(h.close, f)
		}
		if h.Speech {
			g, err := speech.CreateGrowing(base+".wav", false)
			if err != nil {
				return nil, err
			}
			files.Audio = g
			h.close = append(h.close, g)
		}
		break
	}
	h.hour, h.files = hour, files
	return files, nil
}

// taken reports whether a file of base's hour exists already.
func (h *Hourly) taken(base string) bool {
	for _, ext := range []string{h.Ext, ".wav"} {
		if ext == "" {
			continue
		}
		if _, err := os.Lstat(base + ext); !errors.Is(err, fs.ErrNotExist) {
			return true
		}
	}
	return false
}

// Close closes the current hour's files.
func (h *Hourly) Close() error {
	var errs []error
	for _, c := range h.close {
		errs = append(errs, c.Close())
	}
	h.close, h.files = nil, nil
	return errors.Join(errs...)
}
