// Accuracy and cost of a network on a dataset, from the output pre-activations z_L. Costs use the exact
// loss kernels in float64 (cross-entropy from logits, log-likelihood by log-softmax), plus network2.py's
// regularisation term.
import type { Dataset } from '../data/dataset.js';
import type { Network } from './network.js';
import { OUTPUTS } from './outputs.js';

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

/** The training objective's changes to the targets: class weights (one per output) and label smoothing. */
export interface Objective {
  classWeights: Float64Array | null;
  smoothing: number;
}

/** Dense f64 targets of a dataset for `net`'s output layer: the label's row (1, and cold elsewhere) or the targets. */
export function denseTargets(net: Network, data: Dataset): Float64Array {
  const K = net.sizes[net.sizes.length - 1]!;
  if (!(data.labels instanceof Uint8Array)) return Float64Array.from(data.labels);
  const y = new Float64Array(data.count * K).fill(OUTPUTS[net.output].cold);
  for (let i = 0; i < data.count; i++) y[i * K + data.labels[i]!] = 1;
  return y;
}

/**
 * Mean data cost per example (without regularisation) given z_L, from the output layer's table. With an
 * objective: (1/n)·Σ_x w_x·C_x on the smoothed targets, w_x = w[label], or Σ_k w_k·(y_k − cold)/(1 − cold)
 * for dense targets — what training minimises (the kernels' output error is its gradient).
 */
export function costOf(net: Network, z: Float32Array, data: Dataset, objective?: Objective): number {
  const K = net.sizes[net.sizes.length - 1]!;
  const n = data.count;
  if (n === 0) return 0;
  const layer = OUTPUTS[net.output];
  const y = denseTargets(net, data);
  let weights: Float64Array | null = null;
  if (objective?.classWeights) {
    const cw = objective.classWeights;
    weights = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (data.labels instanceof Uint8Array) weights[i] = cw[data.labels[i]!]!;
      else for (let k = 0; k < K; k++) weights[i] = weights[i]! + (cw[k]! * (y[i * K + k]! - layer.cold)) / (1 - layer.cold);
    }
  }
  const s = objective?.smoothing ?? 0;
  if (s > 0) {
    const c = layer.smoothOffset(s, K);
    for (let i = 0; i < y.length; i++) y[i] = y[i]! * (1 - s) + c;
  }
  const { out, perRow } = layer.cost(net.backend, net.cost, Float64Array.from(z), y, n, K);
  let sum = 0;
  if (weights) for (let i = 0; i < out.length; i++) sum += weights[Math.floor(i / perRow)]! * out[i]!;
  else for (let i = 0; i < out.length; i++) sum += out[i]!;
  return sum / n;
}
