// Reproduces chapter 3 of Nielsen's book on MNIST: every row of REFERENCE.md §4 and the chapter's
// extensions (softmax + log-likelihood, dropout, momentum / Nesterov / Adam, tanh and ReLU hidden units,
// expanded data). Each run is stored in docs/reproduction.json (row, seed, commit, date, accuracy per
// epoch, seconds per epoch), so rows can be run separately (--rows) and docs/reproduction.md is always
// regenerated from every stored run.
//   node scripts/reproduce.mjs [--quick] [--rows 1,3] [--seeds 3] [--backend wasm] [--dist DIR] [--report]
// --quick: one seed and a tenth of the epochs, nothing stored; prints the table (a smoke test, < 5 min).
// --report: only regenerate docs/reproduction.md from docs/reproduction.json.
// --dist DIR: the built package to run (default ../dist; a copy lets a long run survive rebuilds).
// Runs on one thread (one core).
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? undefined : args[i + 1];
};
const quick = args.includes('--quick');
const reportOnly = args.includes('--report');
const seeds = quick ? 1 : Number(flag('seeds') ?? 3);
const backend = flag('backend') ?? 'wasm';
const only = flag('rows')?.split(',').map(Number);
const dist = path.resolve(flag('dist') ?? new URL('../dist', import.meta.url).pathname);
const STORE = new URL('../docs/reproduction.json', import.meta.url);
const DOC = new URL('../docs/reproduction.md', import.meta.url);

