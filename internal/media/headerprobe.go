package media

import (
	"io"
	"math"
	"time"
)

// Reading an audio file's own headers instead of running ffprobe.
//
// ffprobe costs 30–55 ms of wall time and ~50 MB of memory per file: most of the time from start
// to the first request byte, and most of a batch's CPU. resolveFile asks it three things:
//
//  1. can the file be read at all (else a usage error, before anything is uploaded);
//  2. which streams it holds: audio or video, the codec, the sample rate (decide turns those into
//     the format to send, or a conversion when the codec or the rate is one the service refuses);
//  3. how long it is (planning turns that into token estimates and cut points).
//
// For the formats the service takes as they are, the magic numbers already settle the kind:
// an MP3, FLAC, ADTS AAC, Ogg or AMR file holds audio, and decide ignores any picture in it.
// What is left, the codec, the sample rate and the length, is written in the file's headers,
// and the readers here take it from there when, and only when, they can take it exactly:
//
//   - MP3: the Xing/Info or VBRI frame count (ffprobe's own source), or, in a constant-bit-rate
//     file with no such frame, ffprobe's own estimate from the size and the bit rate;
//   - FLAC: STREAMINFO's sample count;
//   - Ogg Opus: the granule position of the last page (read from the end of the file);
//   - ADTS AAC and AMR: the frames, counted (both have a small header on every frame; ffprobe
//     only estimates these two from the bit rate, and misses by hundreds of milliseconds);
//   - MP4/M4A holding one AAC audio track and nothing else: the movie header's duration.
//
// Each reader checks the structure it walks (the frame after the first, page checksums, that the
// frames or pages end exactly at the end of the file) and answers ok=false at the first thing
// it does not expect: a damaged or unusual file, a codec the service does not take (Speex in
// Ogg, ALAC in MP4), a stream that does not start at zero, a file too large to count cheaply.
// ffprobe then decides exactly as before, so every file ffprobe refuses as undecodable is still
// refused: those are files whose headers do not parse, and no reader here accepts one. (A file
// with a well-formed header and damaged audio behind it is accepted by ffprobe too: it reads
// headers and a few frames, not the whole file.) Ogg Vorbis is left to ffprobe: a Vorbis
// packet's length depends on modes at the end of the setup header, and without them the start of
// the stream cannot be told exactly.
//
// Where the header tells it, the duration is ffprobe's to the microsecond (tests hold them to
// it); where ffprobe estimates (ADTS, AMR) it is the exact length, which planning is better for.
// An MP3's length includes the encoder's padding (up to ~80 ms over the source), as ffprobe's
// does. Sample rates read from an AAC header are the core rate: an HE-AAC stream decodes at
// twice that, which ffprobe reports after decoding a frame. That cannot change a decision here:
// the service takes 8–48 kHz, and HE-AAC encoders run the core at half an output rate of at most
// 48 kHz, so a core rate inside the range stays inside it when doubled (8–24 kHz) or belongs to
// plain AAC (32–48 kHz); core rates below 8 kHz are left to ffprobe.

// probeFromHeader returns what ffprobe would say of the file, read from its headers, or ok=false
// to have ffprobe read it.
func probeFromHeader(r io.ReaderAt, size int64, s sniffed) (info *ProbeInfo, ok bool) {
	if s.class == classISO {
		return isoAudioProbe(r, size)
	}
	if s.class != classServiceAudio {
		return nil, false
	}
	switch s.audioFormat {
	case "wav":
		return wavHeaderProbe(r, size)
	case "mp3":
		return mp3Probe(r, size)
	case "flac":
		return flacProbe(r, size)
	case "ogg", "opus":
		return oggProbe(r, size)
	case "aac":
		return adtsProbe(r, size)
	case "amr":
		return amrProbe(r, size)
	}
	return nil, false
}

// maxCountedSize bounds the files whose frames are counted (ADTS, AMR): reading one costs about
// a millisecond per 10 MB from the page cache, and the request reads the file again right after
// (so the read warms the cache for it), but beyond this ffprobe's fixed cost is the cheaper.
const maxCountedSize = 64 << 20

// audioInfo is the ProbeInfo of a file holding one audio stream, as ffprobe reports it: the
// bit rate is the file's size over its duration.
func audioInfo(format, codec string, rate, channels int, micros, size int64) (*ProbeInfo, bool) {
	if micros <= 0 || rate <= 0 || channels <= 0 {
		return nil, false
	}
	return &ProbeInfo{
		FormatName: format,
		Duration:   time.Duration(micros) * time.Microsecond,
		BitRate:    int64(math.Round(float64(size) * 8 * 1e6 / float64(micros))),
		Streams: []StreamInfo{{Index: 0, CodecType: "audio", CodecName: codec, SampleRate: rate, Channels: channels,
			Duration: time.Duration(micros) * time.Microsecond}},
	}, true
}

// maxSamples bounds sample counts so that microsecond arithmetic cannot overflow: 2^40 samples
// is over 200 days at 48 kHz.
const maxSamples = 1 << 40

// samplesToMicros converts n samples at rate to microseconds, rounded to nearest as ffmpeg
// rescales time stamps; -1 when n is out of range.
func samplesToMicros(n, rate int64) int64 {
	if n <= 0 || n > maxSamples || rate <= 0 {
		return -1
	}
	return (n*1_000_000 + rate/2) / rate
}

// readAt reads exactly n bytes at off, or reports false.
func readAt(r io.ReaderAt, off int64, n int) ([]byte, bool) {
	if off < 0 || n < 0 {
		return nil, false
	}
	b := make([]byte, n)
	k, err := r.ReadAt(b, off)
	if k < n {
		return nil, false
	}
	_ = err // io.EOF with a full read is a full read
	return b, true
}
