// WASM vs reference: every public function on ≥ 1,000 random cases, awkward sizes (1, 3, 7, 17, 1000
// classes), logits up to ±1e4, probabilities exactly 0 and 1. The two backends share the front end, so
// any difference is kernel arithmetic; the tolerances below state how much of it we accept.
import { beforeAll, describe, expect, it } from 'vitest';
import { createXent, type Xent } from '../src/index.js';
import { createWasmBackend } from '../src/backend/wasm.js';
import { createReferenceBackend } from '../src/backend/reference/index.js';
import { gemmOperands, mulberry32 as rng } from './helpers.js';

type Rng = () => number;

const CASES = 1000;
const SIZES = [1, 3, 7, 17, 4, 10];

/** Tolerances: float64 kernels agree to ~1e-12 relative; float32 activations to f32 rounding. */
const F64 = { rel: 1e-12, abs: 1e-13 };
const F32 = { rel: 2e-5, abs: 2e-6 };

function flatten(x: unknown): number[] {
  if (typeof x === 'number') return [x];
  if (Array.isArray(x)) return x.flatMap(flatten);
  if (x instanceof Float32Array || x instanceof Float64Array) return Array.from(x);
  if (x && typeof x === 'object' && 'data' in x) return flatten((x as { data: unknown }).data);
  throw new Error(`unexpected result ${String(x)}`);
}

/** Asserts that two results have the same structure and agree within tolerance (±∞ must match exactly). */
function agree(label: string, a: unknown, b: unknown, tol: { rel: number; abs: number }, scale = 0): void {
  expect(typeof a, label).toBe(typeof b);
  expect(Array.isArray(a), label).toBe(Array.isArray(b));
  expect(a?.constructor, label).toBe(b?.constructor);
  const fa = flatten(a);
  const fb = flatten(b);
  expect(fa.length, label).toBe(fb.length);
  for (let i = 0; i < fa.length; i++) {
    const x = fa[i]!;
    const y = fb[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      expect(x, `${label} [${i}]`).toBe(y);
      continue;
    }
    const bound = tol.abs + tol.rel * Math.max(Math.abs(x), Math.abs(y), scale);
    if (!(Math.abs(x - y) <= bound)) {
      expect.fail(`${label} [${i}]: wasm ${x} vs reference ${y} (|Δ| = ${Math.abs(x - y)} > ${bound})`);
    }
  }
}

function pick<T>(r: Rng, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function shape(r: Rng, wide = true): [number, number] {
  const cols = wide && r() < 0.02 ? 1000 : pick(r, SIZES);
  return [pick(r, [1, 2, 3, 5]), cols];
}

/** A probability: often exactly 0 or 1, otherwise spread over (0, 1) on a log scale too. */
function prob(r: Rng): number {
  const u = r();
  if (u < 0.1) return 0;
  if (u < 0.2) return 1;
  if (u < 0.3) return Math.exp(-40 * r());
  if (u < 0.4) return 1 - Math.exp(-30 * r());
  return r();
}

function logit(r: Rng): number {
  const u = r();
  if (u < 0.1) return (r() < 0.5 ? -1 : 1) * 1e4;
  if (u < 0.3) return (r() - 0.5) * 2e4;
  return (r() - 0.5) * 20;
}

function matrix(r: Rng, rows: number, cols: number, f: (r: Rng) => number): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => f(r)));
}

/** A distribution per row (some exact zeros, sums to 1 up to rounding), in a random layout. */
function distributions(r: Rng, rows: number, cols: number): number[][] {
  return matrix(r, rows, cols, (g) => (g() < 0.2 ? 0 : g())).map((row) => {
    if (!row.some((v) => v !== 0)) row[0] = 1;
    const s = row.reduce((a, b) => a + b, 0);
    return row.map((v) => v / s);
  });
}

/** A random caller layout for a matrix: nested, packed f64/f32, or (one row) a plain or typed vector. */
function layout(r: Rng | number, m: number[][], allowF32 = true): unknown {
  const u = typeof r === 'number' ? r : r();
  const rows = m.length;
  const cols = m[0]!.length;
  if (rows === 1 && u < 0.3) return u < 0.15 ? m[0] : Float64Array.from(m[0]!);
  if (u < 0.6) return m;
  const data = allowF32 && u < 0.7 ? new Float32Array(m.flat()) : new Float64Array(m.flat());
  return { data, shape: [rows, cols] };
}

