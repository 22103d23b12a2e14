// Accuracy and cost of a network on a dataset, from the output pre-activations z_L. Costs use the exact
// loss kernels in float64 (cross-entropy from logits, log-likelihood by log-softmax), plus network2.py's
// regularisation term.
import { CeMode } from '../backend/modes.js';
import type { Dataset } from '../data/dataset.js';
import type { Network } from './network.js';

/** What an evaluation of one dataset gives. */
export interface Evaluation {
  /** Fraction of examples whose largest output is the true class. */
  accuracy: number;
  /** Mean cost per example, plus the regularisation term. */
  cost: number;
}

/** The index of the largest value of each row. */
function argmaxRows(z: Float32Array, rows: number, cols: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let k = 1; k < cols; k++) if (z[r * cols + k]! > z[r * cols + best]!) best = k;
    out[r] = best;
  }
  return out;
}

/** True class of each example: the label, or the largest target. */
export function classes(data: Dataset, outputs: number): Int32Array {
  if (data.labels instanceof Uint8Array) return Int32Array.from(data.labels);
  return argmaxRows(data.labels, data.count, outputs);
}

/** Fraction of correct predictions given z_L. */
export function accuracyOf(z: Float32Array, truth: Int32Array, outputs: number): number {
  if (truth.length === 0) return 0;
  const guess = argmaxRows(z, truth.length, outputs);
  let right = 0;
  for (let i = 0; i < guess.length; i++) if (guess[i] === truth[i]) right++;
  return right / truth.length;
}

/** The regularisation term network2.py adds: (λ/2n)Σw² for L2, (λ/n)Σ|w| for L1. */
export function penalty(net: Network, lambda: number, regularization: 'l2' | 'l1', n: number): number {
  if (lambda === 0 || n === 0) return 0;
  const p = net.parameters();
  let s = 0;
  let off = 0;
  for (let l = 1; l < net.sizes.length; l++) {
    const count = net.sizes[l]! * net.sizes[l - 1]!;
    for (let i = off; i < off + count; i++) s += regularization === 'l2' ? p[i]! * p[i]! : Math.abs(p[i]!);
    off += count + net.sizes[l]!;
  }
  return regularization === 'l2' ? (0.5 * lambda * s) / n : (lambda * s) / n;
}

/** Mean data cost per example (without regularisation) given z_L. */
export function costOf(net: Network, z: Float32Array, data: Dataset): number {
  const be = net.backend;
  const K = net.sizes[net.sizes.length - 1]!;
  const n = data.count;
  if (n === 0) return 0;
  const z64 = Float64Array.from(z);
  const out = new Float64Array(net.cost === 'log-likelihood' ? n : n * K);
  if (net.cost === 'log-likelihood') {
    if (data.labels instanceof Uint8Array) be.cce(z64, null, classes(data, K), null, null, out, null, n, K, -1, CeMode.logits, 0, 0, 1);
    else be.cce(z64, Float64Array.from(data.labels), null, null, null, out, null, n, K, -1, CeMode.logits, 0, 0, 1);
  } else {
    const y = new Float64Array(n * K);
    if (data.labels instanceof Uint8Array) for (let i = 0; i < n; i++) y[i * K + data.labels[i]!] = 1;
    else y.set(data.labels);
    if (net.cost === 'cross-entropy') be.bceLogits(z64, y, null, null, out, null, K, 0, 1);
    else {
      const a = new Float64Array(n * K);
      be.sigmoid(z64, a);
      be.quadratic(a, y, null, out.subarray(0, n), null, n, K, 1);
      out.fill(0, n);
    }
  }
  let s = 0;
  for (let i = 0; i < out.length; i++) s += out[i]!;
  return s / n;
}
