// Turns a benchmark result into docs/benchmarks.md (tables with ratios) and docs/benchmarks.svg (chart),
// and puts the same tables and chart into docs/performance.md between its two markers.
import { readFileSync, writeFileSync } from 'node:fs';

const fmt = (v, unit) => (v === undefined ? '—' : unit === 'GFLOP/s' || unit === 'µs' ? v.toFixed(1) : unit === 'images/s' ? v.toFixed(0) : v.toFixed(3));

/** xent wasm's advantage over `name`: > 1 means xent wasm is faster. */
function speedup(row, name) {
  const mine = row.values['xent wasm'];
  const theirs = row.values[name];
  if (mine === undefined || theirs === undefined) return undefined;
  return row.higherIsBetter ? mine / theirs : theirs / mine;
}

function chart(rows, names) {
  const colors = ['#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e', '#d62728'];
  const barH = 12;
  const groupH = names.length * barH + 18;
  const left = 330;
  const width = 1000;
  const height = rows.length * groupH + 60;
  const max = Math.log10(200);
  const x = (ratio) => left + ((Math.log10(Math.max(ratio, 0.1)) + 1) / (max + 1)) * (width - left - 170);
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<text x="10" y="16" font-size="13">How many times faster xent wasm is than each peer (peer time ÷ xent wasm time; log scale; dashed line = 1×)</text>`];
  rows.forEach((row, i) => {
    const y0 = 30 + i * groupH;
    parts.push(`<text x="10" y="${y0 + 12}">${row.name}</text>`);
    names.forEach((name, j) => {
      const s = speedup(row, name);
      if (s === undefined) return;
      const y = y0 + 4 + j * barH;
      parts.push(`<rect x="${x(0.1)}" y="${y}" width="${Math.max(1, x(s) - x(0.1))}" height="${barH - 2}" fill="${colors[j % colors.length]}"/>`);
      parts.push(`<text x="${x(s) + 4}" y="${y + barH - 3}">${name} ${s.toFixed(2)}×</text>`);
    });
  });
  parts.push(`<line x1="${x(1)}" y1="24" x2="${x(1)}" y2="${height - 20}" stroke="#000" stroke-dasharray="3,3"/>`);
  parts.push(`<text x="${x(1) - 10}" y="${height - 6}">1×</text></svg>`);
  return parts.join('\n');
}

/** The measured WASM SIMD peak (bench/peak.mjs) as a table: GFLOP/s by chain shape, operation and number of chains. */
function peakLines(peak) {
  const chains = [...new Set(peak.rows.map((r) => r.chains))];
  const lines = [`## WASM SIMD peak (GFLOP/s, bench/peak.mjs)`, '',
    `${peak.cpu}: peak mul+add **${peak.peak.plain.toFixed(1)}** GFLOP/s${peak.peak.relaxed ? `, relaxed_madd **${peak.peak.relaxed.toFixed(1)}**` : ''} ` +
      '(the best variant of each; `dependent`: acc = acc·m + c; `accumulate`: acc += x·k, x loaded, one load per chain; ' +
      '`outer`: the GEMM micro-kernel in L1, acc[r][j] += b_j·a_r, a (chains/2)×8 tile: 8 chains = the plain build\'s 4×8, 12 = the relaxed build\'s 6×8; ' +
      'unroll 4: four steps per loop iteration, each its own basic block, as in the GEMM).', '',
    `| chains | ${chains.join(' | ')} |`, `|---|${chains.map(() => '---').join('|')}|`];
  for (const shape of ['dependent', 'accumulate', 'outer']) {
    for (const op of ['mul+add', 'relaxed_madd']) {
      for (const unroll of [...new Set(peak.rows.map((r) => r.unroll ?? 1))]) {
        const rs = peak.rows.filter((r) => r.shape === shape && r.op === op && (r.unroll ?? 1) === unroll);
        if (rs.length) lines.push(`| ${shape}, ${op}, unroll ${unroll} | ${chains.map((c) => rs.find((r) => r.chains === c)?.gflops.toFixed(1) ?? '—').join(' | ')} |`);
      }
    }
  }
  lines.push('');
  return lines;
}