/** Runs the same call on both backends; also when it throws, both must throw the same message. */
function both(w: Xent, ref: Xent, call: (x: Xent) => unknown): [unknown, unknown] {
  let a: unknown;
  let b: unknown;
  let ea: string | undefined;
  let eb: string | undefined;
  try {
    a = call(w);
  } catch (e) {
    ea = (e as Error).message;
  }
  try {
    b = call(ref);
  } catch (e) {
    eb = (e as Error).message;
  }
  expect(ea).toBe(eb);
  if (ea !== undefined) throw new Error(`both backends threw: ${ea}`);
  return [a, b];
}

for (const simd of ['plain', 'relaxed'] as const) describe(`wasm (${simd} SIMD) agrees with reference`, () => {
  let w: Xent;
  let ref: Xent;
  beforeAll(async () => {
    w = await createXent({ backend: 'wasm', simd });
    ref = await createXent({ backend: 'reference' });
    expect(w.simd).toBe(simd);
  });

  it('sigmoid, softmax, logSoftmax (f64 and f32)', () => {
    const r = rng(1);
    for (let i = 0; i < CASES; i++) {
      const [rows, cols] = shape(r);
      const z = matrix(r, rows, cols, logit);
      const f32 = r() < 0.5;
      const input = f32 ? { data: new Float32Array(z.flat()), shape: [rows, cols] as [number, number] } : layout(r, z, false);
      const tol = f32 ? F32 : F64;
      const zmax = Math.max(...z.flat().map(Math.abs));
      for (const op of ['sigmoid', 'softmax', 'logSoftmax'] as const) {
        const [a, b] = both(w, ref, (x) => x[op](input as never));
        agree(`${op} case ${i}`, a, b, tol, op === 'logSoftmax' ? 2 * zmax : 0);
      }
    }
  });

  it('entropy, crossEntropy, klDivergence, perplexity and their gradients', () => {
    const r = rng(2);
    for (let i = 0; i < CASES; i++) {
      const [rows, cols] = shape(r);
      const u = r();
      const p = layout(u, distributions(r, rows, cols), false);
      const qm = distributions(r, rows, cols);
      if (cols > 1 && r() < 0.3) {
        // p > 0 where q = 0: +∞, which both backends must give
        const row = qm[0]!;
        row[0] = 0;
        if (!row.some((v) => v !== 0)) row[1] = 1;
        const s = row.reduce((x, y) => x + y, 0);
        qm[0] = row.map((v) => v / s);
      }
      const q = layout(u, qm, false);
      const opts = { base: pick(r, [Math.E, 2, 10]), normalize: r() < 0.3, compat: pick(r, ['xent', 'scipy'] as const) };
      for (const [name, call] of [
        ['entropy', (x: Xent) => x.entropy(p as never, opts)],
        ['crossEntropy', (x: Xent) => x.crossEntropy(p as never, q as never, opts)],
        ['klDivergence', (x: Xent) => x.klDivergence(p as never, q as never, opts)],
        ['perplexity', (x: Xent) => x.perplexity(p as never, q as never, opts)],
        ['grad.entropy', (x: Xent) => x.grad.entropy(p as never, opts)],
        ['grad.crossEntropy', (x: Xent) => x.grad.crossEntropy(p as never, q as never, opts)],
        ['grad.klDivergence', (x: Xent) => x.grad.klDivergence(p as never, q as never, opts)],
      ] as const) {
        const [a, b] = both(w, ref, call);
        agree(`${name} case ${i}`, a, b, F64);
      }
    }
  });

  it('binaryCrossEntropy and its gradient, every compat, probabilities and logits', () => {
    const r = rng(3);
    for (let i = 0; i < CASES; i++) {
      const [rows, cols] = shape(r);
      const fromLogits = r() < 0.4;
      const a = layout(r, matrix(r, rows, cols, fromLogits ? logit : prob));
      const y = matrix(r, rows, cols, (g) => (g() < 0.7 ? (g() < 0.5 ? 0 : 1) : g()));
      const yl = a && typeof a === 'object' && 'shape' in a ? { data: new Float64Array(y.flat()), shape: [rows, cols] } : Array.isArray(a) && !Array.isArray(a[0]) ? y[0] : a instanceof Float64Array ? Float64Array.from(y[0]!) : y;
      const opts: Record<string, unknown> = {
        fromLogits,
        compat: pick(r, ['xent', 'torch', 'keras', 'sklearn']),
        reduction: pick(r, ['mean', 'sum', 'none']),
      };
      if (r() < 0.3) opts.labelSmoothing = r() * 0.3;
      if (r() < 0.3) opts.weights = Array.from({ length: r() < 0.5 ? rows : rows * cols }, () => r() * 2);
      if (r() < 0.3) opts.posWeight = r() < 0.5 ? 1 + r() * 3 : Array.from({ length: cols }, () => r() * 3);
      const [v1, v2] = both(w, ref, (x) => x.binaryCrossEntropy(a as never, yl as never, opts));
      agree(`bce case ${i}`, v1, v2, F64);
      const [g1, g2] = both(w, ref, (x) => x.grad.binaryCrossEntropy(a as never, yl as never, opts));
      agree(`grad.bce case ${i}`, g1, g2, f32Input(a) ? F32 : F64);
    }
  });

  it('categorical and sparse categorical cross-entropy and their gradients', () => {
    const r = rng(4);
    for (let i = 0; i < CASES; i++) {
      const [rows, cols] = shape(r);
      const kind = pick(r, ['logits', 'probs', 'logProbs'] as const);
      const x = matrix(r, rows, cols, kind === 'logits' ? logit : kind === 'probs' ? prob : (g) => -40 * g());
      if (kind === 'probs') for (const row of x) if (!row.some((v) => v !== 0)) row[0] = 0.5;
      const a = layout(r, x);
      const labels = Array.from({ length: rows }, () => Math.floor(r() * cols));
      const compat = pick(r, ['xent', 'torch', 'keras', 'sklearn'] as const);
      const opts: Record<string, unknown> = {
        fromLogits: kind === 'logits',
        fromLogProbs: kind === 'logProbs',
        compat,
        reduction: pick(r, ['mean', 'sum', 'none']),
      };
      if (r() < 0.3) opts.labelSmoothing = r() * 0.3;
      if (r() < 0.3) opts.weights = Array.from({ length: rows }, () => r() * 2);
      if (r() < 0.3) opts.classWeights = Array.from({ length: cols }, () => r() * 2);
      const soft = r() < 0.3;
      const y = labels.map((l) => Array.from({ length: cols }, (_, k) => (soft ? r() : k === l ? 1 : 0)));
      const [v1, v2] = both(w, ref, (xe) => xe.categoricalCrossEntropy(a as never, sameLayout(a, y) as never, opts));
      agree(`cce case ${i}`, v1, v2, F64);
      const [g1, g2] = both(w, ref, (xe) => xe.grad.categoricalCrossEntropy(a as never, sameLayout(a, y) as never, opts));
      agree(`grad.cce case ${i}`, g1, g2, f32Input(a) ? F32 : F64);
      const sparse = { ...opts };
      if (r() < 0.3 && rows > 1) {
        sparse.ignoreIndex = -7;
        labels[0] = -7;
      }
      const lab = isVector(a) ? labels[0]! : labels;
      const [s1, s2] = both(w, ref, (xe) => xe.sparseCategoricalCrossEntropy(a as never, lab, sparse));
      agree(`sparse case ${i}`, s1, s2, F64);
      const [h1, h2] = both(w, ref, (xe) => xe.grad.sparseCategoricalCrossEntropy(a as never, lab, sparse));
      agree(`grad.sparse case ${i}`, h1, h2, f32Input(a) ? F32 : F64);
    }
  });

  it('quadraticCost and logLoss and their gradients', () => {
    const r = rng(5);
    for (let i = 0; i < CASES; i++) {
      const [rows, cols] = shape(r, false);
      const a = layout(r, matrix(r, rows, cols, prob));
      const y = matrix(r, rows, cols, prob);
      const opts: Record<string, unknown> = { reduction: pick(r, ['mean', 'sum', 'none']) };
      if (r() < 0.3) opts.weights = Array.from({ length: rows }, () => r() * 2);
      const [v1, v2] = both(w, ref, (x) => x.quadraticCost(a as never, sameLayout(a, y) as never, opts));
      agree(`quadratic case ${i}`, v1, v2, F64);
      const [g1, g2] = both(w, ref, (x) => x.grad.quadraticCost(a as never, sameLayout(a, y) as never, opts));
      agree(`grad.quadratic case ${i}`, g1, g2, f32Input(a) ? F32 : F64);

      const n = pick(r, [1, 2, 3, 7, 17]);
      const k = pick(r, [2, 3, 7]);
      const compat = pick(r, ['xent', 'sklearn'] as const);
      const truth = Array.from({ length: n }, (_, j) => (j < k ? j : Math.floor(r() * k)));
      const pred = k === 2 && r() < 0.5
        ? Array.from({ length: n }, () => prob(r))
        : distributions(r, n, k).map((row) => (compat === 'sklearn' && r() < 0.5 ? row.map((v) => v * 0.7) : row));
      const lo = { compat, reduction: pick(r, ['mean', 'sum']) as 'mean' | 'sum', labels: Array.from({ length: k }, (_, j) => j) };
      const [l1, l2] = both(w, ref, (x) => x.logLoss(truth, pred as never, lo));
      agree(`logLoss case ${i}`, l1, l2, F64);
      const [d1, d2] = both(w, ref, (x) => x.grad.logLoss(truth, pred as never, lo));
      agree(`grad.logLoss case ${i}`, d1, d2, F64);
    }
  });

  it('gemm C = β·C + α·op(A)·op(B) (the fused weight update) in every transpose, awkward sizes', async () => {
    const wb = await createWasmBackend(simd);
    const rb = createReferenceBackend();
    const r = rng(7);
    for (let i = 0; i < CASES; i++) {
      // k ≤ 16 with B stored k×n and n ≥ 32 takes the short-k path (assembly/matmul-shortk.ts): n mod 8 = 1, 4, 0.
      const [m, k, n] = [pick(r, [1, 3, 7, 17, 30, 33]), pick(r, [0, 1, 3, 10, 16, 17, 128]), pick(r, [1, 3, 7, 17, 33, 36, 64, 100])];
      const ta = r() < 0.5;
      const tb = r() < 0.5;
      const { a, b, c0, alpha, beta } = gemmOperands(r, m, k, n);
      const c1 = c0.slice();
      const c2 = c0.slice();
      wb.gemm(a, b, c1, m, k, n, ta, tb, alpha, beta);
      rb.gemm(a, b, c2, m, k, n, ta, tb, alpha, beta);
      agree(`gemm case ${i} (${m},${k},${n},${ta},${tb},α=${alpha},β=${beta})`, c1, c2, F32, Math.max(1, k));
    }
    expect(wb.liveBytes()).toBe(0);
  });

  it('matmul in every transpose, awkward sizes', () => {
    const r = rng(6);
    for (let i = 0; i < CASES; i++) {
      const [m, k, n] = [pick(r, [1, 2, 3, 5, 7, 8, 17, 33]), pick(r, [1, 3, 4, 7, 16, 17, 64]), pick(r, [1, 3, 4, 7, 9, 17, 30])];
      const ta = r() < 0.5;
      const tb = r() < 0.5;
      const A = matrix(r, ta ? k : m, ta ? m : k, (g) => g() * 2 - 1);
      const B = matrix(r, tb ? n : k, tb ? k : n, (g) => g() * 2 - 1);
      const [c1, c2] = both(w, ref, (x) => x.matmul(A, B, { transposeA: ta, transposeB: tb }));
      agree(`matmul case ${i} (${m},${k},${n},${ta},${tb})`, c1, c2, F32, k);
    }
  });
});

function isVector(a: unknown): boolean {
  return a instanceof Float64Array || a instanceof Float32Array || (Array.isArray(a) && !Array.isArray(a[0]));
}

function f32Input(a: unknown): boolean {
  return a instanceof Float32Array || (a !== null && typeof a === 'object' && (a as { data?: unknown }).data instanceof Float32Array);
}

/** Targets in the same layout as the predictions (f64). */
function sameLayout(a: unknown, y: number[][]): unknown {
  if (a instanceof Float64Array || a instanceof Float32Array) return Float64Array.from(y[0]!);
  if (Array.isArray(a)) return Array.isArray(a[0]) ? y : y[0];
  return { data: new Float64Array(y.flat()), shape: [y.length, y[0]!.length] };
}
