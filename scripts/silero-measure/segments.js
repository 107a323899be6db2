// segments.js: turns the per-window speech probabilities probs.js wrote into speech segments the
// way silero-vad's get_speech_timestamps does (max_speech_duration_s left at infinity), and writes
// one <recording>.json per recording, {"speech": [[start, end], ...]} in seconds with the
// probabilities beside them ("probs", one every "window_s" seconds: the harness cuts speech too
// long for one piece where it is least likely), for `go run ./scripts/eval -external DIR`.
//
//   node segments.js -probs DIR -out DIR [-threshold 0.5] [-neg 0.35] [-min-silence-ms 100]
//                    [-min-speech-ms 250] [-pad-ms 30]
'use strict';
const fs = require('fs');
const path = require('path');

const OPTS = { probs: '', out: '', threshold: 0.5, neg: NaN, 'min-silence-ms': 100, 'min-speech-ms': 250, 'pad-ms': 30 };

function args(argv) {
  const a = { ...OPTS };
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i].replace(/^-+/, '');
    if (!(k in OPTS) || i + 1 >= argv.length) usage();
    a[k] = typeof OPTS[k] === 'number' ? Number(argv[i + 1]) : argv[i + 1];
    if (typeof OPTS[k] === 'number' && Number.isNaN(a[k])) usage();
  }
  if (!a.probs || !a.out) usage();
  if (Number.isNaN(a.neg)) a.neg = Math.max(a.threshold - 0.15, 0.01); // silero's default
  return a;
}
function usage() {
  console.error('usage: node segments.js -probs DIR -out DIR [-threshold 0.5] [-neg 0.35] [-min-silence-ms 100] [-min-speech-ms 250] [-pad-ms 30]');
  process.exit(2);
}

// speechTimestamps is get_speech_timestamps after the model has run, in samples. A window at or
// over threshold starts speech; speech ends at the first window under neg that is followed by
// at least minSilence without a window at or over threshold; speech no longer than minSpeech is
// dropped; each segment is widened by pad on both sides, or up to the middle of a shorter gap.
function speechTimestamps(probs, window, samples, rate, o) {
  const minSpeech = rate * o['min-speech-ms'] / 1000;
  const pad = rate * o['pad-ms'] / 1000;
  const minSilence = rate * o['min-silence-ms'] / 1000;
  const out = [];
  let triggered = false, start = 0, tempEnd = 0;
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i], at = window * i;
    if (p >= o.threshold && tempEnd) tempEnd = 0;
    if (p >= o.threshold && !triggered) {
      triggered = true;
      start = at;
      continue;
    }
    if (p < o.neg && triggered) {
      if (!tempEnd) tempEnd = at;
      if (at - tempEnd < minSilence) continue;
      if (tempEnd - start > minSpeech) out.push({ start, end: tempEnd });
      triggered = false;
      tempEnd = 0;
    }
  }
  if (triggered && samples - start > minSpeech) out.push({ start, end: samples });
  for (let i = 0; i < out.length; i++) {
    const s = out[i];
    if (i === 0) s.start = Math.max(0, s.start - pad);
    if (i !== out.length - 1) {
      const gap = out[i + 1].start - s.end;
      if (gap < 2 * pad) {
        s.end += Math.floor(gap / 2);
        out[i + 1].start = Math.max(0, out[i + 1].start - Math.floor(gap / 2));
      } else {
        s.end = Math.min(samples, s.end + pad);
        out[i + 1].start = Math.max(0, out[i + 1].start - pad);
      }
    } else {
      s.end = Math.min(samples, s.end + pad);
    }
  }
  return out;
}

function main() {
  const o = args(process.argv.slice(2));
  fs.mkdirSync(o.out, { recursive: true });
  let n = 0;
  for (const f of fs.readdirSync(o.probs).filter((f) => f.endsWith('.json') && f !== 'cost.json').sort()) {
    const r = JSON.parse(fs.readFileSync(path.join(o.probs, f), 'utf8'));
    const segs = speechTimestamps(r.probs, r.window_samples, r.samples, r.sample_rate, o);
    const speech = segs.map((s) => [s.start / r.sample_rate, s.end / r.sample_rate]);
    const rec = { file: r.file, model: r.model, options: { threshold: o.threshold, neg_threshold: o.neg,
      min_silence_ms: o['min-silence-ms'], min_speech_ms: o['min-speech-ms'], speech_pad_ms: o['pad-ms'] },
      duration: r.samples / r.sample_rate, speech, window_s: r.window_samples / r.sample_rate, probs: r.probs };
    fs.writeFileSync(path.join(o.out, f), JSON.stringify(rec) + '\n');
    n++;
  }
  if (n === 0) {
    console.error(`segments: error: no probability files in ${o.probs} (run probs.js first)`);
    process.exit(1);
  }
  console.log(`segments: ${n} recordings -> ${o.out}`);
}

main();
