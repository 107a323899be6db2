package fakeapi

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os/exec"
	"strconv"
	"time"
)

// audioFormats are the input_audio.format values the service accepts.
var audioFormats = []string{"wav", "mp3", "flac", "aac", "ogg", "opus", "m4a", "wma", "amr"}

func knownAudioFormat(f string) bool {
	for _, a := range audioFormats {
		if a == f {
			return true
		}
	}
	return false
}

var (
	magicASF  = []byte{0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11}
	magicEBML = []byte{0x1A, 0x45, 0xDF, 0xA3}
)

func isRIFF(h []byte, form string) bool {
	return len(h) >= 12 && (string(h[:4]) == "RIFF" || string(h[:4]) == "RF64") && string(h[8:12]) == form
}

func isFtyp(h []byte) bool { return len(h) >= 8 && string(h[4:8]) == "ftyp" }

// skipID3 returns h after a leading ID3v2 tag, when the tag fits in h.
func skipID3(h []byte) ([]byte, bool) {
	if len(h) < 10 || string(h[:3]) != "ID3" {
		return h, false
	}
	size := int(h[6]&0x7f)<<21 | int(h[7]&0x7f)<<14 | int(h[8]&0x7f)<<7 | int(h[9]&0x7f)
	end := 10 + size
	if h[5]&0x10 != 0 {
		end += 10 // footer
	}
	if end > len(h) {
		return nil, true
	}
	return h[end:], true
}

// isMPEGAudioSync reports an MPEG audio frame header (layer I-III).
func isMPEGAudioSync(h []byte) bool {
	return len(h) >= 2 && h[0] == 0xFF && h[1]&0xE0 == 0xE0 && h[1]&0x06 != 0
}

// isADTS reports an AAC ADTS frame header (MPEG sync with layer 00).
func isADTS(h []byte) bool {
	return len(h) >= 2 && h[0] == 0xFF && h[1]&0xF6 == 0xF0
}

// audioMagicMatches reports whether head plausibly holds format. It is as
// tolerant as a demuxer probe: ID3 tags may precede MP3, AAC and FLAC data.
func audioMagicMatches(format string, head []byte) bool {
	switch format {
	case "wav":
		return isRIFF(head, "WAVE")
	case "mp3":
		if rest, tagged := skipID3(head); tagged {
			return rest == nil || isMPEGAudioSync(rest) || len(rest) == 0
		}
		return isMPEGAudioSync(head)
	case "aac":
		rest, tagged := skipID3(head)
		if tagged && rest == nil {
			return true
		}
		return isADTS(rest) || bytes.HasPrefix(rest, []byte("ADIF"))
	case "flac":
		rest, tagged := skipID3(head)
		if tagged && rest == nil {
			return true
		}
		return bytes.HasPrefix(rest, []byte("fLaC"))
	case "ogg":
		return bytes.HasPrefix(head, []byte("OggS"))
	case "opus":
		return bytes.HasPrefix(head, []byte("OggS")) || bytes.HasPrefix(head, magicEBML)
	case "m4a":
		return isFtyp(head)
	case "wma":
		return bytes.HasPrefix(head, magicASF)
	case "amr":
		return bytes.HasPrefix(head, []byte("#!AMR"))
	}
	return false
}

// videoContainer names the container in head, or "" when none is recognised.
func videoContainer(head []byte) string {
	switch {
	case isFtyp(head):
		return "mp4"
	case len(head) >= 8 && (string(head[4:8]) == "moov" || string(head[4:8]) == "mdat" || string(head[4:8]) == "wide" || string(head[4:8]) == "free"):
		return "mov"
	case bytes.HasPrefix(head, magicEBML):
		return "matroska"
	case isRIFF(head, "AVI "):
		return "avi"
	case bytes.HasPrefix(head, magicASF):
		return "asf"
	case bytes.HasPrefix(head, []byte("FLV")):
		return "flv"
	case len(head) > 188 && head[0] == 0x47 && head[188] == 0x47:
		return "mpegts"
	case bytes.HasPrefix(head, []byte{0, 0, 1, 0xBA}):
		return "mpeg"
	}
	return ""
}

