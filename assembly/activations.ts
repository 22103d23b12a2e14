// Activations: sigmoid (element-wise), softmax and log-softmax (row-wise), in f32 and f64.
// Twin: src/backend/reference/activations.ts.

/** σ(x) = 1 / (1 + e^-x), evaluated on the side where e^(-|x|) ≤ 1 so it never overflows. */
// @ts-ignore: decorator
@inline export function sigmoid64(x: f64): f64 {
  if (x >= 0) return 1.0 / (1.0 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1.0 + e);
}

// @ts-ignore: decorator
@inline function sigmoid32(x: f32): f32 {
  if (x >= 0) return <f32>1.0 / (<f32>1.0 + Mathf.exp(-x));
  const e = Mathf.exp(x);
  return e / (<f32>1.0 + e);
}

/** out[i] = σ(x[i]) for n f64 values. */
export function sigmoidF64(x: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 3;
    store<f64>(out + off, sigmoid64(load<f64>(x + off)));
  }
}

/** out[i] = σ(x[i]) for n f32 values. */
export function sigmoidF32(x: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(out + off, sigmoid32(load<f32>(x + off)));
  }
}

// Softmax is shift-invariant: softmax(z) = softmax(z − max z). With the max subtracted every exponent is
// ≤ 0, so e^(z−m) ∈ (0, 1] and the sum lies in [1, cols]: no overflow for any finite z, and
// log-softmax = (z − m) − log Σ e^(z−m) loses nothing to cancellation.

/** Row-wise softmax (log = 0) or log-softmax (log = 1) of a rows×cols f64 matrix. */
export function softmaxF64(x: usize, out: usize, rows: i32, cols: i32, log: i32): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + ((<usize>r * cols) << 3);
    const or = out + ((<usize>r * cols) << 3);
    let m = -Infinity;
    for (let k = 0; k < cols; k++) m = max(m, load<f64>(xr + (<usize>k << 3)));
    let s = 0.0;
    for (let k = 0; k < cols; k++) s += Math.exp(load<f64>(xr + (<usize>k << 3)) - m);
    if (log) {
      const ls = Math.log(s);
      for (let k = 0; k < cols; k++) {
        const off = <usize>k << 3;
        store<f64>(or + off, load<f64>(xr + off) - m - ls);
      }
    } else {
      const inv = 1.0 / s;
      for (let k = 0; k < cols; k++) {
        const off = <usize>k << 3;
        store<f64>(or + off, Math.exp(load<f64>(xr + off) - m) * inv);
      }
    }
  }
}

/** Row-wise softmax (log = 0) or log-softmax (log = 1) of a rows×cols f32 matrix, in f32. */
export function softmaxF32(x: usize, out: usize, rows: i32, cols: i32, log: i32): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + ((<usize>r * cols) << 2);
    const or = out + ((<usize>r * cols) << 2);
    let m: f32 = -Infinity;
    for (let k = 0; k < cols; k++) m = max(m, load<f32>(xr + (<usize>k << 2)));
    let s: f64 = 0; // accumulated in f64 so that long rows still sum to 1 within f32 rounding
    for (let k = 0; k < cols; k++) s += <f64>Mathf.exp(load<f32>(xr + (<usize>k << 2)) - m);
    if (log) {
      const ls = <f32>Math.log(s);
      for (let k = 0; k < cols; k++) {
        const off = <usize>k << 2;
        store<f32>(or + off, load<f32>(xr + off) - m - ls);
      }
    } else {
      const inv = 1.0 / s;
      for (let k = 0; k < cols; k++) {
        const off = <usize>k << 2;
        store<f32>(or + off, <f32>(<f64>Mathf.exp(load<f32>(xr + off) - m) * inv));
      }
    }
  }
}
