/**
 * Results keep the caller's layout: number[] → number[], typed arrays → typed arrays (loss values always
 * Float64Array; gradients and activations keep the input's float type), number[][] → number[][],
 * { data, shape } → { data, shape }. Per-row results are a number for a vector, number[] for number[][],
 * Float64Array for { data, shape }. Reductions are numbers, 'sum' = Σ 'none', 'mean' = 'sum' / the
 * divisor each compat rule names (src/losses/*.ts). Instances share no state, and wasm memory is given
 * back after every call.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createXent, type Xent } from '../src/index.js';
import { backends, closeTo, distributions, expectClose, flat, mulberry32, nested, oneHot, softmaxRef, uniform } from './helpers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = (...args: any[]) => unknown;
type Layout = 'array' | 'f32' | 'f64' | 'nested' | 'packed32' | 'packed64';
const LAYOUTS: Layout[] = ['array', 'f32', 'f64', 'nested', 'packed32', 'packed64'];
const isVector = (l: Layout) => l === 'array' || l === 'f32' || l === 'f64';

/** rows×cols values in a layout (vectors use the first row only). */
function make(x: ArrayLike<number>, rows: number, cols: number, layout: Layout): unknown {
  const n = isVector(layout) ? cols : rows * cols;
  const v = Array.from({ length: n }, (_, i) => x[i]!);
  switch (layout) {
    case 'array': return v;
    case 'f32': return Float32Array.from(v);
    case 'f64': return Float64Array.from(v);
    case 'nested': return nested(v, rows, cols);
    case 'packed32': return { data: Float32Array.from(v), shape: [rows, cols] };
    case 'packed64': return { data: Float64Array.from(v), shape: [rows, cols] };
  }
}

/** Asserts that `got` has the layout of an input of the given layout; `float` is the element type wanted. */
function expectLayout(got: unknown, layout: Layout, rows: number, cols: number, float: 'keep' | 'f64', what: string): void {
  const typed = (l: Layout) => (float === 'f64' ? Float64Array : l === 'f32' || l === 'packed32' ? Float32Array : Float64Array);
  switch (layout) {
    case 'array':
      expect(Array.isArray(got), `${what}: number[]`).toBe(true);
      expect((got as unknown[]).length, what).toBe(cols);
      expect((got as unknown[]).every((v) => typeof v === 'number'), `${what}: numbers`).toBe(true);
      return;
    case 'f32':
    case 'f64':
      expect(got, what).toBeInstanceOf(typed(layout));
      expect((got as Float64Array).length, what).toBe(cols);
      return;
    case 'nested':
      expect(Array.isArray(got) && (got as unknown[]).every(Array.isArray), `${what}: number[][]`).toBe(true);
      expect((got as number[][]).length, what).toBe(rows);
      for (const row of got as number[][]) {
        expect(row.length, what).toBe(cols);
        expect(row.every((v) => typeof v === 'number'), `${what}: numbers`).toBe(true);
      }
      return;
    case 'packed32':
    case 'packed64': {
      const p = got as { data: unknown; shape: unknown };
      expect(p !== null && typeof p === 'object' && 'data' in p && 'shape' in p, `${what}: { data, shape }`).toBe(true);
      expect(p.data, what).toBeInstanceOf(typed(layout));
      expect(Array.from(p.shape as number[]), what).toEqual([rows, cols]);
      expect((p.data as Float64Array).length, what).toBe(rows * cols);
    }
  }
}

/** One value per row: number for a vector input, number[] for nested, Float64Array for packed. */
function expectPerRow(got: unknown, layout: Layout, rows: number, what: string): void {
  if (isVector(layout)) {
    expect(typeof got, `${what}: a number for a vector`).toBe('number');
  } else if (layout === 'nested') {
    expect(Array.isArray(got) && (got as unknown[]).every((v) => typeof v === 'number'), `${what}: number[]`).toBe(true);
    expect((got as number[]).length, what).toBe(rows);
  } else {
    expect(got, `${what}: Float64Array`).toBeInstanceOf(Float64Array);
    expect((got as Float64Array).length, what).toBe(rows);
  }
}

