// C = op(A)·op(B) for f32, row-major, on WebAssembly SIMD (f32x4 mul + add, or relaxed madd).
//
// Two paths. The general one is a packed GEMM (Goto/BLIS order): k is cut into ceil(k/KC) near-equal
// slices, m into blocks of at most MC rows, n into blocks of at most NC columns. For each n block and k
// slice, op(B) is packed into panels of NR = 8 columns; for each m block, op(A) into panels of MR = 4
// rows; then every 4×8 tile of C is one micro-kernel pass over the slice (the first slice overwrites C,
// later ones add to it). Panels are zero-padded to full width, so the micro-kernel always computes a
// whole tile and only its store is clipped at the right and bottom edges.
//
// Packed layouts, contiguous in the step p of the slice:
//   B panel: for p: b[p][j0 .. j0+7]                          8 f32 = 32 bytes per step
//   A panel: for p: splat(a[i0][p]), …, splat(a[i0+3][p])     4 f32x4 = 64 bytes per step
// A is stored pre-broadcast so the micro-kernel reads it with plain v128 loads at constant offsets,
// which V8 folds into the load (v128.load32_splat at an offset costs an extra address computation).
// B is copied with v128 loads (B stored k×n) or transposed in 4×4 blocks (B stored n×k).
//
// Micro-kernel: 8 f32x4 accumulators hold the 4×8 tile, acc(r, h) = c[r][4h .. 4h+3]. Each step loads
// b0 = b[p][0..3], b1 = b[p][4..7] and, per row r, a = splat(a[r][p]): acc(r,0) += a·b0,
// acc(r,1) += a·b1, i.e. 16 vector mul/add for 6 loads with 8 + 2 + 2 of V8's 15 registers live.
// The loop is unrolled 4 times with an exit test after every step. The tests are real (kb need not be a
// multiple of 4) and they stop Binaryen from fusing the four steps' updates of each accumulator into one
// expression, an evaluation order that keeps all eight B vectors live and spills.
//
// Dot-product path, for a small side (m < DOT_M or n < DOT_N) and a long k, where packing would cost
// about as much as the product (useDotPath). A 2×4 tile of C is 8 f32x4 partial dot products along rows
// of op(A) and of op(B)ᵀ, reduced across lanes at the end of the k slice. A stored m×k and B stored n×k
// are read in place; a small operand stored the other way (A k×m with m < DOT_M, B k×n with n < DOT_N)
// is first transposed into scratch, one k slice at a time.
//
// Summation: within a slice each C element adds its products in increasing p (the dot-product path in
// 4 interleaved partial sums), slices in order; the accuracy is that of f32 accumulation.
// Scratch, packed path: [edge tile: MR·NR f32][packed A: kc·mc f32x4][packed B: kc·nc f32];
// dot path: [rows of op(A) if transposed: m·ldt bytes][rows of op(B)ᵀ if transposed: n·ldt bytes].

const MR: i32 = 4;
const NR: i32 = 8;
const KC: i32 = 256;
const MC: i32 = 64;
const NC: i32 = 512;
const TILE_BYTES: i32 = MR * NR * 4;
const DOT_M: i32 = 32;
const DOT_N: i32 = 64;
const DOT_KC: i32 = 4096;
const DOT_NC: i32 = 32;

@inline function min32(x: i32, y: i32): i32 {
  return x < y ? x : y;
}

@inline function max32(x: i32, y: i32): i32 {
  return x > y ? x : y;
}

@inline function roundUp(x: i32, to: i32): i32 {
  return ((x + to - 1) / to) * to;
}

// Length of each of the ceil(total/most) near-equal blocks that cover `total`, rounded up to `multiple`.
@inline function blockLength(total: i32, most: i32, multiple: i32): i32 {
  const blocks = (total + most - 1) / most;
  return roundUp((total + blocks - 1) / blocks, multiple);
}

