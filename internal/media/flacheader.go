package media

import (
	"encoding/binary"
	"io"
)

// flacProbe reads a native FLAC file's length from STREAMINFO's sample count, as ffmpeg's flac
// demuxer does, once the metadata blocks lead to a frame header. A count of zero ("unknown", as
// a streaming encoder leaves it) is left to ffprobe.
func flacProbe(r io.ReaderAt, size int64) (*ProbeInfo, bool) {
	head, ok := readAt(r, 0, 4+4+34)
	if !ok || string(head[:4]) != "fLaC" || head[4]&0x7F != 0 || binary.BigEndian.Uint32(head[4:])&0xFFFFFF != 34 {
		return nil, false // the first block must be a 34-byte STREAMINFO
	}
	info := head[8:]
	minBlock, maxBlock := binary.BigEndian.Uint16(info[0:]), binary.BigEndian.Uint16(info[2:])
	packed := binary.BigEndian.Uint64(info[10:])
	rate := int(packed >> 44)
	channels := int(packed>>41&7) + 1
	samples := int64(packed & (1<<36 - 1))
	if minBlock < 16 || maxBlock < minBlock || rate == 0 || rate > 655350 {
		return nil, false
	}
	// Walk the metadata blocks (a picture can make one large) to the first frame's sync code.
	off, last := int64(4), false
	for i := 0; i < 1000 && !last; i++ {
		hdr, ok := readAt(r, off, 4)
		if !ok {
			return nil, false
		}
		last = hdr[0]&0x80 != 0
		off += 4 + int64(binary.BigEndian.Uint32(hdr)&0xFFFFFF)
	}
	sync, ok := readAt(r, off, 2)
	if !last {
		return nil, false
	}
	if !ok || sync[0] != 0xFF || sync[1]&0xFE != 0xF8 {
		return nil, false
	}
	return audioInfo("flac", "flac", rate, channels, samplesToMicros(samples, int64(rate)), size)
}
