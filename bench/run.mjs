// xent benchmarks (tinybench), one process, side by side: xent's WASM builds and reference backend
// against TensorFlow.js 4.22.0 (wasm and cpu backends, one thread) and, for inference, onnxruntime-web
// (wasm, one thread). Every figure is the median of ≥ 5 runs. The machine's WASM SIMD peak is measured
// first (bench/peak.mjs), so GEMM and epochs are also stated as fractions of it; the CPU model and the
// load average are recorded with the figures. Writes bench/results/<date>.json and docs/performance.md
// (table + SVG chart).
//   npm run bench                      (node --experimental-wasm-relaxed-simd bench/run.mjs)
//   node bench/run.mjs --suite peak,gemm,epoch,inference,losses [--quick]
// Run `npm run build` first: this measures the built package (dist/).
import { Bench } from 'tinybench';
import os from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createXent } from '../dist/index.js';
import { loadMnist } from '../dist/data/mnist.js';
import { uniformSource } from '../dist/network/random.js';
import { residentGemm, tf, useTf, xentBackends } from './peers.mjs';
import { tfEpoch } from './tf-network.mjs';
import { report } from './report.mjs';
import { cpuModel, measurePeak } from './peak.mjs';
import { inference as inferenceRows } from './inference.mjs';
import { epochFlops } from './flops.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const suiteArg = args.includes('--suite') ? args[args.indexOf('--suite') + 1] : 'peak,gemm,epoch,inference,losses';
const RUNS = 5;
const rows = [];
let peak; // bench/peak.mjs's result, when the peak suite ran
const loadAtStart = os.loadavg();

/** Seeded uniform numbers (the library's mulberry32), so every run measures the same inputs. */
const uniform = uniformSource;
const randomF32 = (n, seed) => {
  const r = uniform(seed);
  return Float32Array.from({ length: n }, () => r() - 0.5);
};

/**
 * Median latency in ms of each task (tinybench, warm-up first, ≥ RUNS samples per round). Groups of
 * tasks (each with an optional async `before`, e.g. switching the TensorFlow.js backend) run in turn,
 * ROUNDS times, each round taking 1/ROUNDS of the time; a task's figure is the median of its round
 * medians. A slow spell of this shared machine then falls on every implementation alike, so the ratios
 * hold even when the absolute figures move.
 */
const ROUNDS = 5;
async function medians(groups, time) {
  const p50s = {};
  const samples = {};
  for (let i = 0; i < ROUNDS; i++) {
    for (const { before, tasks } of groups) {
      await before?.();
      const bench = new Bench({ time: (quick ? Math.min(time, 200) : time) / ROUNDS, iterations: RUNS, warmup: true });
      for (const [name, fn] of tasks) bench.add(name, fn);
      await bench.run();
      for (const t of bench.tasks) {
        if (t.result.state !== 'completed') throw new Error(`${t.name}: ${t.result.state} ${t.result.error ?? ''}`);
        (p50s[t.name] ??= []).push(t.result.latency.p50);
        samples[t.name] = (samples[t.name] ?? 0) + t.result.latency.samplesCount;
      }
    }
  }
  return Object.fromEntries(Object.keys(p50s).map((name) => [name, { ms: median(p50s[name]), samples: samples[name] }]));
}

/** A TensorFlow.js task group on `backend`; `make` creates its tensors there and returns [fn, dispose]. */
function tfGroup(backend, make) {
  let fn;
  let dispose = () => {};
  return {
    before: async () => {
      dispose();
      await useTf(backend);
      [fn, dispose] = make();
    },
    tasks: [[`tfjs ${backend}`, () => fn()]],
    done: () => dispose(),
  };
}

