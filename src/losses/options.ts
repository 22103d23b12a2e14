// Options shared by the losses: compat modes, reductions, weights.
import { checkChoice, checkNumber, describe, rangeError, typeError } from '../errors.js';
import { perRow, sum, type Parsed } from '../tensor.js';

/** Whose conventions a loss follows. */
export type Compat = 'xent' | 'torch' | 'keras' | 'sklearn' | 'scipy';
/** How per-element or per-row losses are combined. */
export type Reduction = 'mean' | 'sum' | 'none';

export const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];
export const LOSS_COMPATS = ['xent', 'torch', 'keras', 'sklearn'] as const;

/** The smallest normal float64, 2⁻¹⁰²²: xent's floor for a probability inside a log (−ln = 708.396). */
export const MIN_NORMAL = 2.2250738585072014e-308;
/** Keras' backend epsilon. */
export const KERAS_EPSILON = 1e-7;
/** float64 machine epsilon, scikit-learn's default clip. */
export const MACHINE_EPSILON = 2.220446049250313e-16;

/** Parses `reduction` (default 'mean'). */
export function parseReduction(fn: string, value: unknown, allowed: readonly Reduction[] = REDUCTIONS): Reduction {
  return checkChoice(fn, 'reduction', value, allowed, 'mean');
}

/** Parses `compat` (default 'xent'). */
export function parseCompat<T extends Compat>(fn: string, value: unknown, allowed: readonly T[]): T {
  return checkChoice(fn, 'compat', value, allowed, 'xent' as T);
}

/** Parses `labelSmoothing` ∈ [0, 1] (default 0). */
export function parseSmoothing(fn: string, value: unknown): number {
  return value === undefined ? 0 : checkNumber(fn, 'labelSmoothing', value, { min: 0, max: 1 });
}

/** Parses `epsilon` ∈ (0, 0.5) with a per-compat default. */
export function parseEpsilon(fn: string, value: unknown, fallback: number): number {
  return value === undefined ? fallback : checkNumber(fn, 'epsilon', value, { min: 0, max: 0.5, minExclusive: true, maxExclusive: true });
}

/** Reads a non-negative finite number array (number[] or typed array) of an expected length set. */
export function parseWeightArray(fn: string, name: string, value: unknown, lengths: readonly number[], what: string): Float64Array {
  let data: Float64Array;
  if (typeof value === 'number') data = Float64Array.of(value);
  else if (Array.isArray(value) || value instanceof Float64Array || value instanceof Float32Array) data = Float64Array.from(value as ArrayLike<number>);
  else typeError(fn, `${name} must be a number[] or typed array, got ${describe(value)}`);
  if (Array.isArray(value) && value.some((v) => typeof v !== 'number')) typeError(fn, `${name} must contain only numbers`);
  if (!lengths.includes(data.length)) rangeError(fn, `${name} must have ${what}, got ${data.length} values`);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!(v >= 0 && v < Infinity)) rangeError(fn, `${name} must be finite and ≥ 0, got ${v} at index ${i}`);
  }
  return data;
}

/** Sample weights: one value per row (or, when `cols` is given, one per element, which it also accepts). */
export function parseSampleWeights(fn: string, value: unknown, rows: number, cols?: number): Float64Array | null {
  if (value === undefined) return null;
  const lengths = cols === undefined ? [rows] : [rows, rows * cols];
  const what = cols === undefined ? `one value per row (${rows})` : `the predictions' shape (${rows * cols} values) or one value per row (${rows})`;
  const w = parseWeightArray(fn, 'weights', value, lengths, what);
  if (cols === undefined || w.length === rows * cols) return w;
  const full = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) full.fill(w[r]!, r * cols, (r + 1) * cols);
  return full;
}

/**
 * Reduces per-element or per-row losses. `divisor` is what 'mean' divides by; when it is 0 (nothing
 * counted) the rule decides: 'zero' (xent: the mean of nothing is 0), 'nan' (PyTorch, Keras), 'throw'
 * (scikit-learn's ZeroDivisionError).
 */
export function meanScale(fn: string, reduction: Reduction, divisor: number, empty: 'zero' | 'nan' | 'throw'): number {
  if (reduction !== 'mean') return 1;
  if (divisor > 0) return 1 / divisor;
  if (empty === 'throw') rangeError(fn, 'weights sum to zero, so the weighted mean is undefined');
  return empty === 'nan' ? NaN : 0;
}

/** The reduced value of per-row losses, or the rows themselves for 'none'. */
export function reduceRows(q: { p: Parsed; reduction: Reduction; scale: number }, out: Float64Array): number | number[] | Float64Array {
  if (q.reduction === 'none') return perRow(q.p, out);
  const s = sum(out);
  return q.reduction === 'mean' ? s * q.scale : s;
}
