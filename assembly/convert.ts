// Byte inputs (pixels as IDX files store them) to float32: out[i] = b[i] / 255, correctly rounded, as
// an f32 division gives it, sixteen bytes at a time. Twin: src/data/dataset.ts inputsAsFloat32.
//
// Without the division: 1/255 = 257/65535 = (257/65536)·(1 + 2⁻¹⁶ + 2⁻³² + …), so with y = b·257/65536
// (exact in f32: 257·b < 2¹⁶), b/255 = y + y·(2⁻¹⁶ + 2⁻³²) + y·2⁻⁴⁸·(…). In f32, y·(2⁻¹⁶ + 2⁻³²) rounds
// once and the sum rounds once more; the 2⁻³² term moves the powers of two off the rounding ties that
// y + y·2⁻¹⁶ alone lands on. Checked for all 256 bytes (test/convert.test.ts) against b / 255. Two
// multiplies and an add (kept apart: no fused multiply-add) instead of a division, whose throughput on
// x64 (one per ~3 cycles) bounded the gather of a shuffled mini-batch.

const K257: f32 = 257.0 / 65536.0;
const TAIL: f32 = 1.0 / 65536.0 + 1.0 / 4294967296.0;

// Four bytes (as i32 lanes) to their byte/255.
// @ts-ignore: decorator
@inline function scale4(x: v128): v128 {
  const y = f32x4.mul(f32x4.convert_i32x4_s(x), f32x4.splat(K257));
  return f32x4.add(y, f32x4.mul(y, f32x4.splat(TAIL)));
}

// Sixteen bytes at src to sixteen f32 at out.
// @ts-ignore: decorator
@inline function convert16(src: usize, out: usize): void {
  const b = v128.load(src);
  const lo = i16x8.extend_low_i8x16_u(b);
  const hi = i16x8.extend_high_i8x16_u(b);
  v128.store(out, scale4(i32x4.extend_low_i16x8_u(lo)));
  v128.store(out, scale4(i32x4.extend_high_i16x8_u(lo)), 16);
  v128.store(out, scale4(i32x4.extend_low_i16x8_u(hi)), 32);
  v128.store(out, scale4(i32x4.extend_high_i16x8_u(hi)), 48);
}

/** out[i] = src[i] / 255 as f32, for n bytes. */
export function bytesToF32(src: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 16 <= n; i += 16) convert16(src + <usize>i, out + (<usize>i << 2));
  for (; i < n; i++) store<f32>(out + (<usize>i << 2), <f32>load<u8>(src + <usize>i) / <f32>255.0);
}

/**
 * Four rows of n bytes (at s0..s3, anywhere) to four consecutive rows of n f32 at out, as bytesToF32
 * does each. Interleaving the rows keeps four cache misses in flight at once: gathering a shuffled
 * mini-batch from a large byte array is bound by memory latency, not by the conversion (MNIST, one
 * epoch of 50,000 random 784-byte rows: 22 ms one row at a time, 14 ms four at a time).
 */
export function bytesToF32Rows4(s0: usize, s1: usize, s2: usize, s3: usize, out: usize, n: i32): void {
  const row = <usize>n << 2;
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const o = out + (<usize>i << 2);
    convert16(s0 + <usize>i, o);
    convert16(s1 + <usize>i, o + row);
    convert16(s2 + <usize>i, o + 2 * row);
    convert16(s3 + <usize>i, o + 3 * row);
  }
  if (i < n) {
    const rest = n - i;
    const o = out + (<usize>i << 2);
    bytesToF32(s0 + <usize>i, o, rest);
    bytesToF32(s1 + <usize>i, o + row, rest);
    bytesToF32(s2 + <usize>i, o + 2 * row, rest);
    bytesToF32(s3 + <usize>i, o + 3 * row, rest);
  }
}