// One row: the network, its training, the data evaluated, the book's figure (best epoch unless `metric`
// says otherwise), mini-batch 10 throughout. `group` places the row in a section of the document.
const S4 = '§4: the book\'s table';
const ROWS = [
  { id: 1, group: S4, sizes: [784, 30, 10], cost: 'quadratic', init: 'large', eta: 3.0, lambda: 0, epochs: 30, evaluate: 'test', book: 95.42, note: 'ch. 1 (network.py: N(0,1) weights)' },
  { id: 2, group: S4, sizes: [784, 100, 10], cost: 'quadratic', init: 'large', eta: 3.0, lambda: 0, epochs: 30, evaluate: 'test', book: 96.59, note: 'ch. 1' },
  { id: 3, group: S4, sizes: [784, 30, 10], cost: 'cross-entropy', init: 'large', eta: 0.5, lambda: 0, epochs: 30, evaluate: 'test', book: 95.49 },
  { id: 4, group: S4, sizes: [784, 100, 10], cost: 'cross-entropy', init: 'large', eta: 0.5, lambda: 0, epochs: 30, evaluate: 'test', book: 96.82 },
  { id: 5, group: S4, sizes: [784, 30, 10], cost: 'cross-entropy', init: 'large', eta: 0.5, lambda: 0, epochs: 400, trainingSize: 1000, evaluate: 'test', book: 82.27, note: '1,000 training images (overfits)' },
  { id: 6, group: S4, sizes: [784, 30, 10], cost: 'cross-entropy', init: 'large', eta: 0.5, lambda: 0.1, epochs: 400, trainingSize: 1000, evaluate: 'test', book: 87.1, note: '1,000 training images' },
  { id: 7, group: S4, sizes: [784, 30, 10], cost: 'cross-entropy', init: 'large', eta: 0.5, lambda: 5.0, epochs: 30, evaluate: 'test', book: 96.49 },
  { id: 8, group: S4, sizes: [784, 100, 10], cost: 'cross-entropy', init: 'large', eta: 0.5, lambda: 5.0, epochs: 30, evaluate: 'validation', book: 97.92 },
  { id: 9, group: S4, sizes: [784, 100, 10], cost: 'cross-entropy', init: 'large', eta: 0.1, lambda: 5.0, epochs: 60, evaluate: 'validation', book: 98.04 },
  { id: 10, group: S4, sizes: [784, 30, 10], cost: 'cross-entropy', init: 'default', eta: 0.1, lambda: 5.0, epochs: 1, evaluate: 'validation', book: 93, metric: 'epoch1', note: 'new init, accuracy after epoch 1 (book: ~93%)' },
  { id: 11, group: S4, sizes: [784, 30, 10], cost: 'cross-entropy', init: 'large', eta: 0.1, lambda: 5.0, epochs: 1, evaluate: 'validation', book: 87, metric: 'epoch1', below: true, note: 'large init, accuracy after epoch 1 (book: < 87%)' },
  // Softmax + log-likelihood against sigmoid + cross-entropy, same hyper-parameters (row 8 is the 784-100-10 pair).
  { id: 12, group: 'softmax', sizes: [784, 30, 10], cost: 'cross-entropy', init: 'default', eta: 0.5, lambda: 5.0, epochs: 30, evaluate: 'validation', note: 'sigmoid output' },
  { id: 13, group: 'softmax', sizes: [784, 30, 10], cost: 'log-likelihood', init: 'default', eta: 0.5, lambda: 5.0, epochs: 30, evaluate: 'validation', note: 'softmax output', versus: 12 },
  { id: 14, group: 'softmax', sizes: [784, 100, 10], cost: 'cross-entropy', init: 'default', eta: 0.5, lambda: 5.0, epochs: 30, evaluate: 'validation', note: 'sigmoid output' },
  { id: 15, group: 'softmax', sizes: [784, 100, 10], cost: 'log-likelihood', init: 'default', eta: 0.5, lambda: 5.0, epochs: 30, evaluate: 'validation', note: 'softmax output', versus: 14 },
  // Dropout on the hidden layer.
  { id: 16, group: 'dropout', sizes: [784, 100, 10], cost: 'cross-entropy', init: 'default', eta: 0.5, lambda: 5.0, dropout: 0.5, epochs: 30, evaluate: 'validation', note: 'dropout p = 0.5', versus: 14 },
  // Optimisers: epochs to reach 97% validation accuracy (row 14 is plain SGD).
  { id: 17, group: 'optimisers', sizes: [784, 100, 10], cost: 'cross-entropy', init: 'default', eta: 0.05, lambda: 5.0, momentum: 0.9, epochs: 30, evaluate: 'validation', note: 'momentum μ = 0.9', versus: 14 },
  { id: 18, group: 'optimisers', sizes: [784, 100, 10], cost: 'cross-entropy', init: 'default', eta: 0.05, lambda: 5.0, momentum: 0.9, optimizer: 'nesterov', epochs: 30, evaluate: 'validation', note: 'Nesterov μ = 0.9', versus: 14 },
  { id: 19, group: 'optimisers', sizes: [784, 100, 10], cost: 'cross-entropy', init: 'default', eta: 0.001, lambda: 5.0, optimizer: 'adam', epochs: 30, evaluate: 'validation', note: 'Adam β = (0.9, 0.999)', versus: 14 },
  // Hidden units.
  { id: 20, group: 'hidden', sizes: [784, 100, 10], cost: 'cross-entropy', init: 'default', hidden: 'tanh', eta: 0.1, lambda: 5.0, epochs: 30, evaluate: 'validation', note: 'tanh hidden', versus: 14 },
  { id: 21, group: 'hidden', sizes: [784, 100, 10], cost: 'cross-entropy', init: 'default', hidden: 'relu', eta: 0.1, lambda: 5.0, epochs: 30, evaluate: 'validation', note: 'ReLU hidden', versus: 14 },
  // Expanded training data: target ≥ 98.3%.
  { id: 22, group: 'expanded', sizes: [784, 100, 10], cost: 'cross-entropy', init: 'default', eta: 0.5, lambda: 5.0, expand: true, epochs: 30, evaluate: 'validation', book: 98.3, atLeast: true, note: '--expand: 250,000 stored images' },
  { id: 23, group: 'expanded', sizes: [784, 100, 10], cost: 'cross-entropy', init: 'default', eta: 0.5, lambda: 5.0, augment: 1, epochs: 30, evaluate: 'validation', book: 98.3, atLeast: true, note: '--augment-shift 1: shifted copies drawn in the kernel' },
];

const store = existsSync(STORE) ? JSON.parse(readFileSync(STORE, 'utf8')) : { runs: [] };
if (!reportOnly) await run();
if (!quick) writeReport();

