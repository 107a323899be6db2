package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/livetranslate/livetranslate/internal/fakeapi"
	"github.com/livetranslate/livetranslate/internal/live"
)

// The live group: `livetranslate live` on a source that plays in real time. A track of spoken
// sentences (espeak-ng, each brought to the same level) with pauses of 0.5-1.2 s between them
// is played by `ffmpeg -re` into a pipe; the suite reads that pipe, notes when each block of
// samples passed, and writes it into `livetranslate live - --format jsonl`, whose stdout it
// reads line by line. For each sentence the latency is the wall time from the moment its last
// sample of speech reached the tool to the first text of the utterance holding it on stdout,
// less the emulator's own time to first byte on that request (from its last request byte read
// to its first event, timed in its handler). The track is played clean and with pink noise at
// 20 dB under the speech, both at once (each against an emulator of its own), so the group
// takes the track's length once.
//
// The latency is then taken apart, per sentence:
//
//   - the cut decision: how much audio after the end of speech the cutter read before it cut
//     (live.Cutter run here on the same decoded audio, 10 ms at a time, which is where it
//     decides; its cuts are checked against the run's);
//   - ffmpeg's decoding: a second ffmpeg, run as the tool runs its own (live.Source.DecodeArgs),
//     is fed the same blocks at the same moments, and the time each sample takes through it is
//     timed;
//   - the request: from the decoded audio that decided the cut leaving ffmpeg to the request's
//     headers at the emulator (the cutter, the WAV, the request's start), its upload, and from
//     the emulator's first event to the text on stdout (the SSE reader, the orderer, the JSON
//     line).
//
// A second part runs the tool for hours of speech piped in faster than real time against an
// emulator answering at once, and samples its memory, its ffmpeg's and the files in its
// temporary directory as it goes.
const (
	liveLatency    = 300 * time.Millisecond // the emulator's time to first byte
	liveChunkDelay = 20 * time.Millisecond  // and between its events
	// livePacket is the real-time source's block: 1024 bytes, 32 ms of 16 kHz mono s16 (the
	// WAV demuxer's smallest), about a capture device's period. ffmpeg -re lets a block go when
	// the time of its first sample comes.
	livePacket    = 1024
	liveRate      = 16000
	liveLevel     = -20.0 // dBFS: each sentence's RMS
	liveSNR       = 20.0  // dB: the noisy track's pink noise under the speech level
	liveEndDepth  = 30.0  // dB: a sentence's speech ends at its last sample this far under its level
	liveAudible   = -40.0 // dBFS: a 10 ms frame of the clean track this loud is speech to be heard
	liveLeadIn    = 1500 * time.Millisecond
	liveInputArgs = "-f s16le -ar 16000 -ac 1"
	// liveMemoryHours of speech are piped into the memory run at liveMemorySpeed times real
	// time: about two thirds of what the tool and the emulator manage here at once (an hour in
	// 11 s), so that utterances do not wait in its queue (a pipe is read only as fast as the
	// service answers), which would hold memory that is not the tool's own growth.
	liveMemoryHours = 2
	liveMemorySpeed = 200
)

// liveSentences are read in turn by liveVoices. No digits and no commas, so that espeak-ng
// makes no pause inside a sentence: each sentence should be one utterance.
var liveSentences = []string{
	"Good morning everyone.",
	"Welcome to the weekly review of the translation project.",
	"Today we look at three questions.",
	"First we check how the new release behaved in the field.",
	"Then we talk about costs.",
	"Finally we plan the work for the coming month.",
	"Thank you.",
	"The release went out on Monday morning as planned.",
	"Most users updated within two days.",
	"A few people saw slow start up times on older laptops.",
	"We traced that to a missing cache directory.",
	"It was fixed on Wednesday.",
	"On costs the picture is good.",
	"We spent less than in the previous month.",
	"The number of translated minutes grew by almost a third.",
	"The largest saving came from sending shorter pieces of audio.",
	"Silence is no longer sent at all.",
	"That alone saved a lot of money.",
	"For next month we plan two things.",
	"We want better subtitles for fast speakers.",
	"Long recordings should be split between sentences.",
	"Questions are welcome at any time.",
	"Let us begin.",
	"The lighthouse keeper woke before dawn.",
	"He climbed the narrow stairs with a lamp in one hand.",
	"Outside the wind had turned.",
	"Rain was coming from the west.",
	"At the top he checked the glass.",
	"It was clean.",
	"He wrote the time in the book and looked out over the grey water.",
	"A small boat was moving slowly toward the harbour.",
	"Its engine was running rough.",
	"He watched it for a long while.",
	"When it reached the breakwater he went back down the stairs.",
	"The morning had begun.",
	"Later that day the storm arrived.",
	"The boats stayed in the harbour until the evening.",
	"That night he read by the fire.",
	"The wind rattled the windows.",
	"The light turned above him without a pause.",
	"Near midnight the radio crackled.",
	"A fishing boat was missing.",
	"He put on his coat and went outside.",
	"By morning the boat was found safe in a small bay to the north.",
	"Its crew came home tired and hungry but unharmed.",
	"The keeper wrote it all down.",
	"And that is where our story ends.",
	"Thank you all for listening.",
}

