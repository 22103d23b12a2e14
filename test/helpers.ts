// Shared test helpers: a seeded PRNG, random inputs, result flattening, tolerances and central
// differences. Expected values in the tests come from these independent formulas, never from xent.
import { expect } from 'vitest';

/** Both backends; every test file runs its suite once per backend. */
export const backends = ['reference', 'wasm'] as const;
export type BackendName = (typeof backends)[number];

/** mulberry32: a small seeded PRNG with uniform output in [0, 1) (the library's own, shared). */
export { uniformSource as mulberry32 } from '../src/network/random.js';

/** n values uniform in [lo, hi). */
export function uniform(rng: () => number, n: number, lo: number, hi: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * rng();
  return out;
}

/** A random integer in [0, n). */
export function randInt(rng: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(rng() * n));
}

/** rows×cols values, each row a distribution with entries bounded away from 0 (≥ floor / cols-ish). */
export function distributions(rng: () => number, rows: number, cols: number): Float64Array {
  const out = uniform(rng, rows * cols, 0.2, 1);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let k = 0; k < cols; k++) s += out[r * cols + k]!;
    for (let k = 0; k < cols; k++) out[r * cols + k] = out[r * cols + k]! / s;
  }
  return out;
}

/** One-hot rows for the given labels. */
export function oneHot(labels: readonly number[], cols: number): Float64Array {
  const out = new Float64Array(labels.length * cols);
  labels.forEach((l, r) => {
    if (l >= 0 && l < cols) out[r * cols + l] = 1;
  });
  return out;
}

/** A row-major array as number[][]. */
export function nested(data: ArrayLike<number>, rows: number, cols: number): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < rows; r++) out.push(Array.from({ length: cols }, (_, k) => data[r * cols + k]!));
  return out;
}

/** Flattens any result layout (number, nested arrays, typed arrays, { data, shape }) to number[]. */
export function flat(x: unknown): number[] {
  if (typeof x === 'number') return [x];
  if (ArrayBuffer.isView(x)) return Array.from(x as unknown as ArrayLike<number>);
  if (Array.isArray(x)) return (x as unknown[]).flatMap(flat);
  if (x !== null && typeof x === 'object' && 'data' in x) return flat((x as { data: unknown }).data);
  throw new Error(`unexpected result: ${String(x)}`);
}

/** Σ of every value of a result, in index order (the function a gradient of 'none' differentiates). */
export function total(x: unknown): number {
  let s = 0;
  for (const v of flat(x)) s += v;
  return s;
}

/** |a − b| ≤ abs + rel·max(|a|, |b|); equal infinities and NaN = NaN count as close. */
export function closeTo(a: number, b: number, rel: number, abs: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= abs + rel * Math.max(Math.abs(a), Math.abs(b));
}

/** Asserts element-wise closeness of two flattened results, reporting the first bad index. */
export function expectClose(got: unknown, want: unknown, rel: number, abs: number, label = ''): void {
  const g = flat(got);
  const w = flat(want);
  expect(g.length, `${label} length`).toBe(w.length);
  for (let i = 0; i < w.length; i++) {
    if (!closeTo(g[i]!, w[i]!, rel, abs)) {
      expect.fail(`${label} [${i}]: got ${g[i]}, want ${w[i]} (rel ${rel}, abs ${abs})`);
    }
  }
}

/**
 * Central differences of f at x in float64: (f(x + h e_i) − f(x − h e_i)) / 2h with
 * h = relH·max(|x_i|, 1). f receives a fresh copy each time.
 */
export function centralDiff(f: (x: Float64Array) => number, x: Float64Array, relH = 1e-6): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const h = relH * Math.max(Math.abs(x[i]!), 1);
    const up = x.slice();
    const down = x.slice();
    up[i] = x[i]! + h;
    down[i] = x[i]! - h;
    g[i] = (f(up) - f(down)) / (up[i]! - down[i]!);
  }
  return g;
}

/** Directional derivative of f at x along d by central differences. */
export function directionalDiff(f: (x: Float64Array) => number, x: Float64Array, d: Float64Array, h = 1e-6): number {
  const up = x.map((v, i) => v + h * d[i]!);
  const down = x.map((v, i) => v - h * d[i]!);
  return (f(up) - f(down)) / (2 * h);
}

