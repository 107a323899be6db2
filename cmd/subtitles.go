package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/atomicfile"
	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/dub"
	"github.com/livetranslate/livetranslate/internal/media"
	"github.com/livetranslate/livetranslate/internal/split"
	"github.com/livetranslate/livetranslate/internal/subtitle"
	"github.com/livetranslate/livetranslate/internal/translate"
)

// Timed output: subtitles (--format srt|vtt), a dubbed video (--dub) and speech aligned to the
// source (--align). The input is cut at its pauses into pieces of speech of at most --cue-max
// (subtitle.Pieces), every piece is translated on its own, -j at once, and each piece's text and
// speech are placed at the time its speech is heard in the source.

// checkTimed validates the flags of timed output and notes in s whether the run is timed.
func checkTimed(opts *translateOptions, s *settings) error {
	s.subs, _ = subtitle.ParseFormat(s.format)
	s.timed = s.subs != 0 || opts.Dub != "" || opts.Align
	if opts.CueMax < time.Second || opts.CueMax > time.Minute {
		return usagef("e.g. --cue-max 5s", "--cue-max %s is out of range: must be in [1s, 1m]", opts.CueMax)
	}
	if math.IsNaN(opts.DubMix) || opts.DubMix < 0 || opts.DubMix > 1 {
		return usagef("e.g. --dub-mix 0.15", "--dub-mix %v is out of range: must be in [0, 1]", opts.DubMix)
	}
	if opts.DubMix > 0 && opts.Dub == "" {
		return usagef("add --dub OUT.mp4", "--dub-mix sets the original sound's volume under --dub")
	}
	if opts.Align && opts.AudioOut == "" && !opts.Speech {
		return usagef("add --audio-out FILE.wav (or --speech with --out-dir)", "--align places the speech of --audio-out along the source, and there is none")
	}
	if opts.Dub != "" {
		if _, ok := dub.ContainerFor(opts.Dub); !ok {
			return usagef("e.g. --dub talk.fr.mp4", "--dub %s: the dubbed video must be a .mp4, .mov, .mkv or .webm file", opts.Dub)
		}
		if opts.Dub == opts.Output || opts.Dub == opts.AudioOut {
			return usagef("", "--dub and --output/--audio-out name the same file %s", opts.Dub)
		}
	}
	if !s.timed {
		return nil
	}
	if s.split == split.Never {
		return usagef("drop --split never", "subtitles and dubbing always cut the input at its pauses; --split never cannot be used with them")
	}
	if opts.Segment > 0 {
		return usagef("use --cue-max DUR", "--segment does not apply to subtitles and dubbing")
	}
	return nil
}

// checkTimedInputs refuses timed output the inputs cannot take.
func checkTimedInputs(opts *translateOptions, s *settings, items []batch.Item) error {
	switch {
	case !s.timed:
	case opts.Dub != "" && opts.OutDir != "":
		return usagef("dub one video at a time", "--dub writes one file; it cannot be used with --out-dir")
	case opts.Dub != "" && len(items) > 1:
		return usagef("dub one video at a time", "--dub takes one input, got %d", len(items))
	case s.subs != 0 && opts.OutDir == "" && len(items) > 1:
		return usagef("add --out-dir DIR to write NAME.<code>"+s.subs.Ext()+" for each input", "--format %s with several inputs needs --out-dir", s.format)
	}
	return nil
}

// timedPlan is an input cut into pieces of speech. The plan's segments lay the pieces, and the
// long pauses between them, end to end over the whole input, because Prepare cuts an input at
// every boundary in one pass; only the pieces are sent.
type timedPlan struct {
	plan     *split.Plan
	pieces   []subtitle.Piece
	segOf    []int // the plan segment of each piece
	hasAudio bool
}

