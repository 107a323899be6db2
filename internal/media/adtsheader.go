package media

import (
	"bufio"
	"io"
)

// aacRates are the sample rates of the MPEG-4 audio sampling frequency indexes.
var aacRates = [...]int{96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350}

// adtsProbe counts the frames of an ADTS AAC stream: every frame starts with a header giving
// its length and how many 1024-sample blocks it holds, so the count is exact, where ffprobe
// estimates the length from the bit rate (hundreds of milliseconds off on a few seconds of
// speech). Every header must agree with the first (same profile, rate and channels) and the
// frames must end exactly at the end of the file; anything else, a file too large to read
// cheaply, a rate below 8 kHz (see headerprobe.go) or channels set by a program config element,
// is left to ffprobe.
func adtsProbe(r io.ReaderAt, size int64) (*ProbeInfo, bool) {
	if size > maxCountedSize {
		return nil, false
	}
	br := bufio.NewReaderSize(io.NewSectionReader(r, 0, size), 64<<10)
	var (
		first  [7]byte
		blocks int64
		off    int64
	)
	for off < size {
		h, err := br.Peek(7)
		if err != nil {
			return nil, false // a header cut short
		}
		// syncword 0xFFF, layer 0; then profile, rate index, private bit, channel configuration.
		if h[0] != 0xFF || h[1]&0xF6 != 0xF0 {
			return nil, false
		}
		if off == 0 {
			copy(first[:], h)
		} else if h[1] != first[1] || h[2]&0xFD != first[2]&0xFD || h[3]&0xC0 != first[3]&0xC0 {
			return nil, false // the stream changes its parameters
		}
		length := int64(h[3]&3)<<11 | int64(h[4])<<3 | int64(h[5]>>5)
		headerLen := int64(7)
		if h[1]&1 == 0 {
			headerLen = 9 // with a CRC
		}
		if length < headerLen {
			return nil, false
		}
		blocks += int64(h[6]&3) + 1
		if _, err := br.Discard(int(length)); err != nil {
			return nil, false // the last frame is cut short
		}
		off += length
	}
	rateIndex := int(first[2] >> 2 & 15)
	channelConfig := int(first[2]&1)<<2 | int(first[3]>>6)
	if rateIndex >= len(aacRates) || aacRates[rateIndex] < minSampleRate || channelConfig == 0 || blocks == 0 {
		return nil, false
	}
	rate := aacRates[rateIndex]
	channels := channelConfig
	if channelConfig == 7 {
		channels = 8
	}
	return audioInfo("aac", "aac", rate, channels, samplesToMicros(blocks*1024, int64(rate)), size)
}
