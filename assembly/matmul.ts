// C = op(A)·op(B) for f32, row-major, on WebAssembly SIMD (f32x4 mul + add, or relaxed madd).
//
// Three paths. The general one is a packed GEMM (Goto/BLIS order): k is cut into ceil(k/KC) near-equal
// slices, m into blocks of at most MC rows, n into blocks of at most NC columns. For each n block and k
// slice, op(B) is packed into panels of NR = 8 columns; for each m block, op(A) into panels of MR rows
// (4, 5 or 6: every build has the three tiles, and each instance runs one, gemmSetTile; by default 4 in
// the SIMD build, 6 in the relaxed-SIMD build); then every MR×8 tile of C is one micro-kernel
// pass over the slice (the first slice overwrites C, later ones add to it). Panels are zero-padded to full width, so the micro-kernel always computes a
// whole tile and only its store is clipped at the right and bottom edges.
//
// Packed layouts, contiguous in the step p of the slice:
//   B panel: for p: b[p][j0 .. j0+7]                          8 f32 = 32 bytes per step
//   A panel: for p: splat(a[i0][p]), …, splat(a[i0+MR−1][p])  MR f32x4 = 16·MR bytes per step (SA)
// A is stored pre-broadcast so the micro-kernel reads it with plain v128 loads at constant offsets,
// which V8 folds into the load (v128.load32_splat at an offset costs an extra address computation).
// B is copied with v128 loads (B stored k×n) or transposed in 4×4 blocks (B stored n×k).
//
// Micro-kernel: 2·MR f32x4 accumulators hold the MR×8 tile, acc(r, h) = c[r][4h .. 4h+3]. Each step
// loads b0 = b[p][0..3], b1 = b[p][4..7] and, per row r, a = splat(a[r][p]): acc(r,0) += a·b0,
// acc(r,1) += a·b1. The loop is unrolled 4 times with an exit test after every step. The tests are real
// (kb need not be a multiple of 4) and they stop Binaryen from fusing the four steps' updates of each
// accumulator into one expression, an evaluation order that keeps all eight B vectors live and spills.
// V8 (TurboFan, x64: 15 usable vector registers) issues every load of a basic block before its FMAs, so
// a block holds the accumulators plus all the values it loads. With MR = 4 a step (8 + 6 live) fits in
// one block. The relaxed build's MR = 6 (12 chains of FMAs: a fused multiply-add needs many independent
// chains to keep both FMA units busy) has 12 + 3 = 15 live vectors, so each row of a step is its own
// block — a never-taken test (pb + 4r + 4 ≥ end) after every row — and does not spill (checked in V8's
// disassembly: 12 accumulators, b0, b1 and one splat in xmm0–xmm14). Against the 5×8 tile it replaced
// (blocks {b0, b1, a0, a1}, {a2, a3}, {a4}), alternating builds in one process (bench/kernel-ab.mjs,
// medians of 41 rounds): (256,1024,1024) 48.7 → 50.3 GFLOP/s, 1024³ 49.4 → 50.5; the 5×8 tile had gained
// 1–2% on the 4×8 one. The mul + add of the SIMD build needs a temporary per product and keeps MR = 4
// (a 5×8 tile measured 4–6% slower there on large shapes).
// Tiles: the 5×8 tile uses the per-row blocks too, in both builds (not unrolled it spilled: 36.5 plain,
// 30.6 relaxed GFLOP/s against 61.5 and 62.4 on (256,1024,1024)); the plain 6×8 tile spills (16 live
// vectors) and ships for CPUs where it may not. All tiles add each element's products in the same order
// (the k slices do not depend on MR, and m blocking does not change the order): results are equal to
// the bit whatever the tile. docs/performance.md, "Kernel selection", has the measurements.
//
// Dot-product path, for A stored m×k with B stored n×k (any shape, k ≥ 128), and for a small side
// (m < DOT_M or n < DOT_N) with a long k, where packing would cost about as much as the product
// (useDotPath). A 2×4 tile of C is 8 f32x4 partial dot products along rows
// of op(A) and of op(B)ᵀ, reduced across lanes at the end of the k slice. A stored m×k and B stored n×k
// are read in place; a small operand stored the other way (A k×m with m < DOT_M, B k×n with n < DOT_N)
// is first transposed into scratch, one k slice at a time.
//
// Short-k path (assembly/matmul-shortk.ts), for k ≤ 16 with B stored k×n and n ≥ 32 — a small
// mini-batch's weight gradient fused with its update: tiles start from β·C and read B in place.
//
// Summation: within a slice each C element adds its products in increasing p (the dot-product path in
// 4 interleaved partial sums), slices in order; the accuracy is that of f32 accumulation.
// Scratch, packed path: [edge tile: MR·NR f32][packed A: kc·mc f32x4][packed B: kc·nc f32];
// dot path: [rows of op(A) if transposed: m·ldt bytes][rows of op(B)ᵀ if transposed: n·ldt bytes].