var liveVoices = []struct {
	voice string
	wpm   int
}{{"en-us", 175}, {"en-gb", 165}, {"en+f3", 160}, {"en-us+m3", 185}, {"en+f2", 150}}

// liveTrack is the played track: the same speech clean and with noise, and where each sentence's
// speech starts and ends (in samples, measured on the clean signal before the noise).
type liveTrack struct {
	clean, noisy []int16
	starts, ends []int64
}

func (t *liveTrack) seconds() float64 { return float64(len(t.clean)) / liveRate }

// makeLiveTrack speaks the sentences, trims each to its speech (espeak-ng adds silence around
// it), brings each to liveLevel and joins them with pauses of 0.5-1.2 s (fixed seed), after
// liveLeadIn of silence and with as much after the last. The noisy copy adds pink noise
// (fixed seed) at liveSNR under liveLevel, throughout.
func makeLiveTrack(ctx context.Context, dir string) (*liveTrack, error) {
	rng := rand.New(rand.NewPCG(16, 3))
	t := &liveTrack{clean: make([]int16, liveRate*liveLeadIn/time.Second)}
	target := 32768 * math.Pow(10, liveLevel/20) // RMS in sample units
	for i, text := range liveSentences {
		v := liveVoices[i%len(liveVoices)]
		raw, err := speak(ctx, dir, v.voice, v.wpm, text)
		if err != nil {
			return nil, err
		}
		// The sentence's level is its RMS between its first and last sound (espeak-ng's
		// silence around it is digital); its speech, what lies between its first and last
		// sample above liveEndDepth under that level.
		s := trimBelow(int16s(raw), 0)
		level := rms(s)
		if s = trimBelow(s, level*math.Pow(10, -liveEndDepth/20)); len(s) == 0 {
			return nil, fmt.Errorf("espeak-ng said nothing for %q: %w", text, errCheck)
		}
		gain := target / level
		if i > 0 {
			pause := 500*time.Millisecond + time.Duration(rng.Int64N(int64(700*time.Millisecond)))
			t.clean = append(t.clean, make([]int16, int64(pause)*liveRate/int64(time.Second))...)
		}
		t.starts = append(t.starts, int64(len(t.clean)))
		for _, x := range s {
			t.clean = append(t.clean, int16(max(min(math.Round(float64(x)*gain), 32767), -32768)))
		}
		t.ends = append(t.ends, int64(len(t.clean)))
	}
	t.clean = append(t.clean, make([]int16, liveRate*liveLeadIn/time.Second)...)

	noise := pinkNoise(len(t.clean), target*math.Pow(10, -liveSNR/20), rand.New(rand.NewPCG(20, 26)))
	t.noisy = make([]int16, len(t.clean))
	for i, x := range t.clean {
		t.noisy[i] = int16(max(min(math.Round(float64(x)+noise[i]), 32767), -32768))
	}
	return t, nil
}

// trimBelow is s from its first to its last sample louder than floor.
func trimBelow(s []int16, floor float64) []int16 {
	loud := func(x int16) bool { return math.Abs(float64(x)) > floor }
	first, last := slices.IndexFunc(s, loud), len(s)-1
	if first < 0 {
		return nil
	}
	for !loud(s[last]) {
		last--
	}
	return s[first : last+1]
}

func rms(s []int16) float64 {
	var sum float64
	for _, x := range s {
		sum += float64(x) * float64(x)
	}
	return math.Sqrt(sum / float64(max(len(s), 1)))
}

// speak is text as espeak-ng says it, 16 kHz mono s16le, kept in dir for the next run (named
// for the voice, the pace and the text).
func speak(ctx context.Context, dir, voice string, wpm int, text string) ([]byte, error) {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%d\x00%s", voice, wpm, text)))
	path := filepath.Join(dir, fmt.Sprintf("say-%x.raw", sum[:8]))
	if raw, err := os.ReadFile(path); err == nil && len(raw) > 0 {
		return raw, nil
	}
	wav := path + ".wav"
	defer os.Remove(wav)
	if out, err := exec.CommandContext(ctx, "espeak-ng", "-v", voice, "-s", strconv.Itoa(wpm), "-w", wav, text).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("espeak-ng: %w: %s", err, out)
	}
	raw, err := exec.CommandContext(ctx, "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-i", wav,
		"-ar", strconv.Itoa(liveRate), "-ac", "1", "-f", "s16le", "pipe:1").Output()
	if err != nil {
		return nil, fmt.Errorf("ffmpeg on %s: %w", wav, err)
	}
	if err := os.WriteFile(path+".part", raw, 0o644); err != nil {
		return nil, err
	}
	return raw, os.Rename(path+".part", path)
}

