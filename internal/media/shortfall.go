package media

import (
	"encoding/binary"
	"fmt"
	"io"
	"time"

	"github.com/livetranslate/livetranslate/internal/usage"
)

// A file cut short (a download that stopped, a recorder that crashed) still carries the header
// written for all of it: a WAV's data size, an MP4's index of every audio frame. What it promises
// and what it holds are compared before anything is sent: a file that holds less than a tenth
// of its promise, or no whole audio frame, is refused (the service would be sent, and bill, a
// header and a crumb); one merely short of it is sent with a warning, as what is there decodes.

// minHeldShare is the least of its header's promise a file must hold to be sent.
const minHeldShare = 0.1

// shortfall is what a file holds of the audio its header promises.
type shortfall struct {
	held, promised int64 // WAV: bytes of the data chunk; MP4: audio frames (samples) of the track
	// WAV only: the same as durations, and the size of one sample frame.
	heldDur, promisedDur time.Duration
	blockAlign           int64
	wav                  bool
}

// check refuses a file that holds no whole audio frame or under a tenth of its promise, and
// returns the warning for one merely short of it ("" when it holds all).
func (sf shortfall) check(shown, container string) (warning string, err error) {
	if sf.held >= sf.promised {
		return "", nil
	}
	if sf.wav {
		if sf.held < sf.blockAlign || float64(sf.held) < minHeldShare*float64(sf.promised) {
			return "", usage.Wrap(&CutShortError{Name: shown, Container: container, WAV: true, Held: sf.held, Promised: sf.promised,
				HeldDur: sf.heldDur, PromisedDur: sf.promisedDur}, "")
		}
		return fmt.Sprintf("%s (wav) is cut short: its header promises %s of audio, the file holds %s; sending what there is",
			shown, secondsText(sf.promisedDur), secondsText(sf.heldDur)), nil
	}
	if sf.held == 0 {
		return "", usagef("%s (detected %s) holds none of the %d audio frames its index lists: it is cut short; export or download it again",
			shown, container, sf.promised)
	}
	if float64(sf.held) < minHeldShare*float64(sf.promised) {
		return "", usage.Wrap(&CutShortError{Name: shown, Container: container, Held: sf.held, Promised: sf.promised}, "")
	}
	return fmt.Sprintf("%s (detected %s) is cut short: it holds %d of the %d audio frames its index lists (%.0f%%); sending what there is",
		shown, container, sf.held, sf.promised, 100*float64(sf.held)/float64(sf.promised)), nil
}