async function gemm() {
  const backends = await xentBackends();
  for (const [m, k, n] of [[10, 784, 30], [128, 784, 100], [256, 1024, 1024], [1024, 1024, 1024]]) {
    const a = randomF32(m * k, 1);
    const b = randomF32(k * n, 2);
    const tasks = [];
    for (const [name, be] of backends) {
      if (be.name === 'reference') {
        const c = new Float32Array(m * n);
        tasks.push([name, () => be.matmul(a, b, c, m, k, n, false, false)]);
        continue;
      }
      tasks.push([name, residentGemm(be, a, b, m, k, n)]);
    }
    const peers = ['wasm', 'cpu'].map((peer) => tfGroup(peer, () => {
      const ta = tf.tensor2d(a, [m, k]);
      const tb = tf.tensor2d(b, [k, n]);
      const run = () => {
        const c = tf.matMul(ta, tb);
        c.dataSync();
        c.dispose();
      };
      return [run, () => { ta.dispose(); tb.dispose(); }];
    }));
    // Products of ≥ 10⁷ multiply-adds (≥ 0.2 ms) are also timed in the process's CPU time, call by call
    // (one thread only: 'xent 2 threads' would count both): the time slices that other processes of a
    // loaded machine take do not count there.
    const cpuMs = {};
    const flops = 2 * m * k * n;
    if (m * k * n >= 1e7) {
      const timed = (name, fn) => () => {
        const c0 = process.cpuUsage();
        fn();
        const c = process.cpuUsage(c0);
        (cpuMs[name] ??= []).push((c.user + c.system) / 1000);
      };
      for (const t of tasks) if (t[0] !== 'xent 2 threads') t[1] = timed(t[0], t[1]);
      for (const g of peers) g.tasks[0][1] = timed(g.tasks[0][0], g.tasks[0][1]);
    }
    const result = await medians([{ tasks }, ...peers], m * k * n > 1e8 ? 4000 : 1500);
    peers.forEach((g) => g.done());
    rows.push({
      suite: 'gemm', name: `GEMM (${m},${k},${n})`, unit: 'GFLOP/s', higherIsBetter: true,
      values: Object.fromEntries(Object.entries(result).map(([name, r]) => [name, flops / (r.ms * 1e6)])),
      ...(Object.keys(cpuMs).length ? { cpu: Object.fromEntries(Object.entries(cpuMs).map(([name, v]) => [name, flops / (median(v) * 1e6)])) } : {}),
      samples: Object.fromEntries(Object.entries(result).map(([name, r]) => [name, r.samples])),
    });
    process.stderr.write(`  ${rows.at(-1).name} done\n`);
  }
}

async function epoch() {
  const mnist = await loadMnist();
  const configs = [[[784, 30, 10], 10], [[784, 100, 10], 10], [[784, 30, 10], 128]];
  const impls = [['xent wasm', { simd: 'plain' }], ['xent relaxed', { simd: 'relaxed' }], ['xent 2 threads', { threads: 2 }],
    ['xent reference', { backend: 'reference' }]];
  for (const [sizes, batch] of configs) {
    const values = {};
    const accuracy = {};
    const samples = {};
    // Runs alternate between the implementations, TensorFlow.js included (run 1 of each, then run 2 of
    // each, …), so that a slow spell of this shared machine falls on all of them rather than on one.
    const live = [];
    for (const [name, opts] of impls) {
      try {
        live.push([name, await createXent(opts)]);
      } catch {
        // relaxed SIMD not available in this engine
      }
    }
    const runs = quick ? 2 : RUNS;
    const seconds = Object.fromEntries(live.map(([name]) => [name, []]));
    const tfSeconds = [];
    await useTf('wasm');
    for (let i = 0; i < runs; i++) {
      const r = await tfEpoch(tf, mnist, sizes, batch, 0.5, 1);
      tfSeconds.push(r.seconds);
      accuracy['tfjs wasm'] = r.accuracy;
      for (const [name, x] of live) {
        const net = x.network(sizes, { seed: 1 }); // a fresh network: every run is the same first epoch
        const h = await net.train(mnist.training, {
          epochs: 1, batchSize: batch, eta: 0.5, evaluationData: mnist.validation,
          monitor: { evaluationAccuracy: true, evaluationCost: false },
        });
        seconds[name].push(h.epochs[0].seconds);
        accuracy[name] = h.evaluationAccuracy[0];
        net.dispose();
      }
    }
    for (const [name, x] of live) {
      values[name] = median(seconds[name]);
      samples[name] = runs;
      x.dispose(); // stops the worker of 'xent 2 threads'
    }
    values['tfjs wasm'] = median(tfSeconds);
    samples['tfjs wasm'] = runs;
    // The FLOPs of the epoch (bench/flops.mjs), for the floor FLOPs ÷ peak.
    const flops = epochFlops(sizes, mnist.training.count, batch);
    rows.push({ suite: 'epoch', name: `MNIST epoch ${sizes.join('-')} batch ${batch}`, unit: 's', higherIsBetter: false, values, samples, accuracy, flops });
    process.stderr.write(`  ${rows.at(-1).name} done\n`);
  }
}