// pinkNoise is n samples of pink (1/f) noise of the given RMS: white noise through Paul
// Kellett's three-pole filter.
func pinkNoise(n int, rms float64, rng *rand.Rand) []float64 {
	out := make([]float64, n)
	var b0, b1, b2, sum float64
	for i := range out {
		w := rng.NormFloat64()
		b0 = 0.99765*b0 + w*0.0990460
		b1 = 0.96300*b1 + w*0.2965164
		b2 = 0.57000*b2 + w*1.0526913
		out[i] = b0 + b1 + b2 + w*0.1848
		sum += out[i] * out[i]
	}
	k := rms / math.Sqrt(sum/float64(n))
	for i := range out {
		out[i] *= k
	}
	return out
}

func int16s(b []byte) []int16 {
	s := make([]int16, len(b)/2)
	for i := range s {
		s[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return s
}

func pcmBytes(s []int16) []byte {
	b := make([]byte, 2*len(s))
	for i, x := range s {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(x))
	}
	return b
}

func writeLiveWAV(path string, s []int16) error {
	data := pcmBytes(s)
	return os.WriteFile(path, append(wavHeader(1, 1, liveRate, 16, int64(len(data))), data...), 0o644)
}

// timeline says when the samples of a stream passed a point: through[i] samples had passed by
// at[i].
type timeline struct {
	mu      sync.Mutex
	at      []time.Time
	through []int64
}

func (t *timeline) add(at time.Time, through int64) {
	t.mu.Lock()
	t.at, t.through = append(t.at, at), append(t.through, through)
	t.mu.Unlock()
}

// when is the time sample k (from 0) passed; false if it never did.
func (t *timeline) when(k int64) (time.Time, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	i, _ := slices.BinarySearch(t.through, k+1)
	if i == len(t.through) {
		return time.Time{}, false
	}
	return t.at[i], true
}

// blocks is how many blocks passed and their median size in samples.
func (t *timeline) blocks() (int, float64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var sizes []float64
	var prev int64
	for _, n := range t.through {
		sizes = append(sizes, float64(n-prev))
		prev = n
	}
	return len(sizes), median(sizes)
}

// liveEvent is what the suite reads of a --format jsonl line.
type liveEvent struct {
	Type      string  `json:"type"`
	Utterance int     `json:"utterance"`
	Start     float64 `json:"start"`
	End       float64 `json:"end"`
	RequestID string  `json:"request_id"`
}

// liveUtterance is an utterance of a run as its output shows it.
type liveUtterance struct {
	start, end float64 // source seconds
	firstText  time.Time
	requestID  string
	gap        bool
}

// liveRun is one real-time run of a track.
type liveRun struct {
	in, decoded *timeline // the source's samples reaching the tool; the probe's decoded samples leaving its ffmpeg
	utterances  map[int]*liveUtterance
	reqs        []reqTimes
	wall, cpu   time.Duration
}

// readLines calls each with every line of r and when its first byte was read.
func readLines(r io.Reader, each func(at time.Time, line []byte)) error {
	buf := make([]byte, 64<<10)
	var line []byte
	var lineAt time.Time
	for {
		n, err := r.Read(buf)
		now := time.Now()
		for data := buf[:n]; len(data) > 0; {
			if len(line) == 0 {
				lineAt = now
			}
			i := bytes.IndexByte(data, '\n')
			if i < 0 {
				line = append(line, data...)
				break
			}
			line = append(line, data[:i]...)
			each(lineAt, line)
			line, data = line[:0], data[i+1:]
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// liveDecodeArgs is ffmpeg's command line in the tool for `live - --input-args liveInputArgs`.
func liveDecodeArgs() ([]string, error) {
	src, err := live.ParseSource("-", live.SourceOptions{InputArgs: strings.Fields(liveInputArgs)})
	if err != nil {
		return nil, err
	}
	return src.DecodeArgs(), nil
}

// liveRealtime plays wav in real time into the tool and the probe.
func (s *suite) liveRealtime(ctx context.Context, wav string) (*liveRun, error) {
	srv, err := newEmulator(fakeapi.Options{Latency: liveLatency, ChunkDelay: liveChunkDelay, NoProbe: true})
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	run := &liveRun{in: &timeline{}, decoded: &timeline{}, utterances: map[int]*liveUtterance{}}

	c := s.ours(srv, false, "live", "-", "--input-args", liveInputArgs, "--to", "en", "--format", "jsonl")
	tool := exec.CommandContext(ctx, c.args[0], c.args[1:]...)
	tool.Env = append(baseEnv(), c.env...)
	toolErr := &tailWriter{max: errTail}
	tool.Stderr, tool.WaitDelay = toolErr, 5*time.Second
	toolIn, err := tool.StdinPipe()
	if err != nil {
		return nil, err
	}
	toolOut, err := tool.StdoutPipe()
	if err != nil {
		return nil, err
	}

	args, err := liveDecodeArgs()
	if err != nil {
		return nil, err
	}
	probe := exec.CommandContext(ctx, "ffmpeg", args...)
	probe.WaitDelay = 5 * time.Second
	probeIn, err := probe.StdinPipe()
	if err != nil {
		return nil, err
	}
	probeOut, err := probe.StdoutPipe()
	if err != nil {
		return nil, err
	}

	source := exec.CommandContext(ctx, "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error",
		"-re", "-max_size", strconv.Itoa(livePacket), "-i", wav, "-f", "s16le", "-flush_packets", "1", "pipe:1")
	source.WaitDelay = 5 * time.Second
	sourceOut, err := source.StdoutPipe()
	if err != nil {
		return nil, err
	}

	started := time.Now()
	for _, cmd := range []*exec.Cmd{tool, probe, source} {
		if err := cmd.Start(); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Base(cmd.Path), err)
		}
	}
	var wg sync.WaitGroup
	var readErr [3]error
	wg.Add(3)
	go func() { // the tool's output
		defer wg.Done()
		var bad error
		readErr[0] = readLines(toolOut, func(at time.Time, line []byte) {
			var ev liveEvent
			if err := json.Unmarshal(line, &ev); err != nil {
				if bad == nil {
					bad = fmt.Errorf("a line of the tool's output is not JSON (%w): %s", err, clip(string(line)))
				}
				return
			}
			u := run.utterances[ev.Utterance]
			if u == nil {
				u = &liveUtterance{}
				run.utterances[ev.Utterance] = u
			}
			switch ev.Type {
			case "text":
				if u.firstText.IsZero() {
					u.firstText = at
				}
			case "utterance", "gap":
				u.start, u.end, u.requestID, u.gap = ev.Start, ev.End, ev.RequestID, ev.Type == "gap"
			}
		})
		if readErr[0] == nil {
			readErr[0] = bad
		}
	}()
	go func() { // the probe's decoded stereo
		defer wg.Done()
		buf := make([]byte, 64<<10)
		var total int64
		for {
			n, err := probeOut.Read(buf)
			if n > 0 {
				total += int64(n)
				run.decoded.add(time.Now(), total/4)
			}
			if err != nil {
				if !errors.Is(err, io.EOF) {
					readErr[1] = err
				}
				return
			}
		}
	}()
	go func() { // the real-time source, into the tool and the probe
		defer wg.Done()
		defer toolIn.Close()
		defer probeIn.Close()
		buf := make([]byte, 64<<10)
		var total int64
		for {
			n, err := sourceOut.Read(buf)
			if n > 0 {
				total += int64(n)
				run.in.add(time.Now(), total/2)
				if _, werr := toolIn.Write(buf[:n]); werr != nil {
					readErr[2] = fmt.Errorf("writing to the tool: %w", werr)
					return
				}
				if _, werr := probeIn.Write(buf[:n]); werr != nil {
					readErr[2] = fmt.Errorf("writing to the probe: %w", werr)
					return
				}
			}
			if err != nil {
				if !errors.Is(err, io.EOF) {
					readErr[2] = err
				}
				return
			}
		}
	}()
	wg.Wait()
	var errs []error
	for i, cmd := range []*exec.Cmd{source, probe, tool} {
		if err := cmd.Wait(); err != nil {
			detail := ""
			if i == 2 {
				detail = ": " + firstLine(string(toolErr.buf))
			}
			errs = append(errs, fmt.Errorf("%s: %w%s", filepath.Base(cmd.Path), err, detail))
		}
	}
	if err := errors.Join(append(errs, readErr[:]...)...); err != nil {
		return nil, err
	}
	run.wall = time.Since(started)
	if ps := tool.ProcessState; ps != nil {
		run.cpu = ps.UserTime() + ps.SystemTime()
	}
	run.reqs = srv.Requests()
	return run, nil
}

// cutPoint is an utterance cut offline and how much of the track the cutter had read by then.
type cutPoint struct {
	start, end time.Duration
	decided    int64 // samples
}

// liveCuts runs the tool's decoder and cutter over the track as the tool does, 10 ms at a time,
// and notes where each cut was decided.
func liveCuts(ctx context.Context, track []int16) ([]cutPoint, error) {
	args, err := liveDecodeArgs()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "ffmpeg", args...)
	cmd.Stdin = bytes.NewReader(pcmBytes(track))
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("ffmpeg: %w", err)
	}
	stereo := int16s(out)
	c := live.NewCutter(live.CutterOptions{CueMax: live.DefaultCueMax})
	var cuts []cutPoint
	const step = 2 * liveRate / 100 // 10 ms of stereo
	for off := 0; off < len(stereo); off += step {
		end := min(off+step, len(stereo))
		for _, u := range c.Write(stereo[off:end]) {
			cuts = append(cuts, cutPoint{u.Start, u.End, int64(end / 2)})
		}
	}
	for _, u := range c.Close() {
		cuts = append(cuts, cutPoint{u.Start, u.End, int64(len(stereo) / 2)})
	}
	return cuts, nil
}