const NR: i32 = 8;
const KC: i32 = 256;
const MC_TILES: i32 = 16; // an m block is at most 16 tiles (MC = 16·MR rows)
const NC: i32 = 512;
const MAX_MR: i32 = 6;
const TILE_BYTES: i32 = MAX_MR * NR * 4; // the edge tile, for the tallest tile

// Tile heights as types: rowsOf<T> = offsetof<T>() / 4 is a compile-time constant, so each instance of
// the generic microKernel / matmulPackedT is its own constant-folded copy (immediate load
// offsets, no run-time MR test in its loops). Never allocated.
@unmanaged class Rows4 { r0: f32; r1: f32; r2: f32; r3: f32; }
@unmanaged class Rows5 { r0: f32; r1: f32; r2: f32; r3: f32; r4: f32; }
@unmanaged class Rows6 { r0: f32; r1: f32; r2: f32; r3: f32; r4: f32; r5: f32; }

const GEMM_DEFAULT_MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 4;

/** The tile height this build uses unless told otherwise: 4 (mul + add), 6 (relaxed madd). */
export function gemmDefaultTile(): i32 {
  return GEMM_DEFAULT_MR;
}

// The instance's tile height, module state (with fitMask below): set once, at creation, by gemmSetTile
// (src/backend/wasm.ts; on the worker thread's instance too). Every tile sums each element of C in the
// same order, so it changes speed only, never a bit of a result.
let tileRows: i32 = GEMM_DEFAULT_MR;

/** Sets the packed path's tile height (4, 5 or 6 rows of 8 columns); returns 0, changing nothing, for another value. */
export function gemmSetTile(mr: i32): i32 {
  if (mr < 4 || mr > MAX_MR) return 0;
  tileRows = mr;
  return 1;
}

/** The packed path's tile height now (rows; a row block of a multiple of it packs no padding). */
export function gemmTile(): i32 {
  return tileRows;
}

// Tiles a product may run instead of the instance's (bit r: the r×8 tile), set with it at creation: a
// product whose rows the instance's tile pads runs the one of these that pads fewer (m = 30: 5×8 tiles
// compute 30 rows where 4×8 compute 32). 0: the instance's tile always.
let fitMask: i32 = 0;

/** Sets the tiles a product may run instead of gemmTile() (bit r for the r×8 tile, r = 4..MAX_MR; 0 none); returns 0, changing nothing, for another mask. */
export function gemmSetFit(mask: i32): i32 {
  if (mask & ~(((1 << (MAX_MR + 1)) - 1) & ~15)) return 0;
  fitMask = mask;
  return 1;
}

/** The tiles set by gemmSetFit. */
export function gemmFit(): i32 {
  return fitMask;
}