async function losses() {
  const xw = await createXent({ simd: 'plain' });
  const xr = await createXent({ backend: 'reference' });
  let xx;
  try {
    xx = await createXent({ simd: 'relaxed' });
  } catch {
    xx = undefined;
  }
  for (const [n, k] of [[1000, 10], [64, 1000], [4096, 10], [256, 1000]]) {
    const r = uniform(n * k);
    const data = Float64Array.from({ length: n * k }, () => (r() - 0.5) * 10);
    const y = new Float64Array(n * k);
    for (let i = 0; i < n; i++) y[i * k + Math.floor(r() * k)] = 1;
    const logits = { data, shape: [n, k] };
    const targets = { data: y, shape: [n, k] };
    const opts = { fromLogits: true };
    const run = (x) => () => x.valueAndGrad.categoricalCrossEntropy(logits, targets, opts); // one kernel pass
    const tasks = [['xent wasm', run(xw)], ['xent reference', run(xr)]];
    if (xx) tasks.splice(1, 0, ['xent relaxed', run(xx)]);
    const peer = tfGroup('wasm', () => {
      const tz = tf.tensor2d(Float32Array.from(data), [n, k]);
      const ty = tf.tensor2d(Float32Array.from(y), [n, k]);
      const vg = tf.valueAndGrad((z) => tf.losses.softmaxCrossEntropy(ty, z));
      const run = () => {
        const { value, grad } = vg(tz);
        value.dataSync();
        grad.dataSync();
        value.dispose();
        grad.dispose();
      };
      return [run, () => { tz.dispose(); ty.dispose(); }];
    });
    const result = await medians([{ tasks }, peer], 1500);
    peer.done();
    rows.push({
      suite: 'losses', name: `categorical CE from logits, value + gradient ${n}×${k}`, unit: 'ms', higherIsBetter: false,
      values: Object.fromEntries(Object.entries(result).map(([name, v]) => [name, v.ms])),
      samples: Object.fromEntries(Object.entries(result).map(([name, v]) => [name, v.samples])),
    });
    process.stderr.write(`  ${rows.at(-1).name} done\n`);
  }
}

function median(xs) {
  const s = [...xs].sort((p, q) => p - q);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function peakSuite() {
  peak = await measurePeak(quick ? { rounds: 3 } : {});
}

async function inference() {
  rows.push(...(await inferenceRows({ quick })));
}

const suiteSeconds = {};
const all = { peak: peakSuite, gemm, epoch, inference, losses };
for (const s of suiteArg.split(',')) {
  if (!all[s]) throw new Error(`unknown suite ${s} (expected ${Object.keys(all).join(', ')})`);
  process.stderr.write(`running ${s}…\n`);
  const t0 = performance.now();
  await all[s]();
  suiteSeconds[s] = (performance.now() - t0) / 1000; // how long each suite takes, recorded with the results
}

// What createXent's gemm: 'auto' chose on this CPU for each build, and the calibration it chose by
// (src/backend/calibrate.ts; GFLOP/s per tile): recorded in the header of the result.
const gemmTiles = {};
for (const simd of ['plain', 'relaxed']) {
  const x = await createXent({ simd });
  gemmTiles[simd] = { chosen: x.kernels.gemm, calibration: x.kernels.calibration };
  x.dispose();
}
const cpu = cpuModel();
const machine = `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}${process.execArgv.length ? ` ${process.execArgv.join(' ')}` : ''}, ${os.platform()} ${os.arch()}`;
const date = new Date().toISOString();
const tfVersion = JSON.parse(readFileSync(new URL('./node_modules/@tensorflow/tfjs/package.json', import.meta.url), 'utf8')).version;
const ortVersion = JSON.parse(readFileSync(new URL('../node_modules/onnxruntime-web/package.json', import.meta.url), 'utf8')).version;
const load = { start: loadAtStart, end: os.loadavg() }; // 1, 5 and 15 min load averages, as `uptime` shows them
const result = { date, machine, cpu, load, quick, tfjs: tfVersion, onnxruntimeWeb: ortVersion, runsPerFigure: RUNS, rounds: ROUNDS, suiteSeconds, gemmTiles, peak, rows };
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const stem = `${date.slice(0, 16).replace(":", "-")}${quick ? "-quick" : ""}`;
writeFileSync(new URL(`./results/${stem}.json`, import.meta.url), JSON.stringify(result, null, 2) + '\n');
const { markdown } = report(result, `bench/results/${stem}.json`, { write: !quick }); // a quick run leaves docs/ alone
console.log(markdown);
