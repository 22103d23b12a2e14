// The machine's WASM SIMD peak, measured: small AssemblyScript kernels generated here and compiled by
// asc (bench-only, not part of the library's builds), each running N independent f32x4 accumulator
// chains in a loop, N = 4, 6, 8, 10, 12. Two shapes of chain:
//   dependent   acc = acc·m + c            both operations on the chain (latency mul + add per step)
//   accumulate  acc = acc + x·k            x loaded from L1 each step: the GEMM micro-kernel's shape
//                                          (only the add is on the chain; the product is independent)
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

/** AssemblyScript source of one kernel: run(iters, base) steps every chain iters times. */
function source(chains, shape, relaxed) {
  const ids = Array.from({ length: chains }, (_, i) => i);
  const step = (i) => {
    if (shape === 'dependent') {
      return relaxed ? `a${i} = f32x4.relaxed_madd(a${i}, m, c);` : `a${i} = f32x4.add(f32x4.mul(a${i}, m), c);`;
    }
    const x = `v128.load(q, ${16 * i})`;
    return relaxed ? `a${i} = f32x4.relaxed_madd(${x}, k, a${i});` : `a${i} = f32x4.add(a${i}, f32x4.mul(${x}, k));`;
  };
  return [
    'export function run(iters: i32, base: usize): f32 {',
    '  const m = f32x4.splat(0.999); const c = f32x4.splat(0.001); const k = f32x4.splat(0.0001);',
    ...ids.map((i) => `  let a${i} = f32x4.splat(${(1 + i / 16).toFixed(4)});`),
    '  for (let i = 0; i < iters; i++) {',
    // 16 blocks of 256 bytes (4 KiB, L1): the loads change address every step, so nothing is loop-invariant.
    '    const q = base + (<usize>(i & 15) << 8);',
    ...ids.map((i) => `    ${step(i)}`),
    '  }',
    `  let s = a0;`,
    ...ids.slice(1).map((i) => `  s = f32x4.add(s, a${i});`),
    '  return f32x4.extract_lane(s, 0);',
    '}',
    '',
  ].join('\n');
}

/** One peak kernel, compiled and instantiated: run(iters, 0) → f32 (its 4 KiB of x values filled in). */
export async function compile(chains, shape, relaxed) {
  const { error, binary, stderr } = await asc.compileString(source(chains, shape, relaxed), {
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
export async function measurePeak({ rounds = 9, calls = 41, ms = 0.25 } = {}) {
  const variants = [];
  for (const relaxed of relaxedSimdSupported() ? [false, true] : [false]) {
    for (const shape of ['dependent', 'accumulate']) {
      for (const chains of CHAINS) variants.push({ relaxed, shape, chains, run: await compile(chains, shape, relaxed), gflops: [] });
    }
  }
  for (const v of variants) { // warm-up (V8 tiers the kernel up to TurboFan after its first calls), then calibration
    for (let i = 0; i < 3; i++) v.run(200_000, 0);
    let best = Infinity;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      v.run(100_000, 0);
      best = Math.min(best, performance.now() - t0);
    }
    v.iters = Math.max(1000, Math.round((100_000 * ms) / Math.max(0.001, best)));
  }
  for (let r = 0; r < rounds; r++) {
    for (const v of variants) {
      const times = [];
      for (let c = 0; c < calls; c++) {
        const t0 = performance.now();
        v.run(v.iters, 0);
        times.push(performance.now() - t0);
      }
      v.gflops.push((8 * v.chains * v.iters) / (median(times) * 1e6));
    }
  }
  const rows = variants.map(({ relaxed, shape, chains, gflops }) => ({
    build: relaxed ? 'relaxed' : 'plain', op: relaxed ? 'relaxed_madd' : 'mul+add', shape, chains, gflops: median(gflops),
  }));
  const best = (build) => Math.max(...rows.filter((r) => r.build === build).map((r) => r.gflops));
  return { cpu: cpuModel(), rows, peak: { plain: best('plain'), relaxed: rows.some((r) => r.build === 'relaxed') ? best('relaxed') : undefined } };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const r = await measurePeak(quick ? { rounds: 3 } : {});
  console.log(`${new Date().toISOString()}; ${r.cpu}; load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (const shape of ['dependent', 'accumulate']) {
    for (const build of ['plain', 'relaxed']) {
      const rs = r.rows.filter((x) => x.shape === shape && x.build === build);
      if (rs.length) console.log(`${shape.padEnd(10)} ${rs[0].op.padEnd(12)} ${rs.map((x) => `${x.chains} chains ${x.gflops.toFixed(1)}`).join(', ')} GFLOP/s`);
    }
  }
  console.log(`peak: mul+add ${r.peak.plain.toFixed(1)} GFLOP/s${r.peak.relaxed ? `, relaxed_madd ${r.peak.relaxed.toFixed(1)} GFLOP/s` : ''}`);
}