/** The tile height the packed path runs for a product (or block) of m rows: gemmTile(), or a tile of the fit mask that pads fewer rows. */
export function gemmTileFor(m: i32): i32 {
  const main = tileRows;
  let pad = (main - m % main) % main;
  if (fitMask == 0 || pad == 0) return main;
  let best = main;
  for (let r = 4; r <= MAX_MR; r++) {
    if ((fitMask & (1 << r)) == 0) continue;
    const p = (r - m % r) % r;
    if (p < pad) {
      best = r;
      pad = p;
    }
  }
  return best;
}

import { blockLength, epilogue1, epilogue4, madd, max32, min32, roundUp, storeTransposed } from './matmul-common';
import { DOT_KC, DOT_M, DOT_N, matmulDot } from './matmul-dot';
import { gemmShortK, SHORT_K, shortKScratchBytes } from './matmul-shortk';

// The dot-product path reads operands stored along k in place. With both so (A m×k, B n×k: a layer's
// W·Aᵀ or A·Wᵀ) it takes every shape once k ≥ 128: packing would transpose B, and measured slower for
// every shape tried (AMD EPYC Zen 5, bench/kernel-ab.mjs, GFLOP/s packed → dot: (100,784,256) 57.8 →
// 62.9, (128,784,30) 46.3 → 58.9, (256,784,10) 27.0 → 51.5, (256,1024,1024) 58.7 → 60.0, 1024³ 59.1 →
// 59.6), and a small side from k ≥ 32 (shorter k repays its lane reductions only there: (100,32,256)
// 52.5 packed vs 44.6 dot). A small operand stored the other way takes it from k ≥ 128, transposed.
@inline function useDotPath(m: i32, k: i32, n: i32, transA: i32, transB: i32): bool {
  const smallM = m < DOT_M;
  const smallN = n < DOT_N && m < 64;
  if (transA == 0 && transB != 0) return k >= 128 || ((smallM || smallN) && k >= 32);
  if (!smallM && !smallN) return false;
  return k >= 128 && (transA == 0 || smallM) && (transB != 0 || smallN);
}

/** Bytes of scratch matmulF32 needs; non-decreasing in m, k and n, so the size for the largest shape serves smaller ones. */
export function matmulScratchBytes(m: i32, k: i32, n: i32, transA: i32, transB: i32): i32 {
  if (m <= 0 || n <= 0 || k <= 0) return 0;
  // Bounds on the packed path's blockLength(k, KC, 1), blockLength(m, 16·MR, MR) for every tile height
  // MR (the largest of the three: m = 11 packs 15 rows with MR = 5, 12 with 4 or 6), blockLength(n, NC,
  // NR), and on the dot path's slice length and transposed rows; the larger of the two keeps it monotone.
  const kc = min32(k, KC);
  const mc = max32(max32(min32(roundUp(m, 4), 4 * MC_TILES), min32(roundUp(m, 5), 5 * MC_TILES)), min32(roundUp(m, 6), 6 * MC_TILES));
  const nc = min32(roundUp(n, NR), NC);
  const packed = TILE_BYTES + kc * (16 * mc + 4 * nc);
  const dot = 4 * (min32(k, DOT_KC) + 32) * ((transA != 0 ? DOT_M - 1 : 0) + (transB == 0 ? DOT_N - 1 : 0));
  return max32(max32(packed, dot), shortKScratchBytes(k));
}

