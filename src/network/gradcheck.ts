// Gradient check: backpropagation's gradient (the backend's training kernels, float32) against central
// finite differences of the network's cost computed here in float64 — an independent forward pass
// written for this check, the oracle, not a second backprop. On sampled parameters, since each
// difference costs two forward passes over the data.
//
// Accuracy: the float64 central difference (C(p+h) − C(p−h)) / 2h with h = 1e-5 has truncation error
// O(h²·C''') ≈ 1e-10 and rounding error ≈ 1e-16·C/h ≈ 1e-11, so the figure measures backprop's float32
// error: relative errors around 1e-6–1e-4 are float32 rounding; a wrong gradient gives 1e-2 and above.
import type { Dataset } from '../data/dataset.js';
import { checkDataset } from '../data/dataset.js';
import { checkNumber, checkOptions } from '../errors.js';
import type { Network } from './network.js';
import { uniformSource } from './random.js';

/** Options of net.gradientCheck(data, options). */
export interface GradientCheckOptions {
  /** Parameters compared (sampled without replacement; all of them when there are fewer). Default 100. */
  samples?: number;
  /** Seed of the sample. Default 1. */
  seed?: number;
}

/** One compared parameter. */
export interface GradientEntry {
  /** Index in parameters() (W_1, b_1, W_2, b_2, … row-major). */
  index: number;
  /** Layer (1 = the first after the input), weight or bias, row (neuron) and column (input; 0 for a bias). */
  layer: number;
  kind: 'weight' | 'bias';
  row: number;
  col: number;
  backprop: number;
  numeric: number;
  /** |backprop − numeric| / max(|backprop|, |numeric|, 1e-6). */
  relError: number;
}

/** What gradientCheck returns. */
export interface GradientCheckResult {
  /** The largest relative error over the sampled parameters. */
  maxRelError: number;
  /** The parameter with that error. */
  worst: GradientEntry;
  /** How many parameters were compared. */
  checked: number;
}

/** Gradients smaller than this are compared absolutely (their float32 rounding is not relative). */
const FLOOR = 1e-6;
const H = 1e-5;

/** Compares `backprop` (mean ∂C/∂params over `data`, parameters() layout) with float64 central differences. */
export function gradientCheck(net: Network, data: Dataset, options: GradientCheckOptions | undefined,
  backprop: (d: Dataset) => Float32Array): GradientCheckResult {
  const fn = 'gradientCheck';
  net.live(fn);
  const o = checkOptions(fn, options, ['samples', 'seed']);
  const samples = o.samples === undefined ? 100 : checkNumber(fn, 'samples', o.samples, { integer: true, min: 1 });
  const seed = o.seed === undefined ? 1 : checkNumber(fn, 'seed', o.seed, { integer: true, min: 0, max: 2 ** 32 - 1 });
  const K = net.sizes[net.sizes.length - 1]!;
  const d = checkDataset(fn, 'data', data, net.sizes[0], K) as Dataset;
  if (d.count === 0) throw new RangeError(`${fn}: data must hold at least one example`);
  const g = backprop(d);
  const p = Float64Array.from(net.parameters());
  const indices = sample(p.length, samples, seed);
  let worst: GradientEntry | undefined;
  for (const index of indices) {
    const keep = p[index]!;
    p[index] = keep + H;
    const plus = cost64(net, p, d);
    p[index] = keep - H;
    const minus = cost64(net, p, d);
    p[index] = keep;
    const numeric = (plus - minus) / (2 * H);
    const b = g[index]!;
    const relError = Math.abs(b - numeric) / Math.max(Math.abs(b), Math.abs(numeric), FLOOR);
    if (!worst || !(relError <= worst.relError)) worst = { index, ...locate(net.sizes, index), backprop: b, numeric, relError };
  }
  return { maxRelError: worst!.relError, worst: worst!, checked: indices.length };
}

