package media

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ReadSamples reads signed 16-bit little-endian samples (what ffmpeg writes with -f s16le) from
// r until EOF, handing them to fn as they arrive, at most size bytes' worth at a time; a sample
// split across two reads is joined. The slice fn gets is reused by the next call. An error from
// fn stops the reading and is returned.
func ReadSamples(r io.Reader, size int, fn func([]int16) error) error {
	buf := make([]byte, max(size&^1, 2))
	samples := make([]int16, len(buf)/2)
	carry := 0 // an odd byte left from the last read
	for {
		n, err := r.Read(buf[carry:])
		n += carry
		whole := n &^ 1
		for i := 0; i < whole; i += 2 {
			samples[i/2] = int16(binary.LittleEndian.Uint16(buf[i:]))
		}
		if whole > 0 {
			if ferr := fn(samples[:whole/2]); ferr != nil {
				return ferr
			}
		}
		carry = n - whole
		if carry > 0 {
			buf[0] = buf[whole]
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading decoded audio: %w", err)
		}
	}
}