// Packs op(B)[pc : pc+kb, jc : jc+nb] into ceil(nb/NR) panels of kb×NR f32 at dst (columns past nb zero);
// ldb is B's row stride as stored, in elements (≥ n for B k×n, ≥ k for B n×k).
function packB(b: usize, dst: usize, pc: i32, kb: i32, jc: i32, nb: i32, ldb: i32, transB: i32): void {
  const zero = f32x4.splat(0);
  for (let jr = 0; jr < nb; jr += NR) {
    const cols = min32(NR, nb - jr);
    const d = dst + <usize>(jr * kb) * 4;
    if (transB == 0) {
      // B is k×n: step p of the panel is a run of row pc+p of B.
      const ld = <usize>ldb * 4;
      let s = b + <usize>pc * ld + <usize>(jc + jr) * 4;
      const end = d + <usize>kb * 32;
      if (cols == NR) {
        for (let dp = d; dp < end; dp += 32) {
          v128.store(dp, v128.load(s));
          v128.store(dp, v128.load(s, 16), 16);
          s += ld;
        }
      } else {
        for (let dp = d; dp < end; dp += 32) {
          v128.store(dp, zero);
          v128.store(dp, zero, 16);
          for (let j = 0; j < cols; j++) store<f32>(dp + <usize>j * 4, load<f32>(s + <usize>j * 4));
          s += ld;
        }
      }
    } else {
      // B is n×k: row jc+jr+j of B is column j of the panel. Transpose 4 steps × 4 columns at a time,
      // zero rows standing in for columns past cols; the last kb mod 4 steps one by one.
      const ld = <usize>ldb * 4;
      const s = b + <usize>(jc + jr) * ld + <usize>pc * 4;
      let p = 0;
      for (; p + 4 <= kb; p += 4) {
        const sp = s + <usize>p * 4;
        const dp = d + <usize>p * 32;
        for (let h = 0; h < NR; h += 4) {
          const sh = sp + <usize>h * ld;
          storeTransposed(
            dp + <usize>h * 4, 32,
            h < cols ? v128.load(sh) : zero,
            h + 1 < cols ? v128.load(sh + ld) : zero,
            h + 2 < cols ? v128.load(sh + 2 * ld) : zero,
            h + 3 < cols ? v128.load(sh + 3 * ld) : zero,
          );
        }
      }
      for (; p < kb; p++) {
        const dp = d + <usize>p * 32;
        for (let j = 0; j < NR; j++) {
          store<f32>(dp + <usize>j * 4, j < cols ? load<f32>(s + <usize>j * ld + <usize>p * 4) : <f32>0);
        }
      }
    }
  }
}

// Packs op(A)[ic : ic+mb, pc : pc+kb] into ceil(mb/mr) panels of kb×mr splatted f32x4 at dst. One
// function for every tile height (mr a run-time argument): packing is a small part of the product's
// time, and three copies would weigh on the builds' size.
function packA(a: usize, dst: usize, ic: i32, mb: i32, pc: i32, kb: i32, lda: i32, transA: i32, mr: i32): void {
  const sa = <usize>mr * 16; // bytes of one step of a panel
  // op(A)[i][p] is at a + i*iStride + p*pStride.
  const iStride: usize = transA != 0 ? 4 : <usize>lda * 4;
  const pStride: usize = transA != 0 ? <usize>lda * 4 : 4;
  for (let ir = 0; ir < mb; ir += mr) {
    const rows = min32(mr, mb - ir);
    const s = a + <usize>(ic + ir) * iStride + <usize>pc * pStride;
    const d = dst + <usize>(ir * kb) * 16;
    const end = d + <usize>kb * sa;
    if (rows == mr) {
      const s1 = iStride, s2 = iStride * 2, s3 = iStride * 3, s4 = iStride * 4, s5 = iStride * 5;
      let sp = s;
      for (let dp = d; dp < end; dp += sa) {
        v128.store(dp, v128.load32_splat(sp));
        v128.store(dp, v128.load32_splat(sp + s1), 16);
        v128.store(dp, v128.load32_splat(sp + s2), 32);
        v128.store(dp, v128.load32_splat(sp + s3), 48);
        if (mr > 4) v128.store(dp, v128.load32_splat(sp + s4), 64);
        if (mr > 5) v128.store(dp, v128.load32_splat(sp + s5), 80);
        sp += pStride;
      }
    } else {
      for (let r = 0; r < mr; r++) {
        let sr = s + <usize>r * iStride;
        for (let dr = d + <usize>r * 16; dr < end; dr += sa) {
          v128.store(dr, r < rows ? v128.load32_splat(sr) : f32x4.splat(0));
          sr += pStride;
        }
      }
    }
  }
}

