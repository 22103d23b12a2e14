// Run-time choice of the packed GEMM's tile (assembly/matmul.ts: MR×8 tiles, MR = 4, 5 or 6, all in
// every build). A short calibration times each tile on one product, interleaved, on a throwaway instance
// of the build, once per process and build flavour (a compiled module, and the CPU, do not change).
// Every tile sums each element of C in the same order, so the choice changes speed, never a result.
import { instantiate } from '@assemblyscript/loader';
import { compileXentModule, type SimdFlavor } from './wasm-module.js';

/** The packed GEMM's tiles: rows × columns of C per micro-kernel pass. */
export type GemmTile = '4x8' | '5x8' | '6x8';
export const GEMM_TILES: readonly GemmTile[] = ['4x8', '5x8', '6x8'];

/** The rows of a tile (the argument of gemmSetTile). */
export function tileRows(tile: GemmTile): 4 | 5 | 6 {
  return Number(tile[0]) as 4 | 5 | 6;
}

/** The tile of a height returned by gemmTile / gemmDefaultTile. */
export function tileOf(rows: number): GemmTile {
  const tile = `${rows}x8` as GemmTile;
  if (!GEMM_TILES.includes(tile)) throw new Error(`xent: unknown GEMM tile height ${rows}`);
  return tile;
}

/** What a calibration measured: GFLOP/s of each tile (the best round), and the build's default tile. */
export interface Calibration {
  readonly gflops: Readonly<Record<GemmTile, number>>;
  readonly fallback: GemmTile;
  /** Rounds run and their wall time, ms. */
  readonly rounds: number;
  readonly ms: number;
  /** The smallest step of performance.now() seen, ms (browsers coarsen it: 0.1 ms without cross-origin isolation). */
  readonly resolutionMs: number;
}

/**
 * A clock coarser than this cannot time a 0.25 ms product to the margin: the calibration then keeps
 * the build's tile (a 0.1 ms step could make the spilling 6×8 tile of the plain build look fastest).
 */
export const CALIBRATION_RESOLUTION_MS = 0.02;

/**
 * The product timed: m = 60 rows are whole tiles of every height (no padding favours one), and one m
 * block, one k slice and one n block for each (60 ≤ 16·MR, k = KC, n = NC), so the micro-kernel and the
 * packing it implies are all that differ. 15.7 MFLOP, about 0.25 ms at 60 GFLOP/s: a round of the three
 * tiles takes under 1 ms, and each call is long against a browser's coarse performance.now().
 */
const M = 60, K = 256, N = 512;
/**
 * The calibration stops after this much wall time whatever it has seen. V8 first runs each tile's
 * function in its baseline compiler (about 4× slower here) and swaps in the optimized code a few calls
 * later, compiled in the background: on this 2-vCPU Zen 5 the three tiles run optimized after 12–14 ms,
 * and the calibration, which waits for every tile's best time to settle, takes 12–17 ms.
 */
export const CALIBRATION_CAP_MS = 20;
/** ... or sooner, once every tile's best time has not improved for this many rounds (after at least MIN_ROUNDS). */
const STABLE_ROUNDS = 4;
const MIN_ROUNDS = 6;
/** Another tile replaces the build's default only when it is faster by more than this factor. */
export const CALIBRATION_MARGIN = 1.04;

const cache = new Map<SimdFlavor, Promise<Calibration>>();

/** The calibration of a build flavour, measured on first use in this process and cached. */
export function calibrateGemm(flavor: SimdFlavor): Promise<Calibration> {
  let c = cache.get(flavor);
  if (!c) {
    c = measure(flavor);
    cache.set(flavor, c);
  }
  return c;
}

/** @internal For tests: makes `c` this process's calibration of `flavor` (as if measured). */
export function primeCalibration(flavor: SimdFlavor, c: Calibration): void {
  cache.set(flavor, Promise.resolve(c));
}

/** The tile a calibration chooses: the build's default unless another is faster by more than the margin. */
export function chooseTile(c: Calibration): GemmTile {
  if (!(c.resolutionMs <= CALIBRATION_RESOLUTION_MS)) return c.fallback;
  let best = c.fallback;
  for (const t of GEMM_TILES) if (c.gflops[t] > c.gflops[best]) best = t;
  return c.gflops[best] > c.gflops[c.fallback] * CALIBRATION_MARGIN ? best : c.fallback;
}

