// The quadratic cost ½‖a − y‖² per example (row).
import type { Backend } from '../backend/backend.js';
import { checkOptions } from '../errors.js';
import { checkFinite, checkSameShape, f64, like, parse, sum, type Input } from '../tensor.js';
import { meanScale, parseCompat, parseReduction, parseSampleWeights, reduceRows, type Reduction } from './options.js';

/** Options of quadraticCost. */
export interface QuadraticOptions {
  /** One weight per row; 'mean' is then the weighted mean Σwl/Σw. */
  weights?: number[] | Float64Array | Float32Array;
  reduction?: Reduction;
  /** Only 'xent': the libraries' mean-squared-error losses differ (no ½, mean over elements). */
  compat?: 'xent';
}

function plan(fn: string, predictions: unknown, targets: unknown, options: QuadraticOptions | undefined) {
  const o = checkOptions(fn, options, ['weights', 'reduction', 'compat']);
  parseCompat(fn, o.compat, ['xent'] as const);
  const reduction = parseReduction(fn, o.reduction);
  const p = parse(fn, 'predictions', predictions);
  const t = parse(fn, 'targets', targets);
  checkSameShape(fn, p, 'predictions', t, 'targets');
  checkFinite(fn, 'predictions', p);
  checkFinite(fn, 'targets', t);
  const sw = parseSampleWeights(fn, o.weights, p.rows);
  const scale = meanScale(fn, reduction, sw ? sum(sw) : p.rows, 'zero');
  return { p, a: f64(p), y: f64(t), sw, reduction, scale };
}

/** Quadratic cost ½‖a − y‖² per row, reduced ('mean' averages rows). */
export function quadraticCost(be: Backend, predictions: Input, targets: Input, options?: QuadraticOptions): unknown {
  const q = plan('quadraticCost', predictions, targets, options);
  const out = new Float64Array(q.p.rows);
  be.quadratic(q.a, q.y, q.sw, out, null, q.p.rows, q.p.cols, q.scale);
  return reduceRows(q, out);
}

/** The quadratic cost's value and gradient from one kernel pass. */
export function quadraticCostValueAndGrad(be: Backend, predictions: Input, targets: Input, options?: QuadraticOptions) {
  const q = plan('valueAndGrad.quadraticCost', predictions, targets, options);
  const out = new Float64Array(q.p.rows);
  const grad = new Float64Array(q.a.length);
  be.quadratic(q.a, q.y, q.sw, out, grad, q.p.rows, q.p.cols, q.scale);
  return { value: reduceRows(q, out), grad: like(q.p, grad, true) };
}

/** d quadraticCost / d predictions = (a − y)·w·scale, in the predictions' layout. */
export function quadraticCostGrad(be: Backend, predictions: Input, targets: Input, options?: QuadraticOptions): unknown {
  const q = plan('grad.quadraticCost', predictions, targets, options);
  const grad = new Float64Array(q.a.length);
  be.quadratic(q.a, q.y, q.sw, null, grad, q.p.rows, q.p.cols, q.scale);
  return like(q.p, grad, true);
}
