package speech

import (
	"encoding/binary"
	"fmt"
	"os"
)

// Growing is a WAV file that grows as speech arrives (live output): the audio is appended as it
// comes, and Sync brings the header's sizes up to date, so the file is a valid WAV of everything
// up to the last Sync whenever it is read, and after the run is killed. It is written in place,
// not renamed into place: a reader may follow it while it grows.
type Growing struct {
	f      *os.File
	data   int64 // PCM bytes written
	pair   [2]byte
	carry  bool
	synced int64 // data as the header says it
}

// CreateGrowing creates the WAV at path, refusing one that exists unless overwrite. Its header
// says it holds no audio until the first Sync.
func CreateGrowing(path string, overwrite bool) (*Growing, error) {
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if overwrite {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		if os.IsExist(err) {
			return nil, &ExistsError{Path: path}
		}
		return nil, fmt.Errorf("creating %s: %w", path, err)
	}
	if _, err := f.Write(wavHeader(0, 36)); err != nil {
		f.Close()
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	return &Growing{f: f}, nil
}

// Write appends s16le PCM, holding back an odd trailing byte until its sample is whole. Past the
// most a WAV's sizes can say (about 24 hours), it refuses more.
func (g *Growing) Write(pcm []byte) (int, error) {
	n := len(pcm)
	if g.carry && len(pcm) > 0 {
		g.pair[1] = pcm[0]
		if err := g.append(g.pair[:]); err != nil {
			return 0, err
		}
		g.carry, pcm = false, pcm[1:]
	}
	whole := len(pcm) &^ 1
	if err := g.append(pcm[:whole]); err != nil {
		return 0, err
	}
	if whole < len(pcm) {
		g.pair[0], g.carry = pcm[whole], true
	}
	return n, nil
}

func (g *Growing) append(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	if g.data+int64(len(b)) > maxDataBytes {
		return fmt.Errorf("writing %s: a WAV file holds at most about 24 hours of speech", g.f.Name())
	}
	if _, err := g.f.Write(b); err != nil {
		return fmt.Errorf("writing %s: %w", g.f.Name(), err)
	}
	g.data += int64(len(b))
	return nil
}

// Sync writes the sizes of the audio written so far into the header.
func (g *Growing) Sync() error {
	if g.data == g.synced {
		return nil
	}
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], uint32(36+g.data))
	if _, err := g.f.WriteAt(b[:], 4); err != nil {
		return fmt.Errorf("writing %s: %w", g.f.Name(), err)
	}
	binary.LittleEndian.PutUint32(b[:], uint32(g.data))
	if _, err := g.f.WriteAt(b[:], 40); err != nil {
		return fmt.Errorf("writing %s: %w", g.f.Name(), err)
	}
	g.synced = g.data
	return nil
}

// Samples is how many samples were written so far.
func (g *Growing) Samples() int64 { return g.data / bytesPerSample }

// Close syncs the header and closes the file.
func (g *Growing) Close() error {
	err := g.Sync()
	if cerr := g.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("closing %s: %w", g.f.Name(), cerr)
	}
	return err
}