func (a *app) timedPlan(ctx context.Context, opts *translateOptions, in *media.Input, speech bool) (*timedPlan, error) {
	if in.URL != "" {
		return nil, usagef("download it, then name the file", "%s: subtitles and dubbing need the media itself, to find its pauses; a URL is passed through unread", in.Name)
	}
	if _, err := media.LookFFmpeg(""); err != nil {
		return nil, fmt.Errorf("subtitles and dubbing: %w", err)
	}
	if _, err := media.LookFFprobe(""); err != nil {
		return nil, fmt.Errorf("subtitles and dubbing: %w", err)
	}
	plan, err := split.MakePlan(ctx, in, split.Options{Mode: split.Always, MaxDataURI: int64(opts.InlineLimit), Speech: speech})
	if err != nil {
		return nil, err
	}
	info := in.Probe
	if info == nil {
		if info, err = media.Probe(ctx, "", in.Path); err != nil {
			return nil, err
		}
	}
	tp := &timedPlan{plan: plan, hasAudio: info.Audio() != nil}
	if !tp.hasAudio {
		return nil, usagef("", "%s has no sound to translate", in.Name)
	}
	silences, err := split.DetectSilences(ctx, "", in.Path)
	if err != nil {
		return nil, fmt.Errorf("finding the pauses in %s: %w", in.Name, err)
	}
	sound, err := subtitle.SoundDuration(ctx, "", in.Path)
	if err != nil {
		return nil, err
	}
	if sound <= 0 || sound > plan.Duration {
		sound = plan.Duration
	}
	tp.pieces = subtitle.Pieces(silences, sound, opts.CueMax)

	est := newSegmentEstimator(plan, info, speech)
	var segs []split.Segment
	add := func(start, end time.Duration) {
		seg := est.segment(start, end)
		seg.Index = len(segs)
		segs = append(segs, seg)
	}
	pos := time.Duration(0)
	for _, p := range tp.pieces {
		if p.Send.Start > pos {
			add(pos, p.Send.Start)
		}
		tp.segOf = append(tp.segOf, len(segs))
		add(p.Send.Start, p.Send.End)
		pos = p.Send.End
	}
	switch tail := plan.Duration - pos; {
	case tail <= 0:
	case tail < subtitle.Pad && len(segs) > 0:
		segs[len(segs)-1].End = plan.Duration // too short a file to bother cutting off
	default:
		add(pos, plan.Duration)
	}
	plan.Segments = segs
	plan.Notes = []string{fmt.Sprintf("cut at pauses into %d pieces of speech of at most %s, re-encoded compactly", len(tp.pieces), opts.CueMax)}
	return tp, nil
}

// sentPlan is the plan as --dry-run shows it: only the segments that are sent.
func (tp *timedPlan) sentPlan() *split.Plan {
	p := *tp.plan
	p.Segments, p.Reencoded = nil, false // every piece is re-encoded; the label is for one whole
	for i, k := range tp.segOf {
		seg := tp.plan.Segments[k]
		seg.Index = i
		p.Segments = append(p.Segments, seg)
	}
	return &p
}

// segmentEstimator estimates a piece the way split estimates its segments: size from the
// compact encoding's rate, tokens from the duration (and, for video, the picture as sent).
type segmentEstimator struct {
	kind          media.Kind
	format, mime  string
	bytesPerSec   float64
	width, height int
	speech        bool
}

func newSegmentEstimator(plan *split.Plan, info *media.ProbeInfo, speech bool) segmentEstimator {
	first := plan.Segments[0]
	e := segmentEstimator{kind: first.Kind, format: first.Format, mime: first.MIME, speech: speech}
	var size int64
	var d time.Duration
	for _, s := range plan.Segments {
		size, d = size+s.Size, d+s.Duration()
	}
	if d > 0 {
		e.bytesPerSec = float64(size) / d.Seconds()
	}
	for _, st := range info.Streams {
		if st.CodecType == "video" && !st.AttachedPic && st.Width > 0 && st.Height > 0 {
			scale := min(1, float64(split.SegmentVideoMaxSide)/float64(max(st.Width, st.Height)))
			e.width, e.height = int(float64(st.Width)*scale), int(float64(st.Height)*scale)
			break
		}
	}
	return e
}

func (e segmentEstimator) segment(start, end time.Duration) split.Segment {
	d := end - start
	in := split.AudioTokens(d)
	if e.kind == media.Video {
		in += split.VideoTokens(d, e.width, e.height)
	}
	return split.Segment{Start: start, End: end, Kind: e.kind, Format: e.format, MIME: e.mime,
		Size: int64(math.Ceil(e.bytesPerSec * d.Seconds())), EstInputTokens: in, EstOutputTokens: split.OutputTokens(d, e.speech)}
}

// timedOut is where one timed input's results go.
type timedOut struct {
	text  timedText // subtitles, or text/json/jsonl
	audio io.Writer // the speech WAV; nil for none
	dub   *atomicfile.File
}

// timedText receives each piece's text in source order and ends the output.
type timedText interface {
	piece(p subtitle.Piece, text string) error
	finish(tr *translation) error
}