// liveFigures are one run's figures, a value per sentence.
type liveFigures struct {
	latency, service                  []float64 // ms
	decision, wait, decode, toRequest []float64
	upload, out                       []float64
	anySample                         []float64 // ffmpeg's delay at every 10 ms of the track after its first 5 s
	startHold                         time.Duration
	sentences, utterances, gaps       int
	missing, merged, split, mismatch  int
}

func sampleMS(k int64) float64 { return float64(k) * 1000 / liveRate }

// liveAnalyse works out each sentence's latency and its parts.
func liveAnalyse(t *liveTrack, run *liveRun, cuts []cutPoint) (*liveFigures, error) {
	f := &liveFigures{sentences: len(t.ends)}
	var order []int
	for i, u := range run.utterances {
		order = append(order, i)
		if u.gap {
			f.gaps++
		}
	}
	slices.Sort(order)
	f.utterances = len(order)
	reqs := map[string]reqTimes{}
	for _, r := range run.reqs {
		reqs[r.ID] = r
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	used := map[int]int{} // utterance → sentences whose end it holds
	for si, end := range t.ends {
		endSec := float64(end) / liveRate
		idx := -1
		for _, i := range order {
			if run.utterances[i].start < endSec {
				idx = i
			}
		}
		if idx < 0 || run.utterances[idx].end < endSec-0.3 || run.utterances[idx].gap {
			f.missing++
			continue
		}
		u := run.utterances[idx]
		if si > 0 && u.start < float64(t.ends[si-1])/liveRate {
			f.merged++
		}
		if u.start > float64(t.starts[si])/liveRate+0.3 {
			f.split++ // the sentence was cut before its end: this is its last utterance
		}
		used[idx]++
		r, ok := reqs[u.requestID]
		if !ok || r.FirstEvent.IsZero() || u.firstText.IsZero() {
			return nil, fmt.Errorf("utterance %d: no request %q at the emulator, or no text: %w", idx, u.requestID, errCheck)
		}
		t0, ok := run.in.when(end - 1)
		if !ok {
			return nil, fmt.Errorf("sentence %d's end never reached the tool: %w", si+1, errCheck)
		}
		service := r.FirstEvent.Sub(r.BodyLast)
		f.latency = append(f.latency, ms(u.firstText.Sub(t0)-service))
		f.service = append(f.service, ms(service))
		f.upload = append(f.upload, ms(r.BodyLast.Sub(r.Start)))
		f.out = append(f.out, ms(u.firstText.Sub(r.FirstEvent)))
		// The offline cut of this utterance, if it is the same as the run's.
		if idx-1 >= len(cuts) || math.Abs(cuts[idx-1].start.Seconds()-u.start) > 0.002 || math.Abs(cuts[idx-1].end.Seconds()-u.end) > 0.002 {
			f.mismatch++
			continue
		}
		decided := cuts[idx-1].decided
		arrived, ok1 := run.in.when(decided - 1)
		left, ok2 := run.decoded.when(decided - 1)
		if !ok1 || !ok2 {
			f.mismatch++
			continue
		}
		f.decision = append(f.decision, sampleMS(decided-end))
		f.wait = append(f.wait, ms(arrived.Sub(t0)))
		f.decode = append(f.decode, ms(left.Sub(arrived)))
		f.toRequest = append(f.toRequest, ms(r.Start.Sub(left)))
	}
	// ffmpeg's delay at any sample, once it is under way, and on the first sample (it reads
	// ahead to find out what the input is before it decodes anything).
	for k := int64(5 * liveRate); k < int64(len(t.clean)); k += liveRate / 100 {
		a, ok1 := run.in.when(k)
		b, ok2 := run.decoded.when(k)
		if ok1 && ok2 {
			f.anySample = append(f.anySample, ms(b.Sub(a)))
		}
	}
	a, ok1 := run.in.when(0)
	b, ok2 := run.decoded.when(0)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("the probe decoded nothing: %w", errCheck)
	}
	f.startHold = b.Sub(a)
	return f, nil
}