/**
 * Gathers rows order[0..rows) (i32 indexes at `order`) of the byte matrix at `inputs` (n bytes a row)
 * into consecutive rows of n f32 at out, each converted as bytesToF32 does. One byte of every cache line
 * of the rows is read first, all before any row is converted: WebAssembly has no prefetch, but
 * independent loads keep many more cache misses in flight than the conversion's four rows do (a
 * shuffled MNIST epoch at batch 128: 0.0972 → 0.0944 s). Their sum goes to out's first word, which the
 * conversion then overwrites, so that the loads are not optimised away.
 */
export function gatherBytes(inputs: usize, order: usize, rows: i32, n: i32, out: usize): void {
  if (rows <= 0 || n <= 0) return;
  let acc: u32 = 0;
  for (let r = 0; r < rows; r++) {
    const p = inputs + <usize>load<i32>(order + (<usize>r << 2)) * <usize>n;
    for (let o = 0; o < n; o += 64) acc += load<u8>(p + <usize>o);
    acc += load<u8>(p + <usize>(n - 1));
  }
  store<u32>(out, acc);
  const row = <usize>n << 2;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const q = order + (<usize>r << 2);
    bytesToF32Rows4(
      inputs + <usize>load<i32>(q) * <usize>n, inputs + <usize>load<i32>(q, 4) * <usize>n,
      inputs + <usize>load<i32>(q, 8) * <usize>n, inputs + <usize>load<i32>(q, 12) * <usize>n, out + <usize>r * row, n,
    );
  }
  for (; r < rows; r++) bytesToF32(inputs + <usize>load<i32>(order + (<usize>r << 2)) * <usize>n, out + <usize>r * row, n);
}

/**
 * The inverse, checked: dst[i] = b with src[i] = b/255 exactly (float32, as bytesToF32 converts b) for
 * i < n; returns −1, or the index of the first value that is no such quotient (dst is then partly
 * written). Twin: src/data/dataset.ts exactBytes. Each value's candidate byte is nearest(v·255)
 * (within 3·10⁻⁵ of b for a quotient); it passes when it is in [0, 255] and converts back to v's bits,
 * so −0, NaN, ±∞ and values outside [0, 1] fail with no case of their own. dst may be src itself: each
 * step writes its 16 bytes below the 64 it has read.
 */
export function exactBytesF32(src: usize, dst: usize, n: i32): i32 {
  const k255 = f32x4.splat(255);
  const top = i32x4.splat(255);
  const zero = i32x4.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const s = src + (<usize>i << 2);
    const v0 = v128.load(s), v1 = v128.load(s, 16), v2 = v128.load(s, 32), v3 = v128.load(s, 48);
    const b0 = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v0, k255)));
    const b1 = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v1, k255)));
    const b2 = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v2, k255)));
    const b3 = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v3, k255)));
    // lanes all ones where the candidate is out of range or does not convert back to the value's bits
    let bad = v128.or(v128.not(i32x4.eq(scale4(b0), v0)), v128.not(i32x4.eq(scale4(b1), v1)));
    bad = v128.or(bad, v128.or(v128.not(i32x4.eq(scale4(b2), v2)), v128.not(i32x4.eq(scale4(b3), v3))));
    const lo = v128.or(v128.or(i32x4.lt_s(b0, zero), i32x4.lt_s(b1, zero)), v128.or(i32x4.lt_s(b2, zero), i32x4.lt_s(b3, zero)));
    const hi = v128.or(v128.or(i32x4.gt_s(b0, top), i32x4.gt_s(b1, top)), v128.or(i32x4.gt_s(b2, top), i32x4.gt_s(b3, top)));
    if (v128.any_true(v128.or(bad, v128.or(lo, hi)))) break; // the scalar loop below finds which
    v128.store(dst + <usize>i, i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(b0, b1), i16x8.narrow_i32x4_s(b2, b3)));
  }
  for (; i < n; i++) {
    const v = load<f32>(src + (<usize>i << 2));
    const b = i32x4.extract_lane(i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.splat(v * 255))), 0);
    if (b < 0 || b > 255 || i32x4.extract_lane(scale4(i32x4.splat(b)), 0) != reinterpret<i32>(v)) return i;
    store<u8>(dst + <usize>i, <u8>b);
  }
  return -1;
}
