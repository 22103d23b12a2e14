// scikit-learn's log_loss(y_true, y_pred): the categorical cross-entropy with sklearn's argument order,
// label handling and (under compat 'sklearn') its clip-then-renormalise rule.
import type { Backend } from '../backend/backend.js';
import { CeMode } from '../backend/modes.js';
import { checkOptions, describe, rangeError, typeError } from '../errors.js';
import { checkNonNegative, checkRange, f64, like, parse, perRow, sum, type Input, type Parsed } from '../tensor.js';
import { MACHINE_EPSILON, MIN_NORMAL, meanScale, parseCompat, parseEpsilon, parseReduction, parseSampleWeights, type Reduction } from './options.js';

/** Options of logLoss. */
export interface LogLossOptions {
  /** sklearn: the clip (default float64 machine epsilon); xent: the floor inside the log (2⁻¹⁰²²). */
  epsilon?: number;
  /** One weight per sample; 'mean' is the weighted average. */
  weights?: number[] | Float64Array | Float32Array;
  /** All class labels (sorted like scikit-learn); default: the distinct values of yTrue. */
  labels?: readonly (number | string)[];
  reduction?: Reduction;
  /** 'xent' (rows must sum to 1) or 'sklearn' (clip to [ε, 1 − ε], then renormalise rows, like 1.2–1.4). */
  compat?: 'xent' | 'sklearn';
}

type Label = number | string;

function sortedClasses(fn: string, values: ArrayLike<unknown>, name: string): Label[] {
  const seen = new Set<Label>();
  let kind: 'number' | 'string' | undefined;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' && typeof v !== 'string') typeError(fn, `${name}[${i}] must be a number or string, got ${describe(v)}`);
    if (typeof v === 'number' && !Number.isFinite(v)) rangeError(fn, `${name}[${i}] must be finite, got ${v}`);
    if (kind && typeof v !== kind) typeError(fn, `${name} mixes numbers and strings`);
    kind = typeof v as 'number' | 'string';
    seen.add(v);
  }
  const classes = [...seen];
  return kind === 'number' ? (classes as number[]).sort((a, b) => a - b) : (classes as string[]).sort();
}

function plan(fn: string, yTrue: unknown, yPred: unknown, options: LogLossOptions | undefined) {
  const o = checkOptions(fn, options, ['epsilon', 'weights', 'labels', 'reduction', 'compat']);
  const compat = parseCompat(fn, o.compat, ['xent', 'sklearn'] as const);
  const reduction = parseReduction(fn, o.reduction);
  const eps = parseEpsilon(fn, o.epsilon, compat === 'sklearn' ? MACHINE_EPSILON : MIN_NORMAL);
  if (!Array.isArray(yTrue) && !(ArrayBuffer.isView(yTrue) && !(yTrue instanceof DataView))) {
    typeError(fn, `yTrue must be an array of labels, got ${describe(yTrue)}`);
  }
  const truth = yTrue as ArrayLike<unknown>;
  const classes = o.labels !== undefined
    ? sortedClasses(fn, Array.isArray(o.labels) ? o.labels : typeError(fn, 'labels must be an array'), 'labels')
    : sortedClasses(fn, truth, 'yTrue');
  if (classes.length < 2) {
    rangeError(fn, `yTrue contains only one label (${String(classes[0])}); pass all class labels with the labels option`);
  }
  const p = parse(fn, 'yPred', yPred);
  if (p.kind !== 'vector' && p.rows !== truth.length) rangeError(fn, `yPred has ${p.rows} rows but yTrue has ${truth.length} labels`);
  if (p.kind === 'vector' && p.cols !== truth.length) rangeError(fn, `yPred has ${p.cols} values but yTrue has ${truth.length} labels`);
  if (compat === 'sklearn') checkNonNegative(fn, 'yPred', p, "probabilities (compat 'sklearn' clips values above 1)");
  else checkRange(fn, 'yPred', p, 0, 1, 'probabilities');
  // A 1-D yPred, or a single column, is P(larger label): expand to [1 − p, p]. scikit-learn clips p to
  // [ε, 1 − ε] first and forms 1 − clip(p) from the clipped value (which is not clipped again), so
  // the kernel then only renormalises (its clip at the smallest normal is a no-op on these values).
  const binary = p.kind === 'vector' || p.cols === 1;
  const rows = truth.length;
  const K = classes.length;
  if (binary && K !== 2) rangeError(fn, `yPred gives one probability per sample, which needs exactly 2 labels, got ${K}`);
  if (!binary && p.cols !== K) rangeError(fn, `yPred has ${p.cols} columns but there are ${K} labels (${classes.join(', ')})`);
  let x = f64(p);
  let kernelEps = eps;
  if (binary) {
    const clip = compat === 'sklearn' ? (v: number) => Math.min(Math.max(v, eps), 1 - eps) : (v: number) => v;
    const two = new Float64Array(rows * 2);
    for (let r = 0; r < rows; r++) {
      const c = clip(x[r]!);
      two[2 * r] = 1 - c;
      two[2 * r + 1] = c;
    }
    x = two;
    if (compat === 'sklearn') kernelEps = MIN_NORMAL;
  }
  if (compat === 'xent') {
    for (let r = 0; r < rows; r++) {
      const s = sum(x.subarray(r * K, (r + 1) * K));
      if (Math.abs(s - 1) > 1e-6) rangeError(fn, `yPred row ${r} sums to ${s}, not 1 (compat 'sklearn' renormalises)`);
    }
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const k = index.get(truth[r] as Label);
    if (k === undefined) rangeError(fn, `yTrue[${r}] = ${JSON.stringify(truth[r])} is not one of the labels (${classes.map((c) => JSON.stringify(c)).join(', ')})`);
    labels[r] = k;
  }
  const sw = parseSampleWeights(fn, o.weights, rows);
  const scale = meanScale(fn, reduction, sw ? sum(sw) : rows, compat === 'sklearn' ? 'throw' : 'zero');
  const mode = compat === 'sklearn' ? CeMode.sklearn : CeMode.xent;
  return { p, x, labels, sw, rows, K, binary, eps: kernelEps, clipEps: compat === 'sklearn' ? eps : 0, mode, reduction, scale };
}

