// dump-onnx.js MODEL.onnx: lists an ONNX model's weights (name, shape, count) and its operators,
// subgraphs included, by reading the protobuf wire format directly (no onnx package needed).
// Used to size a pure-Go port of Silero VAD.
'use strict';
const fs = require('fs');

// fields decodes one protobuf message into [fieldNumber, wireType, value] triples; value is a
// BigInt for varints, a Buffer for length-delimited fields, a Buffer of 4/8 bytes for fixed.
function fields(buf) {
  const out = [];
  let i = 0;
  const varint = () => {
    let v = 0n, shift = 0n;
    for (;;) {
      const b = buf[i++];
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7n;
    }
  };
  while (i < buf.length) {
    const key = Number(varint());
    const fno = key >> 3, wt = key & 7;
    if (wt === 0) out.push([fno, wt, varint()]);
    else if (wt === 2) { const n = Number(varint()); out.push([fno, wt, buf.subarray(i, i + n)]); i += n; }
    else if (wt === 5) { out.push([fno, wt, buf.subarray(i, i + 4)]); i += 4; }
    else if (wt === 1) { out.push([fno, wt, buf.subarray(i, i + 8)]); i += 8; }
    else throw new Error(`wire type ${wt} at ${i}`);
  }
  return out;
}

// TensorProto: dims = 1 (repeated int64, maybe packed), data_type = 2, name = 8.
function tensor(buf) {
  const t = { name: '', dims: [], type: 0 };
  for (const [f, wt, v] of fields(buf)) {
    if (f === 1 && wt === 0) t.dims.push(Number(v));
    else if (f === 1 && wt === 2) for (const [, , d] of packed(v)) t.dims.push(Number(d));
    else if (f === 2) t.type = Number(v);
    else if (f === 8) t.name = v.toString();
    else if (f === 9) t.raw = v;
    else if (f === 7 && wt === 2) t.ints = packed(v).map((x) => BigInt.asIntN(64, x[2]));
    else if (f === 4 && wt === 2) t.floats = Array.from({ length: v.length / 4 }, (_, k) => v.readFloatLE(4 * k));
  }
  return t;
}
// packed turns a packed repeated varint field into triples, as fields would give them unpacked.
function packed(v) {
  const out = [];
  let i = 0;
  while (i < v.length) {
    let x = 0n, shift = 0n;
    for (;;) { const b = v[i++]; x |= BigInt(b & 0x7f) << shift; if (!(b & 0x80)) break; shift += 7n; }
    out.push([1, 0, x]);
  }
  return out;
}
const TYPES = { 1: 'float32', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16', 11: 'float64' };

// small shows the values of a tensor of at most 4 numbers (pads, axes, strides held as constants).
function small(t) {
  let vals;
  if (t.ints) vals = t.ints;
  else if (t.floats) vals = t.floats;
  else if (t.raw && t.type === 7 && t.raw.length <= 32) vals = Array.from({ length: t.raw.length / 8 }, (_, k) => t.raw.readBigInt64LE(8 * k));
  else if (t.raw && t.type === 1 && t.raw.length <= 16) vals = Array.from({ length: t.raw.length / 4 }, (_, k) => t.raw.readFloatLE(4 * k));
  return vals && vals.length <= 4 ? `=${vals.join(',')}` : '';
}

// walk lists a GraphProto's initializers and nodes; Constant tensors and subgraphs (If, Loop)
// are followed. Returns the weights found.
function walk(buf, depth, weights, ops) {
  const pad = '  '.repeat(depth);
  for (const [f, , v] of fields(buf)) {
    if (f === 5) { // initializer
      const t = tensor(v);
      weights.push(t);
      console.log(`${pad}init ${t.name} ${TYPES[t.type] || t.type} [${t.dims}]`);
    } else if (f === 1) { // node
      let op = '', name = '';
      const ins = [], outs = [];
      const attrs = [];
      for (const [nf, , nv] of fields(v)) {
        if (nf === 4) op = nv.toString();
        else if (nf === 3) name = nv.toString();
        else if (nf === 1) ins.push(nv.toString());
        else if (nf === 2) outs.push(nv.toString());
        else if (nf === 5) attrs.push(nv);
      }
      ops[op] = (ops[op] || 0) + 1;
      const info = [];
      const subs = [];
      for (const a of attrs) {
        let an = '';
        for (const [af, awt, av] of fields(a)) {
          if (af === 1) an = av.toString();
          else if (af === 3) info.push(`${an}=${BigInt.asIntN(64, av)}`);
          else if (af === 8 && awt === 0) info.push(`${an}+=${av}`);
          else if (af === 8 && awt === 2) info.push(`${an}=[${packed(av).map((x) => BigInt.asIntN(64, x[2]))}]`);
          else if (af === 5) { const t = tensor(av); t.name = t.name || outs[0]; if (op === 'Constant') { weights.push(t); } info.push(`${an}=tensor[${t.dims}]${small(t)}`); }
          else if (af === 6) subs.push([an, av]);
        }
      }
      console.log(`${pad}${op} ${name} (${ins.join(', ')}) -> (${outs.join(', ')}) ${info.join(' ')}`);
      for (const [an, g] of subs) {
        console.log(`${pad}  subgraph ${an}:`);
        walk(g, depth + 2, weights, ops);
      }
    }
  }
}

const file = process.argv[2];
if (!file) { console.error('usage: node dump-onnx.js MODEL.onnx'); process.exit(2); }
let graph;
for (const [f, , v] of fields(fs.readFileSync(file))) if (f === 7) graph = v;
const weights = [], ops = {};
walk(graph, 0, weights, ops);
const count = (t) => t.dims.reduce((a, b) => a * b, 1);
const floats = weights.filter((t) => t.type === 1 && t.dims.length > 0);
console.log(`\noperators: ${JSON.stringify(ops)}`);
console.log(`float weight tensors (rank >= 1): ${floats.length}, values: ${floats.reduce((a, t) => a + count(t), 0)}`);
for (const t of floats.filter((t) => count(t) >= 64)) console.log(`  ${t.name} [${t.dims}] ${count(t)}`);
