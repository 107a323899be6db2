package media

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The refusals a flag changes are typed, carry their data, and name no flag: the command layer
// words them.
func TestRefusalsAreTyped(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	noProbe := filepath.Join(dir, "no-ffprobe")
	random := filepath.Join(dir, "noise.bin")
	if err := os.WriteFile(random, bytes.Repeat([]byte{0x13, 0x37, 0xc0, 0xde, 0x55}, 2000), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		err   func() error
		check func(error) bool
		msg   string
	}{
		{"unknown format", func() error {
			_, err := Resolve(ctx, random, Options{Format: "xyz"})
			return err
		}, func(err error) bool {
			var e *UnknownFormatError
			return errors.As(err, &e) && e.Value == "xyz" && e.Choices == formatList
		}, `unknown input format "xyz": choose auto or one of ` + formatList},
		{"text named as sound", func() error {
			_, err := Resolve(ctx, "-", Options{Format: "wav", Stdin: strings.NewReader(strings.Repeat("y\n", 3000))})
			return err
		}, func(err error) bool {
			var e *TextError
			return errors.As(err, &e) && e.Name == "standard input" && e.Format == "wav"
		}, "standard input is text, not sound (named wav, it is still text)"},
		{"stream past the limit", func() error {
			_, err := Resolve(ctx, "-", Options{Format: "mp3", MaxSize: 5000, TempDir: dir,
				Stdin: bytes.NewReader(bytes.Repeat([]byte{0xff, 0xfb, 0x90, 0x64}, 3000))})
			return err
		}, func(err error) bool {
			var e *StreamTooLongError
			return errors.As(err, &e) && e.Name == "standard input" && e.Limit == 5000
		}, "standard input goes on past 4.9 KiB, more than one request can carry"},
		{"not recognised, no ffprobe", func() error {
			_, err := Resolve(ctx, random, Options{FFprobe: noProbe})
			return err
		}, func(err error) bool {
			var e *UnrecognisedError
			return errors.As(err, &e) && e.Name == random && e.NoFFprobe && !e.Prefix
		}, random + " is not an audio or video file (content not recognised, and ffprobe, which may know it, is not installed)"},
		{"wav cut short", func() error {
			_, err := shortfall{held: 4, promised: 65536, heldDur: 125 * time.Microsecond, promisedDur: 2048 * time.Millisecond,
				blockAlign: 2, wav: true}.check("a.wav", "wav")
			return err
		}, func(err error) bool {
			var e *CutShortError
			return errors.As(err, &e) && e.WAV && e.Held == 4 && e.Promised == 65536
		}, "a.wav (wav) is cut short: its header promises 2.0 s of audio, the file holds 0.000 s (4 of 65536 bytes); export or download it again"},
		{"index cut short", func() error {
			_, err := shortfall{held: 3, promised: 100}.check("a.m4a", "m4a")
			return err
		}, func(err error) bool {
			var e *CutShortError
			return errors.As(err, &e) && !e.WAV && e.Container == "m4a"
		}, "a.m4a (detected m4a) is cut short: it holds 3 of the 100 audio frames its index lists; export or download it again"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.err()
			if !isUsage(err) || !tc.check(err) {
				t.Fatalf("err = %v (%T): not the typed usage error", err, err)
			}
			if err.Error() != tc.msg {
				t.Errorf("message\n%q, want\n%q", err.Error(), tc.msg)
			}
			if strings.Contains(err.Error(), "--") {
				t.Errorf("message names a flag: %q", err.Error())
			}
		})
	}
}

func TestUndecodableAndPrefixMessages(t *testing.T) {
	if got, want := (&UndecodableError{Name: "a.mp4", Container: "mp4", Detail: "moov atom not found"}).Error(),
		"a.mp4 (detected mp4) cannot be decoded (ffprobe: moov atom not found): it may be truncated or damaged"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := (&UnrecognisedError{Name: "standard input", Prefix: true}).Error(),
		"standard input is not an audio or video file: neither its first bytes nor ffprobe recognise sound in it"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := (&UnrecognisedError{Name: "x.bin"}).Error(), "x.bin is not an audio or video file (content not recognised)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