func newTimedText(w io.Writer, s *settings, format string) timedText {
	if s.subs != 0 {
		return subtitleText{subtitle.NewWriter(w, s.subs)}
	}
	tw := newTextWriter(w, format, "")
	return plainText{tw: tw, sink: tw.sink(nil), format: format}
}

// subtitleText lays each piece's text out as cues over the time its speech is heard.
type subtitleText struct{ w *subtitle.Writer }

func (t subtitleText) piece(p subtitle.Piece, text string) error {
	for _, c := range subtitle.Layout(text, p.Speech) {
		if err := t.w.Write(c); err != nil {
			return err
		}
	}
	return nil
}

func (t subtitleText) finish(*translation) error { return t.w.Close() }

// plainText writes the pieces' text as --format text (one line a piece), jsonl or json does.
type plainText struct {
	tw     *textWriter
	sink   translate.Sink
	format string
}

func (t plainText) piece(_ subtitle.Piece, text string) error {
	if t.format == "text" {
		text += "\n"
	}
	return t.sink.Text(text)
}

func (t plainText) finish(tr *translation) error { return t.tw.finish(tr) }

// inOrder calls emit for each part in order as soon as it and the parts before it have finished.
type inOrder struct {
	mu   sync.Mutex
	done []bool
	next int
	emit func(i int) error
}

func (o *inOrder) finish(i int) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.done[i] = true
	for ; o.next < len(o.done) && o.done[o.next]; o.next++ {
		if err := o.emit(o.next); err != nil {
			return err
		}
	}
	return nil
}