/** Log loss with scikit-learn's argument order: mean of −log q(true label), sample-weighted. */
export function logLoss(be: Backend, yTrue: readonly Label[] | ArrayLike<number>, yPred: Input, options?: LogLossOptions): unknown {
  const q = plan('logLoss', yTrue, yPred, options);
  const out = new Float64Array(q.rows);
  be.cce(q.x, null, q.labels, null, q.sw, out, null, q.rows, q.K, -1, q.mode, q.eps, 0, q.scale);
  return valueLayout(q, out);
}

/** d logLoss / d yPred, in yPred's layout (for a 1-D yPred: d/d P(larger label)). */
export function logLossGrad(be: Backend, yTrue: readonly Label[] | ArrayLike<number>, yPred: Input, options?: LogLossOptions): unknown {
  const q = plan('grad.logLoss', yTrue, yPred, options);
  const grad = new Float64Array(q.x.length);
  be.cce(q.x, null, q.labels, null, q.sw, null, grad, q.rows, q.K, -1, q.mode, q.eps, 0, q.scale);
  return gradLayout(q, grad);
}

/** logLoss's value and gradient from one kernel pass. */
export function logLossValueAndGrad(be: Backend, yTrue: readonly Label[] | ArrayLike<number>, yPred: Input, options?: LogLossOptions) {
  const q = plan('valueAndGrad.logLoss', yTrue, yPred, options);
  const out = new Float64Array(q.rows);
  const grad = new Float64Array(q.x.length);
  be.cce(q.x, null, q.labels, null, q.sw, out, grad, q.rows, q.K, -1, q.mode, q.eps, 0, q.scale);
  return { value: valueLayout(q, out), grad: gradLayout(q, grad) };
}

function valueLayout(q: ReturnType<typeof plan>, out: Float64Array): unknown {
  if (q.reduction === 'none') return perRow({ ...q.p, kind: q.p.kind === 'vector' ? 'nested' : q.p.kind } as Parsed, out);
  const s = sum(out);
  return q.reduction === 'mean' ? s * q.scale : s;
}

/**
 * The gradient in yPred's layout: a 1-D yPred gets d/d P(larger label) = g₁ − g₀ (0 where scikit-learn's
 * clip held p at ε or 1 − ε).
 */
function gradLayout(q: ReturnType<typeof plan>, grad: Float64Array): unknown {
  if (!q.binary) return like(q.p, grad, true);
  const folded = new Float64Array(q.rows);
  const pred = q.p.data;
  const e = q.clipEps;
  for (let r = 0; r < q.rows; r++) {
    const clipped = e > 0 && !(pred[r]! >= e && pred[r]! <= 1 - e);
    folded[r] = clipped ? 0 : grad[2 * r + 1]! - grad[2 * r]!;
  }
  return like(q.p, folded, true);
}