async function run() {
  const { createXent } = await import(pathToFileURL(path.join(dist, 'index.js')).href);
  const mnistModule = await import(pathToFileURL(path.join(dist, 'data/mnist.js')).href);
  const { loadMnist } = mnistModule;
  const expandShifted = mnistModule.expandShifted ?? (await import(pathToFileURL(path.join(dist, 'data/expand.js')).href)).expandShifted;
  const xent = await createXent({ backend, threads: 1 });
  const mnist = await loadMnist({ bytes: true });
  const small = { ...mnist.training, inputs: mnist.training.inputs.subarray(0, 1000 * 784), labels: mnist.training.labels.subarray(0, 1000), count: 1000 };
  let expanded;
  const commit = gitCommit();
  const quickRows = [];
  for (const row of ROWS) {
    if (only && !only.includes(row.id)) continue;
    const epochs = quick && row.metric !== 'epoch1' ? Math.max(1, Math.round(row.epochs / 10)) : row.epochs;
    let training = row.trainingSize ? small : mnist.training;
    if (row.expand) {
      // expandShifted(data, { width, height }) since the training core; (data, width, height) before it.
      expanded ??= expandShifted.length === 3 ? expandShifted(mnist.training, 28, 28) : expandShifted(mnist.training, { width: 28, height: 28 });
      training = expanded;
    }
    const runs = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const net = xent.network(row.sizes, { cost: row.cost, init: row.init, hidden: row.hidden, seed });
      const options = {
        epochs, batchSize: 10, eta: row.eta, lambda: row.lambda, evaluationData: mnist[row.evaluate],
        monitor: { evaluationAccuracy: true, evaluationCost: false },
      };
      if (row.momentum) options.momentum = row.momentum;
      if (row.dropout) options.dropout = row.dropout;
      if (row.optimizer) options.optimizer = row.optimizer;
      if (row.augment) options.augment = { shift: row.augment, width: 28, height: 28 };
      const started = Date.now();
      const history = await net.train(training, options);
      net.dispose();
      const r = {
        row: row.id, seed, epochs, commit, date: new Date().toISOString(), backend, simd: xent.simd,
        accuracy: history.epochs.map((e) => +(100 * e.evaluationAccuracy).toFixed(2)),
        secondsPerEpoch: +(history.epochs.reduce((s, e) => s + e.seconds, 0) / history.epochs.length).toFixed(4),
        wallSeconds: +((Date.now() - started) / 1000).toFixed(1),
        load: os.loadavg()[0].toFixed(2),
      };
      runs.push(r);
      process.stderr.write(`row ${row.id} seed ${seed}: ${score(row, r).toFixed(2)}% (${epochs} epochs, ${r.secondsPerEpoch} s/epoch, load ${r.load})\n`);
      if (!quick) {
        // Each finished run is stored at once: an interrupted reproduction keeps what it measured.
        store.runs = store.runs.filter((x) => !(x.row === r.row && x.seed === r.seed));
        store.runs.push(r);
        store.machine = machine();
        writeAtomic(STORE, JSON.stringify(store, null, 1) + '\n');
      }
    }
    if (quick) quickRows.push({ row, runs });
  }
  if (quick) {
    process.stdout.write(`Quick run (1 seed, a tenth of the epochs — not a reproduction), ${machine()}, commit ${commit}\n\n`);
    process.stdout.write(table(quickRows).join('\n') + '\n');
  }
}

/** The figure a run is judged by: the best epoch, or the first epoch's accuracy. */
function score(row, r) {
  return row.metric === 'epoch1' ? r.accuracy[0] : Math.max(...r.accuracy);
}

/** The first epoch whose accuracy reaches 97%, or null. */
function epochsTo97(r) {
  const i = r.accuracy.findIndex((a) => a >= 97);
  return i < 0 ? null : i + 1;
}

function stats(values) {
  const mean = values.reduce((s, a) => s + a, 0) / values.length;
  return { mean, spread: (Math.max(...values) - Math.min(...values)) / 2 };
}

function verdict(row, mean) {
  if (row.book === undefined) return '—';
  if (row.metric === 'epoch1') return (row.below ? mean < row.book : Math.abs(mean - row.book) <= 1.5) ? 'yes' : '**no**';
  if (row.atLeast) return mean >= row.book ? 'yes' : '**no**';
  return Math.abs(mean - row.book) <= 0.3 ? 'yes' : '**no**';
}

function hyper(r, epochs) {
  return [`η=${r.eta}`, r.lambda ? `λ=${r.lambda}` : '', `${epochs} epochs`, `${r.init} init`, r.trainingSize ? `${r.trainingSize} images` : ''].filter(Boolean).join(', ');
}