// acc + a·b: one relaxed multiply-add (fused where the CPU has FMA) in the relaxed-SIMD build
// (asconfig target "relaxed"), a multiply then an add otherwise. Either is within f32 rounding of the other.
@inline function madd(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

// The dot-product path takes a small side when k repays its lane reductions: k ≥ 32 with both operands
// stored along k, k ≥ 128 when a small operand must first be transposed. A narrow C (small n) with
// many rows (m ≥ 64) goes to the packed path, which measured faster there (e.g. (128,784,30) A·Bᵀ:
// 194 µs packed vs 232 µs dot).
@inline function useDotPath(m: i32, k: i32, n: i32, transA: i32, transB: i32): bool {
  const smallM = m < DOT_M;
  const smallN = n < DOT_N && m < 64;
  if (!smallM && !smallN) return false;
  if (transA == 0 && transB != 0) return k >= 32;
  return k >= 128 && (transA == 0 || smallM) && (transB != 0 || smallN);
}

/** Bytes of scratch matmulF32 needs; non-decreasing in m, k and n, so the size for the largest shape serves smaller ones. */
export function matmulScratchBytes(m: i32, k: i32, n: i32, transA: i32, transB: i32): i32 {
  if (m <= 0 || n <= 0 || k <= 0) return 0;
  // Bounds on the packed path's blockLength(k, KC, 1), blockLength(m, MC, MR), blockLength(n, NC, NR),
  // and on the dot path's slice length and transposed rows; the larger of the two keeps it monotone.
  const kc = min32(k, KC);
  const mc = min32(roundUp(m, MR), MC);
  const nc = min32(roundUp(n, NR), NC);
  const packed = TILE_BYTES + kc * (16 * mc + 4 * nc);
  const dot = 4 * (min32(k, DOT_KC) + 32) * ((transA != 0 ? DOT_M - 1 : 0) + (transB == 0 ? DOT_N - 1 : 0));
  return max32(packed, dot);
}

// Stores the 4×4 transpose of rows r0..r3: column q goes to dst + q*stride.
@inline function storeTransposed(dst: usize, stride: usize, r0: v128, r1: v128, r2: v128, r3: v128): void {
  const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = f32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(dst + stride, f32x4.shuffle(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * stride, f32x4.shuffle(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * stride, f32x4.shuffle(t1, t3, 2, 3, 6, 7));
}

// dst[j][i] = src[i][j] for i < rows, j < cols; srcLd and dstLd are row strides in bytes.
function transposeInto(src: usize, srcLd: usize, rows: i32, cols: i32, dst: usize, dstLd: usize): void {
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    const s = src + <usize>i * srcLd;
    const d = dst + <usize>i * 4;
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const sj = s + <usize>j * 4;
      storeTransposed(d + <usize>j * dstLd, dstLd, v128.load(sj), v128.load(sj + srcLd), v128.load(sj + 2 * srcLd), v128.load(sj + 3 * srcLd));
    }
    for (; j < cols; j++) {
      for (let r = 0; r < 4; r++) store<f32>(d + <usize>j * dstLd + <usize>r * 4, load<f32>(s + <usize>r * srcLd + <usize>j * 4));
    }
  }
  for (; i < rows; i++) {
    for (let j = 0; j < cols; j++) store<f32>(dst + <usize>j * dstLd + <usize>i * 4, load<f32>(src + <usize>i * srcLd + <usize>j * 4));
  }
}

// Packs op(B)[pc : pc+kb, jc : jc+nb] into ceil(nb/NR) panels of kb×NR f32 at dst (columns past nb zero).
function packB(b: usize, dst: usize, pc: i32, kb: i32, jc: i32, nb: i32, k: i32, n: i32, transB: i32): void {
  const zero = f32x4.splat(0);
  for (let jr = 0; jr < nb; jr += NR) {
    const cols = min32(NR, nb - jr);
    const d = dst + <usize>(jr * kb) * 4;
    if (transB == 0) {
      // B is k×n: step p of the panel is a run of row pc+p of B.
      const ld = <usize>n * 4;
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
      const ld = <usize>k * 4;
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

// Packs op(A)[ic : ic+mb, pc : pc+kb] into ceil(mb/MR) panels of kb×MR splatted f32x4 at dst.
function packA(a: usize, dst: usize, ic: i32, mb: i32, pc: i32, kb: i32, m: i32, k: i32, transA: i32): void {
  // op(A)[i][p] is at a + i*iStride + p*pStride.
  const iStride: usize = transA != 0 ? 4 : <usize>k * 4;
  const pStride: usize = transA != 0 ? <usize>m * 4 : 4;
  for (let ir = 0; ir < mb; ir += MR) {
    const rows = min32(MR, mb - ir);
    const s = a + <usize>(ic + ir) * iStride + <usize>pc * pStride;
    const d = dst + <usize>(ir * kb) * 16;
    const end = d + <usize>kb * 64;
    if (rows == MR) {
      const s1 = iStride, s2 = iStride * 2, s3 = iStride * 3;
      let sp = s;
      for (let dp = d; dp < end; dp += 64) {
        v128.store(dp, v128.load32_splat(sp));
        v128.store(dp, v128.load32_splat(sp + s1), 16);
        v128.store(dp, v128.load32_splat(sp + s2), 32);
        v128.store(dp, v128.load32_splat(sp + s3), 48);
        sp += pStride;
      }
    } else {
      for (let r = 0; r < MR; r++) {
        let sr = s + <usize>r * iStride;
        for (let dr = d + <usize>r * 16; dr < end; dr += 64) {
          v128.store(dr, r < rows ? v128.load32_splat(sr) : f32x4.splat(0));
          sr += pStride;
        }
      }
    }
  }
}

// The epilogue of every tile: c = β·c + α·v, where β = 0 writes without reading c (which may hold
// anything) and α = 1, β = 1 is a plain accumulation.
@inline function epilogue4(v: v128, c: usize, offset: usize, alpha: f32, beta: f32): v128 {
  if (alpha != 1) v = f32x4.mul(v, f32x4.splat(alpha));
  if (beta == 1) return f32x4.add(v, v128.load(c + offset));
  if (beta != 0) return f32x4.add(v, f32x4.mul(v128.load(c + offset), f32x4.splat(beta)));
  return v;
}

@inline function epilogue1(v: f32, c: usize, alpha: f32, beta: f32): f32 {
  return beta == 0 ? alpha * v : alpha * v + beta * load<f32>(c);
}

// Stores 8 floats [lo, hi] to c through the epilogue.
@inline function storeRow8(c: usize, lo: v128, hi: v128, alpha: f32, beta: f32): void {
  v128.store(c, epilogue4(lo, c, 0, alpha, beta));
  v128.store(c, epilogue4(hi, c, 16, alpha, beta), 16);
}

// One tile: C[0:rows, 0:cols] (+)= A panel · B panel over kb ≥ 1 steps; ldc is C's row stride in bytes.
@inline function microKernel(
  pa: usize, pb: usize, kb: i32, c: usize, ldc: usize, rows: i32, cols: i32, alpha: f32, beta: f32, tile: usize,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let b0: v128, b1: v128, av: v128;
  const end = pb + <usize>kb * 32;
  do {
    b0 = v128.load(pb);
    b1 = v128.load(pb, 16);
    av = v128.load(pa);
    c00 = madd(c00, av, b0);
    c01 = madd(c01, av, b1);
    av = v128.load(pa, 16);
    c10 = madd(c10, av, b0);
    c11 = madd(c11, av, b1);
    av = v128.load(pa, 32);
    c20 = madd(c20, av, b0);
    c21 = madd(c21, av, b1);
    av = v128.load(pa, 48);
    c30 = madd(c30, av, b0);
    c31 = madd(c31, av, b1);
    if (pb + 32 >= end) break;

    b0 = v128.load(pb, 32);
    b1 = v128.load(pb, 48);
    av = v128.load(pa, 64);
    c00 = madd(c00, av, b0);
    c01 = madd(c01, av, b1);
    av = v128.load(pa, 80);
    c10 = madd(c10, av, b0);
    c11 = madd(c11, av, b1);
    av = v128.load(pa, 96);
    c20 = madd(c20, av, b0);
    c21 = madd(c21, av, b1);
    av = v128.load(pa, 112);
    c30 = madd(c30, av, b0);
    c31 = madd(c31, av, b1);
    if (pb + 64 >= end) break;

    b0 = v128.load(pb, 64);
    b1 = v128.load(pb, 80);
    av = v128.load(pa, 128);
    c00 = madd(c00, av, b0);
    c01 = madd(c01, av, b1);
    av = v128.load(pa, 144);
    c10 = madd(c10, av, b0);
    c11 = madd(c11, av, b1);
    av = v128.load(pa, 160);
    c20 = madd(c20, av, b0);
    c21 = madd(c21, av, b1);
    av = v128.load(pa, 176);
    c30 = madd(c30, av, b0);
    c31 = madd(c31, av, b1);
    if (pb + 96 >= end) break;

    b0 = v128.load(pb, 96);
    b1 = v128.load(pb, 112);
    av = v128.load(pa, 192);
    c00 = madd(c00, av, b0);
    c01 = madd(c01, av, b1);
    av = v128.load(pa, 208);
    c10 = madd(c10, av, b0);
    c11 = madd(c11, av, b1);
    av = v128.load(pa, 224);
    c20 = madd(c20, av, b0);
    c21 = madd(c21, av, b1);
    av = v128.load(pa, 240);
    c30 = madd(c30, av, b0);
    c31 = madd(c31, av, b1);
    pa += 256;
    pb += 128;
  } while (pb < end);

  if (cols == NR) {
    storeRow8(c, c00, c01, alpha, beta);
    if (rows > 1) storeRow8(c + ldc, c10, c11, alpha, beta);
    if (rows > 2) storeRow8(c + 2 * ldc, c20, c21, alpha, beta);
    if (rows > 3) storeRow8(c + 3 * ldc, c30, c31, alpha, beta);
    return;
  }
  // Right edge: through the scratch tile.
  v128.store(tile, c00);
  v128.store(tile, c01, 16);
  v128.store(tile, c10, 32);
  v128.store(tile, c11, 48);
  v128.store(tile, c20, 64);
  v128.store(tile, c21, 80);
  v128.store(tile, c30, 96);
  v128.store(tile, c31, 112);
  for (let r = 0; r < rows; r++) {
    const cr = c + <usize>r * ldc;
    const tr = tile + <usize>(r * NR) * 4;
    for (let j = 0; j < cols; j++) {
      const off = <usize>j * 4;
      const v = load<f32>(tr + off);
      store<f32>(cr + off, epilogue1(v, cr + off, alpha, beta));
    }
  }
}

// The packed GEMM path (see the top of the file).
function matmulPacked(
  a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: i32, transB: i32, alpha: f32, beta: f32, scratch: usize,
): void {
  const kc = blockLength(k, KC, 1);
  const mc = blockLength(m, MC, MR);
  const nc = blockLength(n, NC, NR);
  const tile = scratch;
  const pa = scratch + <usize>TILE_BYTES;
  const pb = pa + <usize>(kc * mc) * 16;
  const ldc = <usize>n * 4;
  for (let jc = 0; jc < n; jc += nc) {
    const nb = min32(nc, n - jc);
    for (let pc = 0; pc < k; pc += kc) {
      const kb = min32(kc, k - pc);
      packB(b, pb, pc, kb, jc, nb, k, n, transB);
      for (let ic = 0; ic < m; ic += mc) {
        const mb = min32(mc, m - ic);
        packA(a, pa, ic, mb, pc, kb, m, k, transA);
        // Each B panel (kb×8, stays in L1) meets every A panel of the block (from L2).
        for (let jr = 0; jr < nb; jr += NR) {
          const cols = min32(NR, nb - jr);
          const pbj = pb + <usize>(jr * kb) * 4;
          const cj = c + <usize>ic * ldc + <usize>(jc + jr) * 4;
          for (let ir = 0; ir < mb; ir += MR) {
            const rows = min32(MR, mb - ir);
            microKernel(pa + <usize>(ir * kb) * 16, pbj, kb, cj + <usize>ir * ldc, ldc, rows, cols, alpha, pc > 0 ? 1 : beta, tile);
          }
        }
      }
    }
  }
}

// [Σx0, Σx1, Σx2, Σx3]: the lane sums of four vectors, by two transpose-and-add rounds.
@inline function laneSums(x0: v128, x1: v128, x2: v128, x3: v128): v128 {
  const t0 = f32x4.add(f32x4.shuffle(x0, x1, 0, 4, 1, 5), f32x4.shuffle(x0, x1, 2, 6, 3, 7));
  const t1 = f32x4.add(f32x4.shuffle(x2, x3, 0, 4, 1, 5), f32x4.shuffle(x2, x3, 2, 6, 3, 7));
  return f32x4.add(f32x4.shuffle(t0, t1, 0, 1, 4, 5), f32x4.shuffle(t0, t1, 2, 3, 6, 7));
}

// Stores lanes 0 .. cols-1 of v to c through the epilogue.
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

// The dot-product path (see the top of the file). Slices of at most DOT_KC steps keep a pair of rows of
// op(A) (≤ 32 KB) in L1 across a block of DOT_NC rows of op(B)ᵀ (≤ 512 KB, in L2) that the pair passes
// over; long slices matter, since every slice pays the lane reductions and a read-modify-write of C.
function matmulDot(
  a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: i32, transB: i32, alpha: f32, beta: f32, scratch: usize,
): void {
  const kc = blockLength(k, DOT_KC, 4);
  const ldc = <usize>n * 4;
  for (let pc = 0; pc < k; pc += kc) {
    const kb = min32(kc, k - pc);
    // Row i of op(A) and row j of op(B)ᵀ over this slice start at aRows + i*lda and bRows + j*ldb.
    let aRows = a + <usize>pc * 4, lda = <usize>k * 4;
    let bRows = b + <usize>pc * 4, ldb = <usize>k * 4;
    // Transposed rows are an odd number of cache lines long, so that they fall in different L1 sets.
    const ldt = <usize>(roundUp(kb, 16) | 16) * 4;
    let free = scratch;
    if (transA != 0) {
      aRows = free;
      lda = ldt;
      transposeInto(a + <usize>pc * <usize>m * 4, <usize>m * 4, kb, m, aRows, lda);
      free += <usize>m * lda;
    }
    if (transB == 0) {
      bRows = free;
      ldb = ldt;
      transposeInto(b + <usize>pc * <usize>n * 4, <usize>n * 4, kb, n, bRows, ldb);
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
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    const count = m * n;
    for (let i = 0; i < count; i++) {
      const p = c + (<usize>i << 2);
      store<f32>(p, beta == 0 ? 0 : beta * load<f32>(p));
    }
  } else if (useDotPath(m, k, n, transA, transB)) {
    matmulDot(a, b, c, m, k, n, transA, transB, alpha, beta, scratch);
  } else {
    matmulPacked(a, b, c, m, k, n, transA, transB, alpha, beta, scratch);
  }
}
