// Information theory on distributions: entropy, cross-entropy, KL divergence, perplexity, in any base.
import type { Backend } from './backend/backend.js';
import { CrossKind } from './backend/modes.js';
import { checkFlag, checkNumber, checkOptions, describe, isPacked, rangeError, typeError } from './errors.js';
import { at, checkFinite, checkSameShape, f64, like, parse, perRow, type Input, type Parsed } from './tensor.js';

/** Options of the information measures. */
export interface InfoOptions {
  /** Logarithm base: e (default, nats), 2 (bits), any b > 0, b ≠ 1. */
  base?: number;
  /** Divide each distribution by its sum first. Default: false ('xent'), true ('scipy'). */
  normalize?: boolean;
  /** 'xent': inputs must be distributions (sum 1 ± 1e-6) unless normalize; 'scipy': scipy.stats.entropy. */
  compat?: 'xent' | 'scipy';
}

const KEYS = ['base', 'normalize', 'compat'] as const;
const SUM_TOLERANCE = 1e-6;

interface Dist {
  p: Parsed;
  data: Float64Array; // normalised when asked
  sums: Float64Array | null; // row sums when normalised (for the gradient)
}

function options(fn: string, o: InfoOptions | undefined) {
  const opts = checkOptions(fn, o, KEYS);
  const compat = opts.compat === undefined ? 'xent' : opts.compat;
  if (compat !== 'xent' && compat !== 'scipy') rangeError(fn, `compat must be 'xent' or 'scipy', got ${JSON.stringify(compat)}`);
  const normalize = opts.normalize === undefined ? compat === 'scipy' : checkFlag(fn, 'normalize', opts.normalize);
  const base = opts.base === undefined ? Math.E : checkNumber(fn, 'base', opts.base, { min: 0, minExclusive: true });
  if (base === 1) rangeError(fn, 'base must not be 1');
  return { compat, normalize, lnBase: Math.log(base) };
}

function distribution(fn: string, name: string, x: unknown, normalize: boolean, strict: boolean): Dist {
  const p = parse(fn, name, x);
  checkFinite(fn, name, p);
  const src = f64(p);
  for (let i = 0; i < src.length; i++) {
    if (src[i]! < 0) rangeError(fn, `${name} must not be negative, got ${src[i]} at ${at(p, i)}`);
  }
  if (!normalize && !strict) return { p, data: src, sums: null };
  const sums = new Float64Array(p.rows);
  for (let r = 0; r < p.rows; r++) {
    let s = 0;
    for (let k = 0; k < p.cols; k++) s += src[r * p.cols + k]!;
    sums[r] = s;
    const row = p.kind === 'vector' ? '' : ` row ${r}`;
    if (normalize && !(s > 0)) rangeError(fn, `${name}${row} sums to 0 and cannot be normalised`);
    if (!normalize && Math.abs(s - 1) > SUM_TOLERANCE) {
      rangeError(fn, `${name}${row} must sum to 1 (got ${s}); pass { normalize: true } to normalise`);
    }
  }
  if (!normalize) return { p, data: src, sums: null };
  const data = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) data[i] = src[i]! / sums[Math.floor(i / p.cols)]!;
  return { p, data, sums };
}

/** Chain rule through x = v / Σv: ∂f/∂v_j = (g_j − Σ_k g_k x_k) / Σv, row by row, in place. */
function throughNormalization(g: Float64Array, d: Dist): void {
  if (!d.sums) return;
  const { rows, cols } = d.p;
  for (let r = 0; r < rows; r++) {
    let gx = 0;
    for (let k = 0; k < cols; k++) {
      const gk = g[r * cols + k]!;
      if (d.data[r * cols + k]! > 0) gx += gk * d.data[r * cols + k]!;
    }
    for (let k = 0; k < cols; k++) g[r * cols + k] = (g[r * cols + k]! - gx) / d.sums[r]!;
  }
}

function scaled(values: Float64Array, lnBase: number): Float64Array {
  if (lnBase !== 1) for (let i = 0; i < values.length; i++) values[i] = values[i]! / lnBase;
  return values;
}

/** H(p) = −Σ p log p (per row for a batch). */
export function entropy(be: Backend, p: Input, opts?: InfoOptions): number | number[] | Float64Array {
  const { out, dp, lnBase } = entropyRowsOf(be, 'entropy', p, opts);
  return perRow(dp.p, scaled(out, lnBase));
}