// Stores 8 floats [lo, hi] to c through the epilogue.
// @ts-ignore: decorator
@inline function storeRow8(c: usize, lo: v128, hi: v128, alpha: f32, beta: f32): void {
  v128.store(c, epilogue4(lo, c, 0, alpha, beta));
  v128.store(c, epilogue4(hi, c, 16, alpha, beta), 16);
}

// One MR×8 tile (MR = rowsOf<T>): C[0:rows, 0:cols] (+)= A panel · B panel over kb ≥ 1 steps; ldc is C's
// row stride in bytes. SPLIT: the never-taken test after every row of a step, for MR > 4 (see the top).
// @ts-ignore: decorator
@inline function microKernel<T>(
  pa: usize, pb: usize, kb: i32, c: usize, ldc: usize, rows: i32, cols: i32, alpha: f32, beta: f32, tile: usize,
): void {
  const MR: i32 = offsetof<T>() >> 2;
  const SA: i32 = MR * 16;
  const SPLIT: bool = MR > 4;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  let c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  let b0: v128, b1: v128, av: v128;
  const end = pb + <usize>kb * 32;
  do {
    b0 = v128.load(pb);
    b1 = v128.load(pb, 16);
    av = v128.load(pa);
    c00 = madd(c00, av, b0);
    c01 = madd(c01, av, b1);
    if (SPLIT && pb + 4 >= end) break;
    av = v128.load(pa, 16);
    c10 = madd(c10, av, b0);
    c11 = madd(c11, av, b1);
    if (SPLIT && pb + 8 >= end) break;
    av = v128.load(pa, 32);
    c20 = madd(c20, av, b0);
    c21 = madd(c21, av, b1);
    if (SPLIT && pb + 12 >= end) break;
    av = v128.load(pa, 48);
    c30 = madd(c30, av, b0);
    c31 = madd(c31, av, b1);
    if (MR > 4) {
      if (SPLIT && pb + 16 >= end) break;
      av = v128.load(pa, 64);
      c40 = madd(c40, av, b0);
      c41 = madd(c41, av, b1);
    }
    if (MR > 5) {
      if (SPLIT && pb + 20 >= end) break;
      av = v128.load(pa, 80);
      c50 = madd(c50, av, b0);
      c51 = madd(c51, av, b1);
    }
    if (pb + 32 >= end) break;

    b0 = v128.load(pb, 32);
    b1 = v128.load(pb, 48);
    av = v128.load(pa, SA);
    c00 = madd(c00, av, b0);
    c01 = madd(c01, av, b1);
    if (SPLIT && pb + 36 >= end) break;
    av = v128.load(pa, SA + 16);
    c10 = madd(c10, av, b0);
    c11 = madd(c11, av, b1);
    if (SPLIT && pb + 40 >= end) break;
    av = v128.load(pa, SA + 32);
    c20 = madd(c20, av, b0);
    c21 = madd(c21, av, b1);
    if (SPLIT && pb + 44 >= end) break;
    av = v128.load(pa, SA + 48);
    c30 = madd(c30, av, b0);
    c31 = madd(c31, av, b1);
    if (MR > 4) {
      if (SPLIT && pb + 48 >= end) break;
      av = v128.load(pa, SA + 64);
      c40 = madd(c40, av, b0);
      c41 = madd(c41, av, b1);
    }
    if (MR > 5) {
      if (SPLIT && pb + 52 >= end) break;
      av = v128.load(pa, SA + 80);
      c50 = madd(c50, av, b0);
      c51 = madd(c51, av, b1);
    }
    if (pb + 64 >= end) break;

    b0 = v128.load(pb, 64);
    b1 = v128.load(pb, 80);
    av = v128.load(pa, 2 * SA);
    c00 = madd(c00, av, b0);
    c01 = madd(c01, av, b1);
    if (SPLIT && pb + 68 >= end) break;
    av = v128.load(pa, 2 * SA + 16);
    c10 = madd(c10, av, b0);
    c11 = madd(c11, av, b1);
    if (SPLIT && pb + 72 >= end) break;
    av = v128.load(pa, 2 * SA + 32);
    c20 = madd(c20, av, b0);
    c21 = madd(c21, av, b1);
    if (SPLIT && pb + 76 >= end) break;
    av = v128.load(pa, 2 * SA + 48);
    c30 = madd(c30, av, b0);
    c31 = madd(c31, av, b1);
    if (MR > 4) {
      if (SPLIT && pb + 80 >= end) break;
      av = v128.load(pa, 2 * SA + 64);
      c40 = madd(c40, av, b0);
      c41 = madd(c41, av, b1);
    }
    if (MR > 5) {
      if (SPLIT && pb + 84 >= end) break;
      av = v128.load(pa, 2 * SA + 80);
      c50 = madd(c50, av, b0);
      c51 = madd(c51, av, b1);
    }
    if (pb + 96 >= end) break;

    b0 = v128.load(pb, 96);
    b1 = v128.load(pb, 112);
    av = v128.load(pa, 3 * SA);
    c00 = madd(c00, av, b0);
    c01 = madd(c01, av, b1);
    if (SPLIT && pb + 100 >= end) break;
    av = v128.load(pa, 3 * SA + 16);
    c10 = madd(c10, av, b0);
    c11 = madd(c11, av, b1);
    if (SPLIT && pb + 104 >= end) break;
    av = v128.load(pa, 3 * SA + 32);
    c20 = madd(c20, av, b0);
    c21 = madd(c21, av, b1);
    if (SPLIT && pb + 108 >= end) break;
    av = v128.load(pa, 3 * SA + 48);
    c30 = madd(c30, av, b0);
    c31 = madd(c31, av, b1);
    if (MR > 4) {
      if (SPLIT && pb + 112 >= end) break;
      av = v128.load(pa, 3 * SA + 64);
      c40 = madd(c40, av, b0);
      c41 = madd(c41, av, b1);
    }
    if (MR > 5) {
      if (SPLIT && pb + 116 >= end) break;
      av = v128.load(pa, 3 * SA + 80);
      c50 = madd(c50, av, b0);
      c51 = madd(c51, av, b1);
    }
    pa += 4 * SA;
    pb += 128;
  } while (pb < end);

  // The build's own tile, and in the SIMD build the 5×8 tile its fit rule runs on m = 30 (the b128
  // weight gradient: 588 tiles a batch), store full-width tiles straight from their accumulators
  // (784-30-10 b128 epoch 0.0977 → 0.0961 s, medians of 16 alternating; +674 bytes, in the plain
  // builds only). The other tiles, and every tile at the right edge, go through the scratch tile and
  // one shared storeTile, which keeps the copies of the kernel small (the page weight of the relaxed
  // build, test/browser-apps.test.ts).
  if ((MR == GEMM_DEFAULT_MR || (!ASC_FEATURE_RELAXED_SIMD && MR == 5)) && cols == NR) {
    storeRow8(c, c00, c01, alpha, beta);
    if (rows > 1) storeRow8(c + ldc, c10, c11, alpha, beta);
    if (rows > 2) storeRow8(c + 2 * ldc, c20, c21, alpha, beta);
    if (rows > 3) storeRow8(c + 3 * ldc, c30, c31, alpha, beta);
    if (MR > 4 && rows > 4) storeRow8(c + 4 * ldc, c40, c41, alpha, beta);
    if (MR > 5 && rows > 5) storeRow8(c + 5 * ldc, c50, c51, alpha, beta);
    return;
  }
  v128.store(tile, c00);
  v128.store(tile, c01, 16);
  v128.store(tile, c10, 32);
  v128.store(tile, c11, 48);
  v128.store(tile, c20, 64);
  v128.store(tile, c21, 80);
  v128.store(tile, c30, 96);
  v128.store(tile, c31, 112);
  if (MR > 4) {
    v128.store(tile, c40, 128);
    v128.store(tile, c41, 144);
  }
  if (MR > 5) {
    v128.store(tile, c50, 160);
    v128.store(tile, c51, 176);
  }
  storeTile(tile, c, ldc, rows, cols, alpha, beta);
}

