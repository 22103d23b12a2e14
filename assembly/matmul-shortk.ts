// The GEMM's short-k path: C = β·C + α·op(A)·B with k ≤ SHORT_K and B stored k×n — a mini-batch's
// weight gradient fused with its update, W ← (1 − ηλ/n)·W − (η/m)·δᵀ·A_{l−1}, where k is the batch size.
// With k ≈ 10 the packed path spends more on each 4×8 tile's set-up and α/β epilogue than on its ten
// multiply-add steps, and on packing B, which is read once per row block anyway. Here each tile starts
// from β·C, adds k rank-1 terms, and is stored: no epilogue, no packed B (its k rows stay in L1/L2 and are
// read in place, stride n), and α is folded into the pre-broadcast panel of op(A) (4 rows × k, ≤ 1 KB).
// Each element sums β·c + (α·a_0)·b_0 + (α·a_1)·b_1 + … in increasing p: within f32 rounding of the
// packed path's α·Σ + β·c.
//
// Scratch: k × 4 f32x4 (the panel).

import { madd, min32 } from './matmul-common';

/** Largest k this path takes. */
export const SHORT_K: i32 = 16;

/** Bytes of scratch gemmShortK needs. */
// @ts-ignore: decorator
@inline export function shortKScratchBytes(k: i32): i32 {
  return min32(k, SHORT_K) * 64;
}

// acc = β·c (β = 0 never reads c: it may hold anything).
// @ts-ignore: decorator
@inline function init(c: usize, offset: usize, beta: f32): v128 {
  if (beta == 0) return f32x4.splat(0);
  const v = v128.load(c + offset);
  return beta == 1 ? v : f32x4.mul(v, f32x4.splat(beta));
}

/**
 * C (m×n, row stride ldc) = β·C + α·op(A)·B for 1 ≤ k ≤ SHORT_K; op(A)[i][p] at a + (transA ? p*lda + i
 * : i*lda + p); B is k×n with row stride ldb. Strides in elements.
 */
export function gemmShortK(
  a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: i32, alpha: f32, beta: f32, scratch: usize,
  lda: i32, ldbElems: i32, ldc: i32,
): void {
  const iStride: usize = transA != 0 ? 4 : <usize>lda * 4;
  const pStride: usize = transA != 0 ? <usize>lda * 4 : 4;
  const ldb = <usize>ldbElems * 4;
  const ldcB = <usize>ldc * 4;
  const n8 = n & ~7;
  const panelEnd = scratch + <usize>k * 64;
  for (let i = 0; i < m; i += 4) {
    const rows = min32(4, m - i);
    // Panel: for p, splat(α·op(A)[i + r][p]) for r = 0..3 (zero past the last row).
    const ai = a + <usize>i * iStride;
    for (let p = 0; p < k; p++) {
      const s = ai + <usize>p * pStride;
      const d = scratch + (<usize>p << 6);
      for (let r = 0; r < 4; r++) {
        v128.store(d + (<usize>r << 4), f32x4.splat(r < rows ? alpha * load<f32>(s + <usize>r * iStride) : 0));
      }
    }
    // Rows of C past the last are aliased to it: computed, never stored.
    const c0 = c + <usize>i * ldcB;
    const c1 = rows > 1 ? c0 + ldcB : c0;
    const c2 = rows > 2 ? c1 + ldcB : c1;
    const c3 = rows > 3 ? c2 + ldcB : c2;
    for (let j = 0; j < n8; j += 8) {
      const off = <usize>j << 2;
      let x00 = init(c0, off, beta), x01 = init(c0, off + 16, beta);
      let x10 = init(c1, off, beta), x11 = init(c1, off + 16, beta);
      let x20 = init(c2, off, beta), x21 = init(c2, off + 16, beta);
      let x30 = init(c3, off, beta), x31 = init(c3, off + 16, beta);
      let pb = b + off;
      for (let pa = scratch; pa < panelEnd; pa += 64) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        let av = v128.load(pa);
        x00 = madd(x00, av, b0);
        x01 = madd(x01, av, b1);
        av = v128.load(pa, 16);
        x10 = madd(x10, av, b0);
        x11 = madd(x11, av, b1);
        av = v128.load(pa, 32);
        x20 = madd(x20, av, b0);
        x21 = madd(x21, av, b1);
        av = v128.load(pa, 48);
        x30 = madd(x30, av, b0);
        x31 = madd(x31, av, b1);
        pb += ldb;
      }
      // Highest row first, so that aliased rows end with the true row's values.
      v128.store(c3 + off, x30);
      v128.store(c3 + off, x31, 16);
      v128.store(c2 + off, x20);
      v128.store(c2 + off, x21, 16);
      v128.store(c1 + off, x10);
      v128.store(c1 + off, x11, 16);
      v128.store(c0 + off, x00);
      v128.store(c0 + off, x01, 16);
    }
    // Then four columns, if n mod 8 ≥ 4 …
    const n4 = n & ~3;
    if (n8 < n4) {
      const off = <usize>n8 << 2;
      let x0 = init(c0, off, beta), x1 = init(c1, off, beta), x2 = init(c2, off, beta), x3 = init(c3, off, beta);
      let pb = b + off;
      for (let pa = scratch; pa < panelEnd; pa += 64) {
        const b0 = v128.load(pb);
        x0 = madd(x0, v128.load(pa), b0);
        x1 = madd(x1, v128.load(pa, 16), b0);
        x2 = madd(x2, v128.load(pa, 32), b0);
        x3 = madd(x3, v128.load(pa, 48), b0);
        pb += ldb;
      }
      v128.store(c3 + off, x3);
      v128.store(c2 + off, x2);
      v128.store(c1 + off, x1);
      v128.store(c0 + off, x0);
    }
    // … and the last n mod 4 one at a time, in the same order of summation.
    for (let j = n4; j < n; j++) {
      for (let r = 0; r < rows; r++) {
        const q = c + <usize>(i + r) * ldcB + (<usize>j << 2);
        let acc: f32 = beta == 0 ? 0 : beta == 1 ? load<f32>(q) : load<f32>(q) * beta;
        for (let p = 0; p < k; p++) {
          const s = f32x4.extract_lane(v128.load(scratch + (<usize>p << 6) + (<usize>r << 4)), 0);
          acc = f32x4.extract_lane(madd(f32x4.splat(acc), f32x4.splat(s), f32x4.splat(load<f32>(b + <usize>p * ldb + (<usize>j << 2)))), 0);
        }
        store<f32>(q, acc);
      }
    }
  }
}
