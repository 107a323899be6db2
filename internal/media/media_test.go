package media

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/usage"
)

type resolveCase struct {
	fixture       string
	kind          api.Kind
	format        string
	mime          string
	convertedFrom string // substring of Input.ConvertedFrom; "" = must not be converted
	usageErr      string // substring of the usage error's message; "" = must succeed
}

func TestResolveLocalFiles(t *testing.T) {
	fx := newFixtures(t)
	cases := []resolveCase{
		{fixture: "speech.wav", kind: api.Audio, format: "wav", mime: "audio/wav"},
		{fixture: "speech.mp3", kind: api.Audio, format: "mp3", mime: "audio/mpeg"},
		{fixture: "speech.m4a", kind: api.Audio, format: "m4a", mime: "audio/mp4"},
		{fixture: "speech-audio.mp4", kind: api.Audio, format: "m4a", mime: "audio/mp4"},
		{fixture: "speech.aac", kind: api.Audio, format: "aac", mime: "audio/aac"},
		{fixture: "speech.flac", kind: api.Audio, format: "flac", mime: "audio/flac"},
		{fixture: "speech.ogg", kind: api.Audio, format: "ogg", mime: "audio/ogg"},
		{fixture: "speech.opus", kind: api.Audio, format: "opus", mime: "audio/opus"},
		{fixture: "speech.amr", kind: api.Audio, format: "amr", mime: "audio/amr"},
		{fixture: "speech-rf64.wav", kind: api.Audio, format: "wav", mime: "audio/wav"},
		{fixture: "mislabeled.wav", kind: api.Audio, format: "mp3", mime: "audio/mpeg"},

		// Audio the service does not take: opus is copied into Ogg, the rest encoded to MP3.
		{fixture: "speech-audio.webm", kind: api.Audio, format: "ogg", mime: "audio/ogg", convertedFrom: "webm (opus audio)"},
		{fixture: "speech-audio.mkv", kind: api.Audio, format: "mp3", mime: "audio/mpeg", convertedFrom: "mkv (pcm_s16le audio)"},
		{fixture: "speech-alac.m4a", kind: api.Audio, format: "mp3", mime: "audio/mpeg", convertedFrom: "m4a (alac audio)"},
		{fixture: "speech.aiff", kind: api.Audio, format: "mp3", mime: "audio/mpeg", convertedFrom: "aiff"},
		{fixture: "speech-96k.wav", kind: api.Audio, format: "mp3", mime: "audio/mpeg", convertedFrom: "wav (96000 Hz)"},
		{fixture: "speech.ts", kind: api.Audio, format: "aac", mime: "audio/aac", convertedFrom: "mpegts (aac audio)"},

		{fixture: "clip.mp4", kind: api.Video, format: "mp4", mime: "video/mp4"},
		{fixture: "clip.mov", kind: api.Video, format: "mov", mime: "video/quicktime"},
		{fixture: "clip.mkv", kind: api.Video, format: "mkv", mime: "video/x-matroska"},
		{fixture: "clip.webm", kind: api.Video, format: "webm", mime: "video/webm"},
		{fixture: "clip.avi", kind: api.Video, format: "avi", mime: "video/x-msvideo"},

		{fixture: "clip.flv", usageErr: "holds video in flv, a container the service does not take"},
		{fixture: "notes.txt", usageErr: "notes.txt is not an audio or video file (detected text/plain)"},
		{fixture: "image.png", usageErr: "image.png is not an audio or video file (detected image/png)"},
		{fixture: "truncated.wav", usageErr: "truncated.wav (detected wav) is cut short: 20 bytes and no audio data"},
		{fixture: "empty.wav", usageErr: "empty.wav is empty (0 bytes)"},
		{fixture: "folder", usageErr: "folder is a directory"},
	}
	for _, tc := range cases {
		t.Run(tc.fixture, func(t *testing.T) {
			path := fx.path(tc.fixture)
			tempDir := t.TempDir()
			in, err := Resolve(context.Background(), path, Options{TempDir: tempDir})
			checkResolved(t, in, err, path, tc)
			if err != nil {
				return
			}
			if tc.convertedFrom == "" {
				if in.Path != path {
					t.Errorf("Path = %s, want the input itself %s", in.Path, path)
				}
			} else {
				if in.Path == path || filepath.Dir(in.Path) != tempDir {
					t.Errorf("Path = %s, want a converted copy in %s", in.Path, tempDir)
				}
				checkDecodes(t, in.Path, tc.format)
			}
			if in.Duration < time.Second || in.Duration > 3*time.Second {
				t.Errorf("Duration = %v, want the 1-2 s of the clip", in.Duration)
			}
			if err := in.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			if left, _ := os.ReadDir(tempDir); len(left) != 0 {
				t.Errorf("Close left %d temp files in %s", len(left), tempDir)
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("Close touched the user's file: %v", err)
			}
		})
	}
}