// wavDuration parses a RIFF/WAVE header in head and returns the duration of
// the data chunk, trusting the bytes actually sent over a size field that is
// a placeholder (0 or 0xFFFFFFFF, as streaming writers leave it) or too big.
func wavDuration(head []byte, total int64) (time.Duration, bool) {
	if !isRIFF(head, "WAVE") {
		return 0, false
	}
	var byteRate uint32
	for off := 12; off+8 <= len(head); {
		id := string(head[off : off+4])
		size := binary.LittleEndian.Uint32(head[off+4 : off+8])
		body := off + 8
		switch id {
		case "fmt ":
			if body+12 > len(head) {
				return 0, false
			}
			byteRate = binary.LittleEndian.Uint32(head[body+8 : body+12])
		case "data":
			if byteRate == 0 {
				return 0, false
			}
			avail := total - int64(body)
			n := int64(size)
			if n == 0 || size == math.MaxUint32 || n > avail {
				n = avail
			}
			if n < 0 {
				n = 0
			}
			return time.Duration(float64(n) / float64(byteRate) * float64(time.Second)), true
		}
		off = body + int(size) + int(size&1)
	}
	return 0, false
}

// probeResult is what ffprobe says about a spooled file.
type probeResult struct {
	Duration      time.Duration
	Width, Height int
	HasVideo      bool
	HasAudio      bool
}

// ffprobe runs the ffprobe binary at path on file.
func ffprobe(ctx context.Context, path, file string) (probeResult, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "-v", "error",
		"-show_entries", "format=duration:stream=codec_type,width,height",
		"-of", "json", file).Output()
	if err != nil {
		return probeResult{}, fmt.Errorf("ffprobe %s: %w", file, err)
	}
	var parsed struct {
		Streams []struct {
			CodecType string `json:"codec_type"`
			Width     int    `json:"width"`
			Height    int    `json:"height"`
		} `json:"streams"`
		Format struct {
			Duration string `json:"duration"`
		} `json:"format"`
	}
	if err := json.Unmarshal(out, &parsed); err != nil {
		return probeResult{}, fmt.Errorf("parse ffprobe output: %w", err)
	}
	var r probeResult
	for _, s := range parsed.Streams {
		switch s.CodecType {
		case "video":
			if !r.HasVideo {
				r.HasVideo, r.Width, r.Height = true, s.Width, s.Height
			}
		case "audio":
			r.HasAudio = true
		}
	}
	if secs, err := strconv.ParseFloat(parsed.Format.Duration, 64); err == nil && secs >= 0 {
		r.Duration = time.Duration(secs * float64(time.Second))
	}
	return r, nil
}

// audioTokens is the service's 12.5 tokens per second of audio, with short
// audio billed as one second.
func audioTokens(d time.Duration) int {
	secs := max(d.Seconds(), 1)
	return int(math.Ceil(secs * 12.5))
}

// videoTokens follows the vendor's published Python for visual tokens: 2
// frames per second clamped to [4, 128], frames resized to multiples of 32
// within the pixel bounds, ceil(frames/2) × (H/32) × (W/32) + 2.
func videoTokens(d time.Duration, width, height int) int {
	const (
		factor      = 32
		minPixels   = 128 * factor * factor
		maxPixels   = 768 * factor * factor
		totalPixels = 16384 * factor * factor
		frameFactor = 2
	)
	frames := d.Seconds() * 2
	frames = min(max(frames, 4), 128)
	nframes := int(math.Floor(frames/frameFactor)) * frameFactor
	perFrameMax := max(min(float64(maxPixels), float64(totalPixels)/float64(nframes)*frameFactor), float64(minPixels)*1.05)
	h, w := smartResize(height, width, factor, float64(minPixels), perFrameMax)
	return int(math.Ceil(float64(nframes)/2))*(h/factor)*(w/factor) + 2
}

func smartResize(height, width, factor int, minPixels, maxPixels float64) (int, int) {
	f := float64(factor)
	hb := max(f, math.Round(float64(height)/f)*f)
	wb := max(f, math.Round(float64(width)/f)*f)
	switch {
	case hb*wb > maxPixels:
		beta := math.Sqrt(float64(height) * float64(width) / maxPixels)
		hb = max(f, math.Floor(float64(height)/beta/f)*f)
		wb = max(f, math.Floor(float64(width)/beta/f)*f)
	case hb*wb < minPixels:
		beta := math.Sqrt(minPixels / (float64(height) * float64(width)))
		hb = math.Ceil(float64(height)*beta/f) * f
		wb = math.Ceil(float64(width)*beta/f) * f
	}
	return int(hb), int(wb)
}
