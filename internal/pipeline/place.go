package pipeline

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/atomicfile"
	"github.com/livetranslate/livetranslate/internal/dub"
	"github.com/livetranslate/livetranslate/internal/media"
	"github.com/livetranslate/livetranslate/internal/usage"
)

// placement is where an input's speech goes as it arrives in source order: straight on to the
// output's WAV, or, for speech laid along the source's timeline (aligned speech, a dub), each
// piece's speech into a clip of its own, placed at the piece's source time once all have come.
type placement struct {
	pl    *inputPlan
	out   Output
	align bool
	mix   float64
	warn  func(format string, args ...any)
	info  func(format string, args ...any)
	// With clips: the pieces' speech, in order, and the one arriving now, in a temporary
	// directory made with the first (work).
	clips bool
	work  string
	list  []dub.Clip
	cur   *os.File
}

func (p *Pipeline) placement(pl *inputPlan, out Output) *placement {
	s := &p.Settings
	return &placement{pl: pl, out: out, align: s.Align, mix: s.DubMix, warn: p.warn, info: p.info,
		clips: pl.pieces != nil && out.speech() && (s.Align || out.Dub != nil)}
}

// audio takes the speech of the part whose results are arriving.
func (pc *placement) audio(b []byte) error {
	if pc.clips {
		if pc.cur == nil {
			if err := pc.workDir(); err != nil {
				return err
			}
			f, err := os.Create(filepath.Join(pc.work, fmt.Sprintf("piece-%05d.pcm", len(pc.list))))
			if err != nil {
				return fmt.Errorf("holding speech: %w", err)
			}
			pc.cur = f
		}
		if _, err := pc.cur.Write(b); err != nil {
			return fmt.Errorf("holding speech: %w", err)
		}
		if pc.align || pc.out.Audio == nil {
			return nil // the WAV gets the aligned track
		}
	}
	if _, err := pc.out.Audio.Write(b); err != nil {
		return fmt.Errorf("writing speech: %w", err)
	}
	return nil
}

// end closes part i's clip, at its piece's source time.
func (pc *placement) end(i int) error {
	if !pc.clips {
		return nil
	}
	c := dub.Clip{At: pc.pl.part(i).Piece.Speech.Start}
	if pc.cur != nil {
		c.Path = pc.cur.Name()
		err := pc.cur.Close()
		pc.cur = nil
		if err != nil {
			return fmt.Errorf("holding speech: %w", err)
		}
	}
	pc.list = append(pc.list, c)
	return nil
}

// finish lays the clips along the source's timeline, silence between: into the WAV (aligned
// speech) and under the picture (a dub).
func (pc *placement) finish(ctx context.Context, in *media.Input) error {
	if !pc.clips {
		return nil
	}
	if err := pc.workDir(); err != nil {
		return err
	}
	track := filepath.Join(pc.work, "track.pcm")
	f, err := os.Create(track)
	if err != nil {
		return fmt.Errorf("creating the dub track: %w", err)
	}
	rep, err := dub.Align(ctx, pc.list, pc.pl.Duration, f, dub.Options{TempDir: pc.work})
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("writing the dub track: %w", cerr)
	}
	if err != nil {
		return err
	}
	if rep.SpedUp > 0 {
		pc.info("%s: the speech of %d of %d pieces was sped up (at most %.1f×) to fit before the next", in.Name, rep.SpedUp, len(pc.list), dub.MaxTempo)
	}
	if rep.Cut > 0 {
		pc.warn("%s: the speech of %d of %d pieces ran past the next even at %.1f× speed; %.1f s of it was cut", in.Name, rep.Cut, len(pc.list), dub.MaxTempo, rep.CutOff.Seconds())
	}
	if pc.align && pc.out.Audio != nil {
		if err := copyFile(pc.out.Audio, track); err != nil {
			return err
		}
	}
	if pc.out.Dub == nil {
		return nil
	}
	c, _ := dub.ContainerFor(pc.out.Dub.Path())
	mix := pc.mix
	if mix > 0 && !pc.pl.hasAudio {
		pc.warn("%s", &MixIgnoredWarning{Name: in.Name})
		mix = 0
	}
	return dub.Mux(ctx, in.Path, track, pc.out.Dub.Name(), dub.MuxOptions{Container: c, Mix: mix})
}

// MixIgnoredWarning warns that the source's sound, asked to be mixed under the dub
// (Settings.DubMix), is not, for the input has none.
type MixIgnoredWarning struct {
	Name string
}

func (w *MixIgnoredWarning) String() string {
	return fmt.Sprintf("%s has no sound to keep under the dub: the mix asked is ignored", w.Name)
}

// NotVideoError refuses a dub of an input that is not a video; checkDub returns it inside a usage
// error, and the command layer words it.
type NotVideoError struct {
	Name string
	Kind api.Kind
}

func (e *NotVideoError) Error() string {
	return fmt.Sprintf("only a video can be dubbed; %s is %s", e.Name, e.Kind)
}

// workDir makes the temporary directory of the clips and the track, once.
func (pc *placement) workDir() error {
	if pc.work != "" {
		return nil
	}
	dir, err := os.MkdirTemp("", "livetranslate-input-*")
	if err != nil {
		return fmt.Errorf("creating a temporary directory: %w", err)
	}
	pc.work = dir
	return nil
}

// cleanup removes the clips, the track and their directory, on every path.
func (pc *placement) cleanup() {
	if pc.cur != nil {
		pc.cur.Close()
	}
	if pc.work != "" {
		os.RemoveAll(pc.work)
	}
}

// checkDub refuses a dub the input or the container cannot take, before anything is sent.
func checkDub(ctx context.Context, in *media.Input, f *atomicfile.File) error {
	if f == nil {
		return nil
	}
	if in.Kind != api.Video {
		return usage.Wrap(&NotVideoError{Name: in.Name, Kind: in.Kind}, "")
	}
	c, _ := dub.ContainerFor(f.Path())
	return dub.CheckContainer(ctx, in.Path, f.Path(), c, dub.Options{})
}

func copyFile(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("reading held speech: %w", err)
	}
	defer f.Close()
	if _, err := io.Copy(w, f); err != nil {
		return fmt.Errorf("writing speech: %w", err)
	}
	return nil
}
