// Raw GEMM kernel timing, for tuning: instantiates a built module (default build/xent.wasm) and times
// matmulF32 on operands already in its memory. Median of 5 batches; 2·m·k·n flops per call.
//   node bench/kernel-gemm.mjs [build/xent.wasm] [m,k,n,transA,transB …]
//   node --experimental-wasm-relaxed-simd bench/kernel-gemm.mjs build/xent-relaxed.wasm 256,1024,1024,0,0
import { readFileSync } from 'node:fs';
import { placeGemm } from './raw-gemm.mjs';

const args = process.argv.slice(2);
const file = args[0]?.endsWith('.wasm') ? args.shift() : new URL('../build/xent.wasm', import.meta.url);
const { instance } = await WebAssembly.instantiate(readFileSync(file), {});
const k = instance.exports;
const shapes = (args.length ? args : ['10,784,30,0,1', '30,10,784,1,0', '128,784,30,0,1', '30,784,128,0,1', '30,128,784,1,0', '256,1024,1024,0,0'])
  .map((s) => s.split(',').map(Number));
for (const [m, kk, n, ta, tb] of shapes) {
  const gemm = placeGemm(k, m, kk, n, ta, tb);
  const reps = Math.max(5, Math.round(2e8 / (2 * m * kk * n)));
  for (let w = 0; w < 3; w++) gemm();
  const times = [];
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    for (let i = 0; i < reps; i++) gemm();
    times.push((performance.now() - t) / reps);
  }
  const ms = times.sort((x, y) => x - y)[2];
  console.log(`(${m},${kk},${n}) transA=${ta} transB=${tb}: ${(ms * 1000).toFixed(1)} µs, ${((2 * m * kk * n) / (ms * 1e6)).toFixed(1)} GFLOP/s`);
}