// Without ffprobe the magic numbers decide alone: containers are trusted as they present
// themselves, and damaged WAV headers are still caught.
func TestResolveWithoutFFprobe(t *testing.T) {
	fx := newFixtures(t)
	noProbe := filepath.Join(t.TempDir(), "no-ffprobe")
	cases := []resolveCase{
		{fixture: "speech.mp3", kind: api.Audio, format: "mp3", mime: "audio/mpeg"},
		{fixture: "speech.m4a", kind: api.Audio, format: "m4a", mime: "audio/mp4"}, // M4A brand
		{fixture: "speech.opus", kind: api.Audio, format: "opus", mime: "audio/opus"},
		{fixture: "mislabeled.wav", kind: api.Audio, format: "mp3", mime: "audio/mpeg"},
		{fixture: "speech-audio.webm", kind: api.Video, format: "webm", mime: "video/webm"},
		{fixture: "clip.mp4", kind: api.Video, format: "mp4", mime: "video/mp4"},
		{fixture: "speech.aiff", kind: api.Audio, format: "mp3", mime: "audio/mpeg", convertedFrom: "aiff"},
		{fixture: "truncated.wav", usageErr: "is cut short"},
		{fixture: "speech.ts", usageErr: "content not recognised"},
	}
	for _, tc := range cases {
		t.Run(tc.fixture, func(t *testing.T) {
			path := fx.path(tc.fixture)
			in, err := Resolve(context.Background(), path, Options{FFprobe: noProbe, TempDir: t.TempDir()})
			checkResolved(t, in, err, path, tc)
			if err == nil {
				if in.Duration != 0 {
					t.Errorf("Duration = %v without ffprobe, want 0", in.Duration)
				}
				in.Close()
			}
		})
	}
}

func checkResolved(t *testing.T, in *Input, err error, path string, tc resolveCase) {
	t.Helper()
	if tc.usageErr != "" {
		var ue *usage.Error
		if !errors.As(err, &ue) {
			t.Fatalf("err = %v (%T), want a *usage.Error", err, err)
		}
		if !strings.Contains(ue.Error(), tc.usageErr) {
			t.Fatalf("message %q does not say %q", ue.Error(), tc.usageErr)
		}
		if strings.Contains(ue.Error(), "\n") {
			t.Errorf("message is not one line: %q", ue.Error())
		}
		if in != nil {
			t.Errorf("got an Input with an error")
		}
		return
	}
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	if in.Name != path || in.Kind != tc.kind || in.Format != tc.format || in.MIME != tc.mime {
		t.Errorf("got name=%s kind=%v format=%s mime=%s, want %s %v %s %s",
			in.Name, in.Kind, in.Format, in.MIME, path, tc.kind, tc.format, tc.mime)
	}
	if (tc.convertedFrom == "") != (in.ConvertedFrom == "") || !strings.Contains(in.ConvertedFrom, tc.convertedFrom) {
		t.Errorf("ConvertedFrom = %q, want %q", in.ConvertedFrom, tc.convertedFrom)
	}
	fi, statErr := os.Stat(in.Path)
	if statErr != nil || fi.Size() != in.Size {
		t.Errorf("Size = %d, file: %v %v", in.Size, fi, statErr)
	}
}

