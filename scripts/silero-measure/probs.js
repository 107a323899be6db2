// probs.js: runs Silero VAD over every recording of the evaluation set and writes, per model and
// recording, the speech probability of each 512-sample (32 ms) window, and the CPU time it took.
//
//   node probs.js -set DIR -models DIR -out DIR [-only v5,v6,v4] [-files N]
//
// -models holds silero_vad_v5.onnx, silero_vad_v6.onnx and silero_vad_legacy.onnx (v4), as
// @ricky0123/vad-web ships them. Windows are fed as silero-vad's own OnnxWrapper.audio_forward
// does: the audio zero-padded to a whole number of windows, state reset once per file; v5 and v6
// get the last 64 samples of the previous window before each window (576 samples in all) and
// carry one [2,1,128] state; v4 takes the bare window and carries h and c ([2,1,64] each).
// onnxruntime runs with one intra-op and one inter-op thread, as silero-vad sets it up.
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

const WINDOW = 512;
const CONTEXT = 64;
const RATE = 16000;

const MODELS = {
  v5: { file: 'silero_vad_v5.onnx', kind: 'v5' },
  v6: { file: 'silero_vad_v6.onnx', kind: 'v5' },
  v4: { file: 'silero_vad_legacy.onnx', kind: 'v4' },
};

function args(argv) {
  const a = { only: 'v5,v6,v4', files: 0 };
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i].replace(/^-+/, '');
    if (!['set', 'models', 'out', 'only', 'files'].includes(k) || i + 1 >= argv.length) usage();
    a[k] = argv[i + 1];
  }
  if (!a.set || !a.models || !a.out) usage();
  a.files = Number(a.files);
  return a;
}
function usage() {
  console.error('usage: node probs.js -set DIR -models DIR -out DIR [-only v5,v6,v4] [-files N]');
  process.exit(2);
}

// readWav returns the samples of a 16 kHz mono 16-bit PCM WAV as floats in [-1, 1).
function readWav(file) {
  const b = fs.readFileSync(file);
  if (b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${file}: not a RIFF WAVE file`);
  let fmt = null;
  for (let i = 12; i + 8 <= b.length;) {
    const id = b.toString('ascii', i, i + 4);
    const size = b.readUInt32LE(i + 4);
    const body = i + 8;
    if (id === 'fmt ') {
      fmt = { format: b.readUInt16LE(body), channels: b.readUInt16LE(body + 2), rate: b.readUInt32LE(body + 4), bits: b.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!fmt || fmt.format !== 1 || fmt.channels !== 1 || fmt.rate !== RATE || fmt.bits !== 16) {
        throw new Error(`${file}: want 16 kHz mono 16-bit PCM, have ${JSON.stringify(fmt)}`);
      }
      const n = Math.floor(Math.min(size, b.length - body) / 2);
      const out = new Float32Array(n);
      for (let k = 0; k < n; k++) out[k] = b.readInt16LE(body + 2 * k) / 32768;
      return out;
    }
    i = body + size + (size & 1);
  }
  throw new Error(`${file}: no data chunk`);
}

// runner returns a function giving the speech probability of each window of a recording.
async function runner(modelFile, kind) {
  const session = await ort.InferenceSession.create(modelFile, {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
  });
  const sr = new ort.Tensor('int64', BigInt64Array.from([BigInt(RATE)]), []);
  return async (audio) => {
    const windows = Math.ceil(audio.length / WINDOW);
    const probs = new Float32Array(windows);
    let state = new ort.Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
    let h = new ort.Tensor('float32', new Float32Array(2 * 64), [2, 1, 64]);
    let c = new ort.Tensor('float32', new Float32Array(2 * 64), [2, 1, 64]);
    let context = new Float32Array(CONTEXT);
    for (let w = 0; w < windows; w++) {
      const frame = new Float32Array(WINDOW); // zero-padded at the end of the file
      frame.set(audio.subarray(w * WINDOW, Math.min((w + 1) * WINDOW, audio.length)));
      let out;
      if (kind === 'v5') {
        const x = new Float32Array(CONTEXT + WINDOW);
        x.set(context, 0);
        x.set(frame, CONTEXT);
        context = frame.slice(WINDOW - CONTEXT);
        out = await session.run({ input: new ort.Tensor('float32', x, [1, x.length]), state, sr });
        state = out.stateN;
      } else {
        out = await session.run({ input: new ort.Tensor('float32', frame, [1, WINDOW]), h, c, sr });
        h = out.hn;
        c = out.cn;
      }
      probs[w] = out.output.data[0];
    }
    return probs;
  };
}

async function main() {
  const a = args(process.argv.slice(2));
  const manifest = JSON.parse(fs.readFileSync(path.join(a.set, 'conditions.json'), 'utf8'));
  let files = manifest.files.map((f) => f.file);
  if (a.files > 0) files = files.slice(0, a.files);
  const audio = files.map((f) => readWav(path.join(a.set, f)));
  const audioSeconds = audio.reduce((s, x) => s + x.length, 0) / RATE;
  const cost = {};
  for (const name of a.only.split(',')) {
    const m = MODELS[name];
    if (!m) throw new Error(`unknown model ${name} (have ${Object.keys(MODELS)})`);
    const run = await runner(path.join(a.models, m.file), m.kind);
    await run(new Float32Array(WINDOW * 4)); // warm up: the first runs allocate
    const dir = path.join(a.out, name);
    fs.mkdirSync(dir, { recursive: true });
    let cpu = 0, wall = 0, windows = 0;
    for (let i = 0; i < files.length; i++) {
      const c0 = process.cpuUsage(), t0 = process.hrtime.bigint();
      const probs = await run(audio[i]);
      const c1 = process.cpuUsage(c0), t1 = process.hrtime.bigint();
      cpu += (c1.user + c1.system) / 1e6;
      wall += Number(t1 - t0) / 1e9;
      windows += probs.length;
      const rec = { file: files[i], model: name, sample_rate: RATE, window_samples: WINDOW, samples: audio[i].length,
        probs: Array.from(probs, (p) => Math.round(p * 1e5) / 1e5) };
      fs.writeFileSync(path.join(dir, files[i].replace(/\.wav$/, '.json')), JSON.stringify(rec) + '\n');
    }
    cost[name] = { files: files.length, audio_s: audioSeconds, windows, cpu_s: cpu, wall_s: wall,
      cpu_s_per_audio_hour: cpu / audioSeconds * 3600, us_per_window: cpu / windows * 1e6,
      realtime_factor: audioSeconds / cpu };
    console.log(`${name}: ${files.length} files, ${audioSeconds.toFixed(0)} s of audio, ${windows} windows: ` +
      `CPU ${cpu.toFixed(2)} s (wall ${wall.toFixed(2)} s), ${(cpu / windows * 1e6).toFixed(1)} µs a window, ` +
      `${(cpu / audioSeconds * 3600).toFixed(1)} CPU s an hour of audio (${(audioSeconds / cpu).toFixed(0)}× real time)`);
  }
  const costFile = path.join(a.out, 'cost.json');
  fs.writeFileSync(costFile, JSON.stringify({ date: new Date().toISOString(), node: process.version,
    onnxruntime_node: require('onnxruntime-node/package.json').version, models: cost }, null, 2) + '\n');
}

main().catch((e) => { console.error(`probs: error: ${e.message}`); process.exit(1); });
