// Reproduces the MNIST table of REFERENCE.md §4 (Nielsen, ch. 1 and 3): every row, three seeds, the
// best epoch's accuracy on the data the book evaluated; writes docs/reproduction.md.
//   node scripts/reproduce.mjs [--quick] [--rows 1,3] [--seeds 3] [--backend wasm]
// --quick runs a tenth of the epochs (for development; the document says so).
import os from 'node:os';
import { writeFileSync, renameSync } from 'node:fs';
import { createXent } from '../dist/index.js';
import { loadMnist } from '../dist/data/mnist.js';

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? undefined : args[i + 1];
};
const quick = args.includes('--quick');
const seeds = Number(flag('seeds') ?? 3);
const studySeeds = Number(flag('study-seeds') ?? 10); // rows outside ±0.3 after `seeds` seeds are rerun with this many
const backend = flag('backend') ?? 'wasm';
const only = flag('rows')?.split(',').map(Number);

// sizes, cost, hyper-parameters, data evaluated, the book's figure (best epoch, mini-batch 10).
const ROWS = [
  { sizes: [784, 30, 10], cost: 'quadratic', init: 'large', eta: 3.0, lambda: 0, epochs: 30, evaluate: 'test', book: 95.42, note: 'ch. 1 (network.py: N(0,1) weights)' },
  { sizes: [784, 100, 10], cost: 'quadratic', init: 'large', eta: 3.0, lambda: 0, epochs: 30, evaluate: 'test', book: 96.59, note: 'ch. 1' },
  { sizes: [784, 30, 10], cost: 'cross-entropy', init: 'large', eta: 0.5, lambda: 0, epochs: 30, evaluate: 'test', book: 95.49 },
  { sizes: [784, 100, 10], cost: 'cross-entropy', init: 'large', eta: 0.5, lambda: 0, epochs: 30, evaluate: 'test', book: 96.82 },
  { sizes: [784, 30, 10], cost: 'cross-entropy', init: 'large', eta: 0.5, lambda: 0, epochs: 400, trainingSize: 1000, evaluate: 'test', book: 82.27, note: '1,000 training images (overfits)' },
  { sizes: [784, 30, 10], cost: 'cross-entropy', init: 'large', eta: 0.5, lambda: 0.1, epochs: 400, trainingSize: 1000, evaluate: 'test', book: 87.1, note: '1,000 training images' },
  { sizes: [784, 30, 10], cost: 'cross-entropy', init: 'large', eta: 0.5, lambda: 5.0, epochs: 30, evaluate: 'test', book: 96.49 },
  { sizes: [784, 100, 10], cost: 'cross-entropy', init: 'large', eta: 0.5, lambda: 5.0, epochs: 30, evaluate: 'validation', book: 97.92 },
  { sizes: [784, 100, 10], cost: 'cross-entropy', init: 'large', eta: 0.1, lambda: 5.0, epochs: 60, evaluate: 'validation', book: 98.04 },
  { sizes: [784, 30, 10], cost: 'cross-entropy', init: 'default', eta: 0.1, lambda: 5.0, epochs: 1, evaluate: 'validation', book: 93, afterEpoch1: true, note: 'new init, accuracy after epoch 1 (book: ~93%)' },
  { sizes: [784, 30, 10], cost: 'cross-entropy', init: 'large', eta: 0.1, lambda: 5.0, epochs: 1, evaluate: 'validation', book: 87, afterEpoch1: true, below: true, note: 'large init, accuracy after epoch 1 (book: < 87%)' },
];

