// xent benchmarks (tinybench), one process, side by side: the WASM backend against the pure-TypeScript
// reference backend on the same inputs. Writes bench/results/<date>.json and prints a markdown table.
//   node bench/run.mjs [--suite losses,matmul,epoch] [--quick]
// Run `npm run build` first: this measures the built package (dist/).
import { Bench } from 'tinybench';
import os from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createXent } from '../dist/index.js';
import { loadMnist } from '../dist/data/mnist.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const suiteArg = args.find((a) => a.startsWith('--suite='))?.slice(8) ?? (args.includes('--suite') ? args[args.indexOf('--suite') + 1] : undefined);
const suites = (suiteArg ?? 'losses,matmul,epoch').split(',');

const wasm = await createXent({ backend: 'wasm' });
const ref = await createXent({ backend: 'reference' });
const rows = [];

/** Seeded uniform numbers (mulberry32), so every run measures the same inputs. */
function uniform(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs tasks in one Bench; returns the median latency (ms) per task. */
async function measure(tasks, { time = quick ? 200 : 1000, iterations = 5 } = {}) {
  const bench = new Bench({ time, iterations, warmup: true });
  for (const [name, fn] of tasks) bench.add(name, fn);
  await bench.run();
  return Object.fromEntries(bench.tasks.map((t) => {
    if (t.result.state !== 'completed') throw new Error(`${t.name}: ${t.result.state} ${t.result.error ?? ''}`);
    return [t.name, { medianMs: t.result.latency.p50, samples: t.result.latency.samplesCount ?? t.result.totalTime / t.result.period }];
  }));
}

function record(suite, name, unit, values) {
  rows.push({ suite, name, unit, ...values });
}

async function losses() {
  for (const [n, k] of [[1000, 10], [64, 1000], [4096, 10], [256, 1000]]) {
    const r = uniform(n * k);
    const data = new Float64Array(n * k).map(() => (r() - 0.5) * 10);
    const labels = Int32Array.from({ length: n }, () => Math.floor(r() * k));
    const logits = { data, shape: [n, k] };
    const opts = { fromLogits: true };
    const m = await measure([
      ['wasm', () => { wasm.sparseCategoricalCrossEntropy(logits, labels, opts); wasm.grad.sparseCategoricalCrossEntropy(logits, labels, opts); }],
      ['reference', () => { ref.sparseCategoricalCrossEntropy(logits, labels, opts); ref.grad.sparseCategoricalCrossEntropy(logits, labels, opts); }],
    ]);
    record('losses', `softmax cross-entropy value+grad ${n}×${k}`, 'ms', {
      wasm: m.wasm.medianMs, reference: m.reference.medianMs, ratio: m.reference.medianMs / m.wasm.medianMs,
    });
  }
}

async function matmul() {
  for (const [M, K, N] of [[10, 784, 30], [128, 784, 100], [256, 1024, 1024]]) {
    const r = uniform(M + K + N);
    const a = { data: new Float32Array(M * K).map(() => r() - 0.5), shape: [M, K] };
    const b = { data: new Float32Array(K * N).map(() => r() - 0.5), shape: [K, N] };
    const flops = 2 * M * K * N;
    const m = await measure([
      ['wasm', () => wasm.matmul(a, b)],
      ['reference', () => ref.matmul(a, b)],
    ], M * K * N > 1e8 ? { time: quick ? 500 : 2000, iterations: 5 } : undefined);
    const g = (ms) => flops / (ms * 1e6);
    record('matmul', `matmul (${M},${K},${N}) GFLOP/s`, 'GFLOP/s', {
      wasm: g(m.wasm.medianMs), reference: g(m.reference.medianMs), ratio: m.reference.medianMs / m.wasm.medianMs,
    });
  }
}

async function epoch() {
  const mnist = await loadMnist();
  for (const [sizes, batch] of [[[784, 30, 10], 10], [[784, 100, 10], 10], [[784, 30, 10], 128]]) {
    const result = {};
    for (const [name, x] of [['wasm', wasm], ['reference', ref]]) {
      const runs = quick || name === 'reference' ? 3 : 5;
      const seconds = [];
      let accuracy = 0;
      for (let i = 0; i < runs; i++) {
        const net = x.network(sizes, { seed: 1 }); // a fresh network: every run is the same first epoch
        const h = await net.train(mnist.training, { epochs: 1, batchSize: batch, eta: 0.5, evaluationData: mnist.validation, monitor: { evaluationAccuracy: true, evaluationCost: false } });
        seconds.push(h.epochs[0].seconds);
        accuracy = h.evaluationAccuracy[0];
        net.dispose();
      }
      seconds.sort((p, q) => p - q);
      result[name] = { median: seconds[Math.floor(seconds.length / 2)], runs, accuracy };
    }
    record('epoch', `MNIST epoch ${sizes.join('-')} batch ${batch} (s)`, 's', {
      wasm: result.wasm.median, reference: result.reference.median, ratio: result.reference.median / result.wasm.median,
      runs: { wasm: result.wasm.runs, reference: result.reference.runs },
      validationAccuracyAfterOneEpoch: { wasm: result.wasm.accuracy, reference: result.reference.accuracy },
    });
  }
}

const all = { losses, matmul, epoch };
for (const s of suites) {
  if (!all[s]) throw new Error(`unknown suite ${s} (expected ${Object.keys(all).join(', ')})`);
  process.stderr.write(`running ${s}…\n`);
  await all[s]();
}

const date = new Date().toISOString().slice(0, 10);
const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}`;
const result = { date: new Date().toISOString(), machine, quick, rows };
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const file = new URL(`./results/${date}${quick ? '-quick' : ''}.json`, import.meta.url);
writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
const fmt = (v, unit) => (unit === 'GFLOP/s' ? v.toFixed(2) : unit === 's' ? v.toFixed(3) : v.toFixed(4));
console.log(`| benchmark | xent wasm | xent reference | wasm speed-up |\n|---|---|---|---|`);
for (const r of rows) console.log(`| ${r.name} | ${fmt(r.wasm, r.unit)} | ${fmt(r.reference, r.unit)} | ${r.ratio.toFixed(1)}× |`);
console.log(`\n${machine}, ${result.date}${quick ? ' (quick)' : ''}; written to bench/results/${date}${quick ? '-quick' : ''}.json`);
