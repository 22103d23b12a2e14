// Categorical cross-entropy (dense one-hot or soft targets) and its sparse twin (integer labels).
import type { Backend } from '../backend/backend.js';
import { CeMode } from '../backend/modes.js';
import { checkFlag, checkNumber, checkOptions, describe, rangeError, typeError } from '../errors.js';
import { checkFinite, checkNonNegative, checkRange, checkSameShape, checkSomeFinitePerRow, f64, like, parse, sum, type Input, type Parsed } from '../tensor.js';
import {
  KERAS_EPSILON, LOSS_COMPATS, MACHINE_EPSILON, MIN_NORMAL, meanScale, parseCompat, parseEpsilon,
  parseReduction, parseSampleWeights, parseSmoothing, parseWeightArray, reduceRows, type Compat, type Reduction,
} from './options.js';

/** Options of categoricalCrossEntropy. */
export interface CategoricalOptions {
  /** Rows are logits: log-softmax inside, stably. */
  fromLogits?: boolean;
  /** Rows are log-probabilities, used as given (PyTorch NLLLoss). */
  fromLogProbs?: boolean;
  /** Targets become y(1 − s) + s/K (Keras and PyTorch). */
  labelSmoothing?: number;
  /** xent: the floor of a probability inside a log (default 2⁻¹⁰²²); keras/sklearn: the clip. */
  epsilon?: number;
  /** One weight per row (sample). */
  weights?: number[] | Float64Array | Float32Array;
  /** One weight per class. */
  classWeights?: number[] | Float64Array | Float32Array;
  reduction?: Reduction;
  compat?: Exclude<Compat, 'scipy'>;
}

/** Options of sparseCategoricalCrossEntropy. */
export interface SparseOptions extends CategoricalOptions {
  /** Rows with this label are dropped from the sum and from the mean's denominator (torch: -100). */
  ignoreIndex?: number;
}

/** Integer class labels: one per row (a single number for a 1-D prediction). */
export type Labels = number | number[] | Int32Array | Uint8Array | Uint16Array | Uint32Array | Float64Array | Float32Array;

const KEYS = ['fromLogits', 'fromLogProbs', 'labelSmoothing', 'epsilon', 'weights', 'classWeights', 'reduction', 'compat'] as const;
const NO_IGNORE = -2147483648; // passed to the kernel when nothing is ignored; parseLabels rejects it as a label

/** What the front end hands the cce kernel. */
export interface CePlan {
  p: Parsed;
  x: Float64Array;
  y: Float64Array | null;
  labels: Int32Array | null;
  cw: Float64Array | null;
  sw: Float64Array | null;
  ignoreIndex: number;
  mode: number;
  eps: number;
  smoothing: number;
  reduction: Reduction;
  scale: number;
}

interface Common {
  compat: Exclude<Compat, 'scipy'>;
  mode: number;
  eps: number;
  smoothing: number;
  reduction: Reduction;
  cw: Float64Array | null;
  sw: Float64Array | null;
  p: Parsed;
}