/** Columns added for a suite: fractions of the measured peak (GFLOP/s rows), the FLOP floor (epochs). */
function extraColumns(suite, rows, peak) {
  if (!peak) return [];
  if (rows[0].unit === 'GFLOP/s') {
    const cols = [['xent wasm ÷ mul+add peak', (r) => r.values['xent wasm'] / peak.peak.plain]];
    if (peak.peak.relaxed) cols.push(['xent relaxed ÷ relaxed peak', (r) => r.values['xent relaxed'] / peak.peak.relaxed]);
    return cols.map(([h, f]) => [h, (r) => (Number.isFinite(f(r)) ? f(r).toFixed(2) : '—')]);
  }
  if (suite === 'epoch') {
    // floor = FLOPs ÷ peak; the ratio says how many times the floor the epoch took
    return [['GFLOP', (r) => (r.flops ? (r.flops.total / 1e9).toFixed(3) : '—')],
      ['floor (s)', (r) => (r.flops ? (r.flops.total / (peak.peak.plain * 1e9)).toFixed(3) : '—')],
      ['xent wasm ÷ floor', (r) => (r.flops ? (r.values['xent wasm'] / (r.flops.total / (peak.peak.plain * 1e9))).toFixed(2) : '—')]];
  }
  return [];
}

/** Writes docs/benchmarks.md and docs/benchmarks.svg (unless write is false); returns the markdown. */
export function report(result, source, { write = true } = {}) {
  const names = [...new Set(result.rows.flatMap((r) => Object.keys(r.values)))];
  const peers = names.filter((n) => n !== 'xent wasm');
  const loads = result.load ? `; load average (1, 5, 15 min) ${result.load.start.map((x) => x.toFixed(2)).join(', ')} at the start, ${result.load.end.map((x) => x.toFixed(2)).join(', ')} at the end` : '';
  const lines = [
    '# Benchmarks',
    '',
    `Generated by \`npm run bench\` on ${result.date.slice(0, 10)} (${result.date}); ${result.machine}${loads}; TensorFlow.js ${result.tfjs}${result.onnxruntimeWeb ? `, onnxruntime-web ${result.onnxruntimeWeb}` : ''} ` +
      `(one thread; xent is on one thread too, except \`xent 2 threads\`, which uses both cores). Each figure is a median over ≥ ${result.runsPerFigure} runs in one process, the implementations interleaved (GEMM and losses: the median of ${result.rounds ?? 3} rounds' medians; epochs: runs alternate; inference: rounds rotate the order); ratios are xent wasm's advantage ` +
      `(> 1: xent wasm is faster). Raw data: \`${source}\`.${result.quick ? ' **Quick run: fewer samples.**' : ''}` +
      (result.suiteSeconds ? ` Suites took ${Object.entries(result.suiteSeconds).map(([k, v]) => `${k} ${v.toFixed(0)} s`).join(', ')}.` : '') +
      (result.gemmTiles ? ` GEMM tile chosen by createXent's calibration (gemm: 'auto'; GFLOP/s per tile on (60,256,512)): ${Object.entries(result.gemmTiles)
        .map(([simd, g]) => `${simd} **${g.chosen}** (${Object.entries(g.calibration).map(([t, v]) => `${t} ${v}`).join(', ')})`).join('; ')}.` : ''),
    '',
  ];
  if (result.peak) lines.push(...peakLines(result.peak));
  for (const suite of [...new Set(result.rows.map((r) => r.suite))]) {
    const rows = result.rows.filter((r) => r.suite === suite);
    const unit = rows[0].unit;
    // this suite's columns only (inference has onnxruntime-web and no reference, for instance)
    const cols = names.filter((n) => rows.some((r) => r.values[n] !== undefined));
    const others = cols.filter((n) => n !== 'xent wasm');
    const extra = extraColumns(suite, rows, result.peak);
    lines.push(`## ${suite} (${unit}${rows[0].higherIsBetter ? ', higher is better' : ', lower is better'})`, '');
    lines.push(`| benchmark | ${cols.join(' | ')} | ${others.map((p) => `vs ${p}`).join(' | ')} |${extra.map(([h]) => ` ${h} |`).join('')}`);
    lines.push(`|---|${cols.map(() => '---').join('|')}|${others.map(() => '---').join('|')}|${extra.map(() => '---|').join('')}`);
    for (const r of rows) {
      lines.push(`| ${r.name} | ${cols.map((n) => fmt(r.values[n], unit)).join(' | ')} | ${others.map((p) => {
        const s = speedup(r, p);
        return s === undefined ? '—' : `${s.toFixed(2)}×`;
      }).join(' | ')} |${extra.map(([, f]) => ` ${f(r)} |`).join('')}`);
    }
    if (rows.some((r) => r.cpu)) {
      // the same figures in the process's CPU time (the time slices of other processes left out)
      lines.push('', `The same, in the process's CPU time (${unit}; a loaded machine's other processes' time slices left out):`, '');
      lines.push(`| benchmark | ${cols.join(' | ')} | ${others.map((p) => `vs ${p}`).join(' | ')} |${extra.map(([h]) => ` ${h} |`).join('')}`);
      lines.push(`|---|${cols.map(() => '---').join('|')}|${others.map(() => '---').join('|')}|${extra.map(() => '---|').join('')}`);
      for (const r of rows.filter((x) => x.cpu)) {
        const c = { ...r, values: r.cpu };
        lines.push(`| ${r.name} | ${cols.map((n) => fmt(r.cpu[n], unit)).join(' | ')} | ${others.map((p) => {
          const s = speedup(c, p);
          return s === undefined ? '—' : `${s.toFixed(2)}×`;
        }).join(' | ')} |${extra.map(([, f]) => ` ${f(c)} |`).join('')}`);
      }
    }
    if (rows.some((r) => r.accuracy)) {
      lines.push('', suite === 'inference' ? 'Test accuracy of the networks (one epoch on 10,000 images; all three give the same argmax on every test image):' : 'Validation accuracy after the measured epoch (same network, cost, initialisation scale and η):', '');
      for (const r of rows.filter((x) => x.accuracy)) lines.push(`- ${r.name}: ${Object.entries(r.accuracy).map(([n, a]) => `${n} ${(100 * a).toFixed(2)}%`).join(', ')}`);
    }
    lines.push('');
  }
  lines.push('![xent wasm speed-up over each peer](benchmarks.svg)', '');
  const markdown = lines.join('\n');
  if (write) {
    writeFileSync(new URL('../docs/benchmarks.md', import.meta.url), markdown);
    writeFileSync(new URL('../docs/benchmarks.svg', import.meta.url), chart(result.rows, peers));
    // The same tables (one heading level down) and chart in docs/performance.md, between its markers.
    const perf = new URL('../docs/performance.md', import.meta.url);
    const text = readFileSync(perf, 'utf8');
    const start = text.indexOf(BEGIN);
    const end = text.indexOf(END);
    if (start < 0 || end < start) throw new Error(`docs/performance.md lacks the markers ${BEGIN} … ${END}`);
    const section = markdown.split('\n').slice(2).map((l) => (l.startsWith('## ') ? `#${l}` : l)).join('\n');
    writeFileSync(perf, `${text.slice(0, start + BEGIN.length)}\n${section}\n${text.slice(end)}`);
  }
  return { markdown };
}

const BEGIN = '<!-- npm run bench: latest run -->';
const END = '<!-- end of the latest run -->';