/**
 * The tiles a product may run instead of `tile` where they pad fewer of its rows (a gemmSetFit mask):
 * those the calibration measured within the margin of `tile` (on this Zen 5, plain SIMD: 5×8 beside
 * 4×8, which computes a 30-row product as 32 rows). None when the clock was too coarse to tell.
 */
export function chooseFit(c: Calibration, tile: GemmTile): number {
  if (!(c.resolutionMs <= CALIBRATION_RESOLUTION_MS)) return 0;
  let mask = 0;
  for (const t of GEMM_TILES) if (t !== tile && c.gflops[t] * CALIBRATION_MARGIN >= c.gflops[tile]) mask |= 1 << tileRows(t);
  return mask;
}

/** The tiles of a gemmSetFit mask. */
export function fitTiles(mask: number): GemmTile[] {
  return GEMM_TILES.filter((t) => mask & (1 << tileRows(t)));
}

interface CalibrationKernels {
  memory: WebAssembly.Memory;
  heapBase(): number;
  gemmSetTile(rows: number): number;
  gemmDefaultTile(): number;
  matmulF32(a: number, b: number, c: number, m: number, k: number, n: number, transA: number, transB: number, scratch: number): void;
  matmulScratchBytes(m: number, k: number, n: number, transA: number, transB: number): number;
}

/** The smallest non-zero step between successive performance.now() readings (a few hundred at most, ≤ 1 ms). */
function clockStep(): number {
  let step = Infinity;
  let last = performance.now();
  const end = last + 1;
  for (let i = 0; i < 200 && last < end; ) {
    const t = performance.now();
    if (t > last) {
      step = Math.min(step, t - last);
      i++;
    }
    last = t;
  }
  return step;
}

async function measure(flavor: SimdFlavor): Promise<Calibration> {
  const module = await compileXentModule(flavor, false);
  const k = (await instantiate<Record<string, unknown>>(module, {})).exports as unknown as CalibrationKernels;
  // A (M×K), B (K×N), C and scratch after the static data, in memory of the instance's own (no heap:
  // the instance is dropped afterwards).
  const a = (k.heapBase() + 63) & ~63;
  const b = a + M * K * 4;
  const c = b + K * N * 4;
  const s = c + M * N * 4;
  const end = s + k.matmulScratchBytes(M, K, N, 0, 0);
  if (end > k.memory.buffer.byteLength) k.memory.grow(Math.ceil((end - k.memory.buffer.byteLength) / 65536));
  const f32 = new Float32Array(k.memory.buffer, a, M * K + K * N);
  let x = 1;
  for (let i = 0; i < f32.length; i++) {
    x = (x * 48271) % 2147483647; // any values in [−0.5, 0.5): timing does not depend on them
    f32[i] = x / 2147483647 - 0.5;
  }
  const best: number[] = GEMM_TILES.map(() => Infinity);
  const resolutionMs = clockStep();
  const start = performance.now();
  let rounds = 0;
  let stable = 0;
  let capped = false;
  while (!capped) {
    let improved = false;
    // The tiles in turn, the first one rotating each round, so a slow spell of the machine is shared.
    for (let j = 0; j < GEMM_TILES.length; j++) {
      // The cap is hard: checked before every call (a tile a cut round misses keeps its earlier best).
      if (performance.now() - start >= CALIBRATION_CAP_MS) {
        capped = true;
        break;
      }
      const i = (j + rounds) % GEMM_TILES.length;
      k.gemmSetTile(tileRows(GEMM_TILES[i]!));
      const t0 = performance.now();
      k.matmulF32(a, b, c, M, K, N, 0, 0, s);
      const t = performance.now() - t0;
      if (t < best[i]!) {
        // Improvements under 1% are noise once V8 has tiered the kernels up.
        if (t < best[i]! * 0.99) improved = true;
        best[i] = t;
      }
    }
    if (capped) break;
    rounds++;
    stable = improved ? 0 : stable + 1;
    if (rounds >= MIN_ROUNDS && stable >= STABLE_ROUNDS) break;
  }
  const ms = performance.now() - start;
  const flops = 2 * M * K * N;
  const gflops = Object.fromEntries(GEMM_TILES.map((t, i) => [t, Math.round(flops / Math.max(best[i]!, 1e-3) / 1e5) / 10])) as Record<GemmTile, number>;
  return Object.freeze({ gflops: Object.freeze(gflops), fallback: tileOf(k.gemmDefaultTile()), rounds, ms, resolutionMs });
}
