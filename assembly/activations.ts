// Activations: sigmoid (element-wise), softmax and log-softmax (row-wise), in f32 and f64, on the
// vectorised exp of assembly/fastmath.ts (≤ 2 ULP). Twin: src/backend/reference/activations.ts.

import { expF32x4, expF64x2, sigmoidF32x4, sigmoidF64x2 } from './fastmath';

/** σ(x) = 1 / (1 + e^-x), evaluated on the side where e^(-|x|) ≤ 1 so it never overflows (scalar, libm exp). */
// @ts-ignore: decorator
@inline export function sigmoid64(x: f64): f64 {
  if (x >= 0) return 1.0 / (1.0 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1.0 + e);
}

/** out[i] = σ(x[i]) for n f64 values, two lanes at a time (the tail through the same lanes). */
export function sigmoidF64(x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) v128.store(out + (<usize>i << 3), sigmoidF64x2(v128.load(x + (<usize>i << 3))));
  if (i < n) store<f64>(out + (<usize>i << 3), f64x2.extract_lane(sigmoidF64x2(f64x2.splat(load<f64>(x + (<usize>i << 3)))), 0));
}

/** out[i] = σ(x[i]) for n f32 values, four lanes at a time (the tail through the same lanes). */
export function sigmoidF32(x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(out + (<usize>i << 2), sigmoidF32x4(v128.load(x + (<usize>i << 2))));
  for (; i < n; i++) store<f32>(out + (<usize>i << 2), f32x4.extract_lane(sigmoidF32x4(f32x4.splat(load<f32>(x + (<usize>i << 2)))), 0));
}

// Softmax is shift-invariant: softmax(z) = softmax(z − max z). With the max subtracted every exponent is
// ≤ 0, so e^(z−m) ∈ (0, 1] and the sum lies in [1, cols]: no overflow for any finite z, and
// log-softmax = (z − m) − log Σ e^(z−m) loses nothing to cancellation. Sums are accumulated in f64.

/** Row-wise softmax (log = 0) or log-softmax (log = 1) of a rows×cols f64 matrix. */
export function softmaxF64(x: usize, out: usize, rows: i32, cols: i32, log: i32): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + ((<usize>r * cols) << 3);
    const or = out + ((<usize>r * cols) << 3);
    let m = -Infinity;
    for (let k = 0; k < cols; k++) m = max(m, load<f64>(xr + (<usize>k << 3)));
    const s = expRowF64(xr, or, cols, m);
    if (log) {
      const ls = Math.log(s);
      for (let k = 0; k < cols; k++) store<f64>(or + (<usize>k << 3), load<f64>(xr + (<usize>k << 3)) - m - ls);
    } else {
      const inv = 1.0 / s;
      for (let k = 0; k < cols; k++) store<f64>(or + (<usize>k << 3), load<f64>(or + (<usize>k << 3)) * inv);
    }
  }
}

/** Row-wise softmax (log = 0) or log-softmax (log = 1) of a rows×cols f32 matrix, in f32 (sums in f64). */
export function softmaxF32(x: usize, out: usize, rows: i32, cols: i32, log: i32): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + ((<usize>r * cols) << 2);
    const or = out + ((<usize>r * cols) << 2);
    let m: f32 = -Infinity;
    for (let k = 0; k < cols; k++) m = max(m, load<f32>(xr + (<usize>k << 2)));
    const s = expRowF32(xr, or, cols, m);
    if (log) {
      const ls = <f32>Math.log(s);
      for (let k = 0; k < cols; k++) store<f32>(or + (<usize>k << 2), load<f32>(xr + (<usize>k << 2)) - m - ls);
    } else {
      const inv = 1.0 / s;
      for (let k = 0; k < cols; k++) store<f32>(or + (<usize>k << 2), <f32>(<f64>load<f32>(or + (<usize>k << 2)) * inv));
    }
  }
}

/** out[k] = e^(x[k] − m) for one f32 row; returns Σ out in f64. */
export function expRowF32(x: usize, out: usize, cols: i32, m: f32): f64 {
  const mv = f32x4.splat(m);
  let s = 0.0;
  let k = 0;
  for (; k + 4 <= cols; k += 4) {
    const e = expF32x4(f32x4.sub(v128.load(x + (<usize>k << 2)), mv));
    v128.store(out + (<usize>k << 2), e);
    s += <f64>f32x4.extract_lane(e, 0) + <f64>f32x4.extract_lane(e, 1) + <f64>f32x4.extract_lane(e, 2) + <f64>f32x4.extract_lane(e, 3);
  }
  for (; k < cols; k++) {
    const e = f32x4.extract_lane(expF32x4(f32x4.splat(load<f32>(x + (<usize>k << 2)) - m)), 0);
    store<f32>(out + (<usize>k << 2), e);
    s += <f64>e;
  }
  return s;
}

/** out[k] = e^(x[k] − m) for one f64 row (skipped when out = 0); returns Σ e^(x[k] − m). */
export function expRowF64(x: usize, out: usize, cols: i32, m: f64): f64 {
  const mv = f64x2.splat(m);
  let s = 0.0;
  let k = 0;
  for (; k + 2 <= cols; k += 2) {
    const e = expF64x2(f64x2.sub(v128.load(x + (<usize>k << 3)), mv));
    if (out) v128.store(out + (<usize>k << 3), e);
    s += f64x2.extract_lane(e, 0) + f64x2.extract_lane(e, 1);
  }
  if (k < cols) {
    const e = f64x2.extract_lane(expF64x2(f64x2.splat(load<f64>(x + (<usize>k << 3)) - m)), 0);
    if (out) store<f64>(out + (<usize>k << 3), e);
    s += e;
  }
  return s;
}