/** σ(z) in float64, written independently of xent. */
export function sigmoidRef(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Row-wise softmax in float64, written independently of xent. */
export function softmaxRef(z: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let k = 0; k < cols; k++) m = Math.max(m, z[r * cols + k]!);
    let s = 0;
    for (let k = 0; k < cols; k++) s += Math.exp(z[r * cols + k]! - m);
    for (let k = 0; k < cols; k++) out[r * cols + k] = Math.exp(z[r * cols + k]! - m) / s;
  }
  return out;
}

/** Asserts every value within rel·|want| + 1e-15 of `want` (non-finite ones exactly); a scalar `want` demands a number, called "a reduced <noun>". */
export function expectRel(got: unknown, want: number | number[], rel = 1e-12, noun: 'loss' | 'value' = 'loss'): void {
  if (typeof want === 'number') expect(typeof got, `a reduced ${noun} is a number`).toBe('number');
  const g = flat(got);
  const w = typeof want === 'number' ? [want] : want;
  expect(g.length, 'number of values').toBe(w.length);
  for (let i = 0; i < w.length; i++) {
    if (!Number.isFinite(w[i])) {
      expect(g[i], `[${i}]`).toBe(w[i]);
      continue;
    }
    const tol = rel * Math.abs(w[i]!) + 1e-15;
    expect(Math.abs(g[i]! - w[i]!), `[${i}] got ${g[i]}, want ${w[i]}`).toBeLessThanOrEqual(tol);
  }
}

/** Asserts that fn throws a TypeError or RangeError whose message matches `re` (function + argument). */
export function expectBadInput(fn: () => unknown, re: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a throw').toBeDefined();
  expect(err instanceof TypeError || err instanceof RangeError, `TypeError/RangeError, got ${String(err)}`).toBe(true);
  expect((err as Error).message).toMatch(re);
}

/** log-softmax of one row in float64: z − max(z) − log Σ exp(z − max(z)). */
export function logSoftmaxRow(z: number[]): number[] {
  const m = Math.max(...z);
  let s = 0;
  for (const v of z) s += Math.exp(v - m);
  const lse = Math.log(s);
  return z.map((v) => v - m - lse);
}

/** softmax of one row in float64, as exp(logSoftmaxRow(z)). */
export function softmaxRow(z: number[]): number[] {
  return logSoftmaxRow(z).map(Math.exp);
}

/** Labels as one-hot number[][] rows of length K (a label outside [0, K) gives a zero row). */
export function oneHotRows(labels: readonly number[], K: number): number[][] {
  return labels.map((l) => Array.from({ length: K }, (_, k) => (k === l ? 1 : 0)));
}

/**
 * Random operands of C = β·C + α·op(A)·op(B) for an m×k by k×n product: A, B and C in [−1, 1), α from
 * {1, −0.05, 2.5}, β from {0, 1, 0.99995, −0.5}; with β = 0, C is NaN (the kernel must not read it).
 */
export function gemmOperands(r: () => number, m: number, k: number, n: number) {
  const choose = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const a = Float32Array.from({ length: m * k }, () => r() * 2 - 1);
  const b = Float32Array.from({ length: k * n }, () => r() * 2 - 1);
  const c0 = Float32Array.from({ length: m * n }, () => r() * 2 - 1);
  const alpha = choose([1, -0.05, 2.5]);
  const beta = choose([0, 1, 0.99995, -0.5]);
  if (beta === 0) c0.fill(NaN);
  return { a, b, c0, alpha, beta };
}

/** The index of the first element whose bits differ, or −1. */
export function firstBitDifference(a: Float32Array, b: Float32Array): number {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return x.length === y.length ? -1 : x.length;
}

/** The float32 one ULP up (dir 1) or down (−1) from v (v positive). */
export function ulpStep(v: number, dir: 1 | -1): number {
  const f = new Float32Array([v]);
  new Int32Array(f.buffer)[0]! += dir;
  return f[0]!;
}
