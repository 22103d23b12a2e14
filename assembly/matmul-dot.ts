// The dot-product path of the GEMM (see the top of assembly/matmul.ts): for a small side and a long k.

import { blockLength, epilogue1, epilogue4, madd, min32, roundUp, transposeInto } from './matmul-common';

export const DOT_M: i32 = 32;
export const DOT_N: i32 = 64;
export const DOT_KC: i32 = 4096;
const DOT_NC: i32 = 32;

// [Σx0, Σx1, Σx2, Σx3]: the lane sums of four vectors, by two transpose-and-add rounds.
// @ts-ignore: decorator
@inline function laneSums(x0: v128, x1: v128, x2: v128, x3: v128): v128 {
  const t0 = f32x4.add(f32x4.shuffle(x0, x1, 0, 4, 1, 5), f32x4.shuffle(x0, x1, 2, 6, 3, 7));
  const t1 = f32x4.add(f32x4.shuffle(x2, x3, 0, 4, 1, 5), f32x4.shuffle(x2, x3, 2, 6, 3, 7));
  return f32x4.add(f32x4.shuffle(t0, t1, 0, 1, 4, 5), f32x4.shuffle(t0, t1, 2, 3, 6, 7));
}

// Stores lanes 0 .. cols-1 of v to c through the epilogue.
// @ts-ignore: decorator
@inline function storeRow4(c: usize, v: v128, cols: i32, alpha: f32, beta: f32): void {
  if (cols == 4) {
    v128.store(c, epilogue4(v, c, 0, alpha, beta));
    return;
  }
  store<f32>(c, epilogue1(f32x4.extract_lane(v, 0), c, alpha, beta));
  if (cols > 1) store<f32>(c + 4, epilogue1(f32x4.extract_lane(v, 1), c + 4, alpha, beta));
  if (cols > 2) store<f32>(c + 8, epilogue1(f32x4.extract_lane(v, 2), c + 8, alpha, beta));
}

// 2×4 tile of A·Bᵀ: C[r][j] (+)= Σ_p a_r[p]·b_j[p] over kb ≥ 1 steps, acc(r, j) holding the partial sums
// of p ≡ lane (mod 4). Rows past `rows`/`cols` repeat the last real row and are not stored.
// @ts-ignore: decorator
@inline function dotTile(
  a0: usize, a1: usize, b0: usize, b1: usize, b2: usize, b3: usize, kb: i32,
  c: usize, ldc: usize, rows: i32, cols: i32, alpha: f32, beta: f32,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
  let av0: v128, av1: v128, bv: v128;
  // The first kb mod 4 steps one at a time in lane 0, then four steps per f32x4.
  for (let t = kb & 3; t > 0; t--) {
    av0 = v128.load32_zero(a0);
    av1 = v128.load32_zero(a1);
    bv = v128.load32_zero(b0);
    c00 = madd(c00, av0, bv);
    c10 = madd(c10, av1, bv);
    bv = v128.load32_zero(b1);
    c01 = madd(c01, av0, bv);
    c11 = madd(c11, av1, bv);
    bv = v128.load32_zero(b2);
    c02 = madd(c02, av0, bv);
    c12 = madd(c12, av1, bv);
    bv = v128.load32_zero(b3);
    c03 = madd(c03, av0, bv);
    c13 = madd(c13, av1, bv);
    a0 += 4;
    a1 += 4;
    b0 += 4;
    b1 += 4;
    b2 += 4;
    b3 += 4;
  }
  // Unrolled 4 times with an exit test per step, as in microKernel.
  const end = a0 + <usize>(kb & ~3) * 4;
  while (a0 < end) {
    av0 = v128.load(a0);
    av1 = v128.load(a1);
    bv = v128.load(b0);
    c00 = madd(c00, av0, bv);
    c10 = madd(c10, av1, bv);
    bv = v128.load(b1);
    c01 = madd(c01, av0, bv);
    c11 = madd(c11, av1, bv);
    bv = v128.load(b2);
    c02 = madd(c02, av0, bv);
    c12 = madd(c12, av1, bv);
    bv = v128.load(b3);
    c03 = madd(c03, av0, bv);
    c13 = madd(c13, av1, bv);
    if (a0 + 16 >= end) break;

    av0 = v128.load(a0, 16);
    av1 = v128.load(a1, 16);
    bv = v128.load(b0, 16);
    c00 = madd(c00, av0, bv);
    c10 = madd(c10, av1, bv);
    bv = v128.load(b1, 16);
    c01 = madd(c01, av0, bv);
    c11 = madd(c11, av1, bv);
    bv = v128.load(b2, 16);
    c02 = madd(c02, av0, bv);
    c12 = madd(c12, av1, bv);
    bv = v128.load(b3, 16);
    c03 = madd(c03, av0, bv);
    c13 = madd(c13, av1, bv);
    if (a0 + 32 >= end) break;

    av0 = v128.load(a0, 32);
    av1 = v128.load(a1, 32);
    bv = v128.load(b0, 32);
    c00 = madd(c00, av0, bv);
    c10 = madd(c10, av1, bv);
    bv = v128.load(b1, 32);
    c01 = madd(c01, av0, bv);
    c11 = madd(c11, av1, bv);
    bv = v128.load(b2, 32);
    c02 = madd(c02, av0, bv);
    c12 = madd(c12, av1, bv);
    bv = v128.load(b3, 32);
    c03 = madd(c03, av0, bv);
    c13 = madd(c13, av1, bv);
    if (a0 + 48 >= end) break;

    av0 = v128.load(a0, 48);
    av1 = v128.load(a1, 48);
    bv = v128.load(b0, 48);
    c00 = madd(c00, av0, bv);
    c10 = madd(c10, av1, bv);
    bv = v128.load(b1, 48);
    c01 = madd(c01, av0, bv);
    c11 = madd(c11, av1, bv);
    bv = v128.load(b2, 48);
    c02 = madd(c02, av0, bv);
    c12 = madd(c12, av1, bv);
    bv = v128.load(b3, 48);
    c03 = madd(c03, av0, bv);
    c13 = madd(c13, av1, bv);
    a0 += 64;
    a1 += 64;
    b0 += 64;
    b1 += 64;
    b2 += 64;
    b3 += 64;
  }
  storeRow4(c, laneSums(c00, c01, c02, c03), cols, alpha, beta);
  if (rows > 1) storeRow4(c + ldc, laneSums(c10, c11, c12, c13), cols, alpha, beta);
}