function table(rows, all = rows) {
  const meanOf = (id) => {
    const r = all.find((x) => x.row.id === id);
    return r && r.runs.length ? stats(r.runs.map((x) => score(r.row, x))).mean : undefined;
  };
  const lines = [
    '| # | network | cost | hyper-parameters | data | book / target | xent mean ± half-range | per seed | epochs to 97% | s/epoch (load) | commit | verdict |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const { row, runs } of rows) {
    if (!runs.length) {
      lines.push(`| ${row.id} | ${row.sizes.join('-')} | ${row.cost}${row.note ? ` (${row.note})` : ''} | ${hyper(row, row.epochs)} | ${row.evaluate} | ${bookText(row)} | not run | | | | | |`);
      continue;
    }
    const scores = runs.map((r) => score(row, r));
    const { mean, spread } = stats(scores);
    const to97 = runs.map(epochsTo97);
    const sec = runs.reduce((s, r) => s + r.secondsPerEpoch, 0) / runs.length;
    const load = runs.reduce((s, r) => s + Number(r.load), 0) / runs.length;
    const other = row.versus === undefined ? undefined : meanOf(row.versus);
    const judged = other === undefined ? verdict(row, mean) : `Δ ${mean - other >= -0.005 ? '+' : '−'}${Math.abs(mean - other).toFixed(2)} vs row ${row.versus}`;
    const commits = [...new Set(runs.map((r) => r.commit))].join(', ');
    lines.push(`| ${row.id} | ${row.sizes.join('-')} | ${row.cost}${row.note ? ` (${row.note})` : ''} | ${hyper(row, runs[0].epochs)} | ${row.evaluate} | ` +
      `${bookText(row)} | ${mean.toFixed(2)}% ± ${spread.toFixed(2)} | ${scores.map((a) => a.toFixed(2)).join(', ')}${runs.length < 3 ? ` (${runs.length} seed${runs.length > 1 ? 's' : ''})` : ''} | ` +
      `${row.metric === 'epoch1' || to97.every((e) => e === null) ? '—' : to97.map((e) => e ?? 'never').join(', ')} | ${sec < 0.1 ? sec.toFixed(3) : sec.toFixed(2)} (${load.toFixed(1)}) | ${commits} | ${judged} |`);
  }
  return lines;
}

function bookText(row) {
  if (row.book === undefined) return row.versus ? `vs row ${row.versus}` : '—';
  return `${row.below ? '< ' : row.atLeast ? '≥ ' : ''}${row.book}%`;
}

function writeReport() {
  const runsOf = (row) => store.runs.filter((r) => r.row === row.id).sort((a, b) => a.seed - b.seed);
  const groups = [
    [S4, 'Every row of REFERENCE.md §4. Rows 10 and 11 are the book\'s qualitative claim about the first epoch (≈ 93% with the new initialiser, below 87% with the large one) and are judged by it; the others by ±0.3 points of the mean.'],
    ['softmax', 'Softmax output + log-likelihood against sigmoid output + cross-entropy, default (1/√n_in) initialiser, η = 0.5, λ = 5, 30 epochs: the pairs 12/13 and 14/15. The book gives no figure for these; the question is whether the softmax network matches its sigmoid twin.'],
    ['dropout', 'Dropout (p = 0.5 on the hidden layer, inverted scaling) on 784-100-10, λ = 5, against row 14 without it. Dropout\'s benefit in the book is for larger networks trained longer (Hinton et al.: 98.4% → 98.7%); at 30 epochs a 100-unit layer pays for the noise.'],
    ['optimisers', 'Momentum, Nesterov and Adam against plain SGD (row 14, η = 0.5): the column "epochs to 97%" is the first epoch reaching 97% validation accuracy, per seed. Momentum and Nesterov use η = 0.05, μ = 0.9 (the same effective step η/(1−μ) = 0.5 as row 14); Adam η = 0.001 with coupled L2 (REFERENCE §3).'],
    ['hidden', 'tanh and ReLU hidden units (sigmoid output, cross-entropy), η = 0.1, λ = 5, against row 14 (sigmoid hidden, η = 0.5).'],
    ['expanded', 'Expanded training data (each image and its four one-pixel shifts): stored (`--expand`, 250,000 images) or drawn in the gather kernel (`--augment-shift 1`). The chapter reports 98.37% for 784-100-10 on expanded data; target ≥ 98.3%.'],
  ];
  const runs = store.runs;
  const machineText = store.machine ?? machine();
  const commits = [...new Set(runs.map((r) => r.commit))];
  const dates = runs.map((r) => r.date).sort();
  const lines = [
    '# Reproduction of chapter 3 of the book on MNIST',
    '',
    `Generated by \`npm run reproduce\` (scripts/reproduce.mjs) from the runs stored in \`docs/reproduction.json\`: ${machineText}, backend ${runs[0]?.backend ?? backend} (${[...new Set(runs.map((r) => r.simd ?? 'plain'))].join(', ')} SIMD), one thread, ` +
      `mini-batch 10, seed = 1…3 (initial weights and shuffles), best epoch on the data evaluated unless the row says otherwise. ` +
      `Runs from ${dates[0]?.slice(0, 16) ?? '—'} to ${dates.at(-1)?.slice(0, 16) ?? '—'} UTC, commit${commits.length > 1 ? 's' : ''} ${commits.join(', ') || '—'}; ` +
      `the machine is shared (2 cores, other jobs running): s/epoch is indicative, with the mean 1-minute load average of the row's runs in brackets (1 = one busy core). ` +
      'A row with fewer than 3 seeds says how many ran. Runs on 4545684 predate the training core of issue 9; that core trains bit-identically to it ' +
      '(bench/same-bits.mjs, 30 of 30 configurations), so they stand for the code after it; the rows that need the core (Nesterov, Adam, --augment-shift) ran after it.',
    '',
    'Why some rows miss ±0.3, with measurements (more seeds, and an independent float64 implementation): [reproduction-analysis.md](reproduction-analysis.md).',
    '',
  ];
  const all = ROWS.map((row) => ({ row, runs: runsOf(row) }));
  for (const [group, text] of groups) {
    lines.push(`## ${group === S4 ? S4 : group}`, '', text, '');
    lines.push(...table(all.filter((r) => r.row.group === group), all), '');
  }
  lines.push(...notes());
  writeAtomic(DOC, lines.join('\n'));
  process.stderr.write(`wrote docs/reproduction.md (${runs.length} runs)\n`);
}

