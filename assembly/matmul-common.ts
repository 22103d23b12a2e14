// Shared pieces of the two GEMM paths (assembly/matmul.ts packed, assembly/matmul-dot.ts dot product):
// integer helpers, the multiply-add of each build, the β·C + α·AB epilogue, and 4×4 transposes.

// @ts-ignore: decorator
@inline export function min32(x: i32, y: i32): i32 {
  return x < y ? x : y;
}

// @ts-ignore: decorator
@inline export function max32(x: i32, y: i32): i32 {
  return x > y ? x : y;
}

// @ts-ignore: decorator
@inline export function roundUp(x: i32, to: i32): i32 {
  return ((x + to - 1) / to) * to;
}

// Length of each of the ceil(total/most) near-equal blocks that cover `total`, rounded up to `multiple`.
// @ts-ignore: decorator
@inline export function blockLength(total: i32, most: i32, multiple: i32): i32 {
  const blocks = (total + most - 1) / most;
  return roundUp((total + blocks - 1) / blocks, multiple);
}

// acc + a·b: one relaxed multiply-add (fused where the CPU has FMA) in the relaxed-SIMD build
// (asconfig target "relaxed"), a multiply then an add otherwise. Either is within f32 rounding of the other.
// @ts-ignore: decorator
@inline export function madd(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

// The epilogue of every tile: c = β·c + α·v, where β = 0 writes without reading c (which may hold
// anything) and α = 1, β = 1 is a plain accumulation.
// @ts-ignore: decorator
@inline export function epilogue4(v: v128, c: usize, offset: usize, alpha: f32, beta: f32): v128 {
  if (alpha != 1) v = f32x4.mul(v, f32x4.splat(alpha));
  // β = 1 needs no case of its own: c·1 is c exactly (one path fewer in each of the many inlined copies).
  if (beta != 0) return f32x4.add(v, f32x4.mul(v128.load(c + offset), f32x4.splat(beta)));
  return v;
}

// @ts-ignore: decorator
@inline export function epilogue1(v: f32, c: usize, alpha: f32, beta: f32): f32 {
  return beta == 0 ? alpha * v : alpha * v + beta * load<f32>(c);
}

// Stores the 4×4 transpose of rows r0..r3: column q goes to dst + q*stride.
// @ts-ignore: decorator
@inline export function storeTransposed(dst: usize, stride: usize, r0: v128, r1: v128, r2: v128, r3: v128): void {
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
export function transposeInto(src: usize, srcLd: usize, rows: i32, cols: i32, dst: usize, dstLd: usize): void {
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
