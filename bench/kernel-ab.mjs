// A/B timing of GEMM builds in one process: each round runs every build in turn on the same shape, so a
// slow spell of this shared machine falls on all of them. Prints, per build, the GFLOP/s of the median
// round, of the fast quartile (q1) and of the best round. ROUNDS (default 21) rounds per shape.
//   ROUNDS=41 node --experimental-wasm-relaxed-simd bench/kernel-ab.mjs old.wasm new.wasm -- 256,1024,1024,0,0 …
import { readFileSync } from 'node:fs';
import { placeGemm } from './raw-gemm.mjs';

const argv = process.argv.slice(2);
const sep = argv.indexOf('--');
if (sep < 1) throw new Error('usage: node bench/kernel-ab.mjs a.wasm b.wasm … -- m,k,n,transA,transB …');
const files = argv.slice(0, sep);
const shapes = argv.slice(sep + 1).map((s) => s.split(',').map(Number));
const rounds = Number(process.env.ROUNDS ?? 21);
const mods = [];
for (const f of files) mods.push((await WebAssembly.instantiate(readFileSync(f), {})).instance.exports);
for (const [m, kk, n, ta, tb] of shapes) {
  const calls = mods.map((k) => placeGemm(k, m, kk, n, ta, tb));
  const reps = Math.max(5, Math.round(1e8 / (2 * m * kk * n)));
  const run = (gemm) => {
    const t = performance.now();
    for (let i = 0; i < reps; i++) gemm();
    return (performance.now() - t) / reps;
  };
  for (let w = 0; w < 3; w++) calls.forEach(run); // warm-up, and V8's tier-up
  const times = calls.map(() => []);
  for (let r = 0; r < rounds; r++) calls.forEach((x, i) => times[i].push(run(x)));
  const gf = (ms) => ((2 * m * kk * n) / ms / 1e6).toFixed(1);
  const cols = files.map((f, i) => {
    const t = times[i].sort((p, q) => p - q);
    return `${f.split('/').pop()}: median ${gf(t[t.length >> 1])}, q1 ${gf(t[t.length >> 2])}, best ${gf(t[0])}`;
  });
  console.log(`(${m},${kk},${n},${ta},${tb}) ${cols.join(' | ')}`);
}
