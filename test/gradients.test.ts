/**
 * Every gradient against central differences of its own value, in float64, on seeded random inputs,
 * across the option combinations; plus the closed forms of REFERENCE.md §2 (σ(z) − y, softmax(z) − y,
 * a − y), computed here independently of xent.
 *
 * What a gradient means: for 'none' it is the gradient of the sum of the outputs; for a batch of
 * information measures, of the sum over rows. Probabilities are kept in [0.05, 0.95], away from 0, 1
 * and every clip, so the functions are smooth where they are differentiated. The information measures
 * in 'xent' mode only accept distributions (rows summing to 1), so there the gradient is checked along
 * directions that stay on the simplex (e_i − e_j), and the full partial derivative is checked where it
 * is a derivative of something the API computes: with normalize: true (f(v) = H(v / Σv)) and with
 * compat 'scipy', normalize: false (the formula −Σ v log v on any non-negative v).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { createXent, type Xent } from '../src/index.js';
import {
  backends, centralDiff, directionalDiff, distributions, expectClose, flat, mulberry32, nested, oneHot,
  randInt, sigmoidRef, softmaxRef, total, uniform,
} from './helpers.js';

const REL = 1e-5;
const ABS = 1e-7;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = (...args: any[]) => unknown;
type Layout = 'vector' | 'f64vector' | 'nested' | 'packed';
interface Shape {
  rows: number;
  cols: number;
  layout: Layout;
}

/** The input in the given layout (a vector layout needs rows = 1). */
function make(x: Float64Array, s: Shape): unknown {
  if (s.layout === 'vector') return Array.from(x);
  if (s.layout === 'f64vector') return x.slice();
  if (s.layout === 'nested') return nested(x, s.rows, s.cols);
  return { data: x.slice(), shape: [s.rows, s.cols] };
}

/** Per-element weights in a layout the option accepts for this input. */
function elementWeights(w: Float64Array, s: Shape): unknown {
  return s.layout === 'nested' ? nested(w, s.rows, s.cols) : s.layout === 'packed' ? w : Array.from(w);
}

const label = (s: Shape) => `${s.layout} ${s.rows}×${s.cols}`;

/** Sizes 1, 3, 7 and 17 classes in every layout. */
const SWEEP: Shape[] = [
  { rows: 1, cols: 1, layout: 'vector' },
  { rows: 1, cols: 3, layout: 'f64vector' },
  { rows: 4, cols: 1, layout: 'nested' },
  { rows: 4, cols: 3, layout: 'nested' },
  { rows: 1, cols: 7, layout: 'vector' },
  { rows: 2, cols: 7, layout: 'packed' },
  { rows: 1, cols: 17, layout: 'f64vector' },
  { rows: 3, cols: 17, layout: 'nested' },
];
/** The shape for the full option cross products. */
const GRID: Shape = { rows: 3, cols: 7, layout: 'packed' };

const REDUCTIONS = ['mean', 'sum', 'none'] as const;
const COMPATS = ['xent', 'torch', 'keras', 'sklearn'] as const;

/** Asserts that grad(x0) matches central differences of Σ value(x) at x0. */
function fdCheck(value: (x: Float64Array) => unknown, grad: (x: Float64Array) => unknown, x0: Float64Array, what: string): void {
  const want = centralDiff((x) => total(value(x)), x0);
  const got = grad(x0);
  expect(flat(got).every(Number.isFinite), `${what}: finite gradient`).toBe(true);
  expectClose(got, want, REL, ABS, what);
}

/** A seed per test name, so each test is reproducible on its own. */
function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