const xent = await createXent({ backend });
const mnist = await loadMnist();
const small = { ...mnist.training, inputs: mnist.training.inputs.subarray(0, 1000 * 784), labels: mnist.training.labels.subarray(0, 1000), count: 1000 };
const results = [];
const started = Date.now();
for (const [index, row] of ROWS.entries()) {
  const number = index + 1;
  if (only && !only.includes(number)) continue;
  const epochs = quick && !row.afterEpoch1 ? Math.max(1, Math.round(row.epochs / 10)) : row.epochs;
  const { accuracies, perEpoch, stuck } = await runSeeds(row, number, epochs, 1, seeds);
  const mean = accuracies.reduce((s, a) => s + a, 0) / accuracies.length;
  const spread = (Math.max(...accuracies) - Math.min(...accuracies)) / 2;
  const seconds = perEpoch.reduce((s, a) => s + a, 0) / perEpoch.length;
  const within = row.afterEpoch1 ? (row.below ? mean < row.book : Math.abs(mean - row.book) <= 1.5) : Math.abs(mean - row.book) <= 0.3;
  let study;
  if (!within && !quick && studySeeds > seeds) {
    // Not within ±0.3: measure the distribution with more seeds before drawing conclusions.
    const more = await runSeeds(row, number, epochs, seeds + 1, studySeeds);
    const all = [...accuracies, ...more.accuracies];
    const sorted = [...all].sort((p, q) => p - q);
    const allStuck = [...stuck, ...more.stuck];
    const healthy = all.filter((_, i) => !allStuck.some((s) => s.seed === i + 1));
    study = {
      all, stuck: allStuck,
      mean: all.reduce((s, a) => s + a, 0) / all.length,
      median: (sorted[Math.floor((sorted.length - 1) / 2)] + sorted[Math.ceil((sorted.length - 1) / 2)]) / 2,
      sd: Math.sqrt(all.reduce((s, a) => s + a * a, 0) / all.length - (all.reduce((s, a) => s + a, 0) / all.length) ** 2),
      healthyMean: healthy.length ? healthy.reduce((s, a) => s + a, 0) / healthy.length : NaN,
      min: sorted[0], max: sorted.at(-1),
    };
  }
  results.push({ number, row, epochs, accuracies, mean, spread, seconds, within, study });
}

/** Trains seeds from..to of a row; a run whose best accuracy stays under 90% is inspected for dead output units. */
async function runSeeds(row, number, epochs, from, to) {
  const accuracies = [];
  const perEpoch = [];
  const stuck = [];
  for (let seed = from; seed <= to; seed++) {
    const net = xent.network(row.sizes, { cost: row.cost, init: row.init, seed });
    const data = mnist[row.evaluate];
    const history = await net.train(row.trainingSize ? small : mnist.training, {
      epochs, batchSize: 10, eta: row.eta, lambda: row.lambda,
      evaluationData: data, monitor: { evaluationAccuracy: true, evaluationCost: false },
    });
    const acc = row.afterEpoch1 ? history.evaluationAccuracy[0] : Math.max(...history.evaluationAccuracy);
    if (acc < 0.9 && !row.trainingSize && !row.afterEpoch1) {
      // Which digits does the final network fail on? A saturated output unit shows as a digit whose
      // recall collapses while the others stay high.
      const out = net.predict({ data: Float32Array.from(data.inputs, (v) => (data.inputs instanceof Uint8Array ? v / 255 : v)), shape: [data.count, data.inputSize] }).data;
      const right = new Array(10).fill(0);
      const total = new Array(10).fill(0);
      for (let i = 0; i < data.count; i++) {
        let best = 0;
        for (let k = 1; k < 10; k++) if (out[i * 10 + k] > out[i * 10 + best]) best = k;
        total[data.labels[i]]++;
        if (best === data.labels[i]) right[data.labels[i]]++;
      }
      const recall = right.map((r, d) => r / Math.max(1, total[d]));
      stuck.push({ seed, accuracy: 100 * acc, failing: recall.flatMap((r, d) => (r < 0.5 ? [`${d} (${(100 * r).toFixed(0)}%)`] : [])) });
    }
    net.dispose();
    accuracies.push(100 * acc);
    perEpoch.push(history.epochs.reduce((s, e) => s + e.seconds, 0) / history.epochs.length);
    process.stderr.write(`row ${number} seed ${seed}: ${(100 * acc).toFixed(2)}% (${epochs} epochs, ${perEpoch.at(-1).toFixed(2)} s/epoch)\n`);
  }
  return { accuracies, perEpoch, stuck };
}