/** `count` distinct indices of [0, n), in increasing order (all of them if count ≥ n). */
function sample(n: number, count: number, seed: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (count >= n) return all;
  const u = uniformSource(seed);
  for (let i = 0; i < count; i++) {
    const j = i + Math.min(n - i - 1, Math.floor(u() * (n - i)));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, count).sort((a, b) => a - b);
}

function locate(sizes: readonly number[], index: number): Pick<GradientEntry, 'layer' | 'kind' | 'row' | 'col'> {
  let off = 0;
  for (let l = 1; l < sizes.length; l++) {
    const nIn = sizes[l - 1]!;
    const s = sizes[l]!;
    if (index < off + s * nIn) return { layer: l, kind: 'weight', row: Math.floor((index - off) / nIn), col: (index - off) % nIn };
    off += s * nIn;
    if (index < off + s) return { layer: l, kind: 'bias', row: index - off, col: 0 };
    off += s;
  }
  throw new RangeError(`gradientCheck: parameter ${index} out of range`);
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
const HIDDEN = { sigmoid, tanh: Math.tanh, relu: (z: number) => (z > 0 ? z : 0) } as const;

/** The network's mean data cost over `d` (no regularisation) for parameters `p`, entirely in float64. */
export function cost64(net: Network, p: Float64Array, d: Dataset): number {
  const { sizes } = net;
  const L = sizes.length - 1;
  const K = sizes[L]!;
  const act = HIDDEN[net.hidden];
  const bytes = d.inputs instanceof Uint8Array;
  let total = 0;
  for (let e = 0; e < d.count; e++) {
    let a = new Float64Array(sizes[0]!);
    for (let i = 0; i < sizes[0]!; i++) a[i] = bytes ? d.inputs[e * sizes[0]! + i]! / 255 : d.inputs[e * sizes[0]! + i]!;
    let off = 0;
    let z = a;
    for (let l = 1; l <= L; l++) {
      const nIn = sizes[l - 1]!;
      const s = sizes[l]!;
      z = new Float64Array(s);
      for (let j = 0; j < s; j++) {
        let sum = p[off + s * nIn + j]!;
        for (let k = 0; k < nIn; k++) sum += p[off + j * nIn + k]! * a[k]!;
        z[j] = sum;
      }
      off += s * nIn + s;
      if (l < L) a = z.map(act);
    }
    const cold = net.output === 'tanh' ? -1 : 0; // labels are one-hot over the output's range
    const y = new Float64Array(K);
    if (d.labels instanceof Uint8Array) {
      y.fill(cold);
      y[d.labels[e]!] = 1;
    } else for (let k = 0; k < K; k++) y[k] = d.labels[e * K + k]!;
    total += exampleCost(net.output, net.cost, z, y);
  }
  return total / d.count;
}

function exampleCost(output: Network['output'], cost: Network['cost'], z: Float64Array, y: Float64Array): number {
  let c = 0;
  const bce = (logit: number, target: number) => Math.max(logit, 0) - logit * target + Math.log1p(Math.exp(-Math.abs(logit)));
  if (output === 'softmax') {
    // −Σ y_k log softmax(z)_k = Σ y_k (logsumexp(z) − z_k), with the max subtracted.
    const m = Math.max(...z);
    let s = 0;
    for (const v of z) s += Math.exp(v - m);
    const lse = m + Math.log(s);
    for (let k = 0; k < z.length; k++) c += y[k]! * (lse - z[k]!);
  } else if (cost === 'cross-entropy') {
    // sigmoid: −[y ln σ(z) + (1−y) ln(1−σ(z))] = max(z, 0) − z·y + ln(1 + e^−|z|);
    // tanh: the same of the logit 2z against (1 + y)/2, since (1 + tanh z)/2 = σ(2z).
    for (let k = 0; k < z.length; k++) c += output === 'tanh' ? bce(2 * z[k]!, (1 + y[k]!) / 2) : bce(z[k]!, y[k]!);
  } else {
    for (let k = 0; k < z.length; k++) c += 0.5 * ((output === 'tanh' ? Math.tanh(z[k]!) : sigmoid(z[k]!)) - y[k]!) ** 2;
  }
  return c;
}
