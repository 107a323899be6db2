package media

import (
	"encoding/binary"
	"io"
)

// isoBox is one box of an ISO media (MP4/M4A/MOV) file: its type and where its payload lies.
type isoBox struct {
	kind       string
	start, end int64 // payload
}

// isoBoxes lists the boxes in [start, end) of r, reading only their headers.
func isoBoxes(r io.ReaderAt, start, end int64) ([]isoBox, bool) {
	var boxes []isoBox
	for off := start; off < end; {
		hdr, ok := readAt(r, off, 8)
		if !ok || len(boxes) >= 1000 {
			return nil, false
		}
		size, headerLen := int64(binary.BigEndian.Uint32(hdr)), int64(8)
		switch size {
		case 0: // to the end of the file
			size = end - off
		case 1: // a 64-bit size follows the type
			big, ok := readAt(r, off+8, 8)
			if !ok {
				return nil, false
			}
			size, headerLen = int64(binary.BigEndian.Uint64(big)), 16
		}
		if size < headerLen || size > end-off {
			return nil, false
		}
		boxes = append(boxes, isoBox{kind: string(hdr[4:8]), start: off + headerLen, end: off + size})
		off += size
	}
	return boxes, true
}

// isoChild returns the only box of the kind among boxes; ok is false if there is none or more.
func isoChild(boxes []isoBox, kind string) (isoBox, bool) {
	var found isoBox
	n := 0
	for _, b := range boxes {
		if b.kind == kind {
			found = b
			n++
		}
	}
	return found, n == 1
}

// isoPath descends from the payload of box through the given single children.
func isoPath(r io.ReaderAt, box isoBox, kinds ...string) (isoBox, bool) {
	for _, kind := range kinds {
		children, ok := isoBoxes(r, box.start, box.end)
		if !ok {
			return isoBox{}, false
		}
		if box, ok = isoChild(children, kind); !ok {
			return isoBox{}, false
		}
	}
	return box, true
}

// isoAudioProbe reads an MP4/M4A file that holds exactly one track, of AAC audio: the length
// from the movie header (ffprobe's format duration is the same figure), the sample rate and
// channels from the AAC decoder configuration. Such a file is audio whatever its brand says,
// and decide sends it as m4a, as it would after ffprobe. A file with any other track (video,
// chapters, a second audio track), another codec (ALAC, MP3 in MP4), an AAC configuration with
// explicit SBR/PS signalling, fragments, or a QuickTime sound description is left to ffprobe.
func isoAudioProbe(r io.ReaderAt, size int64) (*ProbeInfo, bool) {
	top, ok := isoBoxes(r, 0, size)
	if !ok {
		return nil, false
	}
	moov, ok := isoChild(top, "moov")
	if !ok {
		return nil, false
	}
	children, ok := isoBoxes(r, moov.start, moov.end)
	if !ok {
		return nil, false
	}
	traks, mvexes := 0, 0
	var trak isoBox
	for _, b := range children {
		switch b.kind {
		case "trak":
			trak = b
			traks++
		case "mvex":
			mvexes++
		}
	}
	mvhd, ok := isoChild(children, "mvhd")
	if !ok || traks != 1 || mvexes != 0 {
		return nil, false
	}
	micros, ok := isoMovieDuration(r, mvhd)
	if !ok {
		return nil, false
	}
	mdia, ok := isoPath(r, trak, "mdia")
	if !ok {
		return nil, false
	}
	hdlr, ok := isoPath(r, mdia, "hdlr")
	if !ok {
		return nil, false
	}
	if h, ok := readAt(r, hdlr.start+8, 4); !ok || string(h) != "soun" {
		return nil, false
	}
	stsd, ok := isoPath(r, mdia, "minf", "stbl", "stsd")
	if !ok {
		return nil, false
	}
	rate, channels, ok := isoAACConfig(r, stsd)
	if !ok {
		return nil, false
	}
	return audioInfo("mov,mp4,m4a,3gp,3g2,mj2", "aac", rate, channels, micros, size)
}

// isoMovieDuration reads mvhd's duration in microseconds, as ffmpeg rescales it.
func isoMovieDuration(r io.ReaderAt, mvhd isoBox) (int64, bool) {
	b, ok := readAt(r, mvhd.start, int(min(mvhd.end-mvhd.start, 32)))
	if !ok || len(b) < 20 {
		return 0, false
	}
	be := binary.BigEndian
	var timescale, duration uint64
	switch b[0] { // version
	case 0:
		timescale, duration = uint64(be.Uint32(b[12:])), uint64(be.Uint32(b[16:]))
		if duration == 0xFFFFFFFF {
			return 0, false // unknown
		}
	case 1:
		if len(b) < 32 {
			return 0, false
		}
		timescale, duration = uint64(be.Uint32(b[20:])), be.Uint64(b[24:])
	default:
		return 0, false
	}
	if timescale == 0 {
		return 0, false
	}
	return samplesToMicros(int64(min(duration, maxSamples+1)), int64(timescale)), true
}