// checkDecodes asserts a converted file is real audio in the format it claims.
func checkDecodes(t *testing.T, path, format string) {
	t.Helper()
	info, err := Probe(context.Background(), "", path)
	if err != nil {
		t.Fatalf("converted file does not probe: %v", err)
	}
	audio := info.Audio()
	if audio == nil || info.HasVideo() {
		t.Fatalf("converted file streams = %+v, want audio only", info.Streams)
	}
	wantCodec := map[string]string{"ogg": "opus", "mp3": "mp3", "aac": "aac"}[format]
	if audio.CodecName != wantCodec {
		t.Errorf("converted codec = %s, want %s", audio.CodecName, wantCodec)
	}
	if audio.SampleRate < minSampleRate || audio.SampleRate > maxSampleRate {
		t.Errorf("converted sample rate %d outside the service's range", audio.SampleRate)
	}
}

func TestResolveMissingFile(t *testing.T) {
	name := filepath.Join(t.TempDir(), "talk.mp3")
	_, err := Resolve(context.Background(), name, Options{})
	var ue *usage.Error
	if !errors.As(err, &ue) || ue.Msg != name+" does not exist: check the path" {
		t.Fatalf("err = %v", err)
	}
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("error does not wrap os.ErrNotExist")
	}
}

func TestResolveUnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any file")
	}
	name := filepath.Join(t.TempDir(), "secret.wav")
	if err := os.WriteFile(name, []byte("RIFF"), 0o000); err != nil {
		t.Fatal(err)
	}
	_, err := Resolve(context.Background(), name, Options{})
	var ue *usage.Error
	if !errors.As(err, &ue) || !strings.Contains(ue.Msg, "permission denied") {
		t.Fatalf("err = %v", err)
	}
}

func TestResolveNeedsFFmpegToConvert(t *testing.T) {
	fx := newFixtures(t)
	_, err := Resolve(context.Background(), fx.path("speech-audio.webm"),
		Options{FFmpeg: filepath.Join(t.TempDir(), "no-ffmpeg")})
	var missing *MissingToolError
	if !errors.As(err, &missing) || missing.Tool != "ffmpeg" {
		t.Fatalf("err = %v, want a *MissingToolError for ffmpeg", err)
	}
	if !strings.Contains(err.Error(), "install ffmpeg (apt-get install ffmpeg / brew install ffmpeg)") {
		t.Errorf("message %q does not say how to install ffmpeg", err)
	}
}

func TestResolveInputFormatOverride(t *testing.T) {
	fx := newFixtures(t)
	// The override is the escape hatch: detection is skipped, even for content it would refuse.
	in, err := Resolve(context.Background(), fx.path("notes.txt"), Options{Format: "MP3"})
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	if in.Kind != api.Audio || in.Format != "mp3" || in.MIME != "audio/mpeg" || in.Duration != 0 {
		t.Errorf("got %v %s %s %v", in.Kind, in.Format, in.MIME, in.Duration)
	}
	in, err = Resolve(context.Background(), fx.path("speech.wav"), Options{Format: "mkv"})
	if err != nil || in.Kind != api.Video || in.MIME != "video/x-matroska" {
		t.Errorf("override mkv: %v %+v", err, in)
	}
	// File errors still apply: there is nothing to send.
	if _, err := Resolve(context.Background(), fx.path("empty.wav"), Options{Format: "wav"}); !isUsage(err) {
		t.Errorf("empty file with override: err = %v", err)
	}
	_, err = Resolve(context.Background(), fx.path("speech.wav"), Options{Format: "xyz"})
	if !isUsage(err) || !strings.Contains(err.Error(), "wav, mp3, flac") {
		t.Errorf("unknown override: err = %v", err)
	}
}

