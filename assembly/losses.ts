// The cross-entropy family and the quadratic cost, forward and gradient in one pass, f64.
// Twin: src/backend/reference/losses.ts. Every kernel writes per-element (BCE) or per-row losses to `out`
// and d(loss)/d(input) · gradScale to `grad`; either pointer may be 0 to skip it. Optional inputs
// (weights, class weights, pos weights) are 0 when absent and then count as 1. Reductions happen in
// TypeScript. Mode numbers are mirrored in src/backend/modes.ts. A zero weight (element or row) makes
// its loss and gradient exactly 0, also where the weighted term is infinite (0·∞ would be NaN).

import { expRowF64, sigmoid64 } from './activations';

// Binary cross-entropy on probabilities: modes.
const BCE_XENT: i32 = 0; // exact log, bounded below by log(eps); a zero coefficient contributes exactly 0
const BCE_TORCH: i32 = 1; // each log clamped at −100; PyTorch's gradient (a − y) / max(a(1 − a), 1e−12)
const BCE_CLIP: i32 = 2; // a clipped to [eps, 1 − eps] first (Keras, scikit-learn); zero gradient outside

// @ts-ignore: decorator
@inline function f64At(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

/** Softplus log(1 + e^x) = max(x, 0) + log1p(e^−|x|): never overflows, exact for large |x|. */
// @ts-ignore: decorator
@inline function softplus(x: f64): f64 {
  return max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/**
 * Binary cross-entropy on probabilities a with targets y (smoothed to y(1 − s) + s/2), pos weight pw:
 *   l = −w [pw·y·ln a + (1 − y)·ln(1 − a)],   ∂l/∂a = w [−pw·y/a + (1 − y)/(1 − a)].
 * ln(1 − a) is evaluated as log1p(−a), exact for small a. pw is indexed by column (i mod cols).
 */
export function bceProb(
  a: usize, y: usize, w: usize, pw: usize, out: usize, grad: usize,
  n: i32, cols: i32, mode: i32, eps: f64, smoothing: f64, gradScale: f64,
): void {
  const logEps = Math.log(eps);
  for (let i = 0; i < n; i++) {
    const ai = f64At(a, i);
    let yi = f64At(y, i);
    if (smoothing != 0) yi = yi * (1.0 - smoothing) + 0.5 * smoothing;
    const wi = w ? f64At(w, i) : 1.0;
    const pwi = pw ? f64At(pw, i % cols) : 1.0;
    const cp = pwi * yi; // coefficient of −ln a
    const cn = 1.0 - yi; // coefficient of −ln(1 − a)
    let l = 0.0;
    let g = 0.0;
    if (mode == BCE_XENT) {
      if (cp != 0) {
        l -= cp * max(Math.log(ai), logEps);
        g -= cp / max(ai, eps);
      }
      if (cn != 0) {
        l -= cn * max(Math.log1p(-ai), logEps);
        g += cn / max(1.0 - ai, eps);
      }
    } else if (mode == BCE_TORCH) {
      l = -(cp * max(Math.log(ai), -100.0) + cn * max(Math.log1p(-ai), -100.0));
      g = (ai * (cp + cn) - cp) / max((1.0 - ai) * ai, 1e-12);
    } else {
      const ac = min(max(ai, eps), 1.0 - eps);
      l = -(cp * Math.log(ac) + cn * Math.log(1.0 - ac));
      g = ai < eps || ai > 1.0 - eps ? 0.0 : -cp / ac + cn / (1.0 - ac);
    }
    if (wi == 0) {
      l = 0.0;
      g = 0.0;
    }
    if (out) store<f64>(out + (<usize>i << 3), wi * l);
    if (grad) store<f64>(grad + (<usize>i << 3), wi == 0 ? 0.0 : wi * g * gradScale);
  }
}

/**
 * Binary cross-entropy on logits z. With −ln σ(z) = softplus(−z) and −ln(1 − σ(z)) = softplus(z):
 *   l = w [pw·y·softplus(−z) + (1 − y)·softplus(z)]
 * which equals the textbook stable form max(z,0) − z·y + log(1 + e^−|z|) when pw = 1, but sums two
 * non-negative terms instead of cancelling large ones. Using 1 − σ(z) = σ(−z):
 *   ∂l/∂z = w [(1 − y)·σ(z) − pw·y·σ(−z)]   (= σ(z) − y when pw = 1).
 */
export function bceLogits(
  z: usize, y: usize, w: usize, pw: usize, out: usize, grad: usize,
  n: i32, cols: i32, smoothing: f64, gradScale: f64,
): void {
  for (let i = 0; i < n; i++) {
    const zi = f64At(z, i);
    let yi = f64At(y, i);
    if (smoothing != 0) yi = yi * (1.0 - smoothing) + 0.5 * smoothing;
    const wi = w ? f64At(w, i) : 1.0;
    const cp = (pw ? f64At(pw, i % cols) : 1.0) * yi;
    const cn = 1.0 - yi;
    if (out) {
      let l = 0.0;
      if (cp != 0) l += cp * softplus(-zi);
      if (cn != 0) l += cn * softplus(zi);
      store<f64>(out + (<usize>i << 3), wi == 0 ? 0.0 : wi * l);
    }
    if (grad) store<f64>(grad + (<usize>i << 3), wi == 0 ? 0.0 : wi * (cn * sigmoid64(zi) - cp * sigmoid64(-zi)) * gradScale);
  }
}

// Categorical cross-entropy: modes.
const CE_LOGITS: i32 = 0; // log-softmax of logits
const CE_XENT: i32 = 1; // probabilities, exact log bounded below by log(eps)
const CE_RAW: i32 = 2; // probabilities, unbounded log (PyTorch NLLLoss on log p): a = 0 under a target is +∞
const CE_KERAS: i32 = 3; // probabilities: renormalise the row, then clip to [eps, 1 − eps]
const CE_SKLEARN: i32 = 4; // probabilities: clip to [eps, 1 − eps], then renormalise the row
const CE_LOGPROBS: i32 = 5; // log-probabilities, used as given (PyTorch NLLLoss)

/**
 * Categorical cross-entropy per row: l = −sw · Σ_k c_k·t_k·log q_k, where t is the target row (dense y,
 * or one-hot at `labels[r]` when y = 0), smoothed to t(1 − s) + s/K, c the class weights and q the
 * predicted distribution as the mode defines it. A row whose label equals ignoreIndex costs 0, gradient 0.
 * Gradients (T = Σ_k c_k t_k, g_k = −c_k t_k / q_k):
 *   logits:   ∂l/∂z_k = T·softmax_k − c_k t_k
 *   keras:    b = a/S clipped to c; ∂l/∂a_j = (g_j·[b_j in range] − Σ_k g_k·[in range]·b_k) / S
 *   sklearn:  c = clip(a), b = c/S; ∂l/∂a_j = [a_j in range]·(g_j − Σ_k g_k b_k) / S
 *   logprobs: ∂l/∂x_k = −c_k t_k
 */
export function cce(
  x: usize, y: usize, labels: usize, cw: usize, sw: usize, out: usize, grad: usize,
  rows: i32, cols: i32, ignoreIndex: i32, mode: i32, eps: f64, smoothing: f64, gradScale: f64,
): void {
  const logEps = Math.log(eps);
  const sk = smoothing / <f64>cols;
  for (let r = 0; r < rows; r++) {
    const base = <usize>r * cols;
    const xr = x + (base << 3);
    const gr = grad + (base << 3);
    const label = labels ? load<i32>(labels + (<usize>r << 2)) : -1;
    const swr = sw ? f64At(sw, r) : 1.0;
    if ((labels && label == ignoreIndex) || swr == 0) {
      if (out) store<f64>(out + (<usize>r << 3), 0.0);
      if (grad) for (let k = 0; k < cols; k++) store<f64>(gr + (<usize>k << 3), 0.0);
      continue;
    }
    // Row statistics each mode needs: max and Σ e^(z−m) (logits), Σ a (keras), Σ clip(a) (sklearn).
    let m = 0.0;
    let s = 0.0;
    if (mode == CE_LOGITS) {
      m = -Infinity;
      for (let k = 0; k < cols; k++) m = max(m, f64At(xr, k));
      s = expRowF64(xr, grad ? gr : 0, cols, m); // e^(z−m) is kept in grad for the gradient pass
    } else if (mode == CE_KERAS) {
      for (let k = 0; k < cols; k++) s += f64At(xr, k);
    } else if (mode == CE_SKLEARN) {
      for (let k = 0; k < cols; k++) s += min(max(f64At(xr, k), eps), 1.0 - eps);
    }
    const logS = Math.log(s);
    let l = 0.0;
    let total = 0.0; // T = Σ c_k t_k
    let gb = 0.0; // Σ g_k b_k for the renormalising modes
    for (let k = 0; k < cols; k++) {
      let t = labels ? (k == label ? 1.0 : 0.0) : f64At(y + (base << 3), k);
      if (smoothing != 0) t = t * (1.0 - smoothing) + sk;
      const ct = (cw ? f64At(cw, k) : 1.0) * t;
      const xk = f64At(xr, k);
      let g = 0.0;
      if (mode == CE_LOGITS) {
        if (ct != 0) l -= ct * (xk - m - logS);
        g = -ct;
      } else if (mode == CE_XENT) {
        if (ct != 0) {
          l -= ct * max(Math.log(xk), logEps);
          g = -ct / max(xk, eps);
        }
      } else if (mode == CE_RAW) {
        if (ct != 0) {
          l -= ct * Math.log(xk);
          g = -ct / xk;
        }
      } else if (mode == CE_KERAS) {
        const b = xk / s;
        const bc = min(max(b, eps), 1.0 - eps);
        l -= ct * Math.log(bc);
        if (b >= eps && b <= 1.0 - eps) g = -ct / bc;
        gb += g * b;
      } else if (mode == CE_SKLEARN) {
        const b = min(max(xk, eps), 1.0 - eps) / s;
        if (ct != 0) {
          l -= ct * Math.log(b);
          g = -ct / b;
        }
        gb += g * b;
      } else {
        if (ct != 0) l -= ct * xk;
        g = -ct;
      }
      total += ct;
      if (grad && mode != CE_LOGITS) store<f64>(gr + (<usize>k << 3), g);
    }
    if (out) store<f64>(out + (<usize>r << 3), swr * l);
    if (grad) {
      const scale = swr * gradScale;
      for (let k = 0; k < cols; k++) {
        const off = <usize>k << 3;
        let g = load<f64>(gr + off);
        if (mode == CE_LOGITS) {
          let t = labels ? (k == label ? 1.0 : 0.0) : f64At(y + (base << 3), k);
          if (smoothing != 0) t = t * (1.0 - smoothing) + sk;
          g = total * g / s - (cw ? f64At(cw, k) : 1.0) * t; // g held e^(z−m)
        } else if (mode == CE_KERAS) {
          g = (g - gb) / s;
        } else if (mode == CE_SKLEARN) {
          const xk = f64At(xr, k);
          g = xk >= eps && xk <= 1.0 - eps ? (g - gb) / s : 0.0;
        }
        store<f64>(gr + off, g * scale);
      }
    }
  }
}

/** Quadratic cost per row: l = sw·½‖a − y‖², ∂l/∂a = sw·(a − y). */
export function quadratic(
  a: usize, y: usize, sw: usize, out: usize, grad: usize, rows: i32, cols: i32, gradScale: f64,
): void {
  for (let r = 0; r < rows; r++) {
    const base = (<usize>r * cols) << 3;
    const swr = sw ? f64At(sw, r) : 1.0;
    let l = 0.0;
    for (let k = 0; k < cols; k++) {
      const off = base + (<usize>k << 3);
      const d = load<f64>(a + off) - load<f64>(y + off);
      l += d * d;
      if (grad) store<f64>(grad + off, swr == 0 ? 0.0 : swr * d * gradScale);
    }
    if (out) store<f64>(out + (<usize>r << 3), swr == 0 ? 0.0 : swr * 0.5 * l);
  }
}