const minutes = ((Date.now() - started) / 60000).toFixed(1);
const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), Node ${process.version}`;
const hyper = (r) => [`η=${r.eta}`, r.lambda ? `λ=${r.lambda}` : '', `${r.epochs} epochs`, `${r.init} init`, r.trainingSize ? `${r.trainingSize} images` : ''].filter(Boolean).join(', ');
const lines = [
  '# Reproduction of the book\'s MNIST results',
  '',
  `Generated by \`npm run reproduce${quick ? ' -- --quick' : ''}\` on ${new Date().toISOString().slice(0, 10)}, ${machine}, backend ${backend}, ` +
    `${seeds} seeds per row (seed = 1…${seeds}: initial weights and shuffles), mini-batch 10, best epoch on the data the book evaluated; ${minutes} minutes in all.` +
    (quick ? ' **Quick run: a tenth of the epochs — not a reproduction.**' : ''),
  '',
  '| # | network | cost | hyper-parameters | data | book | xent mean ± half-range | seeds | s/epoch | within ±0.3 |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...results.map((r) =>
    `| ${r.number} | ${r.row.sizes.join('-')} | ${r.row.cost}${r.row.note ? ` (${r.row.note})` : ''} | ${hyper({ ...r.row, epochs: r.epochs })} | ${r.row.evaluate} | ` +
    `${r.row.below ? '< ' : ''}${r.row.book}% | ${r.mean.toFixed(2)}% ± ${r.spread.toFixed(2)} | ${r.accuracies.map((a) => a.toFixed(2)).join(', ')} | ${r.seconds < 0.1 ? r.seconds.toFixed(3) : r.seconds.toFixed(2)} | ${r.within ? 'yes' : '**no**'} |`),
  '',
  'Rows 10 and 11 are the book\'s qualitative claim about the first epoch (≈ 93% with the new initialiser, below 87% with the large one); they are judged by that claim, not by ±0.3.',
  '',
  'Why some rows miss ±0.3, with measurements (more seeds, and an independent float64 implementation): [reproduction-analysis.md](reproduction-analysis.md).',
  '',
];
const studied = results.filter((r) => r.study);
if (studied.length) {
  lines.push('## Rows outside ±0.3: the seed distribution', '',
    `Each row that missed after ${seeds} seeds was rerun with seeds ${seeds + 1}…${studySeeds}, the same configuration, to see where the book's single run falls among xent's runs.`, '',
    '| # | book | xent over seeds 1…' + studySeeds + ' (mean, median, sd) | min – max | book within xent\'s range | stuck runs (best < 90%), by the final network\'s per-digit recall |',
    '|---|---|---|---|---|---|');
  for (const r of studied) {
    const s = r.study;
    const stuckText = s.stuck.length
      ? s.stuck.map((x) => `seed ${x.seed}: ${x.accuracy.toFixed(2)}%, recall < 50% on digit ${x.failing.join(', ') || '— (none)'}`).join('; ') + `; mean without them ${s.healthyMean.toFixed(2)}%`
      : 'none';
    lines.push(`| ${r.number} | ${r.row.book}% | ${s.mean.toFixed(2)}%, ${s.median.toFixed(2)}%, ${s.sd.toFixed(2)} | ${s.min.toFixed(2)} – ${s.max.toFixed(2)} | ${r.row.book >= s.min && r.row.book <= s.max ? 'yes' : 'no'} | ${stuckText} |`);
  }
  lines.push('');
}
const target = new URL('../docs/reproduction.md', import.meta.url);
const tmp = new URL('../docs/reproduction.md.tmp', import.meta.url);
writeFileSync(tmp, lines.join('\n'));
renameSync(tmp, target);
process.stderr.write(`wrote docs/reproduction.md (${minutes} min)\n`);