func TestResolveStdin(t *testing.T) {
	t.Run("without format, its content says", func(t *testing.T) {
		fx := newFixtures(t)
		for _, tt := range []struct{ file, format string }{{"speech.wav", "wav"}, {"speech.ogg", "ogg"}, {"speech.mp3", "mp3"}} {
			data, err := os.ReadFile(fx.path(tt.file))
			if err != nil {
				t.Fatal(err)
			}
			in, err := Resolve(context.Background(), "-", Options{Stdin: bytes.NewReader(data), TempDir: t.TempDir()})
			if err != nil {
				t.Fatalf("%s: %v", tt.file, err)
			}
			if in.Format != tt.format || in.Kind != api.Audio || in.Mismatch != nil || in.Size != int64(len(data)) {
				t.Errorf("%s: got format %q kind %v mismatch %v size %d", tt.file, in.Format, in.Kind, in.Mismatch, in.Size)
			}
			in.Close()
		}
		if _, err := Resolve(context.Background(), "-", Options{Stdin: strings.NewReader("x")}); !isUsage(err) {
			t.Errorf("one byte of text: err = %v, want a usage error", err)
		}
	})
	t.Run("a format its content contradicts", func(t *testing.T) {
		fx := newFixtures(t)
		data, err := os.ReadFile(fx.path("speech.wav"))
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct{ given, want string }{{"mp3", "standard input is wav by its content, not mp3 as its format was given; it is sent as mp3"}, {"wav", ""}} {
			in, err := Resolve(context.Background(), "-", Options{Format: tt.given, Stdin: bytes.NewReader(data), TempDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if in.Mismatch != nil {
				got = in.Mismatch.String()
			}
			if got != tt.want || in.Format != tt.given {
				t.Errorf("given %s: mismatch %q, format %s; want %q", tt.given, got, in.Format, tt.want)
			}
			in.Close()
		}
		if m := mismatch(fx.path("speech.m4a"), "a.m4a", "mp4"); m != nil {
			t.Errorf("m4a given as mp4 (one family): %v", m)
		}
	})
	t.Run("auto is not a format", func(t *testing.T) {
		if _, err := Resolve(context.Background(), "-", Options{Format: "auto", Stdin: strings.NewReader("x")}); !isUsage(err) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("with format", func(t *testing.T) {
		data := bytes.Repeat([]byte("\xff\xfb\x90\x00"), 10000)
		tempDir := t.TempDir()
		in, err := Resolve(context.Background(), "-", Options{Format: "mp3", Stdin: bytes.NewReader(data), TempDir: tempDir})
		if err != nil {
			t.Fatalf("Resolve: %v", err)
		}
		if in.Name != "-" || in.Kind != api.Audio || in.Format != "mp3" || in.Size != int64(len(data)) || filepath.Dir(in.Path) != tempDir {
			t.Errorf("got %+v", in)
		}
		rc, err := in.Open()
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(got, data) {
			t.Errorf("spooled %d bytes, want the %d read", len(got), len(data))
		}
		if err := in.Close(); err != nil {
			t.Fatal(err)
		}
		if err := in.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
		if left, _ := os.ReadDir(tempDir); len(left) != 0 {
			t.Errorf("spool left behind: %v", left)
		}
	})
	t.Run("empty", func(t *testing.T) {
		tempDir := t.TempDir()
		_, err := Resolve(context.Background(), "-", Options{Format: "wav", Stdin: strings.NewReader(""), TempDir: tempDir})
		var ue *usage.Error
		if !errors.As(err, &ue) || !strings.HasPrefix(ue.Msg, "standard input is empty") {
			t.Fatalf("err = %v", err)
		}
		if left, _ := os.ReadDir(tempDir); len(left) != 0 {
			t.Errorf("spool left behind after an error: %v", left)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := Resolve(ctx, "-", Options{Format: "wav", Stdin: strings.NewReader("RIFF"), TempDir: t.TempDir()})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
}

func TestResolveURL(t *testing.T) {
	cases := []struct {
		url, override string
		kind          api.Kind
		format, mime  string
	}{
		{"https://example.com/talks/a.wav", "", api.Audio, "wav", "audio/wav"},
		{"http://example.com/a.MP3?sig=abc#t=1", "", api.Audio, "mp3", "audio/mpeg"},
		{"https://example.com/clip.mp4", "", api.Video, "mp4", "video/mp4"},
		{"HTTPS://example.com/clip.webm", "", api.Video, "webm", "video/webm"},
		{"https://example.com/clip.m4v", "", api.Video, "mp4", "video/mp4"},
		{"https://example.com/download?id=7", "", api.Audio, "mp3", "audio/mpeg"},
		{"https://example.com/download?id=7", "m4a", api.Audio, "m4a", "audio/mp4"},
		{"https://example.com/a.wav", "mov", api.Video, "mov", "video/quicktime"},
	}
	for _, tc := range cases {
		in, err := Resolve(context.Background(), tc.url, Options{Format: tc.override})
		if err != nil {
			t.Errorf("%s: %v", tc.url, err)
			continue
		}
		if in.URL != tc.url || in.Path != "" || in.Size != -1 || in.Kind != tc.kind || in.Format != tc.format || in.MIME != tc.mime {
			t.Errorf("%s: got %+v", tc.url, in)
		}
		if _, err := in.Open(); err == nil {
			t.Errorf("%s: Open succeeded on a URL input", tc.url)
		}
	}
	_, err := Resolve(context.Background(), "ftp://example.com/a.wav", Options{})
	if !isUsage(err) || !strings.Contains(err.Error(), "only http:// and https://") {
		t.Errorf("ftp URL: err = %v", err)
	}
}

func TestResolveNamedPipe(t *testing.T) {
	fx := newFixtures(t)
	data, err := os.ReadFile(fx.path("speech.mp3"))
	if err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(t.TempDir(), "pipe")
	if err := exec.Command("mkfifo", fifo).Run(); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	go func() {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		w.Write(data)
		w.Close()
	}()
	tempDir := t.TempDir()
	in, err := Resolve(context.Background(), fifo, Options{TempDir: tempDir})
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	defer in.Close()
	if in.Format != "mp3" || in.Size != int64(len(data)) || filepath.Dir(in.Path) != tempDir {
		t.Errorf("got %+v", in)
	}
}

func TestProbe(t *testing.T) {
	fx := newFixtures(t)
	info, err := Probe(context.Background(), "", fx.path("clip.mp4"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(info.FormatName, "mp4") || !info.HasVideo() || info.BitRate <= 0 {
		t.Errorf("got %+v", info)
	}
	audio := info.Audio()
	if audio == nil || audio.CodecName != "aac" || audio.SampleRate != 22050 || audio.Channels != 1 {
		t.Errorf("audio stream = %+v", audio)
	}
	var video StreamInfo
	for _, s := range info.Streams {
		if s.CodecType == "video" {
			video = s
		}
	}
	if video.Width != 160 || video.Height != 120 || video.CodecName != "h264" {
		t.Errorf("video stream = %+v", video)
	}

	_, err = Probe(context.Background(), "", fx.path("notes.txt"))
	var perr *ProbeError
	if !errors.As(err, &perr) || perr.Detail == "" || strings.Contains(perr.Detail, "\n") {
		t.Errorf("probing text: err = %v", err)
	}

	_, err = Probe(context.Background(), filepath.Join(t.TempDir(), "ffprobe"), fx.path("clip.mp4"))
	var missing *MissingToolError
	if !errors.As(err, &missing) || missing.Tool != "ffprobe" {
		t.Errorf("missing ffprobe: err = %v", err)
	}
}

func TestParseProbeCoverArt(t *testing.T) {
	// An MP3 with cover art: ffprobe lists the picture as a video stream.
	info, err := parseProbe([]byte(`{"streams":[
		{"index":0,"codec_name":"mp3","codec_type":"audio","sample_rate":"44100","channels":2,"disposition":{"attached_pic":0}},
		{"index":1,"codec_name":"mjpeg","codec_type":"video","width":500,"height":500,"disposition":{"attached_pic":1}}],
		"format":{"format_name":"mp3","duration":"N/A","bit_rate":"N/A"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if info.HasVideo() || info.Audio().SampleRate != 44100 || info.Duration != 0 || info.BitRate != 0 {
		t.Errorf("got %+v", info)
	}
}

func TestMissingToolMessage(t *testing.T) {
	_, err := LookFFprobe(filepath.Join(t.TempDir(), "nothing-here"))
	if err == nil || !strings.Contains(err.Error(), "install ffmpeg (apt-get install ffmpeg / brew install ffmpeg)") {
		t.Errorf("err = %v", err)
	}
	t.Setenv("PATH", t.TempDir())
	_, err = LookFFmpeg("")
	if err == nil || err.Error() != "ffmpeg not found: install ffmpeg (apt-get install ffmpeg / brew install ffmpeg)" {
		t.Errorf("err = %v", err)
	}
}

func isUsage(err error) bool {
	var ue *usage.Error
	return errors.As(err, &ue)
}
