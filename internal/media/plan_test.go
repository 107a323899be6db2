package media_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/media"
	"github.com/livetranslate/livetranslate/internal/split"
)

// Planning takes the length and streams Resolve read from the headers (Input.Probe) and does
// not run ffprobe a second time: split.MakePlan probes again only when Input.Probe is nil.
func TestPlanDoesNotProbeAgain(t *testing.T) {
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: run scripts/install-deps.sh", tool)
		}
	}
	dir := t.TempDir()
	calls := filepath.Join(dir, "calls")
	wrapper := filepath.Join(dir, "ffprobe")
	real, _ := exec.LookPath("ffprobe")
	script := "#!/bin/sh\necho \"$@\" >>'" + calls + "'\nexec '" + real + "' \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, codec := range map[string][]string{
		"speech.mp3":  {"-c:a", "libmp3lame"},
		"speech.flac": {"-c:a", "flac"},
		"speech.opus": {"-c:a", "libopus"},
		"speech.aac":  {"-c:a", "aac", "-f", "adts"},
		"speech.m4a":  {"-c:a", "aac"},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			args := append([]string{"-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=duration=2.5"}, codec...)
			if b, err := exec.Command("ffmpeg", append(args, path)...).CombinedOutput(); err != nil {
				t.Fatalf("ffmpeg: %v\n%s", err, b)
			}
			os.Remove(calls)
			in, err := media.Resolve(context.Background(), path, media.Options{FFprobe: wrapper, TempDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			plan, err := split.MakePlan(context.Background(), in, split.Options{FFprobe: wrapper, MaxDataURI: api.MaxDataURISize})
			if err != nil {
				t.Fatal(err)
			}
			if b, err := os.ReadFile(calls); err == nil {
				t.Errorf("ffprobe ran: %s", b)
			}
			if !plan.Whole || plan.Duration != in.Duration || plan.Duration < 2500*time.Millisecond || plan.Segments[0].EstInputTokens == 0 {
				t.Errorf("plan whole=%v, %v (input %v), %d input tokens; want it whole, of the input's length, estimated",
					plan.Whole, plan.Duration, in.Duration, plan.Segments[0].EstInputTokens)
			}
		})
	}
}