// Stores rows×cols of the scratch tile (rows of NR f32) to C through the epilogue.
function storeTile(tile: usize, c: usize, ldc: usize, rows: i32, cols: i32, alpha: f32, beta: f32): void {
  for (let r = 0; r < rows; r++) {
    const cr = c + <usize>r * ldc;
    const tr = tile + <usize>(r * NR) * 4;
    if (cols == NR) {
      storeRow8(cr, v128.load(tr), v128.load(tr, 16), alpha, beta);
      continue;
    }
    for (let j = 0; j < cols; j++) {
      const off = <usize>j * 4;
      const v = load<f32>(tr + off);
      store<f32>(cr + off, epilogue1(v, cr + off, alpha, beta));
    }
  }
}

// The packed GEMM path (see the top of the file) with MR×8 tiles, MR = rowsOf<T>.
// @ts-ignore: decorator
@inline function matmulPackedT<T>(
  a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: i32, transB: i32, alpha: f32, beta: f32, scratch: usize,
  lda: i32, ldb: i32, ldcElems: i32,
): void {
  const MR: i32 = offsetof<T>() >> 2;
  const kc = blockLength(k, KC, 1);
  const mc = blockLength(m, MR * MC_TILES, MR);
  const nc = blockLength(n, NC, NR);
  const tile = scratch;
  const pa = scratch + <usize>TILE_BYTES;
  const pb = pa + <usize>(kc * mc) * 16;
  const ldc = <usize>ldcElems * 4;
  for (let jc = 0; jc < n; jc += nc) {
    const nb = min32(nc, n - jc);
    for (let pc = 0; pc < k; pc += kc) {
      const kb = min32(kc, k - pc);
      packB(b, pb, pc, kb, jc, nb, ldb, transB);
      for (let ic = 0; ic < m; ic += mc) {
        const mb = min32(mc, m - ic);
        packA(a, pa, ic, mb, pc, kb, lda, transA, MR);
        // Each B panel (kb×8, stays in L1) meets every A panel of the block (from L2).
        for (let jr = 0; jr < nb; jr += NR) {
          const cols = min32(NR, nb - jr);
          const pbj = pb + <usize>(jr * kb) * 4;
          const cj = c + <usize>ic * ldc + <usize>(jc + jr) * 4;
          for (let ir = 0; ir < mb; ir += MR) {
            const rows = min32(MR, mb - ir);
            microKernel<T>(pa + <usize>(ir * kb) * 16, pbj, kb, cj + <usize>ir * ldc, ldc, rows, cols, alpha, pc > 0 ? 1 : beta, tile);
          }
        }
      }
    }
  }
}