// The dot-product path (see the top of assembly/matmul.ts). Slices of at most DOT_KC steps keep a pair of rows of
// op(A) (≤ 32 KB) in L1 across a block of DOT_NC rows of op(B)ᵀ (≤ 512 KB, in L2) that the pair passes
// over; long slices matter, since every slice pays the lane reductions and a read-modify-write of C.
export function matmulDot(
  a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: i32, transB: i32, alpha: f32, beta: f32, scratch: usize,
  ldaIn: i32, ldbIn: i32, ldcElems: i32,
): void {
  const kc = blockLength(k, DOT_KC, 4);
  const ldc = <usize>ldcElems * 4;
  for (let pc = 0; pc < k; pc += kc) {
    const kb = min32(kc, k - pc);
    // Row i of op(A) and row j of op(B)ᵀ over this slice start at aRows + i*lda and bRows + j*ldb.
    let aRows = a + <usize>pc * 4, lda = <usize>ldaIn * 4;
    let bRows = b + <usize>pc * 4, ldb = <usize>ldbIn * 4;
    // Transposed rows are an odd number of cache lines long, so that they fall in different L1 sets.
    const ldt = <usize>(roundUp(kb, 16) | 16) * 4;
    let free = scratch;
    if (transA != 0) {
      aRows = free;
      lda = ldt;
      transposeInto(a + <usize>pc * <usize>ldaIn * 4, <usize>ldaIn * 4, kb, m, aRows, lda);
      free += <usize>m * lda;
    }
    if (transB == 0) {
      bRows = free;
      ldb = ldt;
      transposeInto(b + <usize>pc * <usize>ldbIn * 4, <usize>ldbIn * 4, kb, n, bRows, ldb);
    }
    for (let jc = 0; jc < n; jc += DOT_NC) {
      const jEnd = min32(jc + DOT_NC, n);
      for (let i = 0; i < m; i += 2) {
        const rows = min32(2, m - i);
        const a0 = aRows + <usize>i * lda;
        const a1 = rows > 1 ? a0 + lda : a0;
        const ci = c + <usize>i * ldc;
        for (let j = jc; j < jEnd; j += 4) {
          const cols = min32(4, jEnd - j);
          const b0 = bRows + <usize>j * ldb;
          const b1 = cols > 1 ? b0 + ldb : b0;
          const b2 = cols > 2 ? b1 + ldb : b1;
          const b3 = cols > 3 ? b2 + ldb : b2;
          dotTile(a0, a1, b0, b1, b2, b3, kb, ci + <usize>j * 4, ldc, rows, cols, alpha, pc > 0 ? 1 : beta);
        }
      }
    }
  }
}
