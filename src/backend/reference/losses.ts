// Plain-TypeScript twins of assembly/losses.ts: the same formulas, line for line; derivations there.
// A zero weight makes its loss and gradient exactly 0 (never 0·∞ = NaN), as there.
import { BceMode, CeMode } from '../modes.js';
import { sigmoid64 } from './activations.js';

function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** Binary cross-entropy on probabilities, per element. */
export function bceProb(a: Float64Array, y: Float64Array, w: Float64Array | null, pw: Float64Array | null,
  out: Float64Array | null, grad: Float64Array | null, cols: number, mode: number, eps: number,
  smoothing: number, gradScale: number): void {
  const logEps = Math.log(eps);
  for (let i = 0; i < a.length; i++) {
    const ai = a[i]!;
    let yi = y[i]!;
    if (smoothing !== 0) yi = yi * (1 - smoothing) + 0.5 * smoothing;
    const wi = w ? w[i]! : 1;
    const cp = (pw ? pw[i % cols]! : 1) * yi;
    const cn = 1 - yi;
    let l = 0;
    let g = 0;
    if (mode === BceMode.xent) {
      if (cp !== 0) {
        l -= cp * Math.max(Math.log(ai), logEps);
        g -= cp / Math.max(ai, eps);
      }
      if (cn !== 0) {
        l -= cn * Math.max(Math.log1p(-ai), logEps);
        g += cn / Math.max(1 - ai, eps);
      }
    } else if (mode === BceMode.torch) {
      l = -(cp * Math.max(Math.log(ai), -100) + cn * Math.max(Math.log1p(-ai), -100));
      g = (ai * (cp + cn) - cp) / Math.max((1 - ai) * ai, 1e-12);
    } else {
      const ac = Math.min(Math.max(ai, eps), 1 - eps);
      l = -(cp * Math.log(ac) + cn * Math.log(1 - ac));
      g = ai < eps || ai > 1 - eps ? 0 : -cp / ac + cn / (1 - ac);
    }
    if (wi === 0) {
      l = 0;
      g = 0;
    }
    if (out) out[i] = wi * l;
    if (grad) grad[i] = wi === 0 ? 0 : wi * g * gradScale;
  }
}

/** Binary cross-entropy on logits, per element: w[pw·y·softplus(−z) + (1 − y)·softplus(z)]. */
export function bceLogits(z: Float64Array, y: Float64Array, w: Float64Array | null, pw: Float64Array | null,
  out: Float64Array | null, grad: Float64Array | null, cols: number, smoothing: number, gradScale: number): void {
  for (let i = 0; i < z.length; i++) {
    const zi = z[i]!;
    let yi = y[i]!;
    if (smoothing !== 0) yi = yi * (1 - smoothing) + 0.5 * smoothing;
    const wi = w ? w[i]! : 1;
    const cp = (pw ? pw[i % cols]! : 1) * yi;
    const cn = 1 - yi;
    if (out) {
      let l = 0;
      if (cp !== 0) l += cp * softplus(-zi);
      if (cn !== 0) l += cn * softplus(zi);
      out[i] = wi === 0 ? 0 : wi * l;
    }
    if (grad) grad[i] = wi === 0 ? 0 : wi * (cn * sigmoid64(zi) - cp * sigmoid64(-zi)) * gradScale;
  }
}