// One function per tile, each a constant-folded copy of matmulPackedT (no run-time MR in its loops).
function matmulPacked4(
  a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: i32, transB: i32, alpha: f32, beta: f32, scratch: usize,
  lda: i32, ldb: i32, ldc: i32,
): void {
  matmulPackedT<Rows4>(a, b, c, m, k, n, transA, transB, alpha, beta, scratch, lda, ldb, ldc);
}
function matmulPacked5(
  a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: i32, transB: i32, alpha: f32, beta: f32, scratch: usize,
  lda: i32, ldb: i32, ldc: i32,
): void {
  matmulPackedT<Rows5>(a, b, c, m, k, n, transA, transB, alpha, beta, scratch, lda, ldb, ldc);
}
function matmulPacked6(
  a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: i32, transB: i32, alpha: f32, beta: f32, scratch: usize,
  lda: i32, ldb: i32, ldc: i32,
): void {
  matmulPackedT<Rows6>(a, b, c, m, k, n, transA, transB, alpha, beta, scratch, lda, ldb, ldc);
}

/** C (m×n) = op(A)·op(B), f32 row-major; transA/transB = 1 read A as k×m / B as n×k; see matmulScratchBytes. */
export function matmulF32(
  a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: i32, transB: i32, scratch: usize,
): void {
  gemmF32(a, b, c, m, k, n, transA, transB, 1, 0, scratch);
}