// translateTimed translates one input piece by piece and places each piece's text and speech at
// its source time: text to out.text in order as pieces finish; speech, once all have, to
// out.audio (aligned with --align, else joined) and under the picture into out.dub. Each piece's
// speech waits in a file of its own in a temporary directory, removed on every path.
func (a *app) translateTimed(ctx context.Context, s *settings, opts *translateOptions, runner *translate.Runner,
	it batch.Item, out timedOut, outputs []string) (*translation, error) {
	in, err := media.Resolve(ctx, it.Name, media.Options{Format: opts.InputFormat, Stdin: a.io.In})
	if err != nil {
		return nil, err
	}
	defer in.Close()
	name := it.Name
	if out.dub != nil && in.Kind != media.Video {
		return nil, usagef("use --audio-out FILE.wav --align for aligned speech", "--dub needs a video; %s is %s", name, in.Kind)
	}
	if out.dub != nil {
		c, _ := dub.ContainerFor(out.dub.Path())
		if err := dub.CheckContainer(ctx, in.Path, out.dub.Path(), c, dub.Options{}); err != nil {
			return nil, err
		}
	}
	speechOn := out.audio != nil || out.dub != nil
	tp, err := a.timedPlan(ctx, opts, in, speechOn)
	if err != nil {
		return nil, err
	}
	defer tp.plan.Cleanup()
	for _, n := range tp.plan.Notes {
		a.infof("%s: %s", name, n)
	}
	pieces := tp.pieces
	if len(pieces) > 0 {
		if err := tp.plan.Prepare(ctx); err != nil {
			return nil, fmt.Errorf("%s: preparing pieces: %w", name, err)
		}
	} else {
		a.warnf("%s: no speech found (only silence): nothing to translate", name)
	}
	work, err := os.MkdirTemp("", "livetranslate-timed-*")
	if err != nil {
		return nil, fmt.Errorf("creating a temporary directory: %w", err)
	}
	defer os.RemoveAll(work)

	texts := make([]strings.Builder, len(pieces))
	pcm := make([]*os.File, len(pieces))
	defer func() {
		for _, f := range pcm {
			if f != nil {
				f.Close()
			}
		}
	}()
	sinkFor := func(i int) translate.Sink {
		sink := translate.Sink{
			Text: func(t string) error { texts[i].WriteString(t); return nil },
			// Everything of a piece is held until it is placed, so a broken stream can always be
			// retried from the start.
			Reset: func() error {
				texts[i].Reset()
				if f := pcm[i]; f != nil {
					if err := f.Truncate(0); err != nil {
						return fmt.Errorf("dropping held speech: %w", err)
					}
					if _, err := f.Seek(0, io.SeekStart); err != nil {
						return fmt.Errorf("dropping held speech: %w", err)
					}
				}
				return nil
			},
		}
		if speechOn {
			sink.Audio = func(b []byte) error {
				if pcm[i] == nil {
					f, err := os.Create(filepath.Join(work, fmt.Sprintf("piece-%05d.pcm", i)))
					if err != nil {
						return fmt.Errorf("holding speech: %w", err)
					}
					pcm[i] = f
				}
				if _, err := pcm[i].Write(b); err != nil {
					return fmt.Errorf("holding speech: %w", err)
				}
				return nil
			}
		}
		return sink
	}
	order := &inOrder{done: make([]bool, len(pieces)), emit: func(i int) error {
		if text := strings.TrimSpace(texts[i].String()); text != "" { // the service may hear nothing in a piece
			return out.text.piece(pieces[i], text)
		}
		return nil
	}}
	var parts []translate.Part
	for i, k := range tp.segOf {
		seg := tp.plan.Segments[k]
		parts = append(parts, translate.Part{Index: i, Segment: len(pieces) > 1, Start: seg.Start, End: seg.End,
			Path: seg.Path, Format: seg.Format, MIME: seg.MIME, Size: seg.Size, Kind: kindOf(seg.Kind)})
	}
	ts := a.requestSettings(s, opts, speechOn)
	runner = s.ledger.hook(ctx, runner, ts, inputRecord{input: name, kind: in.Kind.String(), outputs: outputs})
	start := time.Now()
	res := &translate.Result{}
	if len(parts) > 0 {
		if res, err = runner.Each(ctx, parts, ts, sinkFor, order.finish); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}

	tr := &translation{
		Input: name, Kind: in.Kind.String(), InputFormat: in.Format, Model: s.model, TargetLanguage: s.to.Code,
		FinishReason: res.FinishReason, Usage: res.Usage, RequestID: res.RequestID, ID: res.ID,
	}
	var all []string
	for i, p := range res.Parts {
		text := strings.TrimSpace(texts[i].String())
		if text != "" {
			all = append(all, text)
		}
		tr.Segments = append(tr.Segments, segmentJSON{Index: i + 1, Start: p.Start.Seconds(), End: p.End.Seconds(),
			RequestID: p.RequestID, FinishReason: p.FinishReason, Usage: p.Usage, Text: text})
	}
	tr.Text = strings.Join(all, "\n")
	if len(parts) > 0 && len(all) == 0 {
		a.warnf("%s: the service returned no text", name)
	}
	if s.from != nil {
		tr.SourceLanguage = &s.from.Code
	}
	if cost, cur, ok := s.ledger.estimate(s.model, tr.Kind, res.Usage); ok {
		cost = roundCost(cost)
		tr.EstimatedCost, tr.Currency = &cost, cur
	}

	if speechOn {
		clips := make([]dub.Clip, len(pieces))
		for i, p := range pieces {
			clips[i].At = p.Speech.Start
			if pcm[i] != nil {
				clips[i].Path = pcm[i].Name()
			}
		}
		if err := a.placeSpeech(ctx, opts, tp, in, clips, work, out); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	tr.ElapsedSeconds = math.Round(time.Since(start).Seconds()*1000) / 1000
	return tr, nil
}

func kindOf(k media.Kind) api.Kind {
	if k == media.Video {
		return api.Video
	}
	return api.Audio
}

// placeSpeech writes the pieces' speech: along the source's timeline (--align, --dub), or one
// after the other; and the dubbed video.
func (a *app) placeSpeech(ctx context.Context, opts *translateOptions, tp *timedPlan, in *media.Input, clips []dub.Clip, work string, out timedOut) error {
	var track string
	if opts.Align || out.dub != nil {
		track = filepath.Join(work, "track.pcm")
		f, err := os.Create(track)
		if err != nil {
			return fmt.Errorf("creating the dub track: %w", err)
		}
		rep, err := dub.Align(ctx, clips, tp.plan.Duration, f, dub.Options{TempDir: work})
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("writing the dub track: %w", cerr)
		}
		if err != nil {
			return err
		}
		if rep.SpedUp > 0 {
			a.infof("%s: the speech of %d of %d pieces was sped up (at most %.1f×) to fit before the next", in.Name, rep.SpedUp, len(clips), dub.MaxTempo)
		}
		if rep.Cut > 0 {
			a.warnf("%s: the speech of %d of %d pieces ran past the next even at %.1f× speed; %.1f s of it was cut", in.Name, rep.Cut, len(clips), dub.MaxTempo, rep.CutOff.Seconds())
		}
	}
	if out.audio != nil {
		sources := []string{track}
		if track == "" || !opts.Align {
			sources = sources[:0]
			for _, c := range clips {
				if c.Path != "" {
					sources = append(sources, c.Path)
				}
			}
		}
		for _, p := range sources {
			if err := copyFile(out.audio, p); err != nil {
				return err
			}
		}
	}
	if out.dub != nil {
		c, _ := dub.ContainerFor(out.dub.Path())
		mix := opts.DubMix
		if mix > 0 && !tp.hasAudio {
			a.warnf("%s has no sound to keep under the dub: --dub-mix ignored", in.Name)
			mix = 0
		}
		if err := dub.Mux(ctx, in.Path, track, out.dub.Name(), dub.MuxOptions{Container: c, Mix: mix}); err != nil {
			return err
		}
	}
	return nil
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

// timedSingle is the one-input timed run: subtitles or text to stdout or -o, speech to
// --audio-out, the dubbed video to --dub. Every file appears only when all of them are complete.
func (a *app) timedSingle(ctx context.Context, s *settings, opts *translateOptions, it batch.Item) error {
	r, err := a.openSingleResults(opts, opts.Dub)
	if err != nil {
		return err
	}
	defer r.close()
	to := timedOut{text: newTimedText(r.out, s, s.format), audio: r.audio}
	if opts.Dub != "" {
		if to.dub, err = atomicfile.Create(opts.Dub, opts.Overwrite); err != nil {
			return err
		}
		defer to.dub.Abort()
	}
	tr, err := a.translateTimed(ctx, s, opts, a.newRunner(s), it, to, r.outputs)
	if err != nil {
		return err
	}
	if err := r.commitSpeech(tr, opts.AudioOut); err != nil {
		return err
	}
	if to.dub != nil {
		if err := to.dub.Commit(); err != nil {
			return err
		}
		tr.DubFile = &opts.Dub
	}
	if err := to.text.finish(tr); err != nil {
		return err
	}
	a.reportUsage(tr)
	if tr.AudioFile != nil {
		a.infof("wrote %s (%.3f s of speech)", *tr.AudioFile, *tr.AudioSeconds)
	}
	if tr.DubFile != nil {
		a.infof("wrote %s", *tr.DubFile)
	}
	if err := r.commitText(); err != nil {
		return err
	}
	if tr.FinishReason == "length" {
		a.warnf("%s: a piece's translation was cut short at the output limit (finish_reason: length); raise --max-tokens (at most 4096)", it.Name)
		return &silentExit{code: exitTruncated}
	}
	return nil
}

// timedToDir is one input of a batch with timed output: NAME.<code>.srt (.vtt; .txt for the
// other formats), NAME.<code>.wav with --speech (aligned with --align), NAME.<code>.json with
// --format json. The text file is committed last: it marks the input done for a rerun.
func (a *app) timedToDir(ctx context.Context, s *settings, opts *translateOptions, runner *translate.Runner, it batch.Item) outcome {
	ext := ".txt"
	if s.subs != 0 {
		ext = s.subs.Ext()
	}
	fail := func(err error) outcome { return outcome{status: "failed", err: err} }
	d, skip, err := a.openDirResults(s, opts, it, ext)
	switch {
	case skip:
		return outcome{status: "skipped"}
	case err != nil:
		return fail(err)
	}
	defer d.abort()
	to := timedOut{text: newTimedText(d.bw, s, "text")}
	if d.wav != nil {
		to.audio = d.wav
	}
	tr, err := a.translateTimed(ctx, s, opts, runner, it, to, d.outputs)
	if err == nil {
		err = to.text.finish(tr)
	}
	if err == nil {
		err = d.commit(s, tr)
	}
	if err != nil {
		return fail(err)
	}
	a.reportUsage(tr)
	if tr.FinishReason == "length" {
		a.warnf("%s: a piece's translation was cut short at the output limit (finish_reason: length)", it.Name)
	}
	return outcome{status: "translated", usage: tr.Usage, cost: tr.EstimatedCost, cur: tr.Currency}
}

func writeJSONFile(path string, tr *translation) error {
	f, err := atomicfile.Create(path, true)
	if err != nil {
		return err
	}
	defer f.Abort()
	e := json.NewEncoder(f)
	e.SetIndent("", "  ")
	if err := e.Encode(tr); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Commit()
}
