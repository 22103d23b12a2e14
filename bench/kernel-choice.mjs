// Does this CPU need a GEMM kernel chosen at run time? The GEMM of each one-thread build (plain SIMD:
// 4×8 tile, 8 accumulators of mul + add; relaxed: 6×8 tile, 12 accumulators of relaxed_madd) against
// the peak kernels of bench/peak.mjs in the GEMM's own shape (acc += x·k, 8 and 12 chains; the micro-
// kernel in L1 as a 4×8, 5×8 and 6×8 tile), all in
// interleaved rounds of one process, TensorFlow.js wasm's GEMM (one thread) alongside; prints medians over
// rounds (GEMM: of each round's median call, in wall time and in the process's CPU time), the fractions,
// the CPU and the load.
//   node --experimental-wasm-relaxed-simd bench/kernel-choice.mjs [rounds] [m,k,n …]
import os from 'node:os';
import { uniformSource } from '../dist/network/random.js';
import { residentGemm, tf, useTf, xentBackends } from './peers.mjs';
import { callIterations, compile, cpuModel } from './peak.mjs';

const rounds = Number(process.argv[2] ?? 9);
const CALLS = 15; // GEMM calls per round and implementation
const shapes = (process.argv.length > 3 ? process.argv.slice(3) : ['256,1024,1024', '128,784,100']).map((s) => s.split(',').map(Number));
const median = (xs) => [...xs].sort((p, q) => p - q)[xs.length >> 1];
const randomF32 = (n, seed) => {
  const r = uniformSource(seed);
  return Float32Array.from({ length: n }, () => r() - 0.5);
};

const peaks = [];
for (const relaxed of [false, true]) {
  // accumulate: one load per chain; outer: the micro-kernel in L1, chains/2 × 8 tiles (8: 4×8, 10: 5×8, 12: 6×8)
  for (const [shape, chains, unroll] of [['dependent', 8, 1], ['dependent', 12, 1], ['accumulate', 8, 1], ['accumulate', 12, 1],
    ['outer', 8, 1], ['outer', 10, 1], ['outer', 12, 1], ['outer', 8, 4], ['outer', 10, 4], ['outer', 12, 4]]) {
    try {
      peaks.push({ name: `peak ${relaxed ? 'relaxed_madd' : 'mul+add'} ${shape} ${chains} chains unroll ${unroll}`, chains, unroll, run: await compile(chains, shape, relaxed, unroll) });
    } catch {
      // relaxed SIMD not available
    }
  }
}
for (const p of peaks) p.iters = callIterations(p.run, p.unroll, 0.25); // ~0.25 ms a call, as bench/peak.mjs
const backends = (await xentBackends()).filter(([name]) => name === 'xent wasm' || name === 'xent relaxed');
const gemms = shapes.flatMap(([m, k, n]) => backends.map(([name, be]) => ({
  name: `${name} GEMM (${m},${k},${n})`, flops: 2 * m * k * n, run: residentGemm(be, randomF32(m * k, 1), randomF32(k * n, 2), m, k, n),
})));
// TensorFlow.js wasm (XNNPACK, one thread) on the same shapes, for the ratio
await useTf('wasm');
for (const [m, k, n] of shapes) {
  const ta = tf.tensor2d(randomF32(m * k, 1), [m, k]);
  const tb = tf.tensor2d(randomF32(k * n, 2), [k, n]);
  gemms.push({ name: `tfjs wasm GEMM (${m},${k},${n})`, flops: 2 * m * k * n, run: () => { const c = tf.matMul(ta, tb); c.dataSync(); c.dispose(); } });
}
const figures = {};
const loadStart = os.loadavg();
for (let r = 0; r < rounds; r++) {
  for (const p of peaks) {
    const times = [];
    for (let c = 0; c < 41; c++) {
      const t0 = performance.now();
      p.run(p.iters, 0, -1);
      times.push(performance.now() - t0);
    }
    (figures[p.name] ??= []).push((8 * p.chains * p.iters) / (median(times) * 1e6));
  }
  for (const g of gemms) {
    if (r === 0) for (let i = 0; i < 3; i++) g.run(); // warm-up
    const wall = [];
    const cpu = [];
    for (let i = 0; i < CALLS; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      g.run();
      wall.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
    (figures[g.name] ??= []).push(g.flops / (median(wall) * 1e6));
    // CPU time of the process instead of wall time: on a loaded machine, the time slices other
    // processes take do not count (their disturbance of the caches still does)
    (figures[`${g.name} CPU time`] ??= []).push(g.flops / (median(cpu) * 1e6));
  }
}
const med = Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, median(v)]));
console.log(`${new Date().toISOString()}; ${cpuModel()}; load ${loadStart.map((x) => x.toFixed(2)).join(' ')} → ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; ${rounds} rounds`);
for (const [k, v] of Object.entries(med)) console.log(`${k.padEnd(40)} ${v.toFixed(1)} GFLOP/s  (rounds ${figures[k].map((x) => x.toFixed(1)).join(' ')})`);
const best = (op) => Math.max(0, ...Object.entries(med).filter(([k]) => k.startsWith(`peak ${op} `)).map(([, v]) => v));
const plainPeak = best('mul+add');
const relaxedPeak = best('relaxed_madd');
for (const g of gemms.filter((x) => x.name.startsWith('xent')).flatMap((x) => [x, { ...x, name: `${x.name} CPU time` }])) {
  const tfjs = med[g.name.replace(/^xent (wasm|relaxed)/, 'tfjs wasm')];
  const peak = g.name.startsWith('xent relaxed') ? relaxedPeak : plainPeak;
  console.log(`${g.name}: ${(med[g.name] / peak).toFixed(2)} of the ${g.name.startsWith('xent relaxed') ? 'relaxed_madd' : 'mul+add'} peak (${peak.toFixed(1)}), ${(med[g.name] / tfjs).toFixed(2)}× tfjs wasm`);
}
for (const [, be] of backends) be.dispose?.();
