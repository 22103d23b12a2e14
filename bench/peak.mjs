// The machine's WASM SIMD peak, measured: small AssemblyScript kernels generated here and compiled by
// asc (bench-only, not part of the library's builds), each running N independent f32x4 accumulator
// chains in a loop, N = 4, 6, 8, 10, 12. Three shapes of chain:
//   dependent   acc = acc·m + c            both operations on the chain (latency mul + add per step)
//   accumulate  acc = acc + x·k            x loaded from L1 each step (one load per chain), only the
//                                          add is on the chain; the product is independent
//   outer       acc[r][j] += b_j·a_r        the GEMM micro-kernel itself in L1: per step two vectors b_0,
//                                          b_1 and N/2 vectors a_r (pre-broadcast A) loaded, an N/2 × 8 tile
// each with f32x4.mul + f32x4.add (plain SIMD) and with f32x4.relaxed_madd (one instruction, FMA where
// the CPU has it). 8 flops per chain and step (4 lanes × multiply + add). The peak of a build is the best
// of its variants; the CPU model is recorded with it, so results from different machines compare as
// fractions of their own peak.
//   node --experimental-wasm-relaxed-simd bench/peak.mjs [--quick]
import asc from 'assemblyscript/asc';
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { relaxedSimdSupported } from '../dist/backend/wasm.js';

export const CHAINS = [4, 6, 8, 10, 12];
export const SHAPES = ['dependent', 'accumulate', 'outer'];

/**
 * Steps per loop iteration: 1, or 4 as in the GEMM's micro-kernel (with its exit tests), so that the
 * counter and address arithmetic weigh little. Which is faster depends on V8's register allocation for
 * the shape (unrolled, the 10- and 12-chain kernels spill on x64), so both are measured.
 */
export const UNROLLS = [1, 4];

/** AssemblyScript source of one kernel: run(iters, base, stop = −1) steps every chain iters times (iters a multiple of unroll). */
function source(chains, shape, relaxed, unroll) {
  const ids = Array.from({ length: chains }, (_, i) => i);
  // chain i's update in unrolled step u, whose data are at q + 256·u
  const step = (i, u) => {
    const o = 256 * u;
    if (shape === 'outer') {
      const b = `b${i & 1}`;
      const a = `s${i >> 1}`;
      // a pre-broadcast A value, as the GEMM's packed A panel holds it (a plain v128 load)
      const pre = (i & 1) === 0 ? `const ${a} = v128.load(q, ${o + 32 + 16 * (i >> 1)}); ` : '';
      return pre + (relaxed ? `a${i} = f32x4.relaxed_madd(${b}, ${a}, a${i});` : `a${i} = f32x4.add(a${i}, f32x4.mul(${b}, ${a}));`);
    }
    if (shape === 'dependent') {
      return relaxed ? `a${i} = f32x4.relaxed_madd(a${i}, m, c);` : `a${i} = f32x4.add(f32x4.mul(a${i}, m), c);`;
    }
    const x = `v128.load(q, ${o + 16 * i})`;
    return relaxed ? `a${i} = f32x4.relaxed_madd(${x}, k, a${i});` : `a${i} = f32x4.add(a${i}, f32x4.mul(${x}, k));`;
  };
  const us = Array.from({ length: unroll }, (_, u) => u);
  return [
    'export function run(iters: i32, base: usize, stop: i32): f32 {',
    '  const m = f32x4.splat(0.999); const c = f32x4.splat(0.001); const k = f32x4.splat(0.0001);',
    ...ids.map((i) => `  let a${i} = f32x4.splat(${(1 + i / 16).toFixed(4)});`),
    `  for (let i = 0; i < iters; i += ${unroll}) {`,
    // 16 blocks of 256 bytes (4 KiB, L1): the loads change address every step, so nothing is loop-invariant.
    `    const q = base + (<usize>(i & 15) << 8);`,
    ...us.flatMap((u) => [
      '    {',
      ...(shape === 'outer' ? [`      const b0 = v128.load(q, ${256 * u}); const b1 = v128.load(q, ${256 * u + 16});`] : []),
      ...ids.map((i) => `      ${step(i, u)}`),
      // a test that is never taken (stop = −1) after every step, as the GEMM's exit tests: each step is
      // its own basic block, so V8 does not hoist the loads of all unrolled steps to the top (spills)
      '    }',
      ...(u < unroll - 1 ? [`    if (i + ${u} == stop) break;`] : []),
    ]),
    '  }',
    `  let s = a0;`,
    ...ids.slice(1).map((i) => `  s = f32x4.add(s, a${i});`),
    '  return f32x4.extract_lane(s, 0);',
    '}',
    '',
  ].join('\n');
}

