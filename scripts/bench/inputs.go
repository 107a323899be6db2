package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
)

// Large inputs are 48 kHz, 8-channel 32-bit float WAV: 1.536 MB a second, so even 1 GB is 11.6
// minutes, within the service's caps for one request (49,152 input tokens; 4,096 output tokens
// at the 5 a second the planner assumes), and 48 kHz needs no resampling. A plan therefore sends
// every size whole, as one request, which is what the memory figures are about.
const (
	largeRate     = 48000
	largeChannels = 8
	largeBlock    = largeChannels * 4
)

// largeWAV writes (or reuses) a WAV of exactly size bytes, or as near as whole sample frames
// allow, of pseudo-random noise.
func largeWAV(dir string, size int64) (string, error) {
	path := filepath.Join(dir, fmt.Sprintf("large-%d.wav", size))
	data := (size - 44) / largeBlock * largeBlock
	if fi, err := os.Stat(path); err == nil && fi.Size() == 44+data {
		return path, nil
	}
	tmp := path + ".part"
	f, err := os.Create(tmp)
	if err != nil {
		return "", err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	w.Write(wavHeader(3, largeChannels, largeRate, 32, data))
	block := make([]byte, 1<<20)
	rand.NewChaCha8([32]byte{'l', 't'}).Read(block)
	for left := data; left > 0; {
		n := min(left, int64(len(block)))
		if _, err := w.Write(block[:n]); err != nil {
			return "", err
		}
		left -= n
		block[0]++ // no two blocks alike
	}
	if err := w.Flush(); err != nil {
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return path, os.Rename(tmp, path)
}

// wavHeader is a canonical 44-byte WAV header; format 1 is PCM, 3 IEEE float.
func wavHeader(format, channels, rate, bits int, dataBytes int64) []byte {
	h := make([]byte, 0, 44)
	h = append(h, "RIFF"...)
	h = binary.LittleEndian.AppendUint32(h, uint32(36+dataBytes))
	h = append(h, "WAVEfmt "...)
	h = binary.LittleEndian.AppendUint32(h, 16)
	h = binary.LittleEndian.AppendUint16(h, uint16(format))
	h = binary.LittleEndian.AppendUint16(h, uint16(channels))
	h = binary.LittleEndian.AppendUint32(h, uint32(rate))
	h = binary.LittleEndian.AppendUint32(h, uint32(rate*channels*bits/8))
	h = binary.LittleEndian.AppendUint16(h, uint16(channels*bits/8))
	h = binary.LittleEndian.AppendUint16(h, uint16(bits))
	h = append(h, "data"...)
	h = binary.LittleEndian.AppendUint32(h, uint32(dataBytes))
	return h
}

// tinyWAVs writes n distinct 0.1 s silent 16 kHz WAVs into dir/in (reused when present).
func tinyWAVs(dir string, n int) (string, error) {
	in := filepath.Join(dir, "batch-in")
	if err := os.MkdirAll(in, 0o755); err != nil {
		return "", err
	}
	const samples = 1600
	for i := range n {
		data := make([]byte, 2*samples)
		binary.LittleEndian.PutUint16(data[len(data)-2:], uint16(i)) // distinct content
		body := append(wavHeader(1, 1, 16000, 16, int64(len(data))), data...)
		if err := os.WriteFile(filepath.Join(in, fmt.Sprintf("in%03d.wav", i)), body, 0o644); err != nil {
			return "", err
		}
	}
	return in, nil
}

// ffmpeg runs ffmpeg quietly.
func ffmpeg(ctx context.Context, args ...string) error {
	full := append([]string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y"}, args...)
	out, err := exec.CommandContext(ctx, "ffmpeg", full...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ffmpeg %v: %w: %s", args, err, out)
	}
	return nil
}

// longRecording makes (or reuses) minutes of speech with pauses, 16 kHz mono, by looping
// scripts/make-long-media.sh's 20-minute recording.
func longRecording(ctx context.Context, repo, dir string, minutes int) (string, error) {
	path := filepath.Join(dir, fmt.Sprintf("speech-%dmin.wav", minutes))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	long := filepath.Join(repo, "testdata", "long")
	if out, err := exec.CommandContext(ctx, "bash", filepath.Join(repo, "scripts", "make-long-media.sh"), long).CombinedOutput(); err != nil {
		return "", fmt.Errorf("make-long-media.sh: %w: %s", err, out)
	}
	tmp := path + ".part.wav"
	if err := ffmpeg(ctx, "-stream_loop", "-1", "-i", filepath.Join(long, "long-speech.wav"),
		"-t", fmt.Sprint(minutes*60), "-ar", "16000", "-ac", "1", "-c:a", "pcm_s16le", tmp); err != nil {
		return "", err
	}
	return path, os.Rename(tmp, path)
}

// longMP3 makes (or reuses) the MP3 of longRecording's WAV, at 64 kbit/s as
// scripts/make-long-media.sh makes its MP3: decoding it is the slow case of the long input.
func longMP3(ctx context.Context, repo, dir string, minutes int) (string, error) {
	path := filepath.Join(dir, fmt.Sprintf("speech-%dmin.mp3", minutes))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	wav, err := longRecording(ctx, repo, dir, minutes)
	if err != nil {
		return "", err
	}
	tmp := path + ".part.mp3"
	if err := ffmpeg(ctx, "-i", wav, "-c:a", "libmp3lame", "-b:a", "64k", tmp); err != nil {
		return "", err
	}
	return path, os.Rename(tmp, path)
}
