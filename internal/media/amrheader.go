package media

import (
	"bufio"
	"io"
)

// AMR storage format (RFC 4867 §5): a magic line, then frames of one header byte and a payload
// whose length the header's frame type gives. Frame lengths, header byte included, as ffmpeg's
// amr demuxer has them; 0 marks a frame type reserved in the storage format, refused here.
var (
	amrNBFrameLen = [16]int{13, 14, 16, 18, 20, 21, 27, 32, 6, 0, 0, 0, 0, 0, 0, 1}
	amrWBFrameLen = [16]int{18, 24, 33, 37, 41, 47, 51, 59, 61, 6, 0, 0, 0, 0, 1, 1}
)

// amrProbe counts the frames of a single-channel AMR-NB or AMR-WB file, 20 ms each, where
// ffprobe estimates the length from the bit rate (off by more than 100 ms on a few seconds of
// speech, since silence is coded in small frames). The frames must end exactly at the end of the
// file; anything else, the multi-channel format or a file too large to read cheaply, is left
// to ffprobe.
func amrProbe(r io.ReaderAt, size int64) (*ProbeInfo, bool) {
	if size > maxCountedSize {
		return nil, false
	}
	br := bufio.NewReaderSize(io.NewSectionReader(r, 0, size), 64<<10)
	var (
		lengths *[16]int
		codec   string
		rate    int
		off     int64
	)
	switch magic, _ := br.Peek(9); {
	case string(magic[:min(len(magic), 6)]) == "#!AMR\n":
		lengths, codec, rate, off = &amrNBFrameLen, "amr_nb", 8000, 6
	case string(magic) == "#!AMR-WB\n":
		lengths, codec, rate, off = &amrWBFrameLen, "amr_wb", 16000, 9
	default:
		return nil, false
	}
	if _, err := br.Discard(int(off)); err != nil {
		return nil, false
	}
	var frames int64
	for off < size {
		h, err := br.ReadByte()
		if err != nil || h&0x83 != 0 { // the padding bits are zero
			return nil, false
		}
		n := lengths[h>>3&15]
		if n == 0 {
			return nil, false
		}
		if _, err := br.Discard(n - 1); err != nil {
			return nil, false // the last frame is cut short
		}
		off += int64(n)
		frames++
	}
	samplesPerFrame := int64(rate / 50)
	return audioInfo("amr", codec, rate, 1, samplesToMicros(frames*samplesPerFrame, int64(rate)), size)
}