// isoAACConfig reads the single sample description of a track: an ISO "mp4a" entry (version 0)
// whose decoder configuration is MPEG-4 AAC (object types 1–4), giving its sample rate and
// channels as ffprobe reads them from the AudioSpecificConfig.
func isoAACConfig(r io.ReaderAt, stsd isoBox) (rate, channels int, ok bool) {
	b, ok := readAt(r, stsd.start, int(min(stsd.end-stsd.start, 4096)))
	if !ok || len(b) < 8+36 || binary.BigEndian.Uint32(b[4:]) != 1 {
		return 0, 0, false
	}
	entry := b[8:]
	entrySize := int(binary.BigEndian.Uint32(entry))
	if string(entry[4:8]) != "mp4a" || entrySize < 36 || entrySize > len(entry) {
		return 0, 0, false
	}
	entry = entry[:entrySize]
	if binary.BigEndian.Uint16(entry[16:]) != 0 { // QuickTime sound description versions 1 and 2
		return 0, 0, false
	}
	// The entry's child boxes follow its 28 bytes of fields: find esds.
	for off := 36; off+8 <= len(entry); {
		size := int(binary.BigEndian.Uint32(entry[off:]))
		if size < 8 || off+size > len(entry) {
			return 0, 0, false
		}
		if string(entry[off+4:off+8]) == "esds" {
			return aacFromESDS(entry[off+8 : off+size])
		}
		off += size
	}
	return 0, 0, false
}

// aacFromESDS walks an esds box's payload (version, flags, then descriptors) to the
// DecoderConfigDescriptor and its AudioSpecificConfig.
func aacFromESDS(b []byte) (rate, channels int, ok bool) {
	if len(b) < 4 {
		return 0, 0, false
	}
	config, ok := decoderConfig(b[4:])
	if !ok || len(config) < 13 || config[0] != 0x40 { // MPEG-4 audio
		return 0, 0, false
	}
	tag, asc, ok := mp4Descriptor(config[13:])
	if !ok || tag != 0x05 || len(asc) < 2 { // DecoderSpecificInfo: the AudioSpecificConfig
		return 0, 0, false
	}
	return aacConfig(asc)
}

// decoderConfig is the DecoderConfig descriptor's body inside an ES_Descriptor, past its
// optional fields.
func decoderConfig(d []byte) ([]byte, bool) {
	tag, body, ok := mp4Descriptor(d)
	if !ok || tag != 0x03 || len(body) < 3 { // ES_Descriptor
		return nil, false
	}
	flags := body[2]
	body = body[3:]
	if flags&0x80 != 0 { // dependsOn_ES_ID
		if len(body) < 2 {
			return nil, false
		}
		body = body[2:]
	}
	if flags&0x40 != 0 { // URL
		if len(body) < 1 || len(body) < 1+int(body[0]) {
			return nil, false
		}
		body = body[1+int(body[0]):]
	}
	if flags&0x20 != 0 { // OCR_ES_ID
		if len(body) < 2 {
			return nil, false
		}
		body = body[2:]
	}
	tag, config, ok := mp4Descriptor(body)
	if !ok || tag != 0x04 { // DecoderConfig
		return nil, false
	}
	return config, true
}

// aacConfig reads the rate and channels of an AudioSpecificConfig that ffprobe would report as
// they are (plain AAC, no SBR).
func aacConfig(asc []byte) (rate, channels int, ok bool) {
	objectType := int(asc[0] >> 3)
	rateIndex := int(asc[0]&7)<<1 | int(asc[1]>>7)
	channelConfig := int(asc[1] >> 3 & 15)
	// Main, LC, SSR, LTP; 5 and 29 (SBR, PS) are explicit HE-AAC, 31 an escape: ffprobe's.
	if objectType < 1 || objectType > 4 || rateIndex >= len(aacRates) || channelConfig < 1 || channelConfig > 7 {
		return 0, 0, false
	}
	// Two bytes say it all; more may carry a sync extension (0x2B7) that signals SBR after all,
	// which ffprobe reports at the doubled rate. Only one that says "no SBR" is taken.
	if len(asc) > 2 && (len(asc) < 5 || binary.BigEndian.Uint16(asc[2:]) != 0x2B7<<5|5 || asc[4]&0x80 != 0) {
		return 0, 0, false
	}
	rate = aacRates[rateIndex]
	if rate < minSampleRate {
		return 0, 0, false
	}
	channels = channelConfig
	if channelConfig == 7 {
		channels = 8
	}
	return rate, channels, true
}

// mp4Descriptor reads one MPEG-4 descriptor: a tag, a length in up to four 7-bit bytes, a body.
func mp4Descriptor(b []byte) (tag byte, body []byte, ok bool) {
	if len(b) < 2 {
		return 0, nil, false
	}
	n, i := 0, 1
	for {
		if i >= len(b) || i > 4 {
			return 0, nil, false
		}
		c := b[i]
		i++
		n = n<<7 | int(c&0x7F)
		if c&0x80 == 0 {
			break
		}
	}
	if i+n > len(b) {
		return 0, nil, false
	}
	return b[0], b[i : i+n], true
}