function common(fn: string, o: SparseOptions, predictions: unknown): Common {
  const compat = parseCompat(fn, o.compat, LOSS_COMPATS);
  const fromLogits = checkFlag(fn, 'fromLogits', o.fromLogits);
  const fromLogProbs = checkFlag(fn, 'fromLogProbs', o.fromLogProbs);
  if (fromLogits && fromLogProbs) rangeError(fn, 'fromLogits and fromLogProbs cannot both be true');
  const reduction = parseReduction(fn, o.reduction);
  const smoothing = parseSmoothing(fn, o.labelSmoothing);
  const p = parse(fn, 'predictions', predictions);
  if (p.cols === 0) rangeError(fn, 'predictions must have at least one class (column)');
  let mode: number;
  if (fromLogits) {
    // A −Infinity logit is a masked class: probability 0 (the loss is +∞ only if the target puts weight on it).
    checkFinite(fn, 'predictions', p, { negInf: true });
    checkSomeFinitePerRow(fn, 'predictions', p, 'softmax');
    mode = CeMode.logits;
  } else if (fromLogProbs) {
    checkFinite(fn, 'predictions', p, { negInf: true });
    mode = CeMode.logProbs;
  } else {
    // Keras divides each row by its sum (so [2, 1, 1] is [0.5, 0.25, 0.25]); scikit-learn clips to
    // [ε, 1 − ε] first (values above 1 included). Both need non-negative values; the others [0, 1].
    if (compat === 'keras') checkNonNegative(fn, 'predictions', p, "probabilities (compat 'keras' renormalises each row)");
    else if (compat === 'sklearn') checkNonNegative(fn, 'predictions', p, "probabilities (compat 'sklearn' clips values above 1)");
    else checkRange(fn, 'predictions', p, 0, 1, 'probabilities');
    mode = { xent: CeMode.xent, torch: CeMode.raw, keras: CeMode.keras, sklearn: CeMode.sklearn }[compat];
    if (compat === 'keras') {
      const x = f64(p);
      for (let r = 0; r < p.rows; r++) {
        const s = sum(x.subarray(r * p.cols, (r + 1) * p.cols));
        if (!(s > 0 && s < Infinity)) rangeError(fn, `predictions row ${r} sums to ${s}, which Keras cannot renormalise`);
      }
    }
  }
  const clipping = mode === CeMode.xent || mode === CeMode.keras || mode === CeMode.sklearn;
  if (o.epsilon !== undefined && !clipping) rangeError(fn, `epsilon has no effect here (${fromLogits ? 'fromLogits' : fromLogProbs ? 'fromLogProbs' : "compat 'torch'"})`);
  const eps = parseEpsilon(fn, o.epsilon, compat === 'keras' ? KERAS_EPSILON : compat === 'sklearn' ? MACHINE_EPSILON : MIN_NORMAL);
  const sw = parseSampleWeights(fn, o.weights, p.rows);
  const cw = o.classWeights === undefined ? null : parseWeightArray(fn, 'classWeights', o.classWeights, [p.cols], `one value per class (${p.cols})`);
  return { compat, mode, eps, smoothing, reduction, cw, sw, p };
}

function emptyRule(compat: Compat): 'zero' | 'nan' | 'throw' {
  return compat === 'xent' ? 'zero' : compat === 'sklearn' ? 'throw' : 'nan';
}

/** Plans a dense-target categorical cross-entropy. */
function planCategorical(fn: string, predictions: unknown, targets: unknown, options: CategoricalOptions | undefined): CePlan {
  const o = checkOptions(fn, options, KEYS);
  const c = common(fn, o, predictions);
  const t = parse(fn, 'targets', targets);
  checkSameShape(fn, c.p, 'predictions', t, 'targets');
  checkRange(fn, 'targets', t, 0, 1, 'target probabilities');
  const y = f64(t);
  // 'mean' divides by: xent, the total weight Σ_r sw_r·Σ_k cw_k·y_rk (PyTorch's rule for class weights,
  // extended to soft targets); PyTorch's probability-target path and Keras, the row count;
  // scikit-learn, the sample weights' sum.
  const { rows, cols } = c.p;
  let divisor = rows;
  if (c.compat === 'xent' && (c.cw || c.sw)) {
    divisor = 0;
    for (let r = 0; r < rows; r++) {
      let wr = 1;
      if (c.cw) {
        wr = 0;
        for (let k = 0; k < cols; k++) wr += c.cw[k]! * y[r * cols + k]!;
      }
      divisor += (c.sw ? c.sw[r]! : 1) * wr;
    }
  } else if (c.compat === 'sklearn' && c.sw) divisor = sum(c.sw);
  const scale = meanScale(fn, c.reduction, divisor, emptyRule(c.compat));
  return { ...c, x: f64(c.p), y, labels: null, ignoreIndex: NO_IGNORE, scale };
}

/** Reads integer labels, one per row, each in [0, K) or equal to ignoreIndex (when one is given). */
function parseLabels(fn: string, value: unknown, rows: number, classes: number, ignoreIndex: number | undefined): Int32Array {
  let src: ArrayLike<unknown>;
  if (typeof value === 'number') src = [value];
  else if (Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))) src = value as ArrayLike<unknown>;
  else typeError(fn, `labels must be an array of integers, got ${describe(value)}`);
  if (src.length !== rows) rangeError(fn, `labels must have one value per row (${rows}), got ${src.length}`);
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = src[i];
    if (typeof v !== 'number' || !Number.isInteger(v)) typeError(fn, `labels[${i}] must be an integer, got ${describe(v)}`);
    if (v !== ignoreIndex && (v < 0 || v >= classes)) rangeError(fn, `labels[${i}] = ${v} is out of range [0, ${classes})`);
    labels[i] = v;
  }
  return labels;
}