/** ∂H/∂p (of the sum over rows for a batch), in p's layout. */
export function entropyGrad(be: Backend, p: Input, opts?: InfoOptions): unknown {
  const fn = 'grad.entropy';
  const o = options(fn, opts);
  const d = distribution(fn, 'p', p, o.normalize, o.compat === 'xent');
  const g = new Float64Array(d.data.length);
  be.entropyRows(d.data, null, g, d.p.rows, d.p.cols);
  throughNormalization(g, d);
  return like(d.p, scaled(g, o.lnBase), true);
}

function pair(fn: string, p: unknown, q: unknown, opts: InfoOptions | undefined) {
  const o = options(fn, opts);
  const strict = o.compat === 'xent';
  const dp = distribution(fn, 'p', p, o.normalize, strict);
  const dq = distribution(fn, 'q', q, o.normalize, strict);
  checkSameShape(fn, dp.p, 'p', dq.p, 'q');
  return { o, dp, dq };
}

function crossValue(be: Backend, fn: string, kind: number, p: Input, q: Input, opts?: InfoOptions) {
  const { o, dp, dq } = pair(fn, p, q, opts);
  const out = new Float64Array(dp.p.rows);
  be.crossRows(dp.data, dq.data, out, null, dp.p.rows, dp.p.cols, kind);
  return { out: scaled(out, o.lnBase), dp };
}

function crossGrad(be: Backend, fn: string, kind: number, p: Input, q: Input, opts?: InfoOptions): unknown {
  const { o, dp, dq } = pair(fn, p, q, opts);
  const g = new Float64Array(dq.data.length);
  be.crossRows(dp.data, dq.data, null, g, dp.p.rows, dp.p.cols, kind);
  throughNormalization(g, dq);
  return like(dq.p, scaled(g, o.lnBase), true);
}

/** H(p, q) = −Σ p log q (per row for a batch); +∞ where p > 0 and q = 0. */
export function crossEntropy(be: Backend, p: Input, q: Input, opts?: InfoOptions): number | number[] | Float64Array {
  const { out, dp } = crossValue(be, 'crossEntropy', CrossKind.crossEntropy, p, q, opts);
  return perRow(dp.p, out);
}

/** ∂H(p, q)/∂q, in q's layout. */
export function crossEntropyGrad(be: Backend, p: Input, q: Input, opts?: InfoOptions): unknown {
  return crossGrad(be, 'grad.crossEntropy', CrossKind.crossEntropy, p, q, opts);
}

/** D(p‖q) = Σ p log(p/q) (per row for a batch). */
export function klDivergence(be: Backend, p: Input, q: Input, opts?: InfoOptions): number | number[] | Float64Array {
  const { out, dp } = crossValue(be, 'klDivergence', CrossKind.kl, p, q, opts);
  return perRow(dp.p, out);
}

/** ∂D(p‖q)/∂q, in q's layout. */
export function klDivergenceGrad(be: Backend, p: Input, q: Input, opts?: InfoOptions): unknown {
  return crossGrad(be, 'grad.klDivergence', CrossKind.kl, p, q, opts);
}

/**
 * Perplexity e^H(p, q) (or e^H(p) without q), the same in every base; per row for a batch. Two forms:
 * perplexity(p, q?, options?) and perplexity(p, options); an options object in q's place with a third
 * argument as well is ambiguous and a TypeError.
 */
export function perplexity(be: Backend, p: Input, q?: Input | InfoOptions, opts?: InfoOptions): number | number[] | Float64Array {
  const fn = 'perplexity';
  if (q !== undefined && !isInput(q)) {
    if (opts !== undefined) typeError(fn, `q must be a distribution when options are passed as the third argument, got ${describe(q)}`);
    return perplexity(be, p, undefined, q as InfoOptions);
  }
  options(fn, opts); // validates every option, base included, though the result does not depend on it
  const natural = { ...opts, base: Math.E };
  const h = q === undefined ? entropyRowsOf(be, fn, p, natural) : crossValue(be, fn, CrossKind.crossEntropy, p, q as Input, natural);
  const out = h.out.map(Math.exp);
  return perRow(h.dp.p, out);
}

function entropyRowsOf(be: Backend, fn: string, p: Input, opts: InfoOptions | undefined) {
  const o = options(fn, opts);
  const dp = distribution(fn, 'p', p, o.normalize, o.compat === 'xent');
  const out = new Float64Array(dp.p.rows);
  be.entropyRows(dp.data, out, null, dp.p.rows, dp.p.cols);
  return { out, dp, lnBase: o.lnBase };
}

function isInput(x: unknown): boolean {
  return Array.isArray(x) || ArrayBuffer.isView(x) || isPacked(x);
}
