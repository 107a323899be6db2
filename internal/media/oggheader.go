package media

import (
	"bytes"
	"encoding/binary"
	"io"
)

// oggPage is one page of an Ogg stream.
type oggPage struct {
	headerType byte // 1: continues a packet; 2: first page of a stream; 4: last page
	granule    int64
	serial     uint32
	lacing     []byte
	headerLen  int // bytes before the body
	bodyLen    int
}

const (
	oggContinued = 1
	oggFirst     = 2
	oggLast      = 4

	oggMaxPage = 27 + 255 + 255*255 // a page's header, lacing values and body at their largest
)

// parseOggPage reads the page header at the start of b (b may hold the body as well, or not).
func parseOggPage(b []byte) (oggPage, bool) {
	if len(b) < 27 || string(b[:4]) != "OggS" || b[4] != 0 {
		return oggPage{}, false
	}
	n := int(b[26])
	if len(b) < 27+n {
		return oggPage{}, false
	}
	p := oggPage{
		headerType: b[5],
		granule:    int64(binary.LittleEndian.Uint64(b[6:])),
		serial:     binary.LittleEndian.Uint32(b[14:]),
		lacing:     b[27 : 27+n],
		headerLen:  27 + n,
	}
	for _, l := range p.lacing {
		p.bodyLen += int(l)
	}
	return p, true
}

// size is the page's length in bytes.
func (p oggPage) size() int { return p.headerLen + p.bodyLen }

// oggCRCTable is Ogg's CRC-32: polynomial 0x04C11DB7, most significant bit first, no reflection.
var oggCRCTable = func() (t [256]uint32) {
	for i := range t {
		c := uint32(i) << 24
		for range 8 {
			if c&0x80000000 != 0 {
				c = c<<1 ^ 0x04C11DB7
			} else {
				c <<= 1
			}
		}
		t[i] = c
	}
	return t
}()

// oggChecksumOK verifies a whole page's checksum (computed with the checksum field as zeros).
func oggChecksumOK(page []byte) bool {
	var crc uint32
	for i, b := range page {
		if i >= 22 && i < 26 {
			b = 0
		}
		crc = crc<<8 ^ oggCRCTable[byte(crc>>24)^b]
	}
	return crc == binary.LittleEndian.Uint32(page[22:])
}

// readOggHeader reads the header and lacing values of the page at off.
func readOggHeader(r io.ReaderAt, off int64) (oggPage, bool) {
	hdr, ok := readAt(r, off, 27)
	if !ok {
		return oggPage{}, false
	}
	if hdr, ok = readAt(r, off, 27+int(hdr[26])); !ok {
		return oggPage{}, false
	}
	return parseOggPage(hdr)
}

// readOggPage reads the whole page at off, checksum verified.
func readOggPage(r io.ReaderAt, off int64) (oggPage, []byte, bool) {
	p, ok := readOggHeader(r, off)
	if !ok {
		return oggPage{}, nil, false
	}
	page, ok := readAt(r, off, p.size())
	if !ok || !oggChecksumOK(page) {
		return oggPage{}, nil, false
	}
	return p, page, true
}

// oggProbe reads the length of an Ogg Opus file as ffmpeg's ogg demuxer does: the granule
// position of the last page over 48 kHz, less the stream's start, which is required to be zero
// here (the first audio page's granule position is the length of the packets completed on it).
// ffprobe does not subtract Opus's pre-skip, so neither does this. Other codecs in Ogg (Vorbis,
// FLAC, Speex) and streams multiplexed or chained with others are left to ffprobe.
func oggProbe(r io.ReaderAt, size int64) (*ProbeInfo, bool) {
	first, page, ok := readOggPage(r, 0)
	if !ok || first.headerType != oggFirst || len(first.lacing) != 1 || first.granule != 0 {
		return nil, false // OpusHead is one packet alone on the first page
	}
	head := page[first.headerLen:]
	if len(head) < 19 || !bytes.HasPrefix(head, []byte("OpusHead")) || head[8]&0xF0 != 0 || head[9] == 0 {
		return nil, false
	}
	channels := int(head[9])

	off, ok := opusAudioStart(r, first.serial, int64(first.size()))
	if !ok {
		return nil, false
	}
	audio, page, ok := readOggPage(r, off)
	if !ok || audio.headerType&oggLast != 0 || audio.granule < 0 {
		return nil, false
	}
	if samples, ok := opusPageSamples(audio, page[audio.headerLen:]); !ok || samples != audio.granule {
		return nil, false // the stream does not start at zero: ffprobe reckons where it does
	}

	last, ok := lastOggPage(r, size)
	if !ok || last.serial != first.serial || last.granule < audio.granule {
		return nil, false
	}
	return audioInfo("ogg", "opus", 48000, channels, samplesToMicros(last.granule, 48000), size)
}