/** Plans a sparse (integer label) categorical cross-entropy. */
function planSparse(fn: string, predictions: unknown, labels: unknown, options: SparseOptions | undefined): CePlan {
  const o = checkOptions(fn, options, [...KEYS, 'ignoreIndex']);
  const c = common(fn, o, predictions);
  const given = o.ignoreIndex !== undefined
    ? checkNumber(fn, 'ignoreIndex', o.ignoreIndex, { integer: true, min: -(2 ** 31) + 1, max: 2 ** 31 - 1 })
    : c.compat === 'torch' ? -100 : undefined;
  const ignoreIndex = given ?? NO_IGNORE;
  const l = parseLabels(fn, labels, c.p.rows, c.p.cols, given);
  // 'mean' divides by the weight of the rows kept: Σ sw·cw[y] (xent and PyTorch), their count (Keras'
  // ignore_class mask), Σ sw (scikit-learn).
  let divisor = 0;
  for (let r = 0; r < l.length; r++) {
    if (l[r] === ignoreIndex) continue;
    const s = c.sw ? c.sw[r]! : 1;
    const k = c.cw ? c.cw[l[r]!]! : 1;
    divisor += c.compat === 'keras' ? 1 : c.compat === 'sklearn' ? s : s * k;
  }
  const scale = meanScale(fn, c.reduction, divisor, emptyRule(c.compat));
  return { ...c, x: f64(c.p), y: null, labels: l, ignoreIndex, scale };
}

/** Runs a planned cross-entropy: per-row values and/or the gradient (row-major), as asked. */
function runCe(be: Backend, q: CePlan, value: boolean, gradient: boolean) {
  const out = value ? new Float64Array(q.p.rows) : null;
  const grad = gradient ? new Float64Array(q.x.length) : null;
  be.cce(q.x, q.y, q.labels, q.cw, q.sw, out, grad, q.p.rows, q.p.cols, q.ignoreIndex, q.mode, q.eps, q.smoothing, q.scale);
  return { out: out!, grad: grad! };
}

/** Runs a planned cross-entropy: the reduced value, or per-row values for 'none'. */
function runValue(be: Backend, q: CePlan): number | number[] | Float64Array {
  return reduceRows(q, runCe(be, q, true, false).out);
}

/** Runs a planned cross-entropy's gradient (row-major, Float64). */
function runGrad(be: Backend, q: CePlan): Float64Array {
  return runCe(be, q, false, true).grad;
}

/** Runs a planned cross-entropy's value and gradient in one kernel pass. */
function runBoth(be: Backend, q: CePlan) {
  const { out, grad } = runCe(be, q, true, true);
  return { value: reduceRows(q, out), grad };
}

/** Categorical cross-entropy −Σ_k c_k y_k log q_k per row, reduced. */
export function categoricalCrossEntropy(be: Backend, predictions: Input, targets: Input, options?: CategoricalOptions): unknown {
  return runValue(be, planCategorical('categoricalCrossEntropy', predictions, targets, options));
}

/** d categoricalCrossEntropy / d predictions, in the predictions' layout. */
export function categoricalCrossEntropyGrad(be: Backend, predictions: Input, targets: Input, options?: CategoricalOptions): unknown {
  const q = planCategorical('grad.categoricalCrossEntropy', predictions, targets, options);
  return like(q.p, runGrad(be, q), true);
}

/** Categorical cross-entropy's value and gradient from one kernel pass. */
export function categoricalCrossEntropyValueAndGrad(be: Backend, predictions: Input, targets: Input, options?: CategoricalOptions) {
  const q = planCategorical('valueAndGrad.categoricalCrossEntropy', predictions, targets, options);
  const { value, grad } = runBoth(be, q);
  return { value, grad: like(q.p, grad, true) };
}

/** Sparse categorical cross-entropy's value and gradient from one kernel pass. */
export function sparseCategoricalCrossEntropyValueAndGrad(be: Backend, predictions: Input, labels: Labels, options?: SparseOptions) {
  const q = planSparse('valueAndGrad.sparseCategoricalCrossEntropy', predictions, labels, options);
  const { value, grad } = runBoth(be, q);
  return { value, grad: like(q.p, grad, true) };
}

/** Sparse categorical cross-entropy on integer labels, reduced. */
export function sparseCategoricalCrossEntropy(be: Backend, predictions: Input, labels: Labels, options?: SparseOptions): unknown {
  return runValue(be, planSparse('sparseCategoricalCrossEntropy', predictions, labels, options));
}

/** d sparseCategoricalCrossEntropy / d predictions, in the predictions' layout. */
export function sparseCategoricalCrossEntropyGrad(be: Backend, predictions: Input, labels: Labels, options?: SparseOptions): unknown {
  const q = planSparse('grad.sparseCategoricalCrossEntropy', predictions, labels, options);
  return like(q.p, runGrad(be, q), true);
}
