// Information measures per row of a rows×cols f64 matrix, in nats, forward and gradient.
// Twin: src/backend/reference/info.ts. Conventions (REFERENCE.md §1, scipy.special entr / rel_entr):
// a term whose weight p is 0 is exactly 0, even where q = 0; p > 0 with q = 0 gives +∞.
// `out` (one value per row) or `grad` (rows×cols) may be 0 to skip it.

// @ts-ignore: decorator
@inline function f64At(p: usize, i: usize): f64 {
  return load<f64>(p + (i << 3));
}

/** H(p) = −Σ p log p per row; ∂H/∂p = −(log p + 1) (+∞ at p = 0). */
export function entropyRows(p: usize, out: usize, grad: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    let h = 0.0;
    for (let k = 0; k < cols; k++) {
      const i = <usize>r * cols + k;
      const pk = f64At(p, i);
      const lp = Math.log(pk);
      if (pk > 0) h -= pk * lp;
      if (grad) store<f64>(grad + (i << 3), -(lp + 1.0));
    }
    if (out) store<f64>(out + (<usize>r << 3), h);
  }
}

/**
 * kind 0: cross-entropy H(p, q) = −Σ p log q; kind 1: KL divergence D(p‖q) = Σ p log(p/q).
 * Both have ∂/∂q = −p/q (0 where p = 0). D uses log(p/q) — one rounding near p ≈ q, where
 * log p − log q would cancel — and falls back to the difference when p/q over- or underflows.
 */
export function crossRows(p: usize, q: usize, out: usize, grad: usize, rows: i32, cols: i32, kind: i32): void {
  for (let r = 0; r < rows; r++) {
    let h = 0.0;
    for (let k = 0; k < cols; k++) {
      const i = <usize>r * cols + k;
      const pk = f64At(p, i);
      const qk = f64At(q, i);
      if (pk > 0) {
        if (kind == 0) {
          h -= pk * Math.log(qk);
        } else {
          const ratio = pk / qk;
          h += pk * (ratio > 0 && ratio < Infinity ? Math.log(ratio) : Math.log(pk) - Math.log(qk));
        }
      }
      if (grad) store<f64>(grad + (i << 3), pk > 0 ? -pk / qk : 0.0);
    }
    if (out) store<f64>(out + (<usize>r << 3), h);
  }
}
