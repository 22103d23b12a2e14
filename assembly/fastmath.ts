// Vectorised exp and sigmoid, our own (not the engine's), so results are bit-identical in every engine.
// Twin: Math.exp, within the stated error; test/fastmath.test.ts measures it in ULPs over dense sweeps.
//
// exp(x) = 2^n · e^r with n = round(x·log₂e) and r = x − n·ln 2, the product n·ln 2 taken in two parts
// (Cody–Waite: LN2_HI has trailing zero bits, so n·LN2_HI is exact for the n that occur), |r| ≤ ln2/2.
// e^r is a Taylor polynomial in Horner form (f32: degree 7, truncation < 5e-9 relative; f64: degree 13,
// truncation < 2e-16), and 2^n is applied by adding n to the exponent field.
//   f32: |error| ≤ 2 ULP for x ∈ [−87.3, 88]; x > 88 gives e^88 (no ∞), x < −87.3 gives 0 (e^x < 1.3e−38).
//   f64: |error| ≤ 2 ULP for x ∈ [−708.3, 709]; x > 709 gives e^709, x < −708.3 gives 0 (e^x < 2.5e−308).
// The lower bounds keep 2^n · e^r a normal number, which the exponent-field addition needs.

// @ts-ignore: decorator
@inline const LOG2E_F32: f32 = 1.44269504088896341;
// @ts-ignore: decorator
@inline const LN2_HI_F32: f32 = 0.693359375; // 8 significant bits
// @ts-ignore: decorator
@inline const LN2_LO_F32: f32 = -2.12194440e-4;

// Instruction choices (V8, x64): the clamp uses pmin/pmax (one minps/maxps each; f32x4.min/max cost
// ~8 instructions for their NaN and ±0 rules, which a clamp of x against constants does not need: with
// x first, NaN still propagates and −0 is kept); n becomes an integer in the exponent field through
// the magic constant 1.5·2^23 (bits(n + 1.5·2^23) << 23 = n << 23 for integer |n| < 2^22) instead of a
// saturating float → int conversion (5 instructions). The results are the same bits.
// @ts-ignore: decorator
@inline const MAGIC_F32: f32 = 12582912.0; // 1.5 · 2^23
// @ts-ignore: decorator
@inline const MAGIC_F64: f64 = 6755399441055744.0; // 1.5 · 2^52

/** e^x for four f32 lanes (≤ 2 ULP on [−87.3, 88]). */
// @ts-ignore: decorator
@inline export function expF32x4(x: v128): v128 {
  const keep = f32x4.ge(x, f32x4.splat(-87.3)); // below: flushed to 0
  const xc = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-87.3)), f32x4.splat(88.0));
  const n = f32x4.nearest(f32x4.mul(xc, f32x4.splat(LOG2E_F32)));
  let r = f32x4.sub(xc, f32x4.mul(n, f32x4.splat(LN2_HI_F32)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO_F32)));
  let p = f32x4.splat(<f32>(1.0 / 5040.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>(1.0 / 720.0)));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>(1.0 / 120.0)));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>(1.0 / 24.0)));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>(1.0 / 6.0)));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>1.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>1.0));
  const scaled = i32x4.add(p, i32x4.shl(f32x4.add(n, f32x4.splat(MAGIC_F32)), 23));
  return v128.and(scaled, keep);
}

/**
 * σ(x) = 1/(1 + e^−x) for four f32 lanes, as e/(1 + e) with e = e^−|x| on the negative side (no
 * overflow): one division of 1 or e, chosen per lane, by 1 + e.
 */
// @ts-ignore: decorator
@inline export function sigmoidF32x4(x: v128): v128 {
  const e = expF32x4(v128.or(x, f32x4.splat(-0.0))); // e^−|x| ∈ (0, 1]: the sign bit set
  return f32x4.div(v128.bitselect(f32x4.splat(1.0), e, f32x4.ge(x, f32x4.splat(0))), f32x4.add(f32x4.splat(1.0), e));
}

// @ts-ignore: decorator
@inline const LN2_HI_F64: f64 = 6.93147180369123816490e-01; // fdlibm's split: n·LN2_HI exact for |n| < 2^11
// @ts-ignore: decorator
@inline const LN2_LO_F64: f64 = 1.90821492927058770002e-10;

/** e^x for two f64 lanes (≤ 2 ULP on [−708.3, 709]). */
// @ts-ignore: decorator
@inline export function expF64x2(x: v128): v128 {
  const keep = f64x2.ge(x, f64x2.splat(-708.3));
  const xc = f64x2.pmin(f64x2.pmax(x, f64x2.splat(-708.3)), f64x2.splat(709.0));
  const n = f64x2.nearest(f64x2.mul(xc, f64x2.splat(1.4426950408889634)));
  let r = f64x2.sub(xc, f64x2.mul(n, f64x2.splat(LN2_HI_F64)));
  r = f64x2.sub(r, f64x2.mul(n, f64x2.splat(LN2_LO_F64)));
  let p = f64x2.splat(1.0 / 6227020800.0); // 1/13!
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 479001600.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 39916800.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 3628800.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 362880.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 40320.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 5040.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 720.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 120.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 24.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 6.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  // 2^n: add n << 52 to the exponent field (bits(n + 1.5·2^52) << 52 = n << 52).
  const scaled = i64x2.add(p, i64x2.shl(f64x2.add(n, f64x2.splat(MAGIC_F64)), 52));
  return v128.and(scaled, keep);
}

/** σ(x) for two f64 lanes, as e/(1 + e) with e = e^−|x| on the negative side (no overflow); one division. */
// @ts-ignore: decorator
@inline export function sigmoidF64x2(x: v128): v128 {
  const e = expF64x2(v128.or(x, f64x2.splat(-0.0))); // e^−|x|
  return f64x2.div(v128.bitselect(f64x2.splat(1.0), e, f64x2.ge(x, f64x2.splat(0))), f64x2.add(f64x2.splat(1.0), e));
}

/** out[i] = e^x[i] for n f32 values (vectorised; the tail runs through the same lanes). */
export function expF32(x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(out + (<usize>i << 2), expF32x4(v128.load(x + (<usize>i << 2))));
  for (; i < n; i++) {
    store<f32>(out + (<usize>i << 2), f32x4.extract_lane(expF32x4(f32x4.splat(load<f32>(x + (<usize>i << 2)))), 0));
  }
}

/** out[i] = e^x[i] for n f64 values (vectorised; the tail runs through the same lanes). */
export function expF64(x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) v128.store(out + (<usize>i << 3), expF64x2(v128.load(x + (<usize>i << 3))));
  if (i < n) store<f64>(out + (<usize>i << 3), f64x2.extract_lane(expF64x2(f64x2.splat(load<f64>(x + (<usize>i << 3)))), 0));
}