/**
 * C = β·C + α·op(A)·op(B) (the BLAS sgemm contract; β = 0 never reads C). The network fuses its weight
 * update into the gradient product with it: W ← (1 − ηλ/n)·W − (η/m)·δᵀ·A.
 */
export function gemmF32(
  a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: i32, transB: i32, alpha: f32, beta: f32, scratch: usize,
): void {
  gemmF32Ld(a, b, c, m, k, n, transA, transB, alpha, beta, scratch, transA != 0 ? m : k, n);
}

/**
 * gemmF32 with the row strides of A as stored (lda ≥ k, or ≥ m when transA) and of C (ldc ≥ n), in
 * elements: op(A) may be a block of columns of a wider matrix and C a block of columns of a wider C.
 */
export function gemmF32Ld(
  a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: i32, transB: i32, alpha: f32, beta: f32, scratch: usize,
  lda: i32, ldc: i32,
): void {
  gemmBlock(gemmPath(m, k, n, transA, transB), a, b, c, m, k, n, transA, transB, alpha, beta, scratch, lda,
    transB != 0 ? k : n, ldc);
}

/** The GEMM paths (see the top of the file); gemmPath picks one from the shape of the whole product. */
export const PATH_EMPTY: i32 = 0; // k = 0 (C = β·C) or nothing to compute
export const PATH_SHORT_K: i32 = 1;
export const PATH_DOT: i32 = 2;
export const PATH_PACKED: i32 = 3;

/** The path gemmF32 takes for this shape. */
export function gemmPath(m: i32, k: i32, n: i32, transA: i32, transB: i32): i32 {
  if (m <= 0 || n <= 0 || k <= 0) return PATH_EMPTY;
  if (transB == 0 && k <= SHORT_K && n >= 32) return PATH_SHORT_K;
  if (useDotPath(m, k, n, transA, transB)) return PATH_DOT;
  return PATH_PACKED;
}

/**
 * Runs one path on C (m×n, row stride ldc) = β·C + α·op(A)·op(B), with the row strides of A, B and C as
 * stored (elements). Each path sums every element of C in an order that depends on k alone (not on m,
 * n or the element's place), so a block of a product computed with the whole product's path and strides
 * equals the same block of the whole to the bit: how assembly/parallel.ts shares a product.
 */
export function gemmBlock(
  path: i32, a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: i32, transB: i32, alpha: f32, beta: f32,
  scratch: usize, lda: i32, ldb: i32, ldc: i32,
): void {
  if (m <= 0 || n <= 0) return;
  if (path == PATH_SHORT_K) {
    gemmShortK(a, b, c, m, k, n, transA, alpha, beta, scratch, lda, ldb, ldc);
  } else if (path == PATH_DOT) {
    matmulDot(a, b, c, m, k, n, transA, transB, alpha, beta, scratch, lda, ldb, ldc);
  } else if (path == PATH_PACKED) {
    const mr = gemmTileFor(m);
    if (mr == 4) matmulPacked4(a, b, c, m, k, n, transA, transB, alpha, beta, scratch, lda, ldb, ldc);
    else if (mr == 5) matmulPacked5(a, b, c, m, k, n, transA, transB, alpha, beta, scratch, lda, ldb, ldc);
    else matmulPacked6(a, b, c, m, k, n, transA, transB, alpha, beta, scratch, lda, ldb, ldc);
  } else {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const p = c + (<usize>(i * ldc + j) << 2);
        store<f32>(p, beta == 0 ? 0 : beta * load<f32>(p));
      }
    }
  }
}
