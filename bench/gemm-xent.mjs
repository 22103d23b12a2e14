// The benchmark's GEMM measurement (bench/run.mjs, suite gemm) for xent's builds alone: tinybench,
// ROUNDS interleaved rounds of 800 ms, operands resident in each instance's memory; prints every
// round's GFLOP/s, so a slow phase of the shared machine shows as such instead of moving one median.
//   node --experimental-wasm-relaxed-simd bench/gemm-xent.mjs [m,k,n …]   (T2=1 adds 'xent 2 threads')
import { Bench } from 'tinybench';
import { uniformSource } from '../dist/network/random.js';
import { residentGemm, xentBackends } from './peers.mjs';

const ROUNDS = 5;
const shapes = (process.argv.length > 2 ? process.argv.slice(2) : ['256,1024,1024', '1024,1024,1024']).map((s) => s.split(',').map(Number));
const randomF32 = (n, seed) => {
  const r = uniformSource(seed);
  return Float32Array.from({ length: n }, () => r() - 0.5);
};
const backends = (await xentBackends()).filter(([name]) => name !== 'xent reference' && (process.env.T2 || name !== 'xent 2 threads'));
for (const [m, k, n] of shapes) {
  const a = randomF32(m * k, 1);
  const b = randomF32(k * n, 2);
  const tasks = backends.map(([name, be]) => [name, residentGemm(be, a, b, m, k, n)]);
  const perRound = {};
  for (let r = 0; r < ROUNDS; r++) {
    const bench = new Bench({ time: 800, iterations: 5, warmup: true });
    for (const [name, fn] of tasks) bench.add(name, fn);
    await bench.run();
    for (const t of bench.tasks) (perRound[t.name] ??= []).push((2 * m * k * n) / (t.result.latency.p50 * 1e6));
  }
  for (const [name, v] of Object.entries(perRound)) console.log(`(${m},${k},${n}) ${name}: ${v.map((x) => x.toFixed(1)).join(' ')} GFLOP/s`);
}
for (const [, be] of backends) be.dispose?.();
