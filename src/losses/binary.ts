// Binary cross-entropy, element-wise, on probabilities or logits.
import type { Backend } from '../backend/backend.js';
import { BceMode } from '../backend/modes.js';
import { checkFlag, checkNumber, checkOptions, rangeError } from '../errors.js';
import { checkFinite, checkNonNegative, checkRange, checkSameShape, f64, like, parse, sum, type Input, type Parsed } from '../tensor.js';
import {
  KERAS_EPSILON, LOSS_COMPATS, MACHINE_EPSILON, MIN_NORMAL, meanScale, parseCompat, parseEpsilon,
  parseReduction, parseSampleWeights, parseSmoothing, parseWeightArray, type Compat, type Reduction,
} from './options.js';

/** Options of binaryCrossEntropy. */
export interface BinaryOptions {
  /** Predictions are logits (σ applied inside, stably). Default false: probabilities in [0, 1]. */
  fromLogits?: boolean;
  /** Targets become y(1 − s) + s/2 (Keras). */
  labelSmoothing?: number;
  /** xent: the floor of a probability inside a log (default 2⁻¹⁰²²); keras/sklearn: the clip (1e-7 / 2.2e-16). */
  epsilon?: number;
  /** One weight per element (the predictions' shape) or per row. */
  weights?: Input;
  /** Weight of the positive term: a number or one per column (PyTorch pos_weight). */
  posWeight?: number | number[] | Float64Array | Float32Array;
  reduction?: Reduction;
  compat?: Exclude<Compat, 'scipy'>;
}

const FN = 'binaryCrossEntropy';
const KEYS = ['fromLogits', 'labelSmoothing', 'epsilon', 'weights', 'posWeight', 'reduction', 'compat'] as const;

interface Plan {
  p: Parsed;
  a: Float64Array;
  y: Float64Array;
  w: Float64Array | null;
  pw: Float64Array | null;
  fromLogits: boolean;
  smoothing: number;
  mode: number;
  eps: number;
  reduction: Reduction;
  compat: Exclude<Compat, 'scipy'>;
  scale: number; // gradient factor of the reduction
}

function plan(fn: string, predictions: unknown, targets: unknown, options: BinaryOptions | undefined): Plan {
  const o = checkOptions(fn, options, KEYS);
  const compat = parseCompat(fn, o.compat, LOSS_COMPATS);
  const fromLogits = checkFlag(fn, 'fromLogits', o.fromLogits);
  const reduction = parseReduction(fn, o.reduction);
  const smoothing = parseSmoothing(fn, o.labelSmoothing);
  const p = parse(fn, 'predictions', predictions);
  const t = parse(fn, 'targets', targets);
  checkSameShape(fn, p, 'predictions', t, 'targets');
  // A −Infinity logit is σ = 0 exactly (loss +∞ only where its target is > 0); scikit-learn clips
  // probabilities above 1 (to 1 − ε) rather than rejecting them.
  if (fromLogits) checkFinite(fn, 'predictions', p, { negInf: true });
  else if (compat === 'sklearn') checkNonNegative(fn, 'predictions', p, "probabilities (compat 'sklearn' clips values above 1)");
  else checkRange(fn, 'predictions', p, 0, 1, 'probabilities');
  checkRange(fn, 'targets', t, 0, 1, 'targets');
  if (o.epsilon !== undefined && (fromLogits || compat === 'torch')) {
    rangeError(fn, `epsilon has no effect ${fromLogits ? 'with fromLogits' : "with compat 'torch' (logs are clamped at -100)"}`);
  }
  const eps = parseEpsilon(fn, o.epsilon, compat === 'xent' ? MIN_NORMAL : compat === 'keras' ? KERAS_EPSILON : MACHINE_EPSILON);
  const mode = compat === 'xent' ? BceMode.xent : compat === 'torch' ? BceMode.torch : BceMode.clip;
  const n = p.data.length;
  const w = parseSampleWeights(fn, o.weights === undefined ? undefined : flatWeights(fn, o.weights, p), p.rows, p.cols);
  let pw: Float64Array | null = null;
  if (o.posWeight !== undefined) {
    pw = typeof o.posWeight === 'number'
      ? Float64Array.of(checkNumber(fn, 'posWeight', o.posWeight, { min: 0 }))
      : parseWeightArray(fn, 'posWeight', o.posWeight, [p.cols], `one value per column (${p.cols})`);
    if (pw.length === 1 && p.cols !== 1) pw = new Float64Array(p.cols).fill(pw[0]!);
  }
  // What 'mean' divides by: xent and scikit-learn take the weighted mean Σwl/Σw; PyTorch and Keras
  // divide by the element count. Keras reduces each row by its mean first, so its 'sum' and 'none'
  // carry a 1/cols.
  const weighted = compat === 'xent' || compat === 'sklearn';
  const divisor = weighted && w ? sum(w) : n;
  const empty = compat === 'xent' ? 'zero' : compat === 'sklearn' ? 'throw' : 'nan';
  let scale = meanScale(fn, reduction, divisor, empty);
  if (compat === 'keras' && reduction !== 'mean' && p.cols > 0) scale = 1 / p.cols;
  return { p, a: f64(p), y: f64(t), w, pw, fromLogits, smoothing, mode, eps, reduction, compat, scale };
}