func secondsText(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%.3f s", d.Seconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// soundShortfall compares what a WAV or ISO media file holds with what its header promises;
// ok is false for other files, and where the header promises nothing exact (a streamed WAV's
// placeholder sizes, a fragmented MP4, an index too large to read cheaply).
func soundShortfall(r io.ReaderAt, size int64, s sniffed) (shortfall, bool) {
	switch {
	case s.audioFormat == "wav":
		return wavShortfall(r, size)
	case s.class == classISO:
		return isoShortfall(r, size)
	}
	return shortfall{}, false
}

// wavShortfall reads a RIFF WAV's fmt and data chunk headers.
func wavShortfall(r io.ReaderAt, size int64) (shortfall, bool) {
	var hdr [8]byte
	var blockAlign, byteRate int64
	off := int64(12)
	for range 1000 {
		if off+8 > size {
			return shortfall{}, false
		}
		if _, err := r.ReadAt(hdr[:], off); err != nil {
			return shortfall{}, false
		}
		id, n := string(hdr[:4]), int64(binary.LittleEndian.Uint32(hdr[4:]))
		switch id {
		case "fmt ":
			b, ok := readAt(r, off+8, 16)
			if !ok {
				return shortfall{}, false
			}
			byteRate, blockAlign = int64(binary.LittleEndian.Uint32(b[8:])), int64(binary.LittleEndian.Uint16(b[12:]))
		case "data":
			if blockAlign <= 0 || byteRate <= 0 || n == 0 || n == 0xFFFFFFFF {
				return shortfall{}, false
			}
			held := max(0, min(n, size-(off+8)))
			dur := func(b int64) time.Duration {
				return time.Duration(float64(b) / float64(byteRate) * float64(time.Second))
			}
			return shortfall{held: held, promised: n, heldDur: dur(held), promisedDur: dur(n), blockAlign: blockAlign, wav: true}, true
		}
		off += 8 + n + n&1
	}
	return shortfall{}, false
}

// maxIndexBytes bounds the sample tables read from an MP4's index (an hour of AAC lists
// about 170,000 frames, 0.7 MB).
const maxIndexBytes = 16 << 20

// isoShortfall counts the frames of an MP4/MOV's sound tracks whose bytes lie inside the file,
// from their sample tables (chunk offsets, samples per chunk, sample sizes). The top-level boxes
// are walked up to one that runs past the end of the file: the media data of a file cut short.
func isoShortfall(r io.ReaderAt, size int64) (shortfall, bool) {
	var moov isoBox
	found := false
	for off := int64(0); off+8 <= size; {
		hdr, ok := readAt(r, off, 8)
		if !ok {
			return shortfall{}, false
		}
		n, headerLen := int64(binary.BigEndian.Uint32(hdr)), int64(8)
		switch n {
		case 0:
			n = size - off
		case 1:
			big, ok := readAt(r, off+8, 8)
			if !ok {
				return shortfall{}, false
			}
			n, headerLen = int64(binary.BigEndian.Uint64(big)), 16
		}
		if n < headerLen {
			return shortfall{}, false
		}
		kind := string(hdr[4:8])
		if kind == "moov" {
			if off+n > size {
				return shortfall{}, false // the index itself is cut: ffprobe says so
			}
			moov, found = isoBox{kind: kind, start: off + headerLen, end: off + n}, true
		}
		if kind == "moof" {
			return shortfall{}, false // fragments carry their own indexes
		}
		off += n
	}
	if !found {
		return shortfall{}, false
	}
	children, ok := isoBoxes(r, moov.start, moov.end)
	if !ok {
		return shortfall{}, false
	}
	var sf shortfall
	sound := 0
	for _, b := range children {
		if b.kind == "mvex" {
			return shortfall{}, false
		}
		if b.kind != "trak" {
			continue
		}
		mdia, ok := isoPath(r, b, "mdia")
		if !ok {
			return shortfall{}, false
		}
		hdlr, ok := isoPath(r, mdia, "hdlr")
		if !ok {
			return shortfall{}, false
		}
		if h, ok := readAt(r, hdlr.start+8, 4); !ok || string(h) != "soun" {
			continue
		}
		stbl, ok := isoPath(r, mdia, "minf", "stbl")
		if !ok {
			return shortfall{}, false
		}
		held, total, ok := isoTrackHeld(r, stbl, size)
		if !ok {
			return shortfall{}, false
		}
		sf.held += held
		sf.promised += total
		sound++
	}
	return sf, sound > 0 && sf.promised > 0
}

// isoTrackHeld walks one track's sample tables: how many of its samples end inside the file.
func isoTrackHeld(r io.ReaderAt, stbl isoBox, size int64) (held, total int64, ok bool) {
	boxes, ok := isoBoxes(r, stbl.start, stbl.end)
	if !ok {
		return 0, 0, false
	}
	table := func(kind string) ([]byte, bool) {
		b, ok := isoChild(boxes, kind)
		if !ok || b.end-b.start > maxIndexBytes || b.end-b.start < 8 {
			return nil, false
		}
		return readAt(r, b.start, int(b.end-b.start))
	}
	be := binary.BigEndian
	// Chunk offsets: stco (32-bit) or co64.
	var offsets []int64
	if b, ok := table("stco"); ok {
		n := int64(be.Uint32(b[4:]))
		if 8+4*n > int64(len(b)) {
			return 0, 0, false
		}
		for i := range n {
			offsets = append(offsets, int64(be.Uint32(b[8+4*i:])))
		}
	} else if b, ok := table("co64"); ok {
		n := int64(be.Uint32(b[4:]))
		if 8+8*n > int64(len(b)) {
			return 0, 0, false
		}
		for i := range n {
			offsets = append(offsets, int64(be.Uint64(b[8+8*i:])))
		}
	} else {
		return 0, 0, false
	}
	stsc, ok := table("stsc")
	if !ok {
		return 0, 0, false
	}
	stscN := int64(be.Uint32(stsc[4:]))
	if 8+12*stscN > int64(len(stsc)) {
		return 0, 0, false
	}
	stsz, ok := table("stsz")
	if !ok || len(stsz) < 12 {
		return 0, 0, false
	}
	uniform, count := int64(be.Uint32(stsz[4:])), int64(be.Uint32(stsz[8:]))
	if uniform == 0 && 12+4*count > int64(len(stsz)) {
		return 0, 0, false
	}
	sampleSize := func(i int64) int64 {
		if uniform != 0 {
			return uniform
		}
		return int64(be.Uint32(stsz[12+4*i:]))
	}
	sample, entry := int64(0), int64(0)
	for c := range int64(len(offsets)) {
		// stsc's entries give samples per chunk from their first chunk (1-based) on.
		for entry+1 < stscN && int64(be.Uint32(stsc[8+12*(entry+1):])) <= c+1 {
			entry++
		}
		if stscN == 0 {
			return 0, 0, false
		}
		perChunk := int64(be.Uint32(stsc[8+12*entry+4:]))
		off := offsets[c]
		for k := int64(0); k < perChunk && sample < count; k++ {
			off += sampleSize(sample)
			if off <= size {
				held++
			}
			sample++
		}
	}
	return held, count, true
}
