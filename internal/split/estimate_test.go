package split

import (
	"errors"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/usage"
)

func TestTokenEstimates(t *testing.T) {
	if got := AudioTokens(500 * time.Millisecond); got != 13 {
		t.Errorf("AudioTokens(0.5s) = %d, want 13 (billed as one second)", got)
	}
	if got := AudioTokens(33 * time.Second); got != 413 {
		t.Errorf("AudioTokens(33s) = %d, want 413", got)
	}
	// The whole-input budget: 65½ minutes of audio is the most one request takes.
	if AudioTokens(3932*time.Second) >= MaxInputTokens || AudioTokens(3933*time.Second) < MaxInputTokens {
		t.Errorf("input cap not at 3932 s of audio: %d, %d", AudioTokens(3932*time.Second), AudioTokens(3933*time.Second))
	}
	if got := OutputTokens(10*time.Minute, false); got != 3000 {
		t.Errorf("OutputTokens(10m, text) = %d, want 3000", got)
	}
	if got := OutputTokens(time.Minute, true); got != 300+825 {
		t.Errorf("OutputTokens(1m, speech) = %d, want 1125", got)
	}

	videos := []struct {
		d    time.Duration
		w, h int
		want int
	}{
		// > 64 s: 128 frames, each shrunk to at most 262,144 pixels: 640x360 → 640x352.
		{6 * time.Minute, 640, 360, 64*20*11 + 2},
		{3 * time.Hour, 640, 360, 64*20*11 + 2},
		// 10 s: 20 frames at up to 786,432 pixels: 1920x1080 → 1152x640, 36×20 blocks.
		{10 * time.Second, 1920, 1080, 10*36*20 + 2},
		// Under 2 s: the minimum of 4 frames; 320x240 is below the minimum pixels and grows
		// to 448x320, 14×10 blocks.
		{time.Second, 320, 240, 2*14*10 + 2},
	}
	for _, v := range videos {
		if got := VideoTokens(v.d, v.w, v.h); got != v.want {
			t.Errorf("VideoTokens(%v, %dx%d) = %d, want %d", v.d, v.w, v.h, got, v.want)
		}
	}
	if VideoTokens(time.Minute, 0, 0) != VideoTokens(time.Minute, 1920, 1080) {
		t.Error("unknown dimensions do not count as 1920x1080")
	}
}

func TestScaledSize(t *testing.T) {
	tests := []struct{ w, h, wantW, wantH int }{
		{1920, 1080, 640, 360},
		{1080, 1920, 360, 640},
		{640, 480, 640, 480},
		{320, 240, 320, 240}, // never scaled up
		{1281, 721, 640, 360},
		{0, 0, 0, 0},
	}
	for _, tc := range tests {
		if w, h := scaledSize(tc.w, tc.h); w != tc.wantW || h != tc.wantH {
			t.Errorf("scaledSize(%d, %d) = %dx%d, want %dx%d", tc.w, tc.h, w, h, tc.wantW, tc.wantH)
		}
	}
}

func TestParseMode(t *testing.T) {
	for in, want := range map[string]Mode{"auto": Auto, "": Auto, "ALWAYS": Always, " never ": Never} {
		if got, err := ParseMode(in); err != nil || got != want {
			t.Errorf("ParseMode(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	_, err := ParseMode("sometimes")
	var uerr *usage.Error
	var mode *UnknownModeError
	if !errors.As(err, &uerr) || !errors.As(err, &mode) || mode.Value != "sometimes" ||
		err.Error() != `unknown split mode "sometimes": choose auto, always or never` {
		t.Errorf("ParseMode(sometimes) error = %v, want a usage error with an UnknownModeError listing the modes", err)
	}
}

func TestTooLargeErrorMessages(t *testing.T) {
	tests := []struct {
		err  TooLargeError
		want string
	}{
		{
			TooLargeError{Name: "talk.mp3", Cap: CapInputTokens, Need: 60751, Limit: MaxInputTokens, Duration: 81 * time.Minute, Kind: api.Audio},
			"talk.mp3 needs about 60,751 input tokens (81 min of audio); one request takes at most 49,152",
		},
		{
			TooLargeError{Name: "talk.wav", Cap: CapDataURI, Need: 14000022, Limit: 10485760, Duration: 7 * time.Minute, Kind: api.Audio},
			"talk.wav is too large to send inline: its data URI would be 14,000,022 bytes; one request takes less than 10,485,760",
		},
		{
			TooLargeError{Name: "talk.mp3", Cap: CapOutputTokens, Need: 6000, Limit: 4096, Duration: 20 * time.Minute, Kind: api.Audio},
			"talk.mp3 would need about 6,000 output tokens of text (20 min of audio); one request returns at most 4,096",
		},
		{
			TooLargeError{Name: "clip.mp4", Cap: CapOutputTokens, Need: 4125, Limit: 4096, Duration: 45 * time.Second, Kind: api.Video, Speech: true},
			"clip.mp4 would need about 4,125 output tokens of text and speech (45 s of video); one request returns at most 4,096",
		},
	}
	for _, tc := range tests {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("message:\n got %s\nwant %s", got, tc.want)
		}
	}
}