for (const backend of backends) {
  describe(backend, () => {
    let xent: Xent;
    let X: Record<string, Loose>;
    let G: Record<string, Loose>;
    beforeAll(async () => {
      xent = await createXent({ backend });
      X = xent as unknown as Record<string, Loose>;
      G = xent.grad as unknown as Record<string, Loose>;
    });

    // ---------------------------------------------------------------------------------------------
    describe('binaryCrossEntropy', () => {
      function extras(rng: () => number, s: Shape): [string, object][] {
        const n = s.rows * s.cols;
        return [
          ['plain', {}],
          ['labelSmoothing 0.2', { labelSmoothing: 0.2 }],
          ['row weights', { weights: Array.from(uniform(rng, s.rows, 0.2, 2)) }],
          ['element weights', { weights: elementWeights(uniform(rng, n, 0, 2), s) }],
          ['posWeight 2.5', { posWeight: 2.5 }],
          ['posWeight per column', { posWeight: uniform(rng, s.cols, 0.5, 3) }],
          ['everything', {
            labelSmoothing: 0.1, weights: elementWeights(uniform(rng, n, 0.1, 2), s), posWeight: Array.from(uniform(rng, s.cols, 0.5, 3)),
          }],
        ];
      }
      function targets(rng: () => number, n: number, soft: boolean): Float64Array {
        return soft ? uniform(rng, n, 0, 1) : uniform(rng, n, 0, 1).map((v) => (v < 0.5 ? 0 : 1));
      }

      for (const fromLogits of [false, true]) {
        for (const compat of COMPATS) {
          for (const reduction of REDUCTIONS) {
            it(`fromLogits ${fromLogits}, compat ${compat}, reduction ${reduction}: every option set`, () => {
              const rng = mulberry32(seedOf(`bce ${fromLogits} ${compat} ${reduction}`));
              const s = GRID;
              const n = s.rows * s.cols;
              for (const [name, extra] of extras(rng, s)) {
                for (const soft of [false, true]) {
                  const x0 = fromLogits ? uniform(rng, n, -4, 4) : uniform(rng, n, 0.05, 0.95);
                  const y = make(targets(rng, n, soft), s);
                  const o = { fromLogits, compat, reduction, ...extra };
                  fdCheck(
                    (x) => X.binaryCrossEntropy!(make(x, s), y, o),
                    (x) => G.binaryCrossEntropy!(make(x, s), y, o),
                    x0, `${name}, soft ${soft}`,
                  );
                }
              }
            });
          }
        }
      }

      for (const s of SWEEP) {
        it(`${label(s)}: probabilities and logits, mean and none`, () => {
          const rng = mulberry32(seedOf(`bce sweep ${label(s)}`));
          const n = s.rows * s.cols;
          for (const fromLogits of [false, true]) {
            for (const reduction of ['mean', 'none'] as const) {
              for (const [name, extra] of extras(rng, s)) {
                const x0 = fromLogits ? uniform(rng, n, -4, 4) : uniform(rng, n, 0.05, 0.95);
                const y = make(targets(rng, n, true), s);
                const o = { fromLogits, reduction, ...extra };
                fdCheck((x) => X.binaryCrossEntropy!(make(x, s), y, o), (x) => G.binaryCrossEntropy!(make(x, s), y, o),
                  x0, `fromLogits ${fromLogits}, ${reduction}, ${name}`);
              }
            }
          }
        });
      }

      it('closed form: from logits, mean gradient = (σ(z) − y) / n', () => {
        const rng = mulberry32(11);
        for (const s of SWEEP) {
          const n = s.rows * s.cols;
          const z = uniform(rng, n, -6, 6);
          const y = targets(rng, n, true);
          const want = z.map((zi, i) => (sigmoidRef(zi) - y[i]!) / n);
          expectClose(xent.grad.binaryCrossEntropy(make(z, s) as number[], make(y, s) as number[], { fromLogits: true }), want, 1e-12, 1e-17, label(s));
        }
      });

      it('closed form: from logits with posWeight p, gradient = (1 − y)σ(z) − p·y·σ(−z), summed', () => {
        const rng = mulberry32(12);
        const z = uniform(rng, 21, -5, 5);
        const y = targets(rng, 21, false);
        const want = z.map((zi, i) => (1 - y[i]!) * sigmoidRef(zi) - 3 * y[i]! * sigmoidRef(-zi));
        expectClose(xent.grad.binaryCrossEntropy(z, y, { fromLogits: true, posWeight: 3, reduction: 'sum' }), want, 1e-12, 1e-17);
      });

      it('closed form: on probabilities, gradient = (a − y) / (a(1 − a)) / n', () => {
        const rng = mulberry32(13);
        const a = uniform(rng, 17, 0.05, 0.95);
        const y = targets(rng, 17, true);
        const want = a.map((ai, i) => (ai - y[i]!) / (ai * (1 - ai)) / 17);
        expectClose(xent.grad.binaryCrossEntropy(a, y), want, 1e-12, 1e-17);
      });
    });

    // ---------------------------------------------------------------------------------------------
    describe('categoricalCrossEntropy', () => {
      const INPUTS = ['probabilities', 'fromLogits', 'fromLogProbs'] as const;
      type InputKind = (typeof INPUTS)[number];
      function predictions(rng: () => number, kind: InputKind, n: number): Float64Array {
        return kind === 'probabilities' ? uniform(rng, n, 0.05, 0.95) : kind === 'fromLogits' ? uniform(rng, n, -4, 4) : uniform(rng, n, -4, -0.1);
      }
      function flags(kind: InputKind): object {
        return kind === 'fromLogits' ? { fromLogits: true } : kind === 'fromLogProbs' ? { fromLogProbs: true } : {};
      }
      function targets(rng: () => number, s: Shape, soft: boolean): Float64Array {
        if (soft) return distributions(rng, s.rows, s.cols);
        return oneHot(Array.from({ length: s.rows }, () => randInt(rng, s.cols)), s.cols);
      }
      function extras(rng: () => number, s: Shape): [string, object][] {
        return [
          ['plain', {}],
          ['labelSmoothing 0.15', { labelSmoothing: 0.15 }],
          ['row weights', { weights: Array.from(uniform(rng, s.rows, 0.2, 2)) }],
          ['classWeights', { classWeights: uniform(rng, s.cols, 0.2, 2) }],
          ['everything', { labelSmoothing: 0.1, weights: uniform(rng, s.rows, 0.2, 2), classWeights: Array.from(uniform(rng, s.cols, 0.2, 2)) }],
        ];
      }

      for (const kind of INPUTS) {
        for (const compat of COMPATS) {
          for (const reduction of REDUCTIONS) {
            it(`${kind}, compat ${compat}, reduction ${reduction}: every option set`, () => {
              const rng = mulberry32(seedOf(`cce ${kind} ${compat} ${reduction}`));
              const s = GRID;
              for (const [name, extra] of extras(rng, s)) {
                for (const soft of [false, true]) {
                  const x0 = predictions(rng, kind, s.rows * s.cols);
                  const y = make(targets(rng, s, soft), s);
                  const o = { ...flags(kind), compat, reduction, ...extra };
                  fdCheck((x) => X.categoricalCrossEntropy!(make(x, s), y, o), (x) => G.categoricalCrossEntropy!(make(x, s), y, o),
                    x0, `${name}, soft ${soft}`);
                }
              }
            });
          }
        }
      }

      for (const s of SWEEP) {
        it(`${label(s)}: every input kind and compat`, () => {
          const rng = mulberry32(seedOf(`cce sweep ${label(s)}`));
          for (const kind of INPUTS) {
            for (const compat of COMPATS) {
              for (const [name, extra] of extras(rng, s)) {
                const x0 = predictions(rng, kind, s.rows * s.cols);
                const y = make(targets(rng, s, true), s);
                const o = { ...flags(kind), compat, ...extra };
                fdCheck((x) => X.categoricalCrossEntropy!(make(x, s), y, o), (x) => G.categoricalCrossEntropy!(make(x, s), y, o),
                  x0, `${kind}, ${compat}, ${name}`);
              }
            }
          }
        });
      }

      it('closed form: from logits, gradient = (softmax(z) − y) / rows', () => {
        const rng = mulberry32(21);
        for (const s of SWEEP) {
          const z = uniform(rng, s.rows * s.cols, -5, 5);
          for (const soft of [false, true]) {
            const y = targets(rng, s, soft);
            const sm = softmaxRef(z, s.rows, s.cols);
            const want = sm.map((v, i) => (v - y[i]!) / s.rows);
            expectClose(xent.grad.categoricalCrossEntropy(make(z, s) as number[], make(y, s) as number[], { fromLogits: true }),
              want, 1e-12, 1e-16, `${label(s)} soft ${soft}`);
          }
        }
      });

      it('closed form: on probabilities (xent), gradient = −y / a / rows', () => {
        const rng = mulberry32(22);
        const s: Shape = { rows: 3, cols: 7, layout: 'nested' };
        const a = uniform(rng, 21, 0.05, 0.95);
        const y = targets(rng, s, true);
        const want = a.map((ai, i) => -y[i]! / ai / 3);
        expectClose(xent.grad.categoricalCrossEntropy(make(a, s) as number[][], make(y, s) as number[][]), want, 1e-12, 1e-17);
      });
    });

    // ---------------------------------------------------------------------------------------------
    describe('sparseCategoricalCrossEntropy', () => {
      const INPUTS = ['probabilities', 'fromLogits', 'fromLogProbs'] as const;
      type InputKind = (typeof INPUTS)[number];
      function predictions(rng: () => number, kind: InputKind, n: number): Float64Array {
        return kind === 'probabilities' ? uniform(rng, n, 0.05, 0.95) : kind === 'fromLogits' ? uniform(rng, n, -4, 4) : uniform(rng, n, -4, -0.1);
      }
      function flags(kind: InputKind): object {
        return kind === 'fromLogits' ? { fromLogits: true } : kind === 'fromLogProbs' ? { fromLogProbs: true } : {};
      }
      const S: Shape = { rows: 5, cols: 7, layout: 'nested' };
      // Labels with an ignored row (-100 or class 2) in each case where ignoreIndex is set.
      const LABELS: [string, number[], object][] = [
        ['no ignoreIndex', [0, 6, 3, 2, 3], {}],
        ['ignoreIndex -100', [0, -100, 3, 6, -100], { ignoreIndex: -100 }],
        ['ignoreIndex 2 (a class)', [2, 5, 3, 2, 0], { ignoreIndex: 2 }],
      ];

      for (const kind of INPUTS) {
        for (const compat of COMPATS) {
          for (const reduction of REDUCTIONS) {
            it(`${kind}, compat ${compat}, reduction ${reduction}: every option set`, () => {
              const rng = mulberry32(seedOf(`sparse ${kind} ${compat} ${reduction}`));
              const extras: [string, object][] = [
                ['plain', {}],
                ['labelSmoothing 0.2', { labelSmoothing: 0.2 }],
                ['row weights', { weights: uniform(rng, S.rows, 0.2, 2) }],
                ['classWeights', { classWeights: Array.from(uniform(rng, S.cols, 0.2, 2)) }],
                ['everything', { labelSmoothing: 0.05, weights: Array.from(uniform(rng, S.rows, 0.2, 2)), classWeights: uniform(rng, S.cols, 0.2, 2) }],
              ];
              for (const [lname, labels, ignore] of LABELS) {
                for (const [name, extra] of extras) {
                  const x0 = predictions(rng, kind, S.rows * S.cols);
                  const o = { ...flags(kind), compat, reduction, ...ignore, ...extra };
                  fdCheck((x) => X.sparseCategoricalCrossEntropy!(make(x, S), labels, o),
                    (x) => G.sparseCategoricalCrossEntropy!(make(x, S), labels, o), x0, `${lname}, ${name}`);
                }
              }
            });
          }
        }
      }

      it('ignored rows have a zero gradient, and the others do not depend on them', () => {
        const rng = mulberry32(31);
        const x = uniform(rng, 35, -3, 3);
        const g = flat(xent.grad.sparseCategoricalCrossEntropy(make(x, S) as number[][], [0, -100, 3, 6, -100], { fromLogits: true, ignoreIndex: -100 }));
        for (const r of [1, 4]) for (let k = 0; k < 7; k++) expect(g[r * 7 + k], `row ${r}`).toBe(0);
        // mean over the 3 kept rows: (softmax − onehot) / 3 on them.
        const sm = softmaxRef(x, 5, 7);
        for (const [r, l] of [[0, 0], [2, 3], [3, 6]] as const) {
          for (let k = 0; k < 7; k++) {
            const want = (sm[r * 7 + k]! - (k === l ? 1 : 0)) / 3;
            expect(Math.abs(g[r * 7 + k]! - want), `[${r}][${k}]`).toBeLessThan(1e-15);
          }
        }
      });

      for (const s of SWEEP) {
        it(`${label(s)}: closed form from logits = (softmax(z) − onehot) / rows, and FD on probabilities`, () => {
          const rng = mulberry32(seedOf(`sparse sweep ${label(s)}`));
          const labels = Array.from({ length: s.rows }, () => randInt(rng, s.cols));
          const lab = s.rows === 1 && s.layout !== 'nested' ? labels[0]! : labels;
          const z = uniform(rng, s.rows * s.cols, -5, 5);
          const sm = softmaxRef(z, s.rows, s.cols);
          const want = sm.map((v, i) => (v - (labels[Math.floor(i / s.cols)] === i % s.cols ? 1 : 0)) / s.rows);
          expectClose(G.sparseCategoricalCrossEntropy!(make(z, s), lab, { fromLogits: true }), want, 1e-12, 1e-16);
          for (const compat of COMPATS) {
            const o = { compat, classWeights: uniform(rng, s.cols, 0.5, 2), labelSmoothing: 0.1 };
            fdCheck((x) => X.sparseCategoricalCrossEntropy!(make(x, s), lab, o), (x) => G.sparseCategoricalCrossEntropy!(make(x, s), lab, o),
              uniform(rng, s.rows * s.cols, 0.05, 0.95), compat);
          }
        });
      }
    });

    // ---------------------------------------------------------------------------------------------
    describe('quadraticCost', () => {
      for (const reduction of REDUCTIONS) {
        for (const s of SWEEP) {
          it(`${label(s)}, reduction ${reduction}: plain and weighted`, () => {
            const rng = mulberry32(seedOf(`quad ${reduction} ${label(s)}`));
            const n = s.rows * s.cols;
            for (const extra of [{}, { weights: uniform(rng, s.rows, 0.2, 2) }, { weights: Array.from(uniform(rng, s.rows, 0, 1)), compat: 'xent' }]) {
              const y = make(uniform(rng, n, -2, 2), s);
              const o = { reduction, ...extra };
              fdCheck((x) => X.quadraticCost!(make(x, s), y, o), (x) => G.quadraticCost!(make(x, s), y, o), uniform(rng, n, -2, 2), JSON.stringify(extra));
            }
          });
        }
      }

      it('closed form: mean gradient = (a − y) / rows; weighted = w(a − y) / Σw', () => {
        const rng = mulberry32(41);
        for (const s of SWEEP) {
          const n = s.rows * s.cols;
          const a = uniform(rng, n, -3, 3);
          const y = uniform(rng, n, -3, 3);
          expectClose(G.quadraticCost!(make(a, s), make(y, s)), a.map((v, i) => (v - y[i]!) / s.rows), 1e-13, 1e-16, label(s));
          const w = uniform(rng, s.rows, 0.1, 3);
          const sw = w.reduce((p, v) => p + v, 0);
          const want = a.map((v, i) => (w[Math.floor(i / s.cols)]! * (v - y[i]!)) / sw);
          expectClose(G.quadraticCost!(make(a, s), make(y, s), { weights: w }), want, 1e-13, 1e-16, `${label(s)} weighted`);
        }
      });
    });

    // ---------------------------------------------------------------------------------------------
    describe('logLoss', () => {
      const K_ROWS: [number, number][] = [[2, 6], [3, 5], [7, 4], [17, 3]];

      for (const reduction of REDUCTIONS) {
        for (const [K, rows] of K_ROWS) {
          it(`compat sklearn (renormalises), ${K} classes, reduction ${reduction}: full finite differences`, () => {
            const rng = mulberry32(seedOf(`logloss sk ${K} ${reduction}`));
            const s: Shape = { rows, cols: K, layout: rows % 2 ? 'nested' : 'packed' };
            const yTrue = Array.from({ length: rows }, (_, r) => (r < K ? r : randInt(rng, K)) * 10); // labels 0, 10, 20, …
            const labels = Array.from({ length: K }, (_, k) => k * 10);
            for (const extra of [{}, { weights: uniform(rng, rows, 0.2, 2) }]) {
              const o = { compat: 'sklearn', reduction, labels, ...extra };
              fdCheck((x) => X.logLoss!(yTrue, make(x, s), o), (x) => G.logLoss!(yTrue, make(x, s), o), uniform(rng, rows * K, 0.05, 0.95),
                JSON.stringify(extra));
            }
          });

          it(`compat xent (rows sum to 1), ${K} classes, reduction ${reduction}: derivatives along the simplex`, () => {
            const rng = mulberry32(seedOf(`logloss xent ${K} ${reduction}`));
            const s: Shape = { rows, cols: K, layout: rows % 2 ? 'packed' : 'nested' };
            const names = Array.from({ length: K }, (_, k) => `c${String.fromCharCode(97 + k)}`);
            const yTrue = Array.from({ length: rows }, (_, r) => names[r < K ? r : randInt(rng, K)]!);
            for (const extra of [{}, { weights: Array.from(uniform(rng, rows, 0.2, 2)) }]) {
              const o = { reduction, labels: names, ...extra };
              const q = distributions(rng, rows, K);
              const g = flat(G.logLoss!(yTrue, make(q, s), o));
              const f = (x: Float64Array) => total(X.logLoss!(yTrue, make(x, s), o));
              for (let r = 0; r < rows; r++) {
                for (let i = 0; i < K; i++) {
                  const j = (i + 1) % K;
                  if (i === j) continue;
                  const d = new Float64Array(rows * K);
                  d[r * K + i] = 1;
                  d[r * K + j] = -1;
                  const want = directionalDiff(f, q, d);
                  const got = g[r * K + i]! - g[r * K + j]!;
                  expectClose(got, want, REL, ABS, `row ${r}, e${i} − e${j}, ${JSON.stringify(extra)}`);
                }
              }
              // The partial itself: −1/q at the true label, 0 elsewhere (÷ rows or Σw for 'mean').
              const w = 'weights' in extra ? (extra.weights as number[]) : new Array<number>(rows).fill(1);
              const sw = w.reduce((p, v) => p + v, 0);
              const want = new Float64Array(rows * K);
              yTrue.forEach((name, r) => {
                const k = names.indexOf(name);
                want[r * K + k] = (-w[r]! / q[r * K + k]!) / (reduction === 'mean' ? sw : 1);
              });
              expectClose(g, want, 1e-12, 1e-16, 'closed form');
            }
          });
        }

        it(`1-D yPred (P of the larger label), reduction ${reduction}: finite differences, both compats`, () => {
          const rng = mulberry32(seedOf(`logloss binary ${reduction}`));
          const yTrue = [1, 0, 0, 1, 1, 0, 1];
          for (const compat of ['xent', 'sklearn'] as const) {
            for (const extra of [{}, { weights: uniform(rng, 7, 0.2, 2) }]) {
              const o = { compat, reduction, ...extra };
              fdCheck((x) => X.logLoss!(yTrue, Array.from(x), o), (x) => G.logLoss!(yTrue, Array.from(x), o), uniform(rng, 7, 0.05, 0.95),
                `${compat} ${JSON.stringify(extra)}`);
            }
          }
          // Closed form: d/dp of −[y ln p + (1 − y) ln(1 − p)] = (p − y) / (p(1 − p)).
          const p = uniform(rng, 7, 0.05, 0.95);
          const want = p.map((pi, i) => (pi - yTrue[i]!) / (pi * (1 - pi)) / (reduction === 'mean' ? 7 : 1));
          expectClose(G.logLoss!(yTrue, p, { reduction }), want, 1e-12, 1e-16, 'closed form');
        });
      }
    });

    // ---------------------------------------------------------------------------------------------
    describe('information measures', () => {
      const INFO_SHAPES: Shape[] = [
        { rows: 1, cols: 1, layout: 'vector' },
        { rows: 1, cols: 3, layout: 'vector' },
        { rows: 1, cols: 7, layout: 'f64vector' },
        { rows: 1, cols: 17, layout: 'vector' },
        { rows: 3, cols: 7, layout: 'nested' },
        { rows: 2, cols: 17, layout: 'packed' },
      ];
      const BASES = [undefined, 2, 10] as const;

      for (const s of INFO_SHAPES) {
        for (const base of BASES) {
          const opt = base === undefined ? {} : { base };
          it(`${label(s)}, base ${base ?? 'e'}: normalize: true, full finite differences (xent and scipy)`, () => {
            const rng = mulberry32(seedOf(`info norm ${label(s)} ${base}`));
            const n = s.rows * s.cols;
            for (const compat of ['xent', 'scipy'] as const) {
              const o = { ...opt, compat, normalize: true };
              const p = uniform(rng, n, 0.1, 2);
              const q0 = uniform(rng, n, 0.1, 2);
              fdCheck((x) => X.entropy!(make(x, s), o), (x) => G.entropy!(make(x, s), o), p, `entropy ${compat}`);
              fdCheck((x) => X.crossEntropy!(make(p, s), make(x, s), o), (x) => G.crossEntropy!(make(p, s), make(x, s), o), q0, `crossEntropy ${compat}`);
              fdCheck((x) => X.klDivergence!(make(p, s), make(x, s), o), (x) => G.klDivergence!(make(p, s), make(x, s), o), q0, `klDivergence ${compat}`);
              // Scale invariance f(cv) = f(v) gives Euler's identity Σ_j v_j ∂f/∂v_j = 0 per row.
              const ge = flat(G.entropy!(make(p, s), o));
              const gc = flat(G.crossEntropy!(make(p, s), make(q0, s), o));
              for (let r = 0; r < s.rows; r++) {
                let se = 0;
                let sc = 0;
                for (let k = 0; k < s.cols; k++) {
                  se += ge[r * s.cols + k]! * p[r * s.cols + k]!;
                  sc += gc[r * s.cols + k]! * q0[r * s.cols + k]!;
                }
                expect(Math.abs(se), `entropy Euler row ${r}`).toBeLessThan(1e-12);
                expect(Math.abs(sc), `crossEntropy Euler row ${r}`).toBeLessThan(1e-12);
              }
            }
          });

          it(`${label(s)}, base ${base ?? 'e'}: compat scipy, normalize: false: the formula's partial derivatives`, () => {
            const rng = mulberry32(seedOf(`info raw ${label(s)} ${base}`));
            const n = s.rows * s.cols;
            const o = { ...opt, compat: 'scipy', normalize: false };
            const p = uniform(rng, n, 0.05, 0.95);
            const q0 = uniform(rng, n, 0.05, 0.95);
            fdCheck((x) => X.entropy!(make(x, s), o), (x) => G.entropy!(make(x, s), o), p, 'entropy');
            fdCheck((x) => X.crossEntropy!(make(p, s), make(x, s), o), (x) => G.crossEntropy!(make(p, s), make(x, s), o), q0, 'crossEntropy');
            fdCheck((x) => X.klDivergence!(make(p, s), make(x, s), o), (x) => G.klDivergence!(make(p, s), make(x, s), o), q0, 'klDivergence');
            // Closed forms: ∂H/∂p = −(ln p + 1)/ln b, ∂H(p,q)/∂q = ∂D(p‖q)/∂q = −p/(q ln b).
            const lnb = Math.log(base ?? Math.E);
            expectClose(G.entropy!(make(p, s), o), p.map((v) => -(Math.log(v) + 1) / lnb), 1e-13, 1e-16, 'entropy closed form');
            const want = q0.map((v, i) => -p[i]! / v / lnb);
            expectClose(G.crossEntropy!(make(p, s), make(q0, s), o), want, 1e-13, 1e-16, 'crossEntropy closed form');
            expectClose(G.klDivergence!(make(p, s), make(q0, s), o), want, 1e-13, 1e-16, 'klDivergence closed form');
          });

          it(`${label(s)}, base ${base ?? 'e'}: compat xent (distributions): derivatives along the simplex`, () => {
            const rng = mulberry32(seedOf(`info simplex ${label(s)} ${base}`));
            const n = s.rows * s.cols;
            const p = distributions(rng, s.rows, s.cols);
            const q = distributions(rng, s.rows, s.cols);
            const cases: [string, Float64Array, (x: Float64Array) => number, unknown][] = [
              ['entropy', p, (x) => total(X.entropy!(make(x, s), opt)), G.entropy!(make(p, s), opt)],
              ['crossEntropy', q, (x) => total(X.crossEntropy!(make(p, s), make(x, s), opt)), G.crossEntropy!(make(p, s), make(q, s), opt)],
              ['klDivergence', q, (x) => total(X.klDivergence!(make(p, s), make(x, s), opt)), G.klDivergence!(make(p, s), make(q, s), opt)],
            ];
            for (const [name, at, f, grad] of cases) {
              const g = flat(grad);
              expect(g.length, name).toBe(n);
              for (let r = 0; r < s.rows; r++) {
                for (let i = 0; i < s.cols; i++) {
                  const j = (i + 1) % s.cols;
                  if (i === j) continue;
                  const d = new Float64Array(n);
                  d[r * s.cols + i] = 1;
                  d[r * s.cols + j] = -1;
                  // d sums to 0, so every evaluated point is still a distribution.
                  const want = directionalDiff(f, at, d);
                  expectClose(g[r * s.cols + i]! - g[r * s.cols + j]!, want, REL, ABS, `${name} row ${r} e${i} − e${j}`);
                }
              }
            }
          });
        }
      }

      it('∂D(p‖q)/∂q equals ∂H(p,q)/∂q (D = H(p,q) − H(p), and H(p) does not depend on q)', () => {
        const rng = mulberry32(51);
        for (const normalize of [false, true]) {
          const p = distributions(rng, 4, 7);
          const q = distributions(rng, 4, 7);
          const s: Shape = { rows: 4, cols: 7, layout: 'nested' };
          expectClose(G.klDivergence!(make(p, s), make(q, s), { normalize, base: 2 }), G.crossEntropy!(make(p, s), make(q, s), { normalize, base: 2 }), 1e-15, 0);
        }
      });

      it('zeros in p: the entropy term is 0 and the cross-entropy gradient is 0 there', () => {
        const p = [0, 0.25, 0.75];
        const q = [0.5, 0.25, 0.25];
        const g = flat(xent.grad.crossEntropy(p, q));
        expect(g[0]).toBe(0);
        expectClose(g.slice(1), [-1, -3], 1e-15, 0);
      });
    });
  });
}