/** One peak kernel, compiled and instantiated: run(iters, 0, −1) → f32 (its 4 KiB of x values filled in). */
export async function compile(chains, shape, relaxed, unroll = 1) {
  const { error, binary, stderr } = await asc.compileString(source(chains, shape, relaxed, unroll), {
    optimizeLevel: 1, runtime: 'stub', initialMemory: 1, noAssert: true,
    enable: relaxed ? ['simd', 'relaxed-simd'] : ['simd'],
  });
  if (error) throw new Error(`peak kernel (${chains}, ${shape}, relaxed ${relaxed}): ${error.message}\n${stderr}`);
  const { instance } = await WebAssembly.instantiate(binary, { env: { abort() { throw new Error('abort'); } } });
  const f32 = new Float32Array(instance.exports.memory.buffer, 0, 1024);
  for (let i = 0; i < f32.length; i++) f32[i] = (i % 97) / 97; // x in [0, 1): accumulators stay normal numbers
  return instance.exports.run;
}

/** This CPU: the model name plus family/model/stepping from /proc/cpuinfo (os.cpus() names only "AMD EPYC" on a VM). */
export function cpuModel() {
  const name = os.cpus()[0]?.model?.trim() || 'unknown CPU';
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const field = (f) => info.match(new RegExp(`^${f}\\s*:\\s*(.*)$`, 'm'))?.[1]?.trim();
    const fam = field('cpu family');
    return fam ? `${name} (family ${fam}, model ${field('model')}, stepping ${field('stepping')})` : name;
  } catch {
    return name;
  }
}

const median = (xs) => [...xs].sort((p, q) => p - q)[xs.length >> 1];

/**
 * GFLOP/s of every variant. Each call is short (~`ms`, 0.25 ms by default, well inside a scheduler
 * time slice, so that on a loaded machine most calls run unpreempted); a round runs every kernel
 * `calls` times and keeps the median call; rounds are interleaved and the figure is the median over
 * rounds. peak.plain / peak.relaxed are the best variant of each build.
 */
/**
 * Iterations for one call of a compiled kernel `run` to last about `ms` (a multiple of `unroll`, ≥ 250):
 * after a warm-up (V8 tiers the kernel up to TurboFan after its first calls), the best of 5 timed calls.
 */
export function callIterations(run, unroll, ms) {
  for (let i = 0; i < 3; i++) run(200_000, 0, -1);
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    run(100_000, 0, -1);
    best = Math.min(best, performance.now() - t0);
  }
  return unroll * Math.max(250, Math.round((100_000 * ms) / Math.max(0.001, best) / unroll));
}

export async function measurePeak({ rounds = 9, calls = 41, ms = 0.25 } = {}) {
  const variants = [];
  for (const relaxed of relaxedSimdSupported() ? [false, true] : [false]) {
    for (const shape of SHAPES) {
      for (const unroll of UNROLLS) {
        for (const chains of CHAINS) variants.push({ relaxed, shape, chains, unroll, run: await compile(chains, shape, relaxed, unroll), gflops: [] });
      }
    }
  }
  for (const v of variants) v.iters = callIterations(v.run, v.unroll, ms);
  for (let r = 0; r < rounds; r++) {
    for (const v of variants) {
      const times = [];
      for (let c = 0; c < calls; c++) {
        const t0 = performance.now();
        v.run(v.iters, 0, -1);
        times.push(performance.now() - t0);
      }
      v.gflops.push((8 * v.chains * v.iters) / (median(times) * 1e6));
    }
  }
  const rows = variants.map(({ relaxed, shape, chains, unroll, gflops }) => ({
    build: relaxed ? 'relaxed' : 'plain', op: relaxed ? 'relaxed_madd' : 'mul+add', shape, chains, unroll, gflops: median(gflops),
  }));
  const best = (build) => Math.max(...rows.filter((r) => r.build === build).map((r) => r.gflops));
  return { cpu: cpuModel(), rows, peak: { plain: best('plain'), relaxed: rows.some((r) => r.build === 'relaxed') ? best('relaxed') : undefined } };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const r = await measurePeak(quick ? { rounds: 3 } : {});
  console.log(`${new Date().toISOString()}; ${r.cpu}; load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (const shape of SHAPES) {
    for (const build of ['plain', 'relaxed']) {
      for (const unroll of UNROLLS) {
        const rs = r.rows.filter((x) => x.shape === shape && x.build === build && x.unroll === unroll);
        if (rs.length) console.log(`${shape.padEnd(10)} ${rs[0].op.padEnd(12)} unroll ${unroll}: ${rs.map((x) => `${x.chains} chains ${x.gflops.toFixed(1)}`).join(', ')} GFLOP/s`);
      }
    }
  }
  console.log(`peak: mul+add ${r.peak.plain.toFixed(1)} GFLOP/s${r.peak.relaxed ? `, relaxed_madd ${r.peak.relaxed.toFixed(1)} GFLOP/s` : ''}`);
}
