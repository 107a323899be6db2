package cmd

import (
	"math"
	"time"

	"github.com/livetranslate/livetranslate/internal/batch"
	"github.com/livetranslate/livetranslate/internal/dub"
	"github.com/livetranslate/livetranslate/internal/split"
	"github.com/livetranslate/livetranslate/internal/subtitle"
)

// Timed output: subtitles (--format srt|vtt), a dubbed video (--dub) and speech aligned to the
// source (--align). the pipeline cuts the input at its pauses into pieces of speech of at
// most --cue-max and places each piece's text and speech at its source time; here are its flags,
// its destinations and the printing of its text.

// checkTimed validates the flags of timed output and notes in s whether the run is timed.
func checkTimed(opts *translateOptions, s *settings) error {
	s.subs, _ = subtitle.ParseFormat(s.format)
	s.timed = s.subs != 0 || opts.Dub != "" || opts.Align
	if err := opts.checkCueMax(); err != nil {
		return err
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
	}
	if !s.timed {
		if opts.cueMaxGiven {
			return usagef("add --format srt|vtt, --dub FILE or --align", "--cue-max sets the pieces of subtitles and dubbing, and this run makes none")
		}
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

// checkCueMax checks --cue-max, the longest piece of speech of timed output and the longest
// utterance of live.
func (o *translateOptions) checkCueMax() error {
	if o.CueMax < time.Second || o.CueMax > time.Minute {
		return usagef("e.g. --cue-max 5s", "--cue-max %s is out of range: must be in [1s, 1m]", o.CueMax)
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
