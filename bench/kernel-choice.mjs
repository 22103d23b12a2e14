// Does this CPU need a GEMM kernel chosen at run time? The GEMM of each one-thread build (plain SIMD:
// 4×8 tile, 8 accumulators of mul + add; relaxed: 6×8 tile, 12 accumulators of relaxed_madd) against
// the peak kernels of bench/peak.mjs in the GEMM's own shape (acc += x·k, 8 and 12 chains), all in
// interleaved rounds of one process; prints medians over rounds (GEMM: of each round's median call and
// of its fastest call), the fractions, the CPU and the load.
//   node --experimental-wasm-relaxed-simd bench/kernel-choice.mjs [rounds] [m,k,n …]
import os from 'node:os';
import { Bench } from 'tinybench';
import { uniformSource } from '../dist/network/random.js';
import { residentGemm, xentBackends } from './peers.mjs';
import { compile, cpuModel } from './peak.mjs';

const rounds = Number(process.argv[2] ?? 9);
const shapes = (process.argv.length > 3 ? process.argv.slice(3) : ['256,1024,1024', '128,784,100']).map((s) => s.split(',').map(Number));
const median = (xs) => [...xs].sort((p, q) => p - q)[xs.length >> 1];
const randomF32 = (n, seed) => {
  const r = uniformSource(seed);
  return Float32Array.from({ length: n }, () => r() - 0.5);
};

const peaks = [];
for (const relaxed of [false, true]) {
  for (const chains of [8, 12]) {
    try {
      peaks.push({ name: `peak ${relaxed ? 'relaxed_madd' : 'mul+add'} ${chains} chains`, chains, run: await compile(chains, 'accumulate', relaxed) });
    } catch {
      // relaxed SIMD not available
    }
  }
}
for (const p of peaks) {
  for (let i = 0; i < 3; i++) p.run(200_000, 0);
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    p.run(100_000, 0);
    best = Math.min(best, performance.now() - t0);
  }
  p.iters = Math.max(1000, Math.round((100_000 * 0.25) / Math.max(0.001, best))); // ~0.25 ms a call, as bench/peak.mjs
}
const backends = (await xentBackends()).filter(([name]) => name === 'xent wasm' || name === 'xent relaxed');
const gemms = shapes.flatMap(([m, k, n]) => backends.map(([name, be]) => ({
  name: `${name} GEMM (${m},${k},${n})`, flops: 2 * m * k * n, run: residentGemm(be, randomF32(m * k, 1), randomF32(k * n, 2), m, k, n),
})));
const figures = {};
const loadStart = os.loadavg();
for (let r = 0; r < rounds; r++) {
  for (const p of peaks) {
    const times = [];
    for (let c = 0; c < 41; c++) {
      const t0 = performance.now();
      p.run(p.iters, 0);
      times.push(performance.now() - t0);
    }
    (figures[p.name] ??= []).push((8 * p.chains * p.iters) / (median(times) * 1e6));
  }
  const bench = new Bench({ time: 400, iterations: 5, warmup: true });
  for (const g of gemms) bench.add(g.name, g.run);
  await bench.run();
  for (const t of bench.tasks) {
    const flops = gemms.find((g) => g.name === t.name).flops;
    (figures[t.name] ??= []).push(flops / (t.result.latency.p50 * 1e6));
    // the fastest call of the round: on a loaded machine, the call least disturbed by other processes
    (figures[`${t.name} fastest`] ??= []).push(flops / (t.result.latency.min * 1e6));
  }
}
const med = Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, median(v)]));
console.log(`${new Date().toISOString()}; ${cpuModel()}; load ${loadStart.map((x) => x.toFixed(2)).join(' ')} → ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; ${rounds} rounds`);
for (const [k, v] of Object.entries(med)) console.log(`${k.padEnd(40)} ${v.toFixed(1)} GFLOP/s  (rounds ${figures[k].map((x) => x.toFixed(1)).join(' ')})`);
const plainPeak = Math.max(med['peak mul+add 8 chains'], med['peak mul+add 12 chains']);
const relaxedPeak = Math.max(med['peak relaxed_madd 8 chains'] ?? 0, med['peak relaxed_madd 12 chains'] ?? 0);
for (const g of gemms.flatMap((x) => [x, { ...x, name: `${x.name} fastest` }])) {
  const peak = g.name.startsWith('xent relaxed') ? relaxedPeak : plainPeak;
  console.log(`${g.name}: ${(med[g.name] / peak).toFixed(2)} of the ${g.name.startsWith('xent relaxed') ? 'relaxed_madd' : 'mul+add'} peak (${peak.toFixed(1)})`);
}
for (const [, be] of backends) be.dispose?.();