// What the tables show, and why rows miss. Kept in words only where the figures above carry it.
function notes() {
  return [
  '## Reading the tables',
  '',
  '- **Misses of §4.** Row 2 (784-100-10, quadratic, N(0,1) weights, η = 3) has runs stuck with one or two output units saturated ' +
    '(a digit at ~0% recall); its seed distribution and an independent float64 implementation that gets stuck as often are in ' +
    '[reproduction-analysis.md](reproduction-analysis.md): the book\'s 96.59% is one of the runs that did not get stuck. Row 6 (1,000 images, λ = 0.1) lands ' +
    'above the book; the float64 oracle\'s mean is as high, so the book\'s single run sits at the low edge of the distribution. The other rows are within ±0.3.',
  '- **Softmax + log-likelihood** matches or beats the sigmoid + cross-entropy twin (the Δ column): the gap is largest with 30 hidden units.',
  '- **Dropout** at p = 0.5 on one 100-unit layer for 30 epochs costs accuracy against row 14: the book\'s figures for dropout come from much larger ' +
    'networks trained far longer (Hinton et al. 2012), where the regularisation pays; this row measures the mechanism, not that result.',
  '- **Momentum and Nesterov** at the same effective step η/(1−μ) as plain SGD reach 97% in about as many epochs (the "epochs to 97%" column) ' +
    'and end within the seeds\' spread of it: at mini-batch 10 on this problem momentum mostly smooths the path. **Adam** at its usual default ' +
    'η = 0.001 (not tuned) ends as high but reaches 97% later. Rows 18, 19 and 23 ran under a load of 12–15 on 2 cores: ' +
    'their s/epoch is no comparison of speed (bench/ measures speed side by side).',
  '- **tanh and ReLU** hidden units at η = 0.1 against sigmoid at η = 0.5: within about 0.1 point of it either way.',
  '- **Expanded data** reaches the target ≥ 98.3% both ways, with the same figures seed for seed: drawing the shifted copies in the gather ' +
    'kernel trains exactly as the stored 250,000 images do (`test/augment.test.ts`: augment ≡ expandShifted bit for bit), with a fifth of the memory.',
  '',
  ];
}

function machine() {
  return `${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), Node ${process.version}`;
}

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: new URL('..', import.meta.url), encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function writeAtomic(url, text) {
  const tmp = new URL(`${url.href}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, url);
}
