package media

import (
	"bytes"
	"encoding/binary"
	"io"
)

// mpegFrame is the header of one MPEG audio layer III frame.
type mpegFrame struct {
	header   uint32
	lsf      bool // MPEG-2 or 2.5 ("low sampling frequency"): 576 samples a frame, not 1152
	mono     bool
	rate     int // samples per second
	bitRate  int // bits per second
	size     int // bytes, header included
	samples  int // per frame
	xingSkip int // from the frame's start to a Xing/Info tag: header and side information
}

// mpegSameStream masks the header bits that stay the same through a stream (sync, version,
// layer, sample rate), as ffmpeg's mp3 demuxer compares consecutive frames.
const mpegSameStream = 0xFFE00000 | 3<<19 | 3<<17 | 3<<10

var (
	mpegBitRates = [2][16]int{ // kbit/s by index: MPEG-1, then MPEG-2/2.5; 0 = free format, refused
		{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0},
		{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0},
	}
	mpegRates = [3]int{44100, 48000, 32000} // MPEG-1; halved for MPEG-2, quartered for 2.5
)

// parseMPEGFrame reads a layer III frame header; layers I and II (codec "mp1"/"mp2" to
// ffprobe) and free-format frames are left to ffprobe.
func parseMPEGFrame(b []byte) (mpegFrame, bool) {
	if len(b) < 4 {
		return mpegFrame{}, false
	}
	h := binary.BigEndian.Uint32(b)
	version := h >> 19 & 3 // 0: MPEG-2.5, 1: reserved, 2: MPEG-2, 3: MPEG-1
	layer := h >> 17 & 3   // 1: layer III
	brIndex := h >> 12 & 15
	rateIndex := h >> 10 & 3
	if h&0xFFE00000 != 0xFFE00000 || version == 1 || layer != 1 || rateIndex == 3 {
		return mpegFrame{}, false
	}
	f := mpegFrame{header: h, lsf: version != 3, mono: h>>6&3 == 3}
	table := 0
	f.rate = mpegRates[rateIndex]
	switch version {
	case 2:
		table, f.rate = 1, f.rate/2
	case 0:
		table, f.rate = 1, f.rate/4
	}
	f.bitRate = mpegBitRates[table][brIndex] * 1000
	if f.bitRate == 0 {
		return mpegFrame{}, false
	}
	padding := int(h >> 9 & 1)
	f.samples = 1152
	if f.lsf {
		f.samples = 576
	}
	f.size = f.samples/8*f.bitRate/f.rate + padding
	// ffmpeg's xing_offtbl: side information is 32/17 bytes (MPEG-1 stereo/mono), 17/9 (MPEG-2).
	switch {
	case !f.lsf && !f.mono:
		f.xingSkip = 4 + 32
	case f.lsf && f.mono:
		f.xingSkip = 4 + 9
	default:
		f.xingSkip = 4 + 17
	}
	return f, true
}

// id3v2End returns where the ID3v2 tags at the start of a file end (0 without one): the
// tag's declared size, plus its footer, for each tag in a row, as ffmpeg skips them.
func id3v2End(r io.ReaderAt, size int64) (int64, bool) {
	var off int64
	for range 16 {
		hdr, ok := readAt(r, off, 10)
		if !ok || !bytes.Equal(hdr[:3], []byte("ID3")) {
			return off, true
		}
		if hdr[3] == 0xFF || hdr[4] == 0xFF || hdr[6]|hdr[7]|hdr[8]|hdr[9] >= 0x80 {
			return 0, false // not a valid tag header
		}
		n := int64(hdr[6])<<21 | int64(hdr[7])<<14 | int64(hdr[8])<<7 | int64(hdr[9])
		off += 10 + n
		if hdr[5]&0x10 != 0 {
			off += 10 // footer
		}
		if off > size {
			return 0, false
		}
	}
	return 0, false
}