// liveLost is the audible speech of the sentences that no utterance of the run held: 10 ms
// frames of the clean track within a sentence, louder than liveAudible, outside every
// utterance the tool sent. It returns the seconds lost, the seconds of audible speech and the
// longest stretches lost (source seconds).
func liveLost(t *liveTrack, run *liveRun) (lost, audible float64, worst [][2]float64) {
	const frame = liveRate / 100
	floor := 32768 * math.Pow(10, liveAudible/20)
	var spans [][2]int64
	for _, u := range run.utterances {
		if !u.gap {
			spans = append(spans, [2]int64{int64(math.Round(u.start * liveRate)), int64(math.Round(u.end * liveRate))})
		}
	}
	var stretches [][2]float64
	for si := range t.ends {
		var open int64 = -1
		for f := t.starts[si]; f < t.ends[si]; f += frame {
			var sum float64
			end := min(f+frame, t.ends[si])
			for _, x := range t.clean[f:end] {
				sum += float64(x) * float64(x)
			}
			loud := math.Sqrt(sum/float64(end-f)) > floor
			held := slices.ContainsFunc(spans, func(sp [2]int64) bool { return f >= sp[0] && end <= sp[1] })
			if loud {
				audible += float64(end-f) / liveRate
				if !held {
					lost += float64(end-f) / liveRate
					if open < 0 {
						open = f
					}
					continue
				}
			}
			if open >= 0 && held {
				stretches = append(stretches, [2]float64{float64(open) / liveRate, float64(f) / liveRate})
				open = -1
			}
		}
		if open >= 0 {
			stretches = append(stretches, [2]float64{float64(open) / liveRate, float64(t.ends[si]) / liveRate})
		}
	}
	slices.SortFunc(stretches, func(a, b [2]float64) int { return cmp.Compare(b[1]-b[0], a[1]-a[0]) })
	return lost, audible, stretches[:min(len(stretches), 3)]
}

