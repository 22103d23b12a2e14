// A/B timing of GEMM builds in one process: each round runs every build in turn on the same shape, so a
// slow spell of this shared machine falls on all of them. Prints, per build, the GFLOP/s of the median
// round, of the fast quartile (q1) and of the best round. ROUNDS (default 21) rounds per shape.
//   ROUNDS=41 node --experimental-wasm-relaxed-simd bench/kernel-ab.mjs old.wasm new.wasm -- 256,1024,1024,0,0 …
import { readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const sep = argv.indexOf('--');
if (sep < 1) throw new Error('usage: node bench/kernel-ab.mjs a.wasm b.wasm … -- m,k,n,transA,transB …');
const files = argv.slice(0, sep);
const shapes = argv.slice(sep + 1).map((s) => s.split(',').map(Number));
const rounds = Number(process.env.ROUNDS ?? 21);
const mods = [];
for (const f of files) mods.push((await WebAssembly.instantiate(readFileSync(f), {})).instance.exports);
for (const [m, kk, n, ta, tb] of shapes) {
  const setups = mods.map((k) => {
    const a = (k.heapBase() + 15) & ~15;
    const b = a + m * kk * 4 + 64;
    const c = b + kk * n * 4 + 64;
    const s = c + m * n * 4 + 64;
    const end = s + k.matmulScratchBytes(m, kk, n, ta, tb);
    if (end > k.memory.buffer.byteLength) k.memory.grow(Math.ceil((end - k.memory.buffer.byteLength) / 65536));
    const f32 = new Float32Array(k.memory.buffer);
    for (let i = a / 4; i < c / 4; i++) f32[i] = Math.random() - 0.5;
    return { k, a, b, c, s };
  });
  const reps = Math.max(5, Math.round(1e8 / (2 * m * kk * n)));
  const run = ({ k, a, b, c, s }) => {
    const t = performance.now();
    for (let i = 0; i < reps; i++) k.matmulF32(a, b, c, m, kk, n, ta, tb, s);
    return (performance.now() - t) / reps;
  };
  for (let w = 0; w < 3; w++) setups.forEach(run); // warm-up, and V8's tier-up
  const times = setups.map(() => []);
  for (let r = 0; r < rounds; r++) setups.forEach((x, i) => times[i].push(run(x)));
  const gf = (ms) => ((2 * m * kk * n) / ms / 1e6).toFixed(1);
  const cols = files.map((f, i) => {
    const t = times[i].sort((p, q) => p - q);
    return `${f.split('/').pop()}: median ${gf(t[t.length >> 1])}, q1 ${gf(t[t.length >> 2])}, best ${gf(t[0])}`;
  });
  console.log(`(${m},${kk},${n},${ta},${tb}) ${cols.join(' | ')}`);
}