// mp3Probe reads an MP3's length as ffmpeg's mp3 demuxer does, when the first frame (right
// after any ID3v2 tag, where ffmpeg looks) is followed by a second of the same stream and either
//
//   - carries a Xing/Info or VBRI tag with both a frame count and a byte count that agrees with
//     the file's size (ffmpeg distrusts the count otherwise): length = frames × samples a frame;
//   - or the file is constant-bit-rate: every frame in the first 64 KiB and the frames at the
//     end (up to an ID3v1 tag) have the first frame's bit rate. ffprobe then estimates the
//     length as the bytes after the ID3v2 tag over the bit rate, and so is it done here, to the
//     same microsecond. (A variable-rate file without a tag whose first 64 KiB and last frames
//     happen to share one rate is misread by both alike.)
func mp3Probe(r io.ReaderAt, size int64) (*ProbeInfo, bool) {
	start, ok := id3v2End(r, size)
	if !ok {
		return nil, false
	}
	head, ok := readAt(r, start, int(min(size-start, 64<<10)))
	if !ok {
		return nil, false
	}
	first, ok := parseMPEGFrame(head)
	if !ok || first.size+4 > len(head) {
		return nil, false
	}
	if second, ok := parseMPEGFrame(head[first.size:]); !ok || second.header&mpegSameStream != first.header&mpegSameStream {
		return nil, false
	}
	channels := 2
	if first.mono {
		channels = 1
	}
	if frames, bytes, tagged := mp3FrameCount(head, first); tagged {
		// ffmpeg compares the tag's byte count with the file from just after the first header.
		fsize := uint64(size - start - 4)
		lo, hi := min(fsize, bytes), max(fsize, bytes)
		if frames == 0 || bytes == 0 || hi-lo > lo>>4 {
			return nil, false // a concatenated, truncated or growing file: ffprobe estimates
		}
		micros := samplesToMicros(int64(frames)*int64(first.samples), int64(first.rate))
		return audioInfo("mp3", "mp3", first.rate, channels, micros, size)
	}
	end := mp3StreamEnd(r, size, start)
	if !mpegConstantRate(head[:min(int64(len(head)), end-start)], first, end-start <= int64(len(head))) ||
		!mp3EndsConstant(r, start, end, first) {
		return nil, false
	}
	// ffmpeg: duration = 8·bytes / bit rate in the stream's time base (1/14112000 s, a multiple
	// of every MPEG sample rate), rounded, then rescaled to microseconds, rounded again.
	const tb = 14_112_000
	bits := (size - start) * 8
	if bits <= 0 || bits > 1<<50 {
		return nil, false
	}
	ticks := (bits*tb + int64(first.bitRate)/2) / int64(first.bitRate)
	micros := (ticks*1_000_000 + tb/2) / tb
	return audioInfo("mp3", "mp3", first.rate, channels, micros, size)
}

// mp3FrameCount reads a Xing/Info tag (at the end of the first frame's side information) or a
// VBRI tag (32 bytes after its header) from the first frame; tagged is false when there is
// neither, or the tag lacks the frame and byte counts.
func mp3FrameCount(head []byte, first mpegFrame) (frames, bytes uint64, tagged bool) {
	frame := head[:first.size]
	be := binary.BigEndian
	if x := first.xingSkip; x+16 <= len(frame) {
		if id := string(frame[x : x+4]); id == "Xing" || id == "Info" {
			const framesFlag, bytesFlag = 1, 2
			flags := be.Uint32(frame[x+4:])
			if flags&framesFlag == 0 || flags&bytesFlag == 0 {
				return 0, 0, false
			}
			return uint64(be.Uint32(frame[x+8:])), uint64(be.Uint32(frame[x+12:])), true
		}
	}
	if v := 4 + 32; v+18 <= len(frame) && string(frame[v:v+4]) == "VBRI" && be.Uint16(frame[v+4:]) == 1 {
		return uint64(be.Uint32(frame[v+14:])), uint64(be.Uint32(frame[v+10:])), true
	}
	return 0, 0, false
}

// mpegConstantRate walks the frames in head (the start of the stream) and reports whether all
// have the first one's bit rate and stream; the last may be cut off by head's end, unless head
// is the whole stream.
func mpegConstantRate(head []byte, first mpegFrame, whole bool) bool {
	off, n := 0, 0
	for off+4 <= len(head) {
		f, ok := parseMPEGFrame(head[off:])
		if !ok || f.header&mpegSameStream != first.header&mpegSameStream || f.bitRate != first.bitRate {
			return false
		}
		off += f.size
		n++
	}
	return n >= 2 && (!whole || off == len(head))
}

// mp3StreamEnd is where the frames of an MP3 end: before an ID3v1 tag, if there is one.
func mp3StreamEnd(r io.ReaderAt, size, start int64) int64 {
	if size-start > 128 {
		if tag, ok := readAt(r, size-128, 3); ok && string(tag) == "TAG" {
			return size - 128
		}
	}
	return size
}

// mp3EndsConstant looks at the end of the stream for a run of frames with the first frame's bit
// rate that ends exactly there.
func mp3EndsConstant(r io.ReaderAt, start, end int64, first mpegFrame) bool {
	n := min(end-start, 8<<10)
	tail, ok := readAt(r, end-n, int(n))
	if !ok {
		return false
	}
	for i := 0; i+4 <= len(tail); i++ {
		off, frames := i, 0
		for off+4 <= len(tail) {
			f, ok := parseMPEGFrame(tail[off:])
			if !ok || f.header&mpegSameStream != first.header&mpegSameStream || f.bitRate != first.bitRate {
				break
			}
			off += f.size
			frames++
		}
		if off == len(tail) && frames >= 2 {
			return true
		}
	}
	return false
}