// ifTrue is s when ok, else "".
func ifTrue(ok bool, s string) string {
	if ok {
		return s
	}
	return ""
}

func mean(v []float64) float64 {
	var sum float64
	for _, x := range v {
		sum += x
	}
	return sum / float64(max(len(v), 1))
}

// percentile is the p-th percentile (0-100) of v, by nearest rank.
func percentile(v []float64, p float64) float64 {
	if len(v) == 0 {
		return 0
	}
	v = slices.Clone(v)
	slices.Sort(v)
	i := int(math.Ceil(p/100*float64(len(v)))) - 1
	return v[max(min(i, len(v)-1), 0)]
}

// benchLive: the latency of live on a real-time source, clean and noisy, and its memory over
// hours of speech.
func benchLive(ctx context.Context, s *suite) error {
	dir := filepath.Join(s.work, "live")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	made := time.Now()
	track, err := makeLiveTrack(ctx, dir)
	if err != nil {
		return err
	}
	s.logf("live: a track of %d sentences, %.0f s (made in %.1f s)", len(track.ends), track.seconds(), time.Since(made).Seconds())
	conds := []struct {
		name string
		pcm  []int16
	}{{"clean", track.clean}, {"noisy", track.noisy}}
	cuts := make([][]cutPoint, len(conds))
	runs := make([]*liveRun, len(conds))
	errs := make([]error, len(conds))
	var wg sync.WaitGroup
	for i, c := range conds {
		wav := filepath.Join(dir, "live-"+c.name+".wav")
		if err := writeLiveWAV(wav, c.pcm); err != nil {
			return err
		}
		if cuts[i], err = liveCuts(ctx, c.pcm); err != nil {
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			runs[i], errs[i] = s.liveRealtime(ctx, wav)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for i, c := range conds {
		f, err := liveAnalyse(track, runs[i], cuts[i])
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		s.liveRows(c.name, track, runs[i], f)
	}
	return s.liveMemory(ctx, track.clean)
}

func (s *suite) liveRows(cond string, t *liveTrack, run *liveRun, f *liveFigures) {
	name := "live, " + cond + " source"
	if cond == "noisy" {
		name = fmt.Sprintf("live, noisy source (pink noise, %g dB SNR)", liveSNR)
	}
	blocks, size := run.in.blocks()
	what := fmt.Sprintf("%d sentences (%.0f s of track, ffmpeg -re in blocks of %.0f ms: %d of them), %d utterances", f.sentences, t.seconds(), size*1000/liveRate, blocks, f.utterances)
	var odd []string
	for _, c := range []struct {
		n    int
		what string
	}{{f.missing, "whose end no utterance held"}, {f.merged, "cut together with the one before"}, {f.split, "cut inside as well"}, {f.gaps, "utterances not translated"}} {
		if c.n > 0 {
			odd = append(odd, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	if len(odd) > 0 {
		what += " (" + strings.Join(odd, "; ") + ")"
	}
	lost, audible, worst := liveLost(t, run)
	var where []string
	for _, w := range worst {
		where = append(where, fmt.Sprintf("%.2f-%.2f s", w[0], w[1]))
	}
	s.add(row{Group: "live", Name: name + ": speech never sent", Unit: "s", Ours: ptr(lost), Target: "< 0.1",
		Note: fmt.Sprintf("10 ms frames of the sentences louder than %g dBFS in the clean track (%.1f s of them, %.1f %% lost) that no utterance held; the longest: %s",
			liveAudible, audible, 100*lost/audible, orDash(strings.Join(where, ", ")))})
	s.add(row{Group: "live", Name: name + ": end of speech → first text, median", Unit: "ms", Ours: ptr(median(f.latency)), Target: "< 300",
		Note: fmt.Sprintf("%s; from the last sample of a sentence's speech reaching the tool to the first text of its utterance on stdout, less the emulator's own time to first byte "+
			"(median %.0f ms, set to %s, %s between events); the tool used %.1f s of CPU in %.0f s", what, median(f.service), liveLatency, liveChunkDelay, run.cpu.Seconds(), run.wall.Seconds())})
	s.add(row{Group: "live", Name: name + ": end of speech → first text, p95", Unit: "ms", Ours: ptr(percentile(f.latency, 95)), Target: "< 600",
		Note: fmt.Sprintf("the same, 95th percentile; the slowest %.0f ms", percentile(f.latency, 100))})
	s.add(row{Group: "live", Name: name + ": of which the cut decision", Unit: "ms", Ours: ptr(median(f.decision)),
		Note: fmt.Sprintf("audio after the end of speech the cutter read before it cut (the minimum pause and the time for the level to fall), median, p95 %.0f ms; in wall time, "+
			"with the source's blocks, %.0f ms (median); %d of %d sentences%s",
			percentile(f.decision, 95), median(f.wait), len(f.decision), f.sentences-f.missing, ifTrue(f.mismatch > 0, " (the others' utterances were cut differently offline)"))})
	waited := 0
	for _, d := range f.decode {
		if d > 10 {
			waited++
		}
	}
	s.add(row{Group: "live", Name: name + ": of which ffmpeg's decoding (mean)", Unit: "ms", Ours: ptr(mean(f.anySample)),
		Note: fmt.Sprintf("a sample from reaching ffmpeg to leaving it decoded, in a second ffmpeg run as the tool runs its own and fed the same blocks at the same moments, "+
			"at every 10 ms of the track after its first 5 s: mean, median %.1f ms, p95 %.1f (a sample waits for the rest of its packet); at the samples that decided this run's cuts median %.1f ms, p95 %.1f, %d of %d waited more than 10 ms",
			median(f.anySample), percentile(f.anySample, 95), median(f.decode), percentile(f.decode, 95), waited, len(f.decode))})
	s.add(row{Group: "live", Name: name + ": of which the request", Unit: "ms", Ours: ptr(median(f.toRequest) + median(f.upload) + median(f.out)),
		Note: fmt.Sprintf("medians: decoded audio → the request's headers at the emulator %.1f ms (p95 %.1f; reading, cutting, the WAV, the request), upload %.1f ms (p95 %.1f), "+
			"first event → text on stdout %.1f ms (p95 %.1f; SSE, orderer, JSON line)",
			median(f.toRequest), percentile(f.toRequest, 95), median(f.upload), percentile(f.upload, 95), median(f.out), percentile(f.out, 95))})
	if cond == "clean" {
		s.add(row{Group: "live", Name: "live: ffmpeg's start-up hold (raw PCM piped in)", Unit: "s", Ours: ptr(f.startHold.Seconds()),
			Note: "the first sample of the source, from reaching ffmpeg to leaving it decoded, in the probe: what ffmpeg reads before it decodes anything, a wait at the start of every run"})
	}
}

// liveMemory pipes liveMemoryHours of the track, looped, into the tool as fast as it reads, and
// samples the memory of the tool and of its ffmpeg, and its temporary directory, every second.
func (s *suite) liveMemory(ctx context.Context, pcm []int16) error {
	srv, err := newEmulator(fakeapi.Options{NoProbe: true})
	if err != nil {
		return err
	}
	defer srv.Close()
	dir := filepath.Join(s.work, "live-memory")
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	tmp, state := filepath.Join(dir, "tmp"), filepath.Join(dir, "state")
	for _, d := range []string{tmp, state} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	defer os.RemoveAll(dir)
	c := s.ours(srv, false, "live", "-", "--input-args", liveInputArgs, "--to", "en", "--format", "jsonl")
	c.env = append(c.env, "TMPDIR="+tmp, "XDG_STATE_HOME="+state) // a ledger of its own: it grows by a row an utterance
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	tool := exec.CommandContext(ctx, c.args[0], c.args[1:]...)
	tool.Env = append(baseEnv(), c.env...)
	toolErr := &tailWriter{max: errTail}
	tool.Stderr, tool.WaitDelay = toolErr, 5*time.Second
	in, err := tool.StdinPipe()
	if err != nil {
		return err
	}
	out, err := tool.StdoutPipe()
	if err != nil {
		return err
	}
	started := time.Now()
	if err := tool.Start(); err != nil {
		return err
	}
	var written atomic.Int64
	total := int64(liveMemoryHours) * 3600 * liveRate * 2
	var wg sync.WaitGroup
	var translated, gaps int
	var readErr, writeErr error
	wg.Add(2)
	go func() {
		defer wg.Done()
		readErr = readLines(out, func(_ time.Time, line []byte) {
			switch {
			case bytes.Contains(line, []byte(`"type":"utterance"`)):
				translated++
			case bytes.Contains(line, []byte(`"type":"gap"`)):
				gaps++
			}
		})
	}()
	go func() {
		defer wg.Done()
		defer in.Close()
		b := pcmBytes(pcm)
		const block = 64 << 10
		for off := 0; written.Load() < total; {
			n, err := in.Write(b[off:min(off+block, len(b), off+int(total-written.Load()))])
			w := written.Add(int64(n))
			if off += n; off == len(b) {
				off = 0 // the track again
			}
			if err != nil {
				writeErr = err
				return
			}
			due := started.Add(time.Duration(w / 2 * int64(time.Second) / liveRate / liveMemorySpeed))
			time.Sleep(time.Until(due))
		}
	}()

	type sample struct {
		source            time.Duration
		tool, ffmpeg      int64 // VmRSS
		tmpFiles, tmpSize int64
		fds               int
	}
	var samples []sample
	var toolHWM, ffmpegHWM, tmpFilesMax, tmpSizeMax int64
	pid := tool.Process.Pid
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for running := true; running; {
		select {
		case <-done:
			running = false
		case <-tick.C:
		}
		sm := sample{source: time.Duration(written.Load() / 2 * int64(time.Second) / liveRate), tool: readStatus(pid, "VmRSS:")}
		toolHWM = max(toolHWM, readHWM(pid))
		for _, ch := range descendants(pid) {
			sm.ffmpeg += readStatus(ch, "VmRSS:")
			ffmpegHWM = max(ffmpegHWM, readHWM(ch))
		}
		if fds, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/fd"); err == nil {
			sm.fds = len(fds)
		}
		filepath.WalkDir(tmp, func(_ string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				sm.tmpFiles++
				if fi, err := d.Info(); err == nil {
					sm.tmpSize += fi.Size()
				}
			}
			return nil
		})
		tmpFilesMax, tmpSizeMax = max(tmpFilesMax, sm.tmpFiles), max(tmpSizeMax, sm.tmpSize)
		if running && sm.tool > 0 {
			samples = append(samples, sm)
		}
	}
	err = tool.Wait()
	wall := time.Since(started)
	if exitErr := (*exec.ExitError)(nil); errors.As(err, &exitErr) && exitErr.ExitCode() == 4 && gaps > 0 {
		err = nil // some utterances were not translated (gaps), which the note says
	}
	if err := errors.Join(err, readErr, writeErr); err != nil {
		return fmt.Errorf("live, %d h piped in: %w: %s", liveMemoryHours, err, firstLine(string(toolErr.buf)))
	}
	if len(samples) < 4 {
		return fmt.Errorf("live, %d h piped in: only %d samples of its memory in %.1f s: %w", liveMemoryHours, len(samples), wall.Seconds(), errCheck)
	}
	ledger := int64(0)
	filepath.WalkDir(state, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				ledger += fi.Size()
			}
		}
		return nil
	})

	// The tool's resident memory at each half hour of source, and its growth from the first
	// half hour to the end.
	var marks []string
	var first, last sample
	for h := 30 * time.Minute; h <= liveMemoryHours*time.Hour; h += 30 * time.Minute {
		i := slices.IndexFunc(samples, func(sm sample) bool { return sm.source >= h })
		if i < 0 {
			i = len(samples) - 1
		}
		if first.tool == 0 {
			first = samples[i]
		}
		last = samples[i]
		marks = append(marks, fmt.Sprintf("%.1f", mib(samples[i].tool)))
	}
	var ffmpegRSS []float64
	var fds []int
	for _, sm := range samples {
		ffmpegRSS = append(ffmpegRSS, mib(sm.ffmpeg))
		fds = append(fds, sm.fds)
	}
	name := fmt.Sprintf("live, %d h of speech piped in", liveMemoryHours)
	s.add(row{Group: "live", Name: name + ": peak RSS, tool", Unit: "MiB", Ours: ptr(mib(toolHWM)), Target: "< 40",
		Note: fmt.Sprintf("fed at %.0f× real time (%.0f s), the emulator answering at once; %d utterances translated, %d not (gaps); "+
			"VmRSS at each half hour of source: %s MiB; %d to %d open files",
			float64(liveMemoryHours)*3600/wall.Seconds(), wall.Seconds(), translated, gaps, strings.Join(marks, " / "), slices.Min(fds), slices.Max(fds))})
	s.add(row{Group: "live", Name: name + ": RSS growth, tool", Unit: "MiB", Ours: ptr(mib(last.tool - first.tool)), Target: "< 5",
		Note: fmt.Sprintf("VmRSS at the end of the source less at its first half hour (%.1f → %.1f MiB)", mib(first.tool), mib(last.tool))})
	s.add(row{Group: "live", Name: name + ": peak RSS, ffmpeg", Unit: "MiB", Ours: ptr(mib(ffmpegHWM)),
		Note: fmt.Sprintf("the tool's decoder; VmRSS %.1f MiB at the first sample, %.1f at the last", ffmpegRSS[0], ffmpegRSS[len(ffmpegRSS)-1])})
	s.add(row{Group: "live", Name: name + ": temporary files", Unit: "files", Ours: ptr(float64(tmpFilesMax)), Target: "< 1",
		Note: fmt.Sprintf("the most files (%d bytes at most) in its TMPDIR at any sample; its usage ledger, a row an utterance, was %.1f MiB at the end", tmpSizeMax, mib(ledger))})
	return nil
}
