// A/B timing of GEMM builds and tiles in one process: each round runs every entry in turn on the same
// shape, so a slow spell of this shared machine falls on all of them. An entry is a raw build, or a build
// followed by ":MR" to run it with that tile height (gemmSetTile: 4, 5 or 6; builds without the export
// take no suffix). Prints, per entry, the GFLOP/s of the median round, of the fast quartile (q1) and of
// the best round; ROUNDS (default 21) rounds per shape; in CPU time (process.cpuUsage) when CPU=1.
//   ROUNDS=41 node --experimental-wasm-relaxed-simd bench/kernel-ab.mjs old.wasm new.wasm:4 new.wasm:5 -- 256,1024,1024,0,0 …
import { readFileSync } from 'node:fs';
import { placeGemm } from './raw-gemm.mjs';

const argv = process.argv.slice(2);
const sep = argv.indexOf('--');
if (sep < 1) throw new Error('usage: node bench/kernel-ab.mjs a.wasm[:MR] b.wasm[:MR] … -- m,k,n,transA,transB …');
const entries = argv.slice(0, sep);
const shapes = argv.slice(sep + 1).map((s) => s.split(',').map(Number));
const rounds = Number(process.env.ROUNDS ?? 21);
const cpu = process.env.CPU === '1';
const now = cpu ? () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; } : () => performance.now();
const mods = [];
for (const e of entries) {
  const [file, mr] = e.split(':');
  const k = (await WebAssembly.instantiate(readFileSync(file), {})).instance.exports;
  if (mr !== undefined && k.gemmSetTile(Number(mr)) !== 1) throw new Error(`${e}: gemmSetTile refused ${mr}`);
  mods.push(k);
}
for (const [m, kk, n, ta, tb] of shapes) {
  const calls = mods.map((k) => placeGemm(k, m, kk, n, ta, tb));
  const reps = Math.max(5, Math.round(1e8 / (2 * m * kk * n)));
  const run = (gemm) => {
    const t = now();
    for (let i = 0; i < reps; i++) gemm();
    return (now() - t) / reps;
  };
  for (let w = 0; w < 3; w++) calls.forEach(run); // warm-up, and V8's tier-up
  const times = calls.map(() => []);
  for (let r = 0; r < rounds; r++) calls.forEach((x, i) => times[i].push(run(x)));
  const gf = (ms) => ((2 * m * kk * n) / ms / 1e6).toFixed(1);
  const cols = entries.map((e, i) => {
    const t = times[i].sort((p, q) => p - q);
    return `${e.split('/').pop()}: median ${gf(t[t.length >> 1])}, q1 ${gf(t[t.length >> 2])}, best ${gf(t[0])}`;
  });
  console.log(`(${m},${kk},${n},${ta},${tb}) ${cols.join(' | ')}`);
}
