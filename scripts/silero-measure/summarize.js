// summarize.js: one Markdown table of the eval harness's figures, per condition, for our finder
// (internal/pauses, "new" in the harness's JSON) and for each external finder and hybrid run.
//
//   node summarize.js LABEL=eval.json [LABEL=eval.json ...]
//
// Each cell: cuts in true pauses % · in-word cuts with a pause's middle in reach · onset p95 ·
// offset median/p95 (ms). Our finder's column comes from the first file. The last row counts
// the conditions that meet every target: cuts in pauses ≥ 95 %, no in-word cut with a pause's
// middle in reach, onset and offset p95 ≤ 150 ms. A hybrid's cuts are ours.
'use strict';
const fs = require('fs');

const runs = process.argv.slice(2).map((a) => {
  const i = a.indexOf('=');
  if (i < 1) {
    console.error('usage: node summarize.js LABEL=eval.json [LABEL=eval.json ...]');
    process.exit(2);
  }
  return { label: a.slice(0, i), res: JSON.parse(fs.readFileSync(a.slice(i + 1), 'utf8')) };
});
if (runs.length === 0) {
  console.error('usage: node summarize.js LABEL=eval.json [LABEL=eval.json ...]');
  process.exit(2);
}

const cell = (s) => s ? `${s.cuts_in_pause_pct.toFixed(0)} · ${s.cuts_in_word_with_pause_mid_in_reach} · ${fmt(s.onset_error_p95_ms)} · ${fmt(s.offset_error_median_ms)}/${fmt(s.offset_error_p95_ms)}` : '';
const fmt = (v) => v == null ? '-' : v.toFixed(0);
const meets = (s) => s && s.cuts_in_pause_pct >= 95 && s.cuts_in_word_with_pause_mid_in_reach === 0 &&
  s.onset_error_p95_ms != null && s.onset_error_p95_ms <= 150 && s.offset_error_p95_ms <= 150;

const cols = [{ label: 'ours (internal/pauses)', pick: (r, c) => c.new, res: runs[0].res }];
for (const { label, res } of runs) {
  cols.push({ label, pick: (r, c) => c.external, res });
  cols.push({ label: `hybrid: ours, ${res.hybrid_rule} by ${label} (${res.hybrid_reach_ms} ms)`, pick: (r, c) => c.hybrid, res });
}
const conds = runs[0].res.conditions.map((c) => c.condition);
const lines = [];
lines.push('| condition | ' + cols.map((c) => c.label).join(' | ') + ' |');
lines.push('| --- | ' + cols.map(() => '---').join(' | ') + ' |');
const met = cols.map(() => 0);
for (const cond of conds) {
  const row = cols.map((col, k) => {
    const c = col.res.conditions.find((x) => x.condition === cond);
    const s = c && col.pick(col.res, c);
    if (meets(s)) met[k]++;
    return cell(s);
  });
  lines.push(`| ${cond} | ${row.join(' | ')} |`);
}
lines.push(`| targets met | ${met.map((n) => `${n}/${conds.length}`).join(' | ')} |`);
console.log(lines.join('\n'));
