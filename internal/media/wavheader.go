package media

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"time"
)

// WAV format tags of the fmt chunk.
const (
	wavTagPCM        = 1
	wavTagFloat      = 3
	wavTagExtensible = 0xFFFE
)

// wavSubformatTail is the part of a WAVE_FORMAT_EXTENSIBLE subformat GUID after its first two
// bytes (which hold the format tag): KSDATAFORMAT_SUBTYPE_PCM and _IEEE_FLOAT share it.
var wavSubformatTail = []byte{0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}

// wavHeaderProbe reads what ffprobe would report of a plain PCM or float WAV from its header
// alone: its duration, sample rate, channels and codec. ffprobe costs 30–50 ms of CPU and
// ~50 MB of memory per file, most of a small input's overhead in a batch, and for such a file it
// reads the same header. ok is false for anything less plain (RF64, a compressed codec, a
// placeholder or missing data size, fields that disagree), which is left to ffprobe.
//
// The figures follow ffprobe's: the duration is that of the sample frames in the data chunk (or
// in what the file still holds when the chunk claims more: a truncated file), to the
// microsecond; the bit rate is the file's size over that duration.
func wavHeaderProbe(r io.ReaderAt, size int64) (info *ProbeInfo, ok bool) {
	var riff [12]byte
	if _, err := r.ReadAt(riff[:], 0); err != nil || string(riff[0:4]) != "RIFF" || string(riff[8:12]) != "WAVE" {
		return nil, false
	}
	var (
		fmtChunk []byte
		hdr      [8]byte
	)
	off := int64(12)
	for range 1000 { // a real file has a handful of chunks; this bounds a corrupt chain
		if off+8 > size {
			return nil, false
		}
		if _, err := r.ReadAt(hdr[:], off); err != nil {
			return nil, false
		}
		id, n := string(hdr[:4]), int64(binary.LittleEndian.Uint32(hdr[4:]))
		switch id {
		case "fmt ":
			if fmtChunk != nil || n < 16 || n > 1024 || off+8+n > size {
				return nil, false
			}
			fmtChunk = make([]byte, n)
			if _, err := r.ReadAt(fmtChunk, off+8); err != nil {
				return nil, false
			}
		case "data":
			if fmtChunk == nil || n == 0 || n == 0xFFFFFFFF {
				return nil, false
			}
			return wavInfo(fmtChunk, min(n, size-(off+8)), size)
		}
		off += 8 + n + n&1 // chunks are padded to an even length
	}
	return nil, false
}

// wavInfo turns a fmt chunk and the data bytes present into ffprobe's reading.
func wavInfo(fmtChunk []byte, dataBytes, fileSize int64) (*ProbeInfo, bool) {
	le := binary.LittleEndian
	tag := le.Uint16(fmtChunk[0:])
	channels := int(le.Uint16(fmtChunk[2:]))
	rate := int(le.Uint32(fmtChunk[4:]))
	byteRate := int(le.Uint32(fmtChunk[8:]))
	blockAlign := int(le.Uint16(fmtChunk[12:]))
	bits := int(le.Uint16(fmtChunk[14:]))
	if tag == wavTagExtensible {
		// cbSize, valid bits, channel mask, then the subformat GUID.
		if len(fmtChunk) < 40 || le.Uint16(fmtChunk[16:]) < 22 || int(le.Uint16(fmtChunk[18:])) != bits ||
			!bytes.Equal(fmtChunk[26:40], wavSubformatTail) {
			return nil, false
		}
		tag = le.Uint16(fmtChunk[24:])
	}
	codec := wavCodecName(tag, bits)
	if codec == "" || channels < 1 || rate < 1 || blockAlign != channels*bits/8 || byteRate != rate*blockAlign {
		return nil, false
	}
	// A last partial frame counts as one, as ffprobe counts it; the microseconds are rounded to
	// nearest in integers, as ffmpeg rescales time stamps.
	frames := (dataBytes + int64(blockAlign) - 1) / int64(blockAlign)
	if frames <= 0 {
		return nil, false
	}
	micros := (frames*1_000_000 + int64(rate)/2) / int64(rate)
	info := &ProbeInfo{
		FormatName: "wav",
		Duration:   time.Duration(micros) * time.Microsecond,
		BitRate:    int64(math.Round(float64(fileSize) * 8 * 1e6 / float64(micros))),
		Streams: []StreamInfo{{Index: 0, CodecType: "audio", CodecName: codec, SampleRate: rate, Channels: channels,
			Duration: time.Duration(micros) * time.Microsecond}},
	}
	return info, true
}

// wavCodecName is ffprobe's codec name for uncompressed WAV data, "" for anything else.
func wavCodecName(tag uint16, bits int) string {
	switch {
	case tag == wavTagPCM && bits == 8:
		return "pcm_u8"
	case tag == wavTagPCM && bits == 16:
		return "pcm_s16le"
	case tag == wavTagPCM && bits == 24:
		return "pcm_s24le"
	case tag == wavTagPCM && bits == 32:
		return "pcm_s32le"
	case tag == wavTagFloat && bits == 32:
		return "pcm_f32le"
	case tag == wavTagFloat && bits == 64:
		return "pcm_f64le"
	}
	return ""
}

// wavDeclaredEnd is where a RIFF WAV whose first bytes are head ends by its own header: the end
// of its data chunk or of its RIFF chunk, whichever is later. ok is false when head is not a
// WAV's start or the header gives no size (0 or 0xFFFFFFFF: "until the end of the stream", as a
// WAV streamed through a pipe says).
func wavDeclaredEnd(head []byte) (end int64, ok bool) {
	if len(head) < 12 || string(head[0:4]) != "RIFF" || string(head[8:12]) != "WAVE" {
		return 0, false
	}
	known := func(n uint32) bool { return n != 0 && n != 0xFFFFFFFF }
	le := binary.LittleEndian
	if riff := le.Uint32(head[4:]); known(riff) {
		end, ok = int64(riff)+8, true
	}
	for off := int64(12); off+8 <= int64(len(head)); {
		id, n := string(head[off:off+4]), le.Uint32(head[off+4:])
		if id == "data" {
			if !known(n) {
				return 0, false
			}
			return max(end, off+8+int64(n)+int64(n&1)), true
		}
		off += 8 + int64(n) + int64(n&1)
	}
	return end, ok
}