/** Weights given as a matrix must have the predictions' shape; a vector is per element or per row. */
function flatWeights(fn: string, weights: unknown, p: Parsed): unknown {
  const matrix = (Array.isArray(weights) && Array.isArray(weights[0])) || (weights !== null && typeof weights === 'object' && Object.hasOwn(weights, 'shape'));
  if (!matrix) return weights;
  const w = parse(fn, 'weights', weights);
  checkSameShape(fn, p, 'predictions', w, 'weights');
  return w.data;
}

function run(be: Backend, q: Plan, out: Float64Array | null, grad: Float64Array | null): void {
  if (q.fromLogits) be.bceLogits(q.a, q.y, q.w, q.pw, out, grad, q.p.cols, q.smoothing, q.scale);
  else be.bceProb(q.a, q.y, q.w, q.pw, out, grad, q.p.cols, q.mode, q.eps, q.smoothing, q.scale);
}

/** Binary cross-entropy −w[pw·y ln a + (1 − y) ln(1 − a)], per element, reduced. */
export function binaryCrossEntropy(be: Backend, predictions: Input, targets: Input, options?: BinaryOptions): unknown {
  const q = plan(FN, predictions, targets, options);
  const out = new Float64Array(q.a.length);
  run(be, q, out, null);
  return reduce(q, out);
}

/** The value and the gradient from one kernel pass. */
export function binaryCrossEntropyValueAndGrad(be: Backend, predictions: Input, targets: Input, options?: BinaryOptions) {
  const q = plan(`valueAndGrad.${FN}`, predictions, targets, options);
  const out = new Float64Array(q.a.length);
  const grad = new Float64Array(q.a.length);
  run(be, q, out, grad);
  return { value: reduce(q, out), grad: like(q.p, grad, true) };
}

function reduce(q: Plan, out: Float64Array): unknown {
  if (q.reduction === 'none') {
    if (q.compat !== 'keras') return like(q.p, out, false);
    const rows = new Float64Array(q.p.rows);
    for (let r = 0; r < q.p.rows; r++) rows[r] = sum(out.subarray(r * q.p.cols, (r + 1) * q.p.cols)) * q.scale;
    return q.p.kind === 'vector' ? rows[0] : q.p.kind === 'nested' ? Array.from(rows) : rows;
  }
  const s = sum(out);
  return q.reduction === 'mean' || q.compat === 'keras' ? s * q.scale : s;
}

/** d binaryCrossEntropy / d predictions (d/d logits with fromLogits), in the predictions' layout. */
export function binaryCrossEntropyGrad(be: Backend, predictions: Input, targets: Input, options?: BinaryOptions): unknown {
  const q = plan(`grad.${FN}`, predictions, targets, options);
  const grad = new Float64Array(q.a.length);
  run(be, q, null, grad);
  return like(q.p, grad, true);
}