// opusAudioStart is where an Ogg Opus stream's audio starts: the comment header (OpusTags,
// perhaps with cover art over several pages) starts the page at off; audio starts the first page
// after it that does not continue a packet.
func opusAudioStart(r io.ReaderAt, serial uint32, off int64) (int64, bool) {
	for pages := 0; ; pages++ {
		p, ok := readOggHeader(r, off)
		if !ok || p.serial != serial || p.headerType&oggFirst != 0 || pages > 4096 {
			return 0, false // another stream's page, or something not Ogg
		}
		if pages == 0 {
			tags, ok := readAt(r, off+int64(p.headerLen), 8)
			if !ok || p.headerType&oggContinued != 0 || string(tags) != "OpusTags" {
				return 0, false
			}
		} else if p.headerType&oggContinued == 0 {
			return off, true
		}
		off += int64(p.size())
	}
}

// opusPageSamples adds up the length, at 48 kHz, of the packets that end on a page whose first
// packet starts on it, from each packet's TOC byte (RFC 6716 §3.1), as ffmpeg does.
func opusPageSamples(p oggPage, body []byte) (int64, bool) {
	var total int64
	start, off := 0, 0
	for _, l := range p.lacing {
		off += int(l)
		if l == 255 {
			continue // the packet goes on
		}
		packet := body[start:off]
		start = off
		if len(packet) == 0 {
			continue
		}
		n, ok := opusPacketSamples(packet)
		if !ok {
			return 0, false
		}
		total += int64(n)
	}
	return total, total > 0
}

// opusPacketSamples is an Opus packet's length at 48 kHz: its frame size from the TOC byte's
// configuration, times the frame count its code says.
func opusPacketSamples(packet []byte) (int, bool) {
	toc := packet[0]
	config := int(toc >> 3)
	var frame int
	switch {
	case config < 12: // SILK: 10, 20, 40, 60 ms
		frame = max(480, 960*(config&3))
	case config < 16: // hybrid: 10, 20 ms
		frame = 480 << (config & 1)
	default: // CELT: 2.5, 5, 10, 20 ms
		frame = 120 << (config & 3)
	}
	switch toc & 3 {
	case 0:
		return frame, true
	case 1, 2:
		return 2 * frame, true
	}
	if len(packet) < 2 {
		return 0, false
	}
	n := int(packet[1] & 0x3F)
	return n * frame, n > 0
}

// lastOggPage finds the page that ends the file: scanning back from the end for a capture
// pattern whose page, checksum verified, ends exactly at the end of the file.
func lastOggPage(r io.ReaderAt, size int64) (oggPage, bool) {
	n := min(size, oggMaxPage)
	tail, ok := readAt(r, size-n, int(n))
	if !ok {
		return oggPage{}, false
	}
	for i := len(tail) - 27; i >= 0; i-- {
		if tail[i] != 'O' || !bytes.HasPrefix(tail[i:], []byte("OggS")) {
			continue
		}
		p, ok := parseOggPage(tail[i:])
		if ok && i+p.size() == len(tail) && oggChecksumOK(tail[i:]) {
			return p, true
		}
	}
	return oggPage{}, false
}