/** Categorical cross-entropy per row, dense targets or integer labels. */
export function cce(x: Float64Array, y: Float64Array | null, labels: Int32Array | null, cw: Float64Array | null,
  sw: Float64Array | null, out: Float64Array | null, grad: Float64Array | null, rows: number, cols: number,
  ignoreIndex: number, mode: number, eps: number, smoothing: number, gradScale: number): void {
  const logEps = Math.log(eps);
  const sk = smoothing / cols;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const label = labels ? labels[r]! : -1;
    const swr = sw ? sw[r]! : 1;
    if ((labels && label === ignoreIndex) || swr === 0) {
      if (out) out[r] = 0;
      if (grad) grad.fill(0, o, o + cols);
      continue;
    }
    let m = 0;
    let s = 0;
    if (mode === CeMode.logits) {
      m = -Infinity;
      for (let k = 0; k < cols; k++) m = Math.max(m, x[o + k]!);
      for (let k = 0; k < cols; k++) {
        const e = Math.exp(x[o + k]! - m);
        if (grad) grad[o + k] = e; // kept for the gradient pass
        s += e;
      }
    } else if (mode === CeMode.keras) {
      for (let k = 0; k < cols; k++) s += x[o + k]!;
    } else if (mode === CeMode.sklearn) {
      for (let k = 0; k < cols; k++) s += Math.min(Math.max(x[o + k]!, eps), 1 - eps);
    }
    const logS = Math.log(s);
    let l = 0;
    let total = 0;
    let gb = 0;
    for (let k = 0; k < cols; k++) {
      let t = labels ? (k === label ? 1 : 0) : y![o + k]!;
      if (smoothing !== 0) t = t * (1 - smoothing) + sk;
      const ct = (cw ? cw[k]! : 1) * t;
      const xk = x[o + k]!;
      let g = 0;
      if (mode === CeMode.logits) {
        if (ct !== 0) l -= ct * (xk - m - logS);
        g = -ct;
      } else if (mode === CeMode.xent) {
        if (ct !== 0) {
          l -= ct * Math.max(Math.log(xk), logEps);
          g = -ct / Math.max(xk, eps);
        }
      } else if (mode === CeMode.raw) {
        if (ct !== 0) {
          l -= ct * Math.log(xk);
          g = -ct / xk;
        }
      } else if (mode === CeMode.keras) {
        const b = xk / s;
        const bc = Math.min(Math.max(b, eps), 1 - eps);
        l -= ct * Math.log(bc);
        if (b >= eps && b <= 1 - eps) g = -ct / bc;
        gb += g * b;
      } else if (mode === CeMode.sklearn) {
        const b = Math.min(Math.max(xk, eps), 1 - eps) / s;
        if (ct !== 0) {
          l -= ct * Math.log(b);
          g = -ct / b;
        }
        gb += g * b;
      } else {
        if (ct !== 0) l -= ct * xk;
        g = -ct;
      }
      total += ct;
      if (grad && mode !== CeMode.logits) grad[o + k] = g;
    }
    if (out) out[r] = swr * l;
    if (grad) {
      const scale = swr * gradScale;
      for (let k = 0; k < cols; k++) {
        let g = grad[o + k]!;
        if (mode === CeMode.logits) {
          let t = labels ? (k === label ? 1 : 0) : y![o + k]!;
          if (smoothing !== 0) t = t * (1 - smoothing) + sk;
          g = (total * g) / s - (cw ? cw[k]! : 1) * t; // g held e^(z−m)
        }
        else if (mode === CeMode.keras) g = (g - gb) / s;
        else if (mode === CeMode.sklearn) {
          const xk = x[o + k]!;
          g = xk >= eps && xk <= 1 - eps ? (g - gb) / s : 0;
        }
        grad[o + k] = g * scale;
      }
    }
  }
}

/** Quadratic cost per row: sw·½‖a − y‖², gradient sw·(a − y). */
export function quadratic(a: Float64Array, y: Float64Array, sw: Float64Array | null, out: Float64Array | null,
  grad: Float64Array | null, rows: number, cols: number, gradScale: number): void {
  for (let r = 0; r < rows; r++) {
    const swr = sw ? sw[r]! : 1;
    let l = 0;
    for (let k = 0; k < cols; k++) {
      const i = r * cols + k;
      const d = a[i]! - y[i]!;
      l += d * d;
      if (grad) grad[i] = swr === 0 ? 0 : swr * d * gradScale;
    }
    if (out) out[r] = swr === 0 ? 0 : swr * 0.5 * l;
  }
}