const sumOf = (x: ArrayLike<number>) => Array.from(x).reduce((p, v) => p + v, 0);
/** Relative 1e-13 for sums and means built from the same per-example values. */
const expectRel = (got: unknown, want: number, what: string) => {
  expect(typeof got, `${what}: reduced to a number`).toBe('number');
  expect(closeTo(got as number, want, 1e-13, 1e-300), `${what}: got ${String(got)}, want ${want}`).toBe(true);
};

for (const backend of backends) {
  describe(backend, () => {
    let xent: Xent;
    let X: Record<string, Loose>;
    let G: Record<string, Loose>;
    let start: number;
    beforeAll(async () => {
      xent = await createXent({ backend });
      X = xent as unknown as Record<string, Loose>;
      G = xent.grad as unknown as Record<string, Loose>;
      start = xent.liveBytes();
    });
    afterAll(() => {
      expect(xent.liveBytes(), 'liveBytes back to its starting value after the whole file').toBe(start);
    });

    const R = 3;
    const C = 4;
    const rng = mulberry32(7);
    const A = uniform(rng, R * C, 0.05, 0.95); // probabilities
    const Z = uniform(rng, R * C, -3, 3); // logits
    const Y = uniform(rng, R * C, 0, 1); // soft binary targets
    const D = distributions(rng, R, C); // row distributions
    const D2 = distributions(rng, R, C);
    const H = oneHot([2, 0, 3], C);

    // ---------------------------------------------------------------------------------------------
    describe('gradients and activations keep the input layout and float type', () => {
      for (const layout of LAYOUTS) {
        it(`${layout} in → ${layout} out`, () => {
          const m = (x: ArrayLike<number>) => make(x, R, C, layout);
          const rows = isVector(layout) ? 1 : R;
          const labels = isVector(layout) ? 2 : [2, 0, 3];
          const cases: [string, unknown][] = [
            ['sigmoid', X.sigmoid!(m(Z))],
            ['softmax', X.softmax!(m(Z))],
            ['logSoftmax', X.logSoftmax!(m(Z))],
            ['grad.binaryCrossEntropy', G.binaryCrossEntropy!(m(A), m(Y))],
            ['grad.binaryCrossEntropy fromLogits', G.binaryCrossEntropy!(m(Z), m(Y), { fromLogits: true, reduction: 'none' })],
            ['grad.categoricalCrossEntropy', G.categoricalCrossEntropy!(m(Z), m(H), { fromLogits: true })],
            ['grad.sparseCategoricalCrossEntropy', G.sparseCategoricalCrossEntropy!(m(A), labels)],
            ['grad.quadraticCost', G.quadraticCost!(m(Z), m(A), { reduction: 'sum' })],
            ['grad.entropy', G.entropy!(m(D))],
            ['grad.crossEntropy', G.crossEntropy!(m(D), m(D2))],
            ['grad.klDivergence', G.klDivergence!(m(D), m(D2), { base: 2 })],
          ];
          for (const [what, got] of cases) expectLayout(got, layout, rows, C, 'keep', what);
          // logLoss: a 1-D yPred is one P(larger label) per sample; the gradient has its layout.
          const yTrue = isVector(layout) ? [0, 1, 1, 0] : ['a', 'b', 'd'];
          const yPred = isVector(layout) ? m(A) : m(D);
          expectLayout(G.logLoss!(yTrue, yPred, isVector(layout) ? {} : { labels: ['a', 'b', 'c', 'd'] }), layout, rows, C, 'keep', 'grad.logLoss');
        });
      }

      it('Float32Array activations agree with float64 formulas to float32 precision', () => {
        const z = Float32Array.from(Z);
        const sm = xent.softmax(z) as Float32Array;
        expect(sm).toBeInstanceOf(Float32Array);
        expectClose(sm, softmaxRef(z, 1, z.length), 1e-6, 1e-7, 'softmax f32');
        const sg = xent.sigmoid({ data: z, shape: [R, C] }) as { data: Float32Array };
        expectClose(sg.data, Array.from(z, (v) => 1 / (1 + Math.exp(-v))), 1e-6, 1e-7, 'sigmoid f32');
      });

      it('inputs are never written to', () => {
        const a = Float64Array.from(A);
        const y = Float64Array.from(Y);
        const packed = { data: Float64Array.from(Z), shape: [R, C] as const };
        const d = Float64Array.from(D.subarray(0, C));
        xent.binaryCrossEntropy(a, y, { reduction: 'none' });
        xent.grad.binaryCrossEntropy(a, y, { labelSmoothing: 0.1 });
        xent.grad.categoricalCrossEntropy(packed, { data: Float64Array.from(H), shape: [R, C] }, { fromLogits: true });
        xent.softmax(packed);
        xent.grad.entropy(d, { normalize: true });
        xent.grad.crossEntropy(d, d, { normalize: true });
        expect(Array.from(a)).toEqual(Array.from(A));
        expect(Array.from(y)).toEqual(Array.from(Y));
        expect(Array.from(packed.data)).toEqual(Array.from(Z));
        expect(Array.from(d)).toEqual(Array.from(D.subarray(0, C)));
      });
    });

    // ---------------------------------------------------------------------------------------------
    describe('loss values', () => {
      for (const layout of LAYOUTS) {
        it(`${layout}: element-wise BCE 'none' keeps the layout, values in Float64`, () => {
          const m = (x: ArrayLike<number>) => make(x, R, C, layout);
          const rows = isVector(layout) ? 1 : R;
          const got = X.binaryCrossEntropy!(m(A), m(Y), { reduction: 'none' });
          expectLayout(got, layout, rows, C, 'f64', 'bce none');
          // The formula, on the values the caller passed (f32-rounded for f32 layouts).
          const a = flat(m(A));
          const y = flat(m(Y));
          expectClose(got, a.map((ai, i) => -(y[i]! * Math.log(ai) + (1 - y[i]!) * Math.log(1 - ai))), 1e-13, 1e-16, 'bce none values');
          const gl = X.binaryCrossEntropy!(m(Z), m(Y), { reduction: 'none', fromLogits: true });
          expectLayout(gl, layout, rows, C, 'f64', 'bce none fromLogits');
        });

        it(`${layout}: per-row results (none of categorical, sparse, quadratic, logLoss; information measures)`, () => {
          const m = (x: ArrayLike<number>) => make(x, R, C, layout);
          const rows = isVector(layout) ? 1 : R;
          const labels = isVector(layout) ? 2 : [2, 0, 3];
          const hot = isVector(layout) ? oneHot([2], C) : H;
          const cases: [string, unknown, number[]][] = [];
          const rowSums = (f: (r: number, k: number) => number) =>
            Array.from({ length: rows }, (_, r) => Array.from({ length: C }, (_, k) => f(r, k)).reduce((p, v) => p + v, 0));
          const a = flat(m(A));
          const z = flat(m(Z));
          const d = flat(m(D));
          const d2 = flat(m(D2));
          const sm = softmaxRef(z, rows, C);
          cases.push(['categoricalCrossEntropy', X.categoricalCrossEntropy!(m(A), m(hot), { reduction: 'none' }),
            rowSums((r, k) => (hot[r * C + k] ? -Math.log(a[r * C + k]!) : 0))]);
          cases.push(['categoricalCrossEntropy fromLogits', X.categoricalCrossEntropy!(m(Z), m(hot), { reduction: 'none', fromLogits: true }),
            rowSums((r, k) => (hot[r * C + k] ? -Math.log(sm[r * C + k]!) : 0))]);
          cases.push(['sparseCategoricalCrossEntropy', X.sparseCategoricalCrossEntropy!(m(A), labels, { reduction: 'none' }),
            rowSums((r, k) => (hot[r * C + k] ? -Math.log(a[r * C + k]!) : 0))]);
          cases.push(['quadraticCost', X.quadraticCost!(m(Z), m(A), { reduction: 'none' }), rowSums((r, k) => 0.5 * (z[r * C + k]! - a[r * C + k]!) ** 2)]);
          cases.push(['entropy', X.entropy!(m(D)), rowSums((r, k) => -d[r * C + k]! * Math.log(d[r * C + k]!))]);
          cases.push(['crossEntropy', X.crossEntropy!(m(D), m(D2), { base: 2 }), rowSums((r, k) => -d[r * C + k]! * Math.log2(d2[r * C + k]!))]);
          cases.push(['klDivergence', X.klDivergence!(m(D), m(D2)), rowSums((r, k) => d[r * C + k]! * Math.log(d[r * C + k]! / d2[r * C + k]!))]);
          cases.push(['perplexity', X.perplexity!(m(D)), rowSums((r, k) => -d[r * C + k]! * Math.log(d[r * C + k]!)).map(Math.exp)]);
          if (!isVector(layout)) {
            cases.push(['logLoss', X.logLoss!(['c', 'a', 'd'], m(D), { labels: ['a', 'b', 'c', 'd'], reduction: 'none' }),
              [0, 1, 2].map((r) => -Math.log(d[r * C + [2, 0, 3][r]!]!))]);
          }
          for (const [what, got, want] of cases) {
            expectPerRow(got, layout, rows, what);
            expectClose(got, want, 1e-12, 1e-15, what);
          }
        });
      }

      it("logLoss 'none' on a 1-D yPred gives one value per sample (number[])", () => {
        const p = [0.8, 0.3, 0.6];
        const got = xent.logLoss([1, 0, 0], p, { reduction: 'none' });
        expect(Array.isArray(got)).toBe(true);
        expectClose(got, [-Math.log(0.8), -Math.log(0.7), -Math.log(0.4)], 1e-14, 0);
        const packed = xent.logLoss([1, 0, 0], { data: Float64Array.from([0.2, 0.8, 0.7, 0.3, 0.4, 0.6]), shape: [3, 2] }, { reduction: 'none' });
        expect(packed).toBeInstanceOf(Float64Array);
      });

      it("keras BCE 'none' is the mean of each row (Keras reduces the last axis first)", () => {
        const rows = flat(X.binaryCrossEntropy!(nested(A, R, C), nested(Y, R, C), { reduction: 'none' }));
        const k = X.binaryCrossEntropy!(nested(A, R, C), nested(Y, R, C), { reduction: 'none', compat: 'keras' });
        expectPerRow(k, 'nested', R, 'keras none');
        expectClose(k, [0, 1, 2].map((r) => sumOf(rows.slice(r * C, (r + 1) * C)) / C), 1e-13, 1e-16);
      });
    });

    // ---------------------------------------------------------------------------------------------
    describe("reductions: 'sum' = Σ 'none', 'mean' = sum / the compat's divisor", () => {
      const rows = 5;
      const cols = 4;
      const r2 = mulberry32(99);
      const a = nested(uniform(r2, rows * cols, 0.05, 0.95), rows, cols);
      const z = nested(uniform(r2, rows * cols, -3, 3), rows, cols);
      const y = nested(uniform(r2, rows * cols, 0, 1), rows, cols);
      const yDist = nested(distributions(r2, rows, cols), rows, cols);
      const rowW = Array.from(uniform(r2, rows, 0.2, 2));
      const elemW = nested(uniform(r2, rows * cols, 0.2, 2), rows, cols);
      const cw = Array.from(uniform(r2, cols, 0.2, 2));
      const labels = [1, 3, -100, 0, 3];
      const sumW = sumOf(rowW);

      function check(fn: string, args: unknown[], opts: object, divisor: number | ((none: number[]) => number), what: string): void {
        const f = X[fn]!;
        const none = flat(f(...args, { ...opts, reduction: 'none' }));
        const s = f(...args, { ...opts, reduction: 'sum' });
        const m = f(...args, { ...opts, reduction: 'mean' });
        const total = sumOf(none);
        expectRel(s, total, `${what} sum`);
        const d = typeof divisor === 'number' ? divisor : divisor(none);
        expectRel(m, total / d, `${what} mean (divisor ${d})`);
        expect(f(...args, opts), `${what}: 'mean' is the default`).toBe(m);
      }

      it('binaryCrossEntropy', () => {
        for (const [input, extra] of [[a, {}], [z, { fromLogits: true }]] as const) {
          const n = rows * cols;
          check('binaryCrossEntropy', [input, y], { ...extra }, n, 'xent');
          check('binaryCrossEntropy', [input, y], { ...extra, weights: elemW }, sumOf(flat(elemW)), 'xent element weights');
          check('binaryCrossEntropy', [input, y], { ...extra, weights: rowW }, sumW * cols, 'xent row weights');
          check('binaryCrossEntropy', [input, y], { ...extra, weights: rowW, compat: 'sklearn' }, sumW * cols, 'sklearn row weights');
          check('binaryCrossEntropy', [input, y], { ...extra, weights: elemW, posWeight: 2, compat: 'torch' }, n, 'torch: element count even with weights');
          // Keras: 'none' is per-row means, 'sum' adds them, 'mean' divides that by the rows.
          check('binaryCrossEntropy', [input, y], { ...extra, weights: elemW, compat: 'keras' }, rows, 'keras');
        }
      });

      it('categoricalCrossEntropy', () => {
        for (const [input, extra] of [[a, {}], [z, { fromLogits: true }]] as const) {
          for (const targets of [yDist, nested(oneHot([0, 3, 3, 1, 2], cols), rows, cols)]) {
            check('categoricalCrossEntropy', [input, targets], { ...extra }, rows, 'xent');
            check('categoricalCrossEntropy', [input, targets], { ...extra, weights: rowW }, sumW, 'xent weights');
            const target = (r: number) => targets[r]!.reduce((p, t, k) => p + cw[k]! * t, 0);
            const xentDiv = rowW.reduce((p, w, r) => p + w * target(r), 0);
            check('categoricalCrossEntropy', [input, targets], { ...extra, weights: rowW, classWeights: cw }, xentDiv, 'xent Σ sw·cw·y');
            check('categoricalCrossEntropy', [input, targets], { ...extra, weights: rowW, classWeights: cw, compat: 'torch' }, rows, 'torch rows');
            check('categoricalCrossEntropy', [input, targets], { ...extra, weights: rowW, classWeights: cw, compat: 'keras' }, rows, 'keras rows');
            check('categoricalCrossEntropy', [input, targets], { ...extra, weights: rowW, classWeights: cw, compat: 'sklearn' }, sumW, 'sklearn Σ sw');
          }
        }
      });

      it('sparseCategoricalCrossEntropy (row 2 ignored)', () => {
        const kept = [0, 1, 3, 4];
        for (const [input, extra] of [[a, {}], [z, { fromLogits: true }]] as const) {
          const o = { ...extra, ignoreIndex: -100 };
          check('sparseCategoricalCrossEntropy', [input, labels], o, 4, 'xent count kept');
          check('sparseCategoricalCrossEntropy', [input, labels], { ...o, weights: rowW, classWeights: cw },
            sumOf(kept.map((r) => rowW[r]! * cw[labels[r]!]!)), 'xent Σ sw·cw[y] kept');
          check('sparseCategoricalCrossEntropy', [input, labels], { ...extra, weights: rowW, classWeights: cw, compat: 'torch' },
            sumOf(kept.map((r) => rowW[r]! * cw[labels[r]!]!)), 'torch Σ sw·cw[y] kept');
          check('sparseCategoricalCrossEntropy', [input, labels], { ...o, weights: rowW, classWeights: cw, compat: 'keras' }, 4, 'keras count kept');
          check('sparseCategoricalCrossEntropy', [input, labels], { ...o, weights: rowW, classWeights: cw, compat: 'sklearn' },
            sumOf(kept.map((r) => rowW[r]!)), 'sklearn Σ sw kept');
          const none = flat(X.sparseCategoricalCrossEntropy!(input, labels, { ...o, reduction: 'none' }));
          expect(none[2], 'an ignored row costs 0').toBe(0);
        }
      });

      it('nothing counted: xent 0, torch and keras NaN, sklearn throws', () => {
        const all = [-100, -100, -100, -100, -100];
        expect(xent.sparseCategoricalCrossEntropy(a, all, { ignoreIndex: -100 })).toBe(0);
        expect(xent.sparseCategoricalCrossEntropy(a, all, { compat: 'torch' })).toBeNaN();
        expect(xent.sparseCategoricalCrossEntropy(a, all, { compat: 'keras', ignoreIndex: -100 })).toBeNaN();
        expect(() => xent.sparseCategoricalCrossEntropy(a, all, { compat: 'sklearn', ignoreIndex: -100 })).toThrow(RangeError);
        expect(xent.sparseCategoricalCrossEntropy(a, all, { ignoreIndex: -100, reduction: 'sum' })).toBe(0);
        const zeros = [0, 0, 0, 0, 0];
        expect(xent.binaryCrossEntropy(a, y, { weights: zeros })).toBe(0);
        expect(xent.quadraticCost(a, y, { weights: zeros })).toBe(0);
        expect(() => xent.binaryCrossEntropy(a, y, { weights: zeros, compat: 'sklearn' })).toThrow(/^binaryCrossEntropy: .*weights/);
      });

      it('quadraticCost and logLoss', () => {
        check('quadraticCost', [z, a], {}, rows, 'quadratic');
        check('quadraticCost', [z, a], { weights: rowW }, sumW, 'quadratic weighted');
        const yTrue = [2, 0, 1, 3, 3];
        check('logLoss', [yTrue, yDist], {}, rows, 'logLoss');
        check('logLoss', [yTrue, yDist], { weights: rowW }, sumW, 'logLoss weighted');
        check('logLoss', [yTrue, a], { weights: rowW, compat: 'sklearn' }, sumW, 'logLoss sklearn weighted');
      });

      it("the gradient of 'mean' is the gradient of 'sum' divided by the same divisor", () => {
        const gs = flat(xent.grad.categoricalCrossEntropy(z, yDist, { fromLogits: true, weights: rowW, classWeights: cw, reduction: 'sum' }));
        const gm = flat(xent.grad.categoricalCrossEntropy(z, yDist, { fromLogits: true, weights: rowW, classWeights: cw }));
        const s = xent.categoricalCrossEntropy(z, yDist, { fromLogits: true, weights: rowW, classWeights: cw, reduction: 'sum' });
        const m = xent.categoricalCrossEntropy(z, yDist, { fromLogits: true, weights: rowW, classWeights: cw });
        expectClose(gm, gs.map((g) => (g * m) / s), 1e-12, 1e-16);
        const gn = flat(xent.grad.binaryCrossEntropy(a, y, { reduction: 'none', weights: elemW }));
        const gsum = flat(xent.grad.binaryCrossEntropy(a, y, { reduction: 'sum', weights: elemW }));
        expect(gn).toEqual(gsum);
      });
    });

    // ---------------------------------------------------------------------------------------------
    describe('no shared state; memory given back', () => {
      /** A fixed list of calls with results to compare exactly; `big` forces wasm memory to grow. */
      function script(seed: number): ((x: Xent) => unknown)[] {
        const r = mulberry32(seed);
        const big = 1 << 15;
        const bigA = uniform(r, big, 0.05, 0.95);
        const bigY = uniform(r, big, 0, 1);
        const p = uniform(r, 12, 0.05, 0.95);
        const q = uniform(r, 12, -3, 3);
        const dd = distributions(r, 3, 4);
        return [
          (x) => x.binaryCrossEntropy(p, q.map((v) => (v > 0 ? 1 : 0)), { reduction: 'none' }),
          (x) => x.grad.categoricalCrossEntropy({ data: q, shape: [3, 4] }, { data: dd, shape: [3, 4] }, { fromLogits: true }),
          (x) => x.binaryCrossEntropy(bigA, bigY),
          (x) => x.grad.binaryCrossEntropy(bigA, bigY, { posWeight: 3 }),
          (x) => x.softmax({ data: Float32Array.from(q), shape: [3, 4] }),
          (x) => x.entropy({ data: dd, shape: [3, 4] }, { base: 2 }),
          (x) => x.grad.klDivergence(nested(dd, 3, 4), nested(distributions(mulberry32(seed + 1), 3, 4), 3, 4)),
          (x) => x.sparseCategoricalCrossEntropy(nested(p, 3, 4), [0, 3, 1], { reduction: 'none', labelSmoothing: 0.1 }),
          (x) => x.quadraticCost(bigA, bigY, { reduction: 'sum' }),
          (x) => x.logLoss([1, 0, 1, 1], Array.from(p.subarray(0, 4))),
        ];
      }
      const normal = (v: unknown) => JSON.parse(JSON.stringify(v, (_k, x) => (ArrayBuffer.isView(x) ? { typed: x.constructor.name, v: Array.from(x as Float64Array) } : x)));

      it('two instances used interleaved give the results each gives alone, and hold no memory after', async () => {
        const one = await createXent({ backend });
        const two = await createXent({ backend });
        const s1 = script(1);
        const s2 = script(2);
        const alone1 = await createXent({ backend });
        const alone2 = await createXent({ backend });
        const want1 = s1.map((f) => normal(f(alone1)));
        const want2 = s2.map((f) => normal(f(alone2)));
        const start1 = one.liveBytes();
        const start2 = two.liveBytes();
        for (let round = 0; round < 2; round++) {
          for (let i = 0; i < s1.length; i++) {
            // Reverse order for the second instance, so different kernels and sizes interleave.
            const j = s2.length - 1 - i;
            const got2 = normal(s2[j]!(two));
            const got1 = normal(s1[i]!(one));
            expect(got1, `instance one, call ${i}, round ${round}`).toEqual(want1[i]);
            expect(got2, `instance two, call ${j}, round ${round}`).toEqual(want2[j]);
          }
        }
        expect(one.liveBytes()).toBe(start1);
        expect(two.liveBytes()).toBe(start2);
        // The two scripts really differ, so the comparison can catch a mix-up.
        expect(want1[0]).not.toEqual(want2[0]);
        // Disposing one instance leaves the other working.
        two.dispose();
        expect(normal(s1[3]!(one))).toEqual(want1[3]);
        one.dispose();
        alone1.dispose();
        alone2.dispose();
      });

      it('liveBytes returns to its starting value after every kind of call', () => {
        const before = xent.liveBytes();
        if (backend === 'reference') expect(before).toBe(0);
        for (const f of script(3)) {
          f(xent);
          expect(xent.liveBytes()).toBe(before);
        }
      });
    });

    // ---------------------------------------------------------------------------------------------
    describe('matmul', () => {
      const A23 = [[1, 2, 3], [4, 5, 6]];
      const B32 = [[7, 8], [9, 10], [11, 12]];
      const AB = [[58, 64], [139, 154]];
      it('number[][] in → number[][] out', () => {
        const got = xent.matmul(A23, B32);
        expect(got).toEqual(AB);
      });
      it('{ data, shape } in → { data: Float32Array, shape } out', () => {
        const got = xent.matmul({ data: Float64Array.from(A23.flat()), shape: [2, 3] }, { data: Float32Array.from(B32.flat()), shape: [3, 2] });
        expectLayout(got, 'packed32', 2, 2, 'keep', 'matmul');
        expect(Array.from((got as { data: Float32Array }).data)).toEqual(AB.flat());
        const t = xent.matmul(B32, A23, { transposeA: true, transposeB: true }) as number[][]; // (B32ᵀ)(A23ᵀ) = (A23·B32)ᵀ
        expect(t).toEqual([[58, 139], [64, 154]]);
      });
    });
  });
}
